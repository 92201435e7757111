"""A stored Floqer key is never seen again: no page, fragment, header, error, log line or file.

The scan stores a distinctive key, then exercises every page and fragment the app declares,
every unsafe route, the audit log and its download, and every Floqer failure: a 400, a
revoked key (401), the sandbox's fault keys (403, 424, 429, 500, 502, Salesforce not
connected) and a timeout of the key itself (the same database served by a second app whose
Floqer answers too late). Every response body and header is kept, and every log record at
DEBUG; the key, or the part of it the app never shows, must be in none of them.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.app.flows import CONTACT_ROWS, base_version, form_fields, start_configuration
from tests.conftest import ADMIN_EMAIL, SESSION_TOKEN, TEST_PASSWORD, TEST_SECRET
from tests.conftest import add_signed_in_user as add_user_with_session
from tests.deploy import free_port
from tests.security.conftest import Launcher
from tests.security.helpers import (
    ADMIN,
    ROUTES,
    VIEWER,
    Member,
    one_row,
    page_text,
    snapshot,
    user_id,
)
from tests.support import ON_POSTGRES, TLS, RunningApp, fresh_database

SCAN_KEY = "floq_scan_SECRET_7f3a9d"
FAULT_KEYS = (
    "floq_sandbox_403",
    "floq_sandbox_424",
    "floq_sandbox_429",
    "floq_sandbox_500",
    "floq_sandbox_502",
    "floq_sandbox_noconnection",
)
SCANNER = Member("scanner@acme.example", "admin", "scanner-session-token-0123456789", "scan-csrf")
VALID = form_fields("Scanned", "Contact", "Email", CONTACT_ROWS)
REJECTED_ROWS = [*CONTACT_ROWS, ("Shoe_Size__c", "42")]


def needles(key: str) -> set[str]:
    """The key, the key without its prefix, and (for the scan key) its middle and everything
    but the last four characters, which the app shows on purpose (the hint `floq_…3a9d`)."""
    found = {key, key.removeprefix("floq_")}
    if key == SCAN_KEY:
        found |= {"scan_SECRET", "SECRET_7f", key[:-4]}
    return found


ALL_NEEDLES = sorted(set().union(*(needles(k) for k in (SCAN_KEY, *FAULT_KEYS))))


def leaks(text: str) -> list[str]:
    return [needle for needle in ALL_NEEDLES if needle in text]


class Recorder:
    """Keeps every response any of its clients receives."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []
        self._clients: list[httpx.Client] = []

    def _keep(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)

    def client(self, base_url: str, member: Member | None = ADMIN) -> httpx.Client:
        client = httpx.Client(
            base_url=base_url,
            timeout=30,
            verify=TLS,
            cookies={"session": member.token} if member else {},
            headers={"X-CSRF-Token": member.csrf} if member else {},
            event_hooks={"response": [self._keep]},
        )
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def findings(self) -> list[str]:
        found = []
        for response in self.responses:
            where = (
                f"{response.request.method} {response.request.url.path} ({response.status_code})"
            )
            for needle in leaks(response.text):
                found.append(f"{where}: body holds {needle!r}")
            for name, value in response.headers.multi_items():
                for needle in leaks(f"{name}: {value}"):
                    found.append(f"{where}: header {name} holds {needle!r}")
        return found

    def all_text(self) -> str:
        return "\n".join(
            page_text(r) for r in self.responses if "html" in r.headers.get("content-type", "")
        )

    def statuses(self) -> set[int]:
        return {response.status_code for response in self.responses}


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recording = Recorder()
    yield recording
    recording.close()


