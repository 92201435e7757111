"""No lost edit: every form carries the version it was opened at, a save against an older one
gets the 409 page (with the draft), and every acknowledged save is exactly one stored body."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from bs4 import Tag

from tests.app.flows import (
    CONTACT_ROWS,
    add_connection,
    base_version,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import RunningApp
from tests.support import stored_json

EDITOR = ("editor@acme.example", "editor-session-token-0123456789abcdef")


def versions(app: RunningApp, config: int) -> list[tuple[int, str, dict[str, Any]]]:
    rows = app.query(
        "SELECT version, author, body FROM configuration_versions "
        "WHERE configuration_id = :config ORDER BY version",
        config=config,
    )
    return [(v, author, stored_json(body)) for v, author, body in rows]


def head(app: RunningApp, config: int) -> tuple[int, dict[str, Any]]:
    [(version, body)] = app.query(
        "SELECT version, body FROM configurations WHERE id = :config", config=config
    )
    return version, stored_json(body)


def hidden_form(page: httpx.Response, button: str) -> tuple[str, dict[str, list[str]]]:
    """The action and fields of the form whose button reads `button`."""
    found = soup(page).find("button", string=re.compile(re.escape(button)))
    assert isinstance(found, Tag), button
    form = found.find_parent("form")
    assert isinstance(form, Tag)
    fields: dict[str, list[str]] = {}
    for field in form.find_all("input"):
        fields.setdefault(str(field["name"]), []).append(str(field.get("value", "")))
    return str(form["action"]), fields


def test_a_save_against_an_older_version_gets_the_409_page_and_keeps_the_draft(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    app.add_user(EDITOR[0], "editor", EDITOR[1])
    mine = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)  # opened at version 1
    theirs = form_fields("Contacts", "Contact", "Email", [("Email", "{{input.email}}")])
    with app.signed_in(EDITOR[1]) as editor:
        saved = editor.post(f"/configurations/{config}/save", data=theirs)
    assert saved.headers["location"].endswith("notice=saved-v2")

    refused = web.post(f"/configurations/{config}/save", data=mine)
    assert refused.status_code == 409
    text = text_of(refused)
    assert f"was changed by {EDITOR[0]} at " in text
    assert "it is now at version 2, and you started from version 1" in text
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in soup(refused).select("table.diff tbody tr")
    ]
    # Setting, the version the draft started from, theirs, the draft: who changed what.
    assert rows == [
        ["Field LastName", "(not mapped)", "(not mapped)", "{{input.last_name}} your change"],
        ["Field FirstName", "(not mapped)", "(not mapped)", "{{input.first_name}} your change"],
    ]
    assert head(app, config)[0] == 2  # nothing of the stale draft was stored

    # "Keep mine" posts the draft again, based on version 2: it becomes version 3.
    action, fields = hidden_form(refused, "Keep mine as version 3")
    kept = web.post(action, data=fields)
    assert kept.headers["location"].endswith("notice=saved-v3")
    stored = versions(app, config)
    assert [(v, author) for v, author, _ in stored] == [
        (1, "admin@acme.example"),
        (2, EDITOR[0]),
        (3, "admin@acme.example"),
    ]
    assert [r["name"] for r in stored[2][2]["inputs"]["add_fields_and_their_values"]] == [
        "Email",
        "LastName",
        "FirstName",
    ]
    # "Take theirs" is the page at the current version.
    take = soup(refused).find("a", string=re.compile("Take theirs"))
    assert isinstance(take, Tag)
    assert take["href"] == f"/configurations/{config}"


def test_a_push_against_an_older_version_pushes_nothing(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    web.post(f"/configurations/{config}/save", data=form_fields("A", "Contact", "Email", []))
    stale = form_fields("B", "Contact", "Email", CONTACT_ROWS)  # opened at version 1
    refused = web.post(f"/configurations/{config}/push", data=stale)
    assert refused.status_code == 409
    assert "Nothing of yours was saved or pushed yet" in text_of(refused)
    calls = app.sandbox_calls()["by_call"]
    assert not [c for c in calls if c.startswith("PATCH ")]
    action, fields = hidden_form(refused, "Keep mine as version 3 and push it")
    assert action == f"/configurations/{config}/push"
    web.post(action, data=fields)
    assert "Pushed to Floqer" in text_of(web.get(f"/configurations/{config}"))


def test_the_same_draft_as_stored_is_no_conflict(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    draft = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
    web.post(f"/configurations/{config}/save", data=draft)
    again = web.post(f"/configurations/{config}/save", data=draft)  # still says version 1
    assert again.headers["location"].endswith("notice=unchanged")


def test_a_form_without_its_version_is_refused_plainly(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    draft = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
    del draft["base_version"]
    refused = web.post(f"/configurations/{config}/save", data=draft)
    assert refused.status_code == 400
    assert "did not say which version it was opened at" in text_of(refused)


def test_fifty_concurrent_savers_lose_nothing_and_each_version_names_one_body(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    savers = 50

    def save(n: int) -> tuple[int, list[int]]:
        """Open the form, save a draft of one's own; after a 409, open it again (3 tries)."""
        statuses: list[int] = []
        with app.signed_in() as client:
            for _ in range(3):
                rows = [("Email", "{{input.email}}"), ("LastName", f"saver {n}")]
                draft = form_fields("Contacts", "Contact", "Email", rows)
                draft["base_version"] = str(base_version(client, config))
                answer = client.post(f"/configurations/{config}/save", data=draft)
                statuses.append(answer.status_code)
                if answer.status_code == 303:
                    match = re.search(r"notice=saved-v(\d+)$", answer.headers["location"])
                    assert match, answer.headers["location"]
                    return int(match.group(1)), statuses
                assert answer.status_code == 409, text_of(answer)
                assert f"saver {n}" in answer.text  # the draft came back
        return 0, statuses

    with ThreadPoolExecutor(max_workers=savers) as pool:
        outcomes = list(pool.map(save, range(savers)))

    acknowledged = {n: version for n, (version, _) in enumerate(outcomes) if version}
    statuses = {s for _, tries in outcomes for s in tries}
    assert statuses <= {303, 409}  # never a 500, never "database is locked"
    assert len(set(acknowledged.values())) == len(acknowledged)  # no version acknowledged twice
    stored = {v: body for v, _, body in versions(app, config)}
    assert sorted(stored) == list(range(1, len(acknowledged) + 2))  # contiguous, no gap
    for n, version in acknowledged.items():  # each acknowledgement names exactly its body
        rows = stored[version]["inputs"]["add_fields_and_their_values"]
        assert rows[1]["value"] == f"saver {n}"
    assert head(app, config) == (max(stored), stored[max(stored)])
    assert len(acknowledged) >= 3  # the retries got through: the conflicts were not fatal
