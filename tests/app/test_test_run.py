"""Test on one row over HTTP: every way the rows API can fail ends in a plain message, the
draft kept and the run recorded; a run pushes only a draft Floqer does not hold; a double
submit runs once."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.app.flows import (
    CONTACT_ROWS,
    add_connection,
    curl_path,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import AppFactory, RunningApp
from tests.support import TLS, stored_json
from webapp.services import test_runs

ROW = {"email": "ada.lovelace@analytical.example", "first_name": "Ada", "last_name": "Lovelace"}


def run_fields(
    version: int, nonce: str, rows: list[tuple[str, str]] = CONTACT_ROWS
) -> dict[str, Any]:
    """The page's form as "Run on one row" posts it: the draft and the panel's test_ fields."""
    return {
        **form_fields("Contacts", "Contact", "Email", rows, version=version),
        "test_row": "new",
        "test_column": list(ROW),
        "test_value": list(ROW.values()),
        "test_nonce": nonce,
        "test_confirm": "yes",
    }


def stored_runs(app: RunningApp) -> list[dict[str, Any]]:
    """Every stored test run, its JSON columns as their values."""
    runs = [dict(row._mapping) for row in app.query("SELECT * FROM test_runs ORDER BY id")]
    for run in runs:
        run["inputs"], run["fields"] = stored_json(run["inputs"]), stored_json(run["fields"])
    return runs


def patches(app: RunningApp) -> int:
    calls: dict[str, int] = app.sandbox_calls()["by_call"]
    return sum(n for call, n in calls.items() if call.startswith("PATCH "))


def pushed_then_switched(web: httpx.Client, key: str) -> int:
    """A configuration pushed with a working key (version 2), then switched to `key`."""
    config = start_configuration(web, add_connection(web))
    assert web.post(f"/configurations/{config}/push", data=run_fields(1, "")).status_code == 303
    other = add_connection(web, key, label="Other key")
    response = web.post(f"/configurations/{config}/connection", data={"connection_id": other})
    assert response.status_code == 303
    return config


def draft_values(response: httpx.Response) -> list[str]:
    page = soup(response)
    return [str(i.get("value", "")) for i in page.select("#config-form input[name=field_value]")]


@pytest.mark.parametrize(
    ("key", "outcome", "message"),
    [
        ("floq_sandbox_429", "error", "Wait 30 seconds, then try again"),
        ("floq_sandbox_403", "error", "not allowed to open or change this"),
        ("floq_sandbox_424", "error", "Use an API key of the team member who owns the Salesforce"),
        ("floq_sandbox_noconnection", "error", "must connect Salesforce in Floqer's own app"),
        ("floq_sandbox_502", "error", "Reconnect Salesforce in Floqer's own app"),
        ("floq_sandbox_500", "error", "Floqer had a problem on its side"),
    ],
)
def test_each_rows_api_failure_reads_plainly_keeps_the_draft_and_is_recorded(
    app: RunningApp, web: httpx.Client, key: str, outcome: str, message: str
) -> None:
    config = pushed_then_switched(web, key)
    answer = web.post(f"/configurations/{config}/test-run", data=run_fields(2, f"n-{key}"))
    text = text_of(answer)
    assert message in text
    assert key not in answer.text
    assert draft_values(answer) == [v for _, v in CONTACT_ROWS]
    [run] = stored_runs(app)
    assert (run["outcome"], run["version"], run["actor"]) == (outcome, 2, "admin@acme.example")
    assert message in run["summary"]
    assert patches(app) == 1  # the draft was what Floqer held: not pushed again


def test_a_changed_draft_that_cannot_be_pushed_is_saved_shown_again_and_not_run(
    app: RunningApp, web: httpx.Client
) -> None:
    config = pushed_then_switched(web, "floq_sandbox_429")
    rows = [*CONTACT_ROWS, ("Title", "Head of RevOps")]
    answer = web.post(f"/configurations/{config}/test-run", data=run_fields(2, "n1", rows))
    text = text_of(answer)
    assert "Floqer did not take it, so nothing was run" in text
    assert "Wait 30 seconds" in text
    assert draft_values(answer) == [v for _, v in rows]
    [run] = stored_runs(app)
    assert (run["outcome"], run["version"], run["row_id"]) == ("error", 3, "")
    assert "floq_sandbox_429" not in answer.text


def test_a_cell_that_never_finishes_ends_as_a_timeout(start_app: AppFactory) -> None:
    app = start_app(test_run_wait_seconds=1.0)
    with app.signed_in() as web:
        config = pushed_then_switched(web, "floq_sandbox_stuckrun")
        answer = web.post(f"/configurations/{config}/test-run", data=run_fields(2, "n1"))
        assert draft_values(answer) == [v for _, v in CONTACT_ROWS]
        [run] = stored_runs(app)
        assert run["outcome"] in ("waiting", "timeout")
        for _ in range(50):
            if stored_runs(app)[0]["outcome"] != "waiting":
                break
            time.sleep(0.1)
            polled = web.post(f"/configurations/{config}/test-run/poll", data={"run_id": run["id"]})
        [run] = stored_runs(app)
        assert run["outcome"] == "timeout"
        assert "did not finish the run within 1 second" in text_of(polled)
        assert "The row stays in the sheet and may still run" in text_of(polled)


def test_without_javascript_check_again_answers_the_whole_page(
    app: RunningApp, web: httpx.Client
) -> None:
    config = pushed_then_switched(web, "floq_sandbox_stuckrun")
    answer = web.post(f"/configurations/{config}/test-run", data=run_fields(2, "n1"))
    check = soup(answer).select_one("noscript form")
    assert check is not None
    assert check["action"] == f"/configurations/{config}/test-run/check"
    [run] = stored_runs(app)
    page = web.post(str(check["action"]), data={"run_id": run["id"], "csrf_token": "x"})
    assert page.status_code == 200
    assert soup(page).select_one("#config-form") is not None
    assert "in Floqer…" in text_of(page)  # queued or running, still followed


def test_stop_waiting_ends_the_wait(app: RunningApp, web: httpx.Client) -> None:
    config = pushed_then_switched(web, "floq_sandbox_stuckrun")
    web.post(f"/configurations/{config}/test-run/start", data=run_fields(2, "n1"))
    [run] = stored_runs(app)
    assert run["outcome"] == "waiting"
    answer = web.post(f"/configurations/{config}/test-run/cancel", data={"run_id": run["id"]})
    assert "You stopped waiting" in text_of(answer)
    assert stored_runs(app)[0]["outcome"] == "cancelled"


def test_a_run_pushes_a_changed_draft_once_and_the_same_form_twice_runs_once(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    answers = [
        web.post(f"/configurations/{config}/test-run/start", data=run_fields(1, "same"))
        for _ in range(2)
    ]
    assert all("Inserted" in text_of(answer) for answer in answers)
    assert "Version 2 was sent to Floqer before the run" in text_of(answers[0])
    # The page's state line and push history follow that push, out of band.
    state = soup(answers[0]).select_one("#floqer-state[hx-swap-oob]")
    assert state is not None
    assert "In Floqer: this version" in state.get_text(" ")
    meta = soup(answers[0]).select_one("#page-meta[hx-swap-oob]")
    assert meta is not None
    assert " ".join(meta.get_text(" ").split()).startswith("v2 · Versions (2)")
    history = soup(answers[0]).select_one("#push-history[hx-swap-oob]")
    assert history is not None
    assert "Version 2" in history.get_text(" ")
    answer = answers[1]
    assert patches(app) == 1
    [run] = stored_runs(app)
    assert (run["outcome"], run["operation_type"], run["version"]) == ("complete", "Insert", 2)
    assert run["inputs"]["email"] == "ada.lovelace@analytical.example"
    again = web.post(f"/configurations/{config}/test-run/start", data=run_fields(2, "other"))
    assert "Updated" in text_of(again)
    assert "was sent to Floqer before the run" not in text_of(again)
    assert soup(again).select_one("#push-history") is None
    assert patches(app) == 1  # Floqer holds version 2 already
    # htmx answers carry the form's new base version (the draft became version 2).
    assert soup(answer).select_one("#base-version[hx-swap-oob]")["value"] == "2"  # type: ignore[index]


def test_without_the_confirmation_nothing_is_saved_or_run(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    fields = {**run_fields(1, "n1"), "test_confirm": ""}
    answer = web.post(f"/configurations/{config}/test-run", data=fields)
    assert answer.status_code == 422
    assert "Tick “I understand this writes to Salesforce” first" in text_of(answer)
    assert draft_values(answer) == [v for _, v in CONTACT_ROWS]
    assert stored_runs(app) == []
    assert patches(app) == 0


def test_only_the_newest_runs_are_kept(
    app: RunningApp, web: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every table has a bound: the oldest runs of a configuration go first (the app runs in
    a thread of this process, so its bound can be made small here)."""
    monkeypatch.setattr(test_runs, "MAX_RUNS_KEPT", 3)
    config = pushed_then_switched(web, "floq_sandbox_429")
    for n in range(5):
        web.post(f"/configurations/{config}/test-run/start", data=run_fields(2, f"n{n}"))
    kept = stored_runs(app)
    assert [run["nonce"] for run in kept] == ["n2", "n3", "n4"]
    panel = soup(web.get(f"/configurations/{config}/test-run"))
    assert len(panel.select("table.test-runs tbody tr")) == 3


