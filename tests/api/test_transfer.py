"""Export and import through the API: the browser's document, applied as the command line
applies it (each to its step, once; stops at the first that cannot be applied)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.api.helpers import CONTACT, LEAD, api, envelope
from tests.app.flows import ACCOUNT_SYNC, add_connection, start_configuration
from tests.conftest import AppFactory
from tests.security.helpers import ADMIN, create_api_token
from tests.support import RunningApp, stored_json


def strip(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's configurations without their version numbers (a fresh app's own)."""
    return [{k: v for k, v in c.items() if k != "version"} for c in document["configurations"]]


def test_export_is_the_browsers_document_and_import_on_a_fresh_app_gives_it_back(
    app: RunningApp, web: httpx.Client, start_app: AppFactory
) -> None:
    first = start_configuration(web, add_connection(web))
    second = start_configuration(web, 1, ACCOUNT_SYNC)
    token = create_api_token(app, ADMIN, "CI", "editor")
    with api(app, token) as client:
        client.post(
            f"/api/v1/configurations/{first}/versions", json={"base_version": 1, "body": CONTACT}
        )
        exported = client.get("/api/v1/export")
        one = client.get("/api/v1/export", params={"id": second})
        missing = client.get("/api/v1/export", params={"id": 999})
    page = json.loads(web.get("/export").text)
    document = exported.json()
    assert exported.status_code == 200, exported.text
    assert {k: v for k, v in document.items() if k != "exported_at"} == {
        k: v for k, v in page.items() if k != "exported_at"
    }
    assert [c["step"]["workflow_name"] for c in one.json()["configurations"]] == [ACCOUNT_SYNC]
    envelope(missing, 404, "not_found")

    fresh = start_app()
    with fresh.signed_in() as admin:
        add_connection(admin)
    fresh_token = create_api_token(fresh, ADMIN, "CI", "editor")
    with api(fresh, fresh_token) as client:
        applied = client.post("/api/v1/import", json=document)
        again = client.post("/api/v1/import", json=document)
        back = client.get("/api/v1/export")
    assert applied.status_code == 200, applied.text
    assert [c["status"] for c in applied.json()["configurations"]] == ["new", "new"]
    assert all(c["saved"] and not c["pushed"] for c in applied.json()["configurations"])
    assert [c["status"] for c in again.json()["configurations"]] == ["unchanged", "unchanged"]
    assert not any(c["saved"] for c in again.json()["configurations"])
    assert strip(back.json()) == strip(document)
    rows = fresh.query("SELECT body FROM configurations ORDER BY id")
    assert [stored_json(r.body) for r in rows] == [c["body"] for c in document["configurations"]]
    [line] = fresh.query(
        "SELECT DISTINCT actor FROM audit_events WHERE action = :a", a="configuration applied"
    )
    assert line.actor == f"{ADMIN.email} (API token “CI”)"


def test_an_import_stops_at_pre_flight_errors_unless_forced_and_refuses_a_bad_document(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    token = create_api_token(app, ADMIN, "CI", "editor")
    with api(app, token) as client:
        document = client.get("/api/v1/export").json()
        document["configurations"][0]["body"] = LEAD
        stopped = client.post("/api/v1/import", json=document)
        version_after_stop = app.query("SELECT version FROM configurations")[0].version
        forced = client.post("/api/v1/import", params={"force": "true"}, json=document)
        wrong = client.post("/api/v1/import", json={**document, "format": "something-else"})
    error = envelope(stopped, 409, "conflict")
    assert "pre-flight check found" in error["message"]
    assert "Applied before it: none" in error["message"]
    assert version_after_stop == 1
    assert forced.json()["configurations"][0]["saved"] is True
    [row] = app.query("SELECT version, body FROM configurations WHERE id = :id", id=config)
    assert (row.version, stored_json(row.body)["inputs"]["salesforce_object"]) == (2, "Lead")
    assert "not an exported upsert configuration" in envelope(wrong, 422, "invalid")["message"]
