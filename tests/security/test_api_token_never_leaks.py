"""A personal API token is seen once, on the page that created it: never on a later page, in
an API answer, the audit log, the database or a log line, even one typed into an address."""

from __future__ import annotations

import logging
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_EMAIL, SESSION_TOKEN
from tests.conftest import add_signed_in_user as add_user_with_session
from tests.security.conftest import Launcher
from tests.security.helpers import ADMIN, create_api_token, snapshot, token_id
from tests.security.test_key_never_leaks import serve
from tests.support import TLS, RunningApp, fresh_database


def needles(token: str) -> list[str]:
    """The token, and every part of it past what the lists show (`wat_` and 8 characters)."""
    return [token, token[4:], token[12:], token[12:30]]


def leaked(token: str, text: str) -> list[str]:
    return [needle for needle in needles(token) if needle in text]


def use_every_way(url: str, token: str, revoked: str) -> list[httpx.Response]:
    """The token used well and badly: in the header, in an address, revoked, on a 404."""
    answers = []
    with httpx.Client(base_url=url, timeout=30, verify=TLS) as client:
        bearer = {"Authorization": f"Bearer {token}"}
        for path in ("/api/v1/me", "/api/v1/configurations", "/api/v1/tokens", "/api/v1/x"):
            answers.append(client.get(path, headers=bearer))
        answers.append(client.get(f"/api/v1/me?token={token}"))
        answers.append(client.get(f"/api/v1/{token}", headers=bearer))
        answers.append(client.get(f"/{token}"))
        answers.append(client.get("/api/v1/me", headers={"Authorization": f"Bearer {revoked}"}))
        answers.append(client.get("/api/v1/me", headers={"Authorization": f"Token {token}"}))
    return answers


def test_a_token_appears_in_no_later_page_answer_log_line_or_stored_value(
    launch: Launcher, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("", "webapp", "uvicorn", "uvicorn.error", "uvicorn.access"):
        caplog.set_level(logging.DEBUG, logger=name)
    app: RunningApp = launch.app()
    token = create_api_token(app, ADMIN, "scan", "admin")
    revoked = create_api_token(app, ADMIN, "revoked", "viewer")
    with app.signed_in() as admin:
        assert admin.post(f"/account/tokens/{token_id(app, revoked)}/revoke").status_code == 303
        answers = use_every_way(app.url, token, revoked)
        answers += [admin.get(path) for path in ("/account", "/audit", "/audit.jsonl", "/users")]
        answers.append(admin.post("/account/tokens", data={"name": token, "role": "x"}))

    assert answers[0].status_code == 200  # the scan used it for real
    assert {401, 404} <= {answer.status_code for answer in answers}
    for answer in answers:
        shown = answer.text + " ".join(f"{k}: {v}" for k, v in answer.headers.multi_items())
        assert leaked(token, shown) == [], answer.request.url
        assert leaked(revoked, shown) == [], answer.request.url
    # The app's records (the test's own HTTP client logs the addresses it asks for).
    logged = "\n".join(
        f"{r.name}: {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "serving with Floqer at" in logged  # the capture works
    assert leaked(token, logged) == []
    assert leaked(revoked, logged) == []
    stored = str(snapshot(app, ignored_columns={}))
    assert leaked(token, stored) == []
    assert leaked(revoked, stored) == []


def test_the_served_apps_access_log_masks_a_token_typed_into_an_address(
    tmp_path: Path, launch: Launcher
) -> None:
    data_dir = tmp_path / "served"
    data_dir.mkdir()
    database = fresh_database(data_dir)
    add_user_with_session(database, ADMIN_EMAIL, "admin", SESSION_TOKEN)
    log = tmp_path / "server.log"
    process, url = serve(data_dir, database, f"{launch.sandbox()}/api/v1", log)
    try:
        served = RunningApp(url, launch_settings(data_dir, database), None)
        token = create_api_token(served, ADMIN, "scan", "admin")
        revoked = "wat_" + "R" * 43
        use_every_way(url, token, revoked)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output = log.read_text(errors="replace")

    assert '"GET /api/v1/me?token=wat_… HTTP/1.1" 401' in output  # logged, masked
    assert '"GET /wat_… HTTP/1.1"' in output
    assert leaked(token, output) == []
    assert leaked(revoked, output) == []


def launch_settings(data_dir: Path, database: str):  # type: ignore[no-untyped-def]
    from tests.support import app_settings

    return app_settings(data_dir, None, database_url=database)