def test_in_sandbox_mode_the_warning_names_the_simulated_org_and_the_record_link_opens_it(
    start_app: AppFactory,
) -> None:
    app = start_app(embedded=True)
    with app.signed_in() as web:
        config = start_configuration(web, 1)
        panel = text_of(web.get(f"/configurations/{config}/test-run"))
        assert (
            "This writes one record to the sandbox's simulated Salesforce org (connection "
            "“Sandbox (demo org)”); nothing reaches a real org."
        ) in panel
        answer = web.post(f"/configurations/{config}/test-run/start", data=run_fields(1, "n1"))
        link = soup(answer).select_one("#test-run-result a[target=_blank]")
        assert link is not None
        record_id = link.get_text()
        view = httpx.get(str(link["href"]), headers={"Accept": "text/html"}, verify=TLS)
        assert f"Contact {record_id}" in text_of(view)
        assert "Lovelace" in text_of(view)


def test_a_step_changed_in_floqer_since_the_push_is_pushed_again_before_the_run(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    web.post(f"/configurations/{config}/push", data=run_fields(1, ""))
    page = web.get(f"/configurations/{config}")
    with app.sandbox_api() as api:
        changed = api.patch(curl_path(page), json={"inputs": {"ignore_empty_values": False}})
        assert changed.status_code == 200
    before = patches(app)
    answer = web.post(f"/configurations/{config}/test-run/start", data=run_fields(2, "again"))
    # The run tests version 2, not what someone set in Floqer: it is sent again first.
    assert "Version 2 was sent to Floqer before the run" in text_of(answer)
    assert patches(app) == before + 1
    assert stored_runs(app)[-1]["outcome"] == "complete"


def test_a_poll_that_finds_nothing_new_changes_nothing_on_the_page(
    app: RunningApp, web: httpx.Client
) -> None:
    config = pushed_then_switched(web, "floq_sandbox_stuckrun")
    web.post(f"/configurations/{config}/test-run/start", data=run_fields(2, "quiet"))
    [run] = stored_runs(app)
    poll = f"/configurations/{config}/test-run/poll"
    older = {"run_id": run["id"], "shown": "Sending the row to Floqer…"}
    news = web.post(poll, data=older)
    # The sandbox's run reads "queued" for its first half second, then "running" for good:
    # past that, two polls in a row find the same, however slow the machine.
    deadline = time.monotonic() + 30
    while test_runs.WAITING["running"] not in text_of(news) and time.monotonic() < deadline:
        time.sleep(0.1)
        news = web.post(poll, data=older)
    waiting = stored_runs(app)[0]["summary"]
    assert waiting == test_runs.WAITING["running"]
    assert waiting in text_of(news)  # the page showed older words: it is told
    again = web.post(poll, data={"run_id": run["id"], "shown": waiting})
    assert again.status_code == 204  # the same words: no swap, no announcement
    assert again.content == b""
