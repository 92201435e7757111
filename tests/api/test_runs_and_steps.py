"""Through the API, what the page's "Test on one row", Compare and "Apply this mapping to
other steps" do: the sheet's rows, a preview, a run that pushes the head first and is
followed to its record, once per Idempotency-Key; versions compared (with Floqer's step
too); the mapping applied to other steps, with the stored versions, pushes and audit lines."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.api.helpers import CONTACT, LEAD, api, audit_lines, body, envelope, patches, stored
from tests.app.flows import ACCOUNT_SYNC, add_connection, start_configuration
from tests.security.helpers import all_rows
from tests.support import RunningApp

ADA = {"email": "ada.lovelace@analytical.example", "first_name": "Ada", "last_name": "Lovelace"}


def runs_url(config: int) -> str:
    return f"/api/v1/configurations/{config}/test-runs"


def saved_contact(client: httpx.Client, config: int) -> None:
    """Version 2 of the configuration: Contact by Email, three fields (not pushed)."""
    saved = client.post(
        f"/api/v1/configurations/{config}/versions", json={"base_version": 1, "body": CONTACT}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 2


def followed(client: httpx.Client, config: int, run: dict[str, Any]) -> dict[str, Any]:
    """The run checked again until it ends (bounded: 100 checks, 0.05 s apart)."""
    for _ in range(100):
        if run["done"]:
            return run
        time.sleep(0.05)
        answer = client.post(f"{runs_url(config)}/{run['id']}/check")
        assert answer.status_code == 200, answer.text
        run = answer.json()
    raise AssertionError(f"the run never ended: {run}")


def test_a_run_pushes_the_head_first_writes_the_record_and_runs_once_per_key(
    app: RunningApp, config: int, editor: str
) -> None:
    with api(app, editor) as client:
        saved_contact(client, config)
        rows = client.get(f"/api/v1/configurations/{config}/sheet-rows")
        preview = client.post(f"{runs_url(config)}/preview", json={"values": ADA})
        unconfirmed = client.post(runs_url(config), json={"values": ADA, "confirm": False})
        assert all_rows(app, "SELECT id FROM test_runs") == []
        assert patches(app) == 0
        headers = {"Idempotency-Key": "run-ada-1"}
        started = client.post(
            runs_url(config), json={"values": ADA, "confirm": True}, headers=headers
        )
        assert started.status_code == 200, started.text
        run = followed(client, config, started.json())
        again = client.post(
            runs_url(config), json={"values": ADA, "confirm": True}, headers=headers
        )
        read = client.get(f"{runs_url(config)}/{run['id']}")
        listed = client.get(runs_url(config))

    columns = rows.json()["columns"]
    assert {"email", "first_name", "last_name"} <= set(columns), rows.text
    by_name = {f["name"]: f for f in preview.json()["fields"]}
    assert by_name["Email"]["resolved"] == ADA["email"]
    assert by_name["Email"]["is_key"] is True
    assert by_name["LastName"]["action"] == "send"
    assert preview.json()["key_problem"] is None
    error = envelope(unconfirmed, 422, "invalid")
    assert "writes one record to the Salesforce org" in error["message"]
    assert error["details"] == [{"field": "body.confirm", "message": "must be true"}]

    assert run["outcome"] == "complete", run
    assert (run["operation_type"], run["version"], run["row_source"]) == ("Insert", 2, "new")
    assert run["summary"] == f"Inserted {run['record_id']} in Salesforce."
    assert run["record_id"]
    assert run["record_url"].startswith("http")
    assert run["inputs"]["email"] == ADA["email"]
    assert run["actor"] == "editor@acme.example (API token “CI”)"
    # The head was pushed once, before the run; the same key answered with the same run.
    assert patches(app) == 1
    assert again.json() == read.json() == run
    assert [r["id"] for r in listed.json()["runs"]] == [run["id"]]
    [stored_run] = all_rows(app, "SELECT outcome, version, record_id FROM test_runs")
    assert stored_run == {"outcome": "complete", "version": 2, "record_id": run["record_id"]}
    assert [line[:2] for line in audit_lines(app, "test run")] == [
        ("editor@acme.example (API token “CI”)", "started")
    ]


def test_a_row_of_the_sheet_runs_again_and_updates_its_record(
    app: RunningApp, config: int, editor: str
) -> None:
    with api(app, editor) as client:
        saved_contact(client, config)
        first = followed(
            client,
            config,
            client.post(runs_url(config), json={"values": ADA, "confirm": True}).json(),
        )
        rows = client.get(f"/api/v1/configurations/{config}/sheet-rows").json()["rows"]
        newest = rows[0]
        again = client.post(runs_url(config), json={"row_id": newest["row_id"], "confirm": True})
        second = followed(client, config, again.json())
        gone = client.post(runs_url(config), json={"row_id": "no-such-row", "confirm": True})

    assert newest["row_id"] == first["row_id"]
    assert newest["values"]["email"] == ADA["email"]
    assert (second["row_source"], second["operation_type"]) == ("existing", "Update")
    assert second["record_id"] == first["record_id"]
    error = envelope(gone, 404, "not_found")
    assert "no longer in the sheet" in error["message"]
    assert len(all_rows(app, "SELECT id FROM test_runs")) == 2


def test_errors_the_check_finds_or_an_unknown_column_run_nothing(
    app: RunningApp, config: int, editor: str
) -> None:
    with api(app, editor) as client:
        typo = client.post(runs_url(config), json={"values": {"e_mail": "x"}, "confirm": True})
        lead = client.post(
            f"/api/v1/configurations/{config}/versions", json={"base_version": 1, "body": LEAD}
        )
        assert lead.status_code == 200, lead.text
        refused = client.post(runs_url(config), json={"values": ADA, "confirm": True})

    error = envelope(typo, 422, "invalid")
    assert error["message"].startswith("The sheet has no input column e_mail: its columns are ")
    assert "email" in error["message"]
    error = envelope(refused, 422, "invalid")
    assert "Salesforce would refuse on every row: nothing was pushed" in error["message"]
    assert any("read-only" in d["message"] for d in error["details"]), error
    assert all_rows(app, "SELECT id FROM test_runs") == []
    assert patches(app) == 0
    assert stored(app, config)["version"] == 2  # the head stays as saved


def test_a_run_that_waits_can_be_stopped_and_read_as_ended(
    app: RunningApp, web: httpx.Client, editor: str
) -> None:
    config = start_configuration(web, add_connection(web, "floq_sandbox_stuckrun"))
    with api(app, editor) as client:
        saved_contact(client, config)
        run = client.post(runs_url(config), json={"values": ADA, "confirm": True}).json()
        checked = client.post(f"{runs_url(config)}/{run['id']}/check").json()
        stopped = client.post(f"{runs_url(config)}/{run['id']}/cancel")
        missing = client.post(f"{runs_url(config)}/{run['id'] + 1000}/cancel")

    assert (run["outcome"], run["done"]) == ("waiting", False)
    assert checked["outcome"] == "waiting"
    assert (stopped.json()["outcome"], stopped.json()["done"]) == ("cancelled", True)
    assert stopped.json()["summary"].startswith("You stopped waiting.")
    assert envelope(missing, 404, "not_found")["message"].endswith(
        f"no test run {run['id'] + 1000}."
    )
    assert all_rows(app, "SELECT outcome FROM test_runs") == [{"outcome": "cancelled"}]


def test_versions_compare_setting_by_setting_and_with_floqer(
    app: RunningApp, config: int, editor: str, viewer: str
) -> None:
    with api(app, editor) as client:
        saved_contact(client, config)
    with api(app, viewer) as client:
        default = client.get(f"/api/v1/configurations/{config}/compare")
        floqer = client.get(
            f"/api/v1/configurations/{config}/compare", params={"a": "2", "b": "floqer"}
        )
        missing = client.get(f"/api/v1/configurations/{config}/compare", params={"a": "9"})
        wrong = client.get(f"/api/v1/configurations/{config}/compare", params={"b": "latest"})

    shown = default.json()
    assert (shown["a"], shown["b"]) == (
        {"label": "Version 1", "version": 1},
        {"label": "Version 2", "version": 2},
    )
    changed = {row["what"]: row for row in shown["rows"] if row["change"] != "same"}
    assert changed["Salesforce object"] == {
        "what": "Salesforce object",
        "a": "(empty)",
        "b": "Contact",
        "change": "changed",
    }
    assert set(changed) == {
        "Salesforce object",
        "External ID field",
        "Field Email",
        "Field LastName",
        "Field FirstName",
    }
    assert all(
        changed[f"Field {n}"]["change"] == "added" for n in ("Email", "LastName", "FirstName")
    )
    # Floqer's step still holds version 1 (empty): the same differences, the other way round.
    against = floqer.json()
    assert against["b"] == {"label": "Floqer's step now", "version": None}
    assert against["floqer_failure"] is None
    removed = [row["what"] for row in against["rows"] if row["change"] == "removed"]
    assert removed == ["Field Email", "Field LastName", "Field FirstName"]
    assert "has no version 9" in envelope(missing, 404, "not_found")["message"]
    assert "is not a version number" in envelope(wrong, 422, "invalid")["message"]


def test_the_mapping_applies_to_the_chosen_steps_with_a_version_and_a_push_each(
    app: RunningApp, web: httpx.Client, editor: str
) -> None:
    connection = add_connection(web)
    source = start_configuration(web, connection, ACCOUNT_SYNC)
    mapping = body("Contact", "Email", [("Email", "{{input.email}}"), ("LastName", "Unknown")])
    with api(app, editor) as client:
        saved = client.post(
            f"/api/v1/configurations/{source}/versions", json={"base_version": 1, "body": mapping}
        )
        assert saved.status_code == 200, saved.text
        listed = client.get(f"/api/v1/configurations/{source}/other-steps").json()
        inbound = [s for s in listed["steps"] if s["where"].startswith("Inbound leads")]
        chosen = [{"key": s["key"], "base_version": s["base_version"]} for s in inbound[:1]]
        stale = client.post(
            f"/api/v1/configurations/{source}/apply-to-steps",
            json={"source_version": 1, "steps": chosen},
        )
        applied = client.post(
            f"/api/v1/configurations/{source}/apply-to-steps",
            json={"source_version": 2, "steps": chosen, "push": True},
            headers={"Idempotency-Key": "apply-1"},
        )
        again = client.post(
            f"/api/v1/configurations/{source}/apply-to-steps",
            json={"source_version": 2, "steps": chosen, "push": True},
            headers={"Idempotency-Key": "apply-1"},
        )

    assert listed["source_version"] == 2
    assert inbound, listed
    assert all(s["status"] == "new" for s in inbound), listed
    changes = {row["what"]: row["b"] for row in inbound[0]["changes"]}
    assert changes["Salesforce object"] == "Contact"
    assert "Field Email" in changes
    error = envelope(stale, 409, "conflict")
    assert "is at version 2, not 1" in error["message"]
    [result] = applied.json()["results"]
    assert result["kind"] == "success", result
    assert result["message"].startswith("Saved as version 1. Pushed")
    target = result["configuration_id"]
    assert stored(app, target)["body"]["inputs"].items() >= mapping["inputs"].items()
    [repeat] = again.json()["results"]
    assert repeat["message"].startswith("Already holds this mapping (version 1)")
    assert patches(app) == 1  # the same key pushed the step once
    assert [a for a, *_ in audit_lines(app, "mapping applied")] == [
        "editor@acme.example (API token “CI”)"
    ]
    assert result["where"].startswith(inbound[0]["where"])
