"""Browsing Floqer through the API (workflows, sheets, upsert steps) and creating a
configuration for a step, as "Configure this step" does."""

from __future__ import annotations

import httpx

from tests.api.helpers import api, envelope
from tests.app.flows import INBOUND, add_connection
from tests.security.helpers import ADMIN, create_api_token
from tests.support import RunningApp


def test_a_step_is_found_and_configured_once_and_a_viewer_only_browses(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    editor = create_api_token(app, ADMIN, "CI", "editor")
    viewer = create_api_token(app, ADMIN, "reader", "viewer")
    with api(app, viewer) as client:
        listed = client.get(f"/api/v1/connections/{connection}/workflows")
        [inbound] = [w for w in listed.json()["workflows"] if w["name"] == INBOUND]
        detail = client.get(f"/api/v1/connections/{connection}/workflows/{inbound['workflow_id']}")
        sheet = next(s for s in detail.json()["sheets"] if s["upsert_steps"])
        step = sheet["upsert_steps"][0]
        wanted = {
            "connection_id": connection,
            "workflow_id": inbound["workflow_id"],
            "sheet_id": sheet["sheet_id"],
            "step_id": step["step_id"],
        }
        refused = client.post("/api/v1/configurations", json=wanted)
        missing = client.get(f"/api/v1/connections/{connection}/workflows/no-such-workflow")
    with api(app, editor) as client:
        created = client.post("/api/v1/configurations", json=wanted)
        again = client.post("/api/v1/configurations", json=wanted)
        after = client.get(f"/api/v1/connections/{connection}/workflows/{inbound['workflow_id']}")

    assert listed.status_code == 200, listed.text
    assert detail.json()["name"] == INBOUND
    assert step["configuration_id"] is None
    envelope(refused, 403, "forbidden")
    assert envelope(missing, 404, "not_found")["message"]
    assert created.status_code == 200, created.text
    answer = created.json()
    assert answer["how"] == "created"
    config = answer["configuration"]
    assert config["step"]["step_id"] == step["step_id"]
    assert config["step"]["workflow_name"] == INBOUND
    assert config["version"] == 1
    assert again.json()["how"] == "existing"
    assert again.json()["configuration"]["id"] == config["id"]
    rows = app.query("SELECT id, step_id FROM configurations")
    assert [(r.id, r.step_id) for r in rows] == [(config["id"], step["step_id"])]
    [version] = app.query("SELECT author, note FROM configuration_versions")
    assert version.author == f"{ADMIN.email} (API token “CI”)"
    assert version.note == "read from the step in Floqer"
    configured = next(s for s in after.json()["sheets"] if s["sheet_id"] == sheet["sheet_id"])
    assert configured["upsert_steps"][0]["configuration_id"] == config["id"]
    [audit] = app.query("SELECT actor FROM audit_events WHERE action = 'configuration created'")
    assert audit.actor == f"{ADMIN.email} (API token “CI”)"


def test_a_step_added_through_the_api_is_in_floqer_and_can_be_configured(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    editor = create_api_token(app, ADMIN, "CI", "editor")
    with api(app, editor) as client:
        listed = client.get(f"/api/v1/connections/{connection}/workflows").json()["workflows"]
        [inbound] = [w for w in listed if w["name"] == INBOUND]
        url = f"/api/v1/connections/{connection}/workflows/{inbound['workflow_id']}"
        before = client.get(url).json()["sheets"][0]
        added = client.post(f"{url}/sheets/{before['sheet_id']}/steps")
        after = client.get(url).json()["sheets"][0]
        created = client.post(
            "/api/v1/configurations",
            json={
                "connection_id": connection,
                "workflow_id": inbound["workflow_id"],
                "sheet_id": before["sheet_id"],
                "step_id": added.json()["step_id"],
            },
        )

    assert added.status_code == 200, added.text
    new_step = added.json()["step_id"]
    assert new_step
    steps = [s["step_id"] for s in after["upsert_steps"]]
    assert steps == [s["step_id"] for s in before["upsert_steps"]] + [new_step]
    assert created.json()["how"] == "created"
    assert created.json()["configuration"]["step"]["step_id"] == new_step
    [line] = app.query("SELECT actor, detail FROM audit_events WHERE action = 'upsert step added'")
    assert (line.actor, line.detail) == (ADMIN.email + " (API token “CI”)", new_step)
