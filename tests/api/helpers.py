"""What the API tests share: a token's client, and reading the error envelope."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import TLS, RunningApp
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
