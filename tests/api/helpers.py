"""What the API tests share: a token's client, and reading the error envelope."""

from __future__ import annotations

from typing import Any

import httpx

from tests.app.flows import BROKEN_LEAD, CONTACT_ROWS
from tests.support import TLS, RunningApp, stored_json
from webapp.api.errors import ErrorEnvelope


def api(app: RunningApp, token: str | None = None, **headers: str) -> httpx.Client:
    """A client of the app's API with this token (None: no Authorization header)."""
    sent = dict(headers)
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=app.url, timeout=30, headers=sent, verify=TLS)


def envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response's error envelope, checked: the status, JSON (never a page), the code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json", response.text
    assert "<html" not in response.text.lower()
    body: dict[str, Any] = response.json()
    ErrorEnvelope.model_validate(body)
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"], body
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    error: dict[str, Any] = body["error"]
    return error


def body(obj: str, key: str, rows: list[tuple[str, str]], **toggles: bool) -> dict[str, Any]:
    """Configure Action's body for this object, External ID field and rows."""
    fields = [{"name": name, "value": value} for name, value in rows]
    inputs: dict[str, Any] = {
        "salesforce_object": obj,
        "salesforce_external_id_field": key,
        "add_fields_and_their_values": fields,
    }
    return {"inputs": {**inputs, **toggles}}


CONTACT = body("Contact", "Email", CONTACT_ROWS)
LEAD = body("Lead", "Email", BROKEN_LEAD)


def stored(app: RunningApp, config: int) -> dict[str, Any]:
    row = app.query("SELECT version, name, body FROM configurations WHERE id = :id", id=config)[0]
    return {"version": row.version, "name": row.name, "body": stored_json(row.body)}


def audit_lines(app: RunningApp, action: str) -> list[tuple[str, str, str]]:
    rows = app.query(
        "SELECT actor, outcome, detail FROM audit_events WHERE action = :action ORDER BY id",
        action=action,
    )
    return [(r.actor, r.outcome, r.detail) for r in rows]


def patches(app: RunningApp) -> int:
    """How many pushes (PATCH calls) the sandbox has answered."""
    calls = app.sandbox_calls()["by_call"]
    return sum(n for call, n in calls.items() if call.startswith("PATCH "))