def created_id(response: httpx.Response, pattern: str) -> int:
    assert response.status_code == 303, page_text(response)
    match = re.search(pattern, response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def add(client: httpx.Client, label: str, key: str) -> httpx.Response:
    return client.post("/connections", data={"label": label, "api_key": key})


def exercise_configuration(client: httpx.Client, config: int) -> None:
    """Every page, fragment and action of one configuration, whatever Floqer answers."""
    page = f"/configurations/{config}"
    for path in (
        page,
        f"{page}/fragments/objects",
        f"{page}/fragments/object-fields?salesforce_object=Contact",
        f"{page}/fragments/object-fields?salesforce_object=Account",
        f"{page}/fragments/field-row",
    ):
        client.get(path)
    for action, rows in (("save", CONTACT_ROWS), ("push", CONTACT_ROWS), ("push", REJECTED_ROWS)):
        draft = form_fields(
            "Scanned", "Contact", "Email", rows, version=base_version(client, config)
        )
        client.post(f"{page}/{action}", data=draft)
    client.post(f"{page}/push", data=VALID)  # opened at version 1: the conflict page
    client.post(f"{page}/pull")
    client.post(f"{page}/take-floqer-version", data={"base_version": "1"})
    client.post(f"{page}/refresh-options")
    client.get(page)
    client.get(f"{page}/fragments/object-fields?salesforce_object=Contact")


def switched(client: httpx.Client, config: int, connection: int) -> int:
    client.post(f"/configurations/{config}/connection", data={"connection_id": str(connection)})
    return config


def every_get_route(client: httpx.Client, params: dict[str, str]) -> None:
    for route in ROUTES:
        if route.method == "GET":
            client.get(route.url(params))


def every_unsafe_route(client: httpx.Client, params: dict[str, str]) -> None:
    form = {
        **VALID,
        "label": "Again",
        "api_key": SCAN_KEY,
        "role": "editor",
        "email": "throwaway@acme.example",
        "password": TEST_PASSWORD,
        "connection_id": params["connection_id"],
        "name": "Renamed",
    }
    # Sign-out last: it ends the session the others use.
    for route in sorted(ROUTES, key=lambda r: r.path == "/logout"):
        if route.unsafe:
            client.request(route.method, route.url(params), data=form)


def test_a_stored_key_appears_in_no_response_header_log_line_or_file(
    launch: Launcher, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("", "webapp", "uvicorn", "uvicorn.error", "uvicorn.access"):
        caplog.set_level(logging.DEBUG, logger=name)
    app = launch.app()
    app.add_user(VIEWER.email, "viewer", VIEWER.token, VIEWER.csrf)
    app.add_user(SCANNER.email, "admin", SCANNER.token, SCANNER.csrf)
    admin = recorder.client(app.url)

    # Adding keys, and forms that come back with a problem (they must not bring the key back).
    scan = created_id(add(admin, "Scan", SCAN_KEY), r"/connections/(\d+)/")
    add(admin, "", SCAN_KEY)
    add(admin, "Typo", f"{SCAN_KEY} trailing words")
    add(admin, "Revoked at once", "floq_sandbox_revoked")
    faults = {
        key: created_id(add(admin, key[-4:], key), r"/connections/(\d+)/") for key in FAULT_KEYS
    }

    # Every page and fragment, and every action of a configuration, on the scan key.
    config = start_configuration(admin, scan)
    exercise_configuration(admin, config)
    step = one_row(
        app, "SELECT workflow_id, sheet_id, step_id FROM configurations WHERE id = :id", id=config
    )
    params = {
        "connection_id": str(scan),
        "configuration_id": str(config),
        "user_id": str(user_id(app, VIEWER.email)),
        "path": "app.js",
        "version": "1",
        "token_id": "1",  # no token exists: its revoke answers 404, which is scanned too
        **{k: str(v) for k, v in step.items()},
    }
    every_get_route(admin, params)
    every_get_route(recorder.client(app.url, VIEWER), params)
    every_get_route(recorder.client(app.url, None), params)

    # Every failure Floqer can answer with, the configuration switched to each failing key.
    for connection in faults.values():
        admin.get(f"/connections/{connection}/workflows")
        admin.get(f"/connections/{connection}/workflows/{params['workflow_id']}")
        exercise_configuration(admin, switched(admin, config, connection))
    switched(admin, config, scan)

    # A timeout of the scan key itself: the same database, served by an app whose Floqer is slow.
    slow = launch.app(
        data_dir=app.settings.data_dir,
        sandbox={"latency_ms": 2500},
        floqer_timeout_seconds=1.0,
    )
    slow_admin = recorder.client(slow.url)
    slow_admin.get(f"/connections/{scan}/workflows")
    slow_admin.get(f"/configurations/{config}/fragments/objects")
    slow_admin.post(f"/configurations/{config}/push", data=VALID)
    slow_admin.post(f"/configurations/{config}/pull")
    slow_admin.get(f"/configurations/{config}")

    # The scan key revoked in Floqer: 401 on every call, and at a second attempt to add it.
    assert app.sandbox_url
    httpx.post(f"{app.sandbox_url}/_sandbox/revoked-keys", json={"api_key": SCAN_KEY}, verify=TLS)
    admin.get(f"/connections/{scan}/workflows")
    exercise_configuration(admin, config)
    add(admin, "Scan again", SCAN_KEY)

    # The audit log and its download, then every unsafe route once more, as another admin.
    admin.get("/audit")
    admin.get("/audit.jsonl")
    every_unsafe_route(recorder.client(app.url, SCANNER), params)
    admin.get("/audit.jsonl")

    # The scan went where it meant to: each failure was met and shown.
    shown = recorder.all_text()
    for status in ("400", "401", "403", "424", "429", "500", "502"):
        assert f"Floqer answered {status}" in shown, status
    assert "Floqer took too long to answer" in shown
    assert {200, 303, 401, 403, 404, 422, 502, 504} <= recorder.statuses()
    assert "floq_…3a9d" in shown  # the hint, the only part of the key the app shows

    assert recorder.findings() == []
    logged = [
        f"{record.name}: {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    ]
    assert any("Floqer call failed" in line for line in logged)  # the capture works
    assert [line for line in logged if leaks(line)] == []
    assert leaks(caplog.text) == []
    assert stored_with_key(app) == []
    if not ON_POSTGRES:  # the file too, with its journal and freed pages
        for stored in app.settings.data_dir.glob("webapp.db*"):
            assert SCAN_KEY.encode() not in stored.read_bytes(), f"{stored.name} holds the key"


def stored_with_key(app: RunningApp) -> list[str]:
    """Where the database holds the scan key in clear: table.column of every stored value
    that contains it (text, or bytes such as a sealed key's)."""
    found = []
    for table, rows in snapshot(app, ignored_columns={}).items():
        for row in rows:
            for column, value in row:
                stored = value if isinstance(value, bytes) else str(value).encode()
                if SCAN_KEY.encode() in stored:
                    found.append(f"{table}.{column}")
    return found


# ---------------------------------------------------------------------------------------------
# The served app, as `python -m webapp serve` runs it: uvicorn's own logging, access log included


def serve(
    data_dir: Path, database: str, floqer: str, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPP_")}
    env = {
        **clean,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "PYTHONUNBUFFERED": "1",
        "WEBAPP_DATA_DIR": str(data_dir),
        "WEBAPP_DATABASE_URL": database,
        "WEBAPP_SECRET_KEY": TEST_SECRET,
        "WEBAPP_FLOQER_BASE_URL": floqer,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "webapp", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/healthz", timeout=5, verify=TLS).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the server did not start:\n{log.read_text()}")


def test_the_served_apps_log_shows_no_key_even_one_typed_into_an_address(
    tmp_path: Path, launch: Launcher, recorder: Recorder
) -> None:
    data_dir = tmp_path / "served"
    data_dir.mkdir()
    database = fresh_database(data_dir)  # migrated: a file there, or one on the test cluster
    add_user_with_session(database, ADMIN_EMAIL, "admin", SESSION_TOKEN)
    sandbox = launch.sandbox()
    log = tmp_path / "server.log"
    process, url = serve(data_dir, database, f"{sandbox}/api/v1", log)
    try:
        admin = recorder.client(url)
        scan = created_id(add(admin, "Scan", SCAN_KEY), r"/connections/(\d+)/")
        add(admin, "", SCAN_KEY)
        config = start_configuration(admin, scan)
        exercise_configuration(admin, config)
        httpx.post(f"{sandbox}/_sandbox/revoked-keys", json={"api_key": SCAN_KEY}, verify=TLS)
        admin.get(f"/connections/{scan}/workflows")
        exercise_configuration(admin, config)
        # A key pasted into an address: the access log line must not repeat it.
        admin.get(f"/connections?api_key={SCAN_KEY}")
        admin.get(f"/{SCAN_KEY}")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output = log.read_text(errors="replace")

    assert '"GET /connections?api_key=floq_…' in output  # the access log is there, masked
    assert "Floqer call failed" in output
    assert [line for line in output.splitlines() if leaks(line)] == []
    assert recorder.findings() == []
