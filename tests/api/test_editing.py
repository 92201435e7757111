"""Changing a configuration through the API: save (409 on a stale base, 422 per field),
versions, restore, pre-flight, push (once per Idempotency-Key; refused on errors unless
forced; Floqer's refusal as the envelope) and pull, with the rows and audit lines stored."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.api.helpers import CONTACT, LEAD, api, audit_lines, body, envelope, patches, stored
from tests.app.flows import CONTACT_ROWS, add_connection, start_configuration
from tests.conftest import AppFactory
from tests.security.helpers import EDITOR, create_api_token
from tests.support import RunningApp, stored_json


def test_a_save_makes_the_next_version_and_a_stale_one_is_a_conflict_naming_the_head(
    app: RunningApp, config: int, editor: str
) -> None:
    url = f"/api/v1/configurations/{config}/versions"
    with api(app, editor) as client:
        saved = client.post(url, json={"base_version": 1, "name": "Contacts", "body": CONTACT})
        again = client.post(url, json={"base_version": 2, "body": CONTACT})
        stale = client.post(url, json={"base_version": 1, "body": body("Contact", "Email", [])})
        read = client.get(f"/api/v1/configurations/{config}")

    assert saved.status_code == 200, saved.text
    assert saved.json() == {
        "configuration_id": config, "version": 2, "created": True, "renamed": True
    }  # fmt: skip
    assert again.json()["created"] is False  # the same body: nothing saved
    assert stored(app, config) == {"version": 2, "name": "Contacts", "body": CONTACT | {
        "inputs": CONTACT["inputs"] | {
            "force_update_on_collision": False,
            "ignore_empty_values": True,
            "run_salesforce_assignment_rules": True,
        }
    }}  # fmt: skip
    assert read.json()["body"] == stored(app, config)["body"]
    [version] = app.query(
        "SELECT author, body FROM configuration_versions WHERE configuration_id = :id "
        "AND version = 2",
        id=config,
    )
    assert version.author == "editor@acme.example (API token “CI”)"
    assert stored_json(version.body) == read.json()["body"]
    assert audit_lines(app, "configuration edited") == [
        (
            "editor@acme.example (API token “CI”)",
            "ok",
            "version 2; changed: Salesforce object, External ID field, Field Email, "
            "Field LastName, Field FirstName",
        )
    ]

    error = envelope(stale, 409, "conflict")
    assert "version 2" in error["message"]
    assert error["details"] == [{"field": "body.base_version", "message": "the head is version 2"}]
    assert stored(app, config)["version"] == 2  # nothing of the stale save was written


def test_a_malformed_body_is_422_with_each_field_at_fault_and_nothing_saved(
    app: RunningApp, config: int, editor: str
) -> None:
    wrong = {
        "inputs": {
            "salesforce_object": 7,
            "add_fields_and_their_values": [{"name": "Email"}],
            "ignore_empty_values": "yes",
        }
    }
    with api(app, editor) as client:
        answer = client.post(
            f"/api/v1/configurations/{config}/versions", json={"base_version": 1, "body": wrong}
        )
        no_base = client.post(f"/api/v1/configurations/{config}/versions", json={"body": CONTACT})
    error = envelope(answer, 422, "invalid")
    fields = {d["field"] for d in error["details"]}
    assert fields == {
        "body.body.inputs.salesforce_object",
        "body.body.inputs.add_fields_and_their_values.0.value",
        "body.body.inputs.ignore_empty_values",
    }
    assert [d["field"] for d in envelope(no_base, 422, "invalid")["details"]] == [
        "body.base_version"
    ]
    assert stored(app, config)["version"] == 1


def test_versions_are_listed_read_and_restored_and_a_viewer_token_only_reads(
    app: RunningApp, config: int, editor: str, viewer: str
) -> None:
    url = f"/api/v1/configurations/{config}"
    with api(app, editor) as client:
        client.post(f"{url}/versions", json={"base_version": 1, "body": CONTACT})
        client.post(f"{url}/versions", json={"base_version": 2, "body": LEAD})
    with api(app, viewer) as client:
        listed = client.get(f"{url}/versions")
        two = client.get(f"{url}/versions/2")
        missing = client.get(f"{url}/versions/9")
        refused = client.post(f"{url}/versions/2/restore", json={"base_version": 3})
    with api(app, editor) as client:
        stale = client.post(f"{url}/versions/2/restore", json={"base_version": 2})
        restored = client.post(f"{url}/versions/2/restore", json={"base_version": 3})

    versions = listed.json()
    assert [v["version"] for v in versions["versions"]] == [3, 2, 1]
    assert versions["total"] == 3
    assert [v["current"] for v in versions["versions"]] == [True, False, False]
    assert versions["versions"][0]["author"] == "editor@acme.example (API token “CI”)"
    assert "Lead" in versions["versions"][0]["summary"]
    assert two.json()["body"]["inputs"]["salesforce_object"] == "Contact"
    assert two.json()["current"] is False
    assert "no version 9" in envelope(missing, 404, "not_found")["message"]
    assert "acts as viewer" in envelope(refused, 403, "forbidden")["message"]
    assert envelope(stale, 409, "conflict")["details"][0]["message"] == "the head is version 3"
    assert restored.json() == {
        "configuration_id": config, "version": 4, "created": True, "renamed": False
    }  # fmt: skip
    assert stored(app, config)["body"]["inputs"]["salesforce_object"] == "Contact"
    assert audit_lines(app, "version restored") == [
        ("editor@acme.example (API token “CI”)", "ok", "version 2 restored as version 4")
    ]


def test_preflight_lists_the_problems_of_the_head_or_of_a_posted_body(
    app: RunningApp, config: int, editor: str, viewer: str
) -> None:
    url = f"/api/v1/configurations/{config}"
    with api(app, editor) as client:
        client.post(f"{url}/versions", json={"base_version": 1, "body": CONTACT})
        head = client.post(f"{url}/preflight")
        posted = client.post(f"{url}/preflight", json={"body": LEAD})
    with api(app, viewer) as client:
        refused = client.post(f"{url}/preflight")

    assert head.status_code == 200, head.text
    assert head.json()["checked"] is True
    assert [p for p in head.json()["problems"] if p["severity"] == "error"] == []
    report = posted.json()
    assert report["ready"] is False
    errors = {p["where"] for p in report["problems"] if p["severity"] == "error"}
    assert "Row 3 · NumberOfEmployees" in errors, report
    assert any("LastName" in p["message"] for p in report["problems"]), report
    assert stored(app, config)["body"]["inputs"]["salesforce_object"] == "Contact"  # not saved
    envelope(refused, 403, "forbidden")  # as on the page: the check is an editor's


def test_a_push_sends_the_head_once_per_idempotency_key_and_pull_compares(
    app: RunningApp, config: int, editor: str
) -> None:
    url = f"/api/v1/configurations/{config}"
    with api(app, editor) as client:
        client.post(f"{url}/versions", json={"base_version": 1, "body": CONTACT})
        before = patches(app)
        first = client.post(f"{url}/push", headers={"Idempotency-Key": "run-42"})
        second = client.post(f"{url}/push", headers={"Idempotency-Key": "run-42"})
        pulled = client.post(f"{url}/pull")
        client.post(
            f"{url}/versions", json={"base_version": 2, "body": body("Contact", "Email", [])}
        )
        differs = client.post(f"{url}/pull")
        state = client.get(url)

    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "pushed"
    assert first.json()["version"] == 2
    assert "Floqer accepted version 2" in first.json()["summary"]
    assert second.json() == first.json()
    assert patches(app) - before == 1
    [push] = app.query("SELECT actor, outcome FROM pushes WHERE configuration_id = :id", id=config)
    assert (push.actor, push.outcome) == ("editor@acme.example (API token “CI”)", "pushed")
    assert pulled.json()["same"] is True
    assert pulled.json()["floqer_body"]["inputs"]["add_fields_and_their_values"] == [
        {"name": n, "value": v} for n, v in CONTACT_ROWS
    ]
    assert differs.json()["same"] is False
    assert differs.json()["differences"]
    assert state.json()["push"]["last_push_status"] == "pushed"
    assert [line[1] for line in audit_lines(app, "pull")] == ["ok", "ok"]


def test_a_push_with_preflight_errors_is_refused_unless_forced_and_floqer_refusal_is_502(
    app: RunningApp, config: int, editor: str
) -> None:
    url = f"/api/v1/configurations/{config}"
    with api(app, editor) as client:
        client.post(f"{url}/versions", json={"base_version": 1, "body": LEAD})
        before = patches(app)
        refused = client.post(f"{url}/push")
        after_refusal = patches(app)
        forced = client.post(f"{url}/push", json={"force": True})

    error = envelope(refused, 422, "invalid")
    assert "nothing was pushed" in error["message"]
    assert any(d["field"] == "Row 3 · NumberOfEmployees" for d in error["details"]), error
    assert after_refusal == before
    assert audit_lines(app, "push")[0][:2] == (
        "editor@acme.example (API token “CI”)",
        "refused",
    )
    # Forced, the push reaches Floqer (the sandbox takes it: Salesforce would refuse rows).
    assert forced.status_code == 200, forced.text
    assert forced.json()["outcome"] == "pushed"
    assert patches(app) - after_refusal == 1


@pytest.mark.parametrize(
    ("key", "status", "code", "message"),
    [
        ("floq_sandbox_500", 502, "floqer_error", "Floqer had a problem on its side"),
        ("floq_sandbox_429", 503, "floqer_busy", "Wait 30 seconds, then try again"),
        ("floq_sandbox_slow", 504, "floqer_timeout", "Floqer took too long to answer"),
    ],
)
def test_floqer_failures_of_a_push_are_the_envelope_with_the_plain_message_and_recorded(
    start_app: AppFactory, key: str, status: int, code: str, message: str
) -> None:
    app = start_app(floqer_timeout_seconds=2.0, sandbox={"slow_key_seconds": 3.0})
    app.add_user(EDITOR.email, EDITOR.role, EDITOR.token, EDITOR.csrf)
    token = create_api_token(app, EDITOR, "CI", "editor")
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web))
        other = add_connection(web, key, label="Other key")
        web.post(f"/configurations/{config}/connection", data={"connection_id": other})
    with api(app, token) as client:
        failed = client.post(f"/api/v1/configurations/{config}/push", json={"force": True})
    error = envelope(failed, status, code)
    assert message in error["message"]
    assert key not in failed.text
    [push] = app.query("SELECT outcome FROM pushes WHERE configuration_id = :id", id=config)
    assert push.outcome in ("failed", "unknown")


def test_two_identical_pushes_at_once_push_once(app: RunningApp, config: int, editor: str) -> None:
    url = f"/api/v1/configurations/{config}"
    with api(app, editor) as client:
        client.post(f"{url}/versions", json={"base_version": 1, "body": CONTACT})
    before = patches(app)

    def push_once(_: int) -> httpx.Response:
        with api(app, editor, **{"Idempotency-Key": "double-click"}) as client:
            return client.post(f"{url}/push")

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(push_once, range(2)))
    assert patches(app) - before == 1
    for answer in answers:  # the push, or "on its way" while the other is sending it
        if answer.status_code == 409:
            envelope(answer, 409, "push_in_progress")
        else:
            assert answer.status_code == 200, answer.text
            assert answer.json()["outcome"] in ("pushed", "sending")
    assert len(app.query("SELECT id FROM pushes WHERE configuration_id = :id", id=config)) == 1


def test_a_push_already_on_its_way_is_409_push_in_progress(
    app: RunningApp, config: int, editor: str
) -> None:
    url = f"/api/v1/configurations/{config}"
    with api(app, editor) as client:
        client.post(f"{url}/versions", json={"base_version": 1, "body": CONTACT})
        app.query(
            "UPDATE configurations SET push_lease_until = :until WHERE id = :id",
            until="2999-01-01 00:00:00",
            id=config,
        )
        before = patches(app)
        busy = client.post(f"{url}/push")
    error = envelope(busy, 409, "push_in_progress")
    assert "on its way" in error["message"]
    assert patches(app) == before


def test_rename_switch_connection_and_delete_as_the_page_does(
    app: RunningApp, web: httpx.Client, config: int, editor: str, viewer: str
) -> None:
    other = add_connection(web, "floq_test_0002", label="Owner's key")
    url = f"/api/v1/configurations/{config}"
    with api(app, viewer) as reader:
        refused = reader.patch(url, json={"name": "Nope"})
    with api(app, editor) as client:
        nothing = client.patch(url, json={})
        blank = client.patch(url, json={"name": "   "})
        renamed = client.patch(url, json={"name": "Webinar contacts", "connection_id": other})
        unknown = client.patch(url, json={"connection_id": 99999})
        gone = client.delete(url)
        after = client.get(url)

    envelope(refused, 403, "forbidden")
    assert envelope(nothing, 422, "invalid")["message"].startswith("Nothing to change")
    assert envelope(blank, 422, "invalid")["details"][0]["field"] == "body.name"
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Webinar contacts"
    assert renamed.json()["connection_id"] == other
    envelope(unknown, 404, "not_found")
    assert gone.json() == {"configuration_id": config, "deleted": True}
    envelope(after, 404, "not_found")
    assert app.query("SELECT id FROM configurations WHERE id = :id", id=config) == []
    edits = [detail for _, _, detail in audit_lines(app, "configuration edited")]
    assert edits[-2:] == [
        "renamed from Inbound leads → Salesforce · Upsert to Salesforce",
        "now uses connection Owner's key",
    ]
    deleted = audit_lines(app, "configuration deleted")
    assert deleted == [(f"{EDITOR.email} (API token “CI”)", "ok", "")]


def test_taking_floqers_version_saves_what_the_step_holds_and_a_stale_base_conflicts(
    app: RunningApp, config: int, editor: str
) -> None:
    url = f"/api/v1/configurations/{config}"
    with api(app, editor) as client:
        client.post(f"{url}/versions", json={"base_version": 1, "body": CONTACT})  # now v2
        floqer_now = client.post(f"{url}/pull").json()["floqer_body"]
        taken = client.post(f"{url}/take-floqer-version", json={"base_version": 2})
        client.post(f"{url}/versions", json={"base_version": 3, "body": CONTACT})  # now v4
        stale = client.post(f"{url}/take-floqer-version", json={"base_version": 3})

    assert taken.status_code == 200, taken.text
    assert taken.json()["version"] == 3
    envelope(stale, 409, "conflict")
    third = app.query(
        "SELECT note, body FROM configuration_versions WHERE configuration_id = :id "
        "AND version = 3",
        id=config,
    )[0]
    assert stored_json(third.body) == floqer_now
    assert "taken from Floqer" in third.note
