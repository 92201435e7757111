"""Starting the real app and the real sandbox for the tests, fast and always fresh.

Shared set-up, never shared state: the schema is migrated once per run into a template file
that each app copies (a fresh SQLite file per test, in the test's own directory); passwords
are hashed with Argon2's cheapest parameters (the app's own are untouched); and the servers
a test started are told to stop without waiting for them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import ssl
import tempfile
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from tests import postgres
from webapp import migrate
from webapp.app import create_app
from webapp.db import UserSession, make_engine
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.services import accounts
from webapp.services.accounts import create_user
from webapp.serving import BackgroundServer
from webapp.settings import Settings

TEST_SECRET = "test-secret-for-the-suite-only-0123456789abcdef"
ADMIN_EMAIL = "admin@acme.example"
TEST_PASSWORD = "correct horse battery staple"
# One session per app, with the same token in every app's own database: a browser context
# (whose cookies are per host, not per port) is signed in to every app a test starts.
SESSION_TOKEN = "test-session-token-not-a-secret-0123456789"
CSRF_TOKEN = "test-csrf-token-not-a-secret-0123456789"
FAST_HASHER = PasswordHasher.from_parameters(CHEAPEST)
# Which database the apps of this run use: SQLite files (the default) or a real PostgreSQL
# server the suite starts itself (`WEBAPP_TEST_DATABASE=postgres`, as `make test` runs it too).
DATABASE = os.environ.get("WEBAPP_TEST_DATABASE", "sqlite")
if DATABASE not in ("sqlite", "postgres"):
    raise RuntimeError(f"WEBAPP_TEST_DATABASE must be sqlite or postgres, not {DATABASE!r}")
ON_POSTGRES = DATABASE == "postgres"
_postgres_urls: dict[Path, str] = {}
# One TLS context for every client of the suite (pass verify=TLS): httpx builds a new one for
# each client otherwise, reading the whole CA bundle (~40 ms of CPU), even for plain http.
TLS = ssl.create_default_context()


def use_fast_password_hashing() -> None:
    """Tests only: sign-in checks stay real, at a fraction of production's Argon2 cost."""
    accounts.use_hasher(FAST_HASHER)


@cache
def _template_database() -> Path:
    path = Path(tempfile.mkdtemp(prefix="webapp-template-")) / "webapp.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def fresh_database(data_dir: Path) -> str:
    """A migrated, empty database for the app on `data_dir`, and its URL: a SQLite file in
    `data_dir` (a copy of the run's template), or a new database on the run's Postgres."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if ON_POSTGRES:
        url = _postgres_urls[data_dir] = postgres.cluster().fresh()
        return url
    target = data_dir / "webapp.db"
    shutil.copyfile(_template_database(), target)
    return f"sqlite:///{target}"


def database_url(data_dir: Path) -> str:
    """The URL of the database fresh_database made for `data_dir` (SQLite: the file there)."""
    if ON_POSTGRES:
        return _postgres_urls[data_dir]
    return f"sqlite:///{data_dir / 'webapp.db'}"


def query(url: str, statement: str, **params: Any) -> list[Row[*tuple[Any, ...]]]:
    """Run one SQL statement on the database at `url` and commit; the rows, if any. For the
    tests that look at what was stored (or break it on purpose), on either database."""
    engine = make_engine(url, pooled=False)
    try:
        with engine.begin() as db:
            result = db.execute(text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def stored_json(value: Any) -> Any:
    """A JSON column as query() reads it: SQLite hands back the stored text, Postgres the
    parsed value; either way, the value."""
    return json.loads(value) if isinstance(value, str) else value


def stored_time(value: Any) -> datetime:
    """A date-time column as query() reads it, as an aware UTC datetime: SQLite hands back
    the app's naive UTC text, Postgres an aware datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime), value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def db_time(moment: datetime) -> str:
    """A datetime as a statement parameter for a date-time column, on either database: naive
    UTC text, as the app stores it on SQLite (Postgres casts it, in the session's UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


class Servers:
    """The servers one test started. stop_all() tells them all to stop and moves on: each
    finishes in a fraction of a second on its own thread (ports and files are the test's
    own), instead of the suite waiting out uvicorn's shutdown ticks test after test."""

    def __init__(self) -> None:
        self._started: list[BackgroundServer] = []
        self._databases: list[str] = []  # Postgres databases to drop once all have stopped

    def sandbox(self, **settings: Any) -> str:
        """A fresh sandbox with these SandboxSettings; its base URL (no /api/v1). Its slow
        key answers 1.5 s late: later than the tests' client timeouts, not a second more."""
        settings.setdefault("slow_key_seconds", 1.5)
        server = BackgroundServer(create_sandbox_app(SandboxSettings(**settings))).start()
        self._started.append(server)
        return server.url

    def app(self, settings: Settings) -> BackgroundServer:
        server = BackgroundServer(create_app(settings)).start()
        self._started.append(server)
        if ON_POSTGRES and settings.database_url not in self._databases:
            self._databases.append(settings.database_url)
        return server

    def stop_all(self) -> None:
        for server in self._started:
            server.request_stop()
        if self._databases:
            stopping, databases = list(self._started), list(self._databases)
            threading.Thread(target=_drop_after, args=(stopping, databases), daemon=True).start()


def _drop_after(servers: list[BackgroundServer], databases: list[str]) -> None:
    """Postgres: once a test's apps have stopped, its databases are emptied for the tests
    after it, or dropped (tests.postgres.Cluster.recycle), on a thread of its own so the next
    test need not wait. An app still running after 10 s has its database dropped under it."""
    stopped = True
    for server in servers:
        stopped = server.join(timeout=10) and stopped
    for url in databases:
        if stopped:
            postgres.cluster().recycle(url)
        else:
            postgres.cluster().drop(url)


def app_settings(data_dir: Path, floqer_base_url: str | None, **overrides: Any) -> Settings:
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url(data_dir),
        secret_key=TEST_SECRET,
        floqer_base_url=floqer_base_url,
        floqer_timeout_seconds=5.0,
    )
    return replace(settings, **overrides)


def launch_app(
    servers: Servers,
    data_dir: Path,
    floqer_base_url: str | None,
    *,
    sandbox_url: str | None = None,
    fresh: bool = True,
    users: bool = True,
    **overrides: Any,
) -> RunningApp:
    """The app on `data_dir` (a fresh database there, the admin signed in, unless told not
    to), talking to Floqer at `floqer_base_url` (None: its embedded sandbox)."""
    if fresh:
        fresh_database(data_dir)
    settings = app_settings(data_dir, floqer_base_url, **overrides)
    if fresh and users:
        add_signed_in_user(settings.database_url, ADMIN_EMAIL, "admin", SESSION_TOKEN)
    server = servers.app(settings)
    return RunningApp(server.url, settings, sandbox_url, server.app)


@dataclass(frozen=True)
class RunningApp:
    url: str
    settings: Settings
    sandbox_url: str | None  # None when the app runs its own embedded sandbox
    asgi: Any = None  # the app itself (it runs in this process), for what no page shows

    def sandbox_api(self, key: str = "floq_test_0001") -> httpx.Client:
        """A Floqer API client straight to the sandbox behind the app (to check what it holds)."""
        assert self.sandbox_url, "this app runs an embedded sandbox"
        return httpx.Client(
            base_url=f"{self.sandbox_url}/api/v1",
            headers={"Authorization": f"Bearer {key}"},
            verify=TLS,
        )

    def signed_in(self, token: str = SESSION_TOKEN, csrf: str = CSRF_TOKEN) -> httpx.Client:
        """A client with a session cookie and the CSRF header htmx would send."""
        return httpx.Client(
            base_url=self.url,
            timeout=30,
            cookies={"session": token},
            headers={"X-CSRF-Token": csrf},
            verify=TLS,
        )

    def add_user(self, email: str, role: str, token: str, csrf: str = CSRF_TOKEN) -> None:
        """A user of `role` with a live session `token` (no sign-in form needed)."""
        add_signed_in_user(self.settings.database_url, email, role, token, csrf)

    def query(self, statement: str, **params: Any) -> list[Row[*tuple[Any, ...]]]:
        """One SQL statement on this app's database (see query())."""
        return query(self.settings.database_url, statement, **params)

    def sandbox_calls(self) -> dict[str, Any]:
        assert self.sandbox_url
        answer = httpx.get(f"{self.sandbox_url}/_sandbox/calls", verify=TLS)
        calls: dict[str, Any] = answer.json()["data"]
        return calls


def add_signed_in_user(
    database_url: str, email: str, role: str, token: str, csrf: str = CSRF_TOKEN
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session, session.begin():
        user = create_user(session, email, role, TEST_PASSWORD)
        digest = hashlib.sha256(token.encode()).hexdigest()
        session.add(UserSession(token_hash=digest, user=user, csrf_token=csrf))
    engine.dispose()
