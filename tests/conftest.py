"""Fixtures shared by every test: real servers on loopback ports, one per test."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from webapp import migrate
from webapp.app import create_app
from webapp.db import UserSession, make_engine
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.services.accounts import create_user
from webapp.serving import BackgroundServer
from webapp.settings import Settings

SandboxFactory = Callable[..., str]
TEST_SECRET = "test-secret-for-the-suite-only-0123456789abcdef"
ADMIN_EMAIL = "admin@acme.example"
TEST_PASSWORD = "correct horse battery staple"
# One session per app, with the same token in every app's own database: a browser context
# (whose cookies are per host, not per port) is signed in to every app a test starts.
SESSION_TOKEN = "test-session-token-not-a-secret-0123456789"
CSRF_TOKEN = "test-csrf-token-not-a-secret-0123456789"


@pytest.fixture
def start_sandbox() -> Iterator[SandboxFactory]:
    """Start a fresh sandbox with the given settings; its base URL (no /api/v1) comes back."""
    servers: list[BackgroundServer] = []

    def start(**settings: object) -> str:
        app = create_sandbox_app(SandboxSettings(**settings))  # type: ignore[arg-type]
        server = BackgroundServer(app).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sandbox_url(start_sandbox: SandboxFactory) -> str:
    return start_sandbox()


@dataclass(frozen=True)
class RunningApp:
    url: str
    settings: Settings
    sandbox_url: str | None  # None when the app runs its own embedded sandbox

    def sandbox_api(self, key: str = "floq_test_0001") -> httpx.Client:
        """A Floqer API client straight to the sandbox behind the app (to check what it holds)."""
        assert self.sandbox_url, "this app runs an embedded sandbox"
        return httpx.Client(
            base_url=f"{self.sandbox_url}/api/v1", headers={"Authorization": f"Bearer {key}"}
        )

    def signed_in(self, token: str = SESSION_TOKEN, csrf: str = CSRF_TOKEN) -> httpx.Client:
        """A client with a session cookie and the CSRF header htmx would send."""
        return httpx.Client(
            base_url=self.url,
            timeout=30,
            cookies={"session": token},
            headers={"X-CSRF-Token": csrf},
        )

    def add_user(self, email: str, role: str, token: str, csrf: str = CSRF_TOKEN) -> None:
        """A user of `role` with a live session `token` (no sign-in form needed)."""
        add_signed_in_user(self.settings.database_url, email, role, token, csrf)

    def sandbox_calls(self) -> dict[str, Any]:
        assert self.sandbox_url
        calls: dict[str, Any] = httpx.get(f"{self.sandbox_url}/_sandbox/calls").json()["data"]
        return calls


AppFactory = Callable[..., RunningApp]


@pytest.fixture
def start_app(tmp_path: Path, start_sandbox: SandboxFactory) -> Iterator[AppFactory]:
    """Start the real app on a fresh SQLite file, in front of a fresh sandbox by default.

    start_app(sandbox={...}) passes sandbox settings; start_app(embedded=True) lets the app
    run its own sandbox, as `make run` does; start_app(floqer_base_url=...) points it
    anywhere; other keyword arguments override Settings fields.
    """
    servers: list[BackgroundServer] = []
    numbers = itertools.count(1)

    def start(
        *,
        sandbox: dict[str, Any] | None = None,
        embedded: bool = False,
        floqer_base_url: str | None = None,
        users: bool = True,
        **overrides: Any,
    ) -> RunningApp:
        data_dir = tmp_path / f"app-{next(numbers)}"
        sandbox_url = None
        if not embedded and floqer_base_url is None:
            sandbox_url = start_sandbox(**(sandbox or {}))
            floqer_base_url = f"{sandbox_url}/api/v1"
        settings = Settings(
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'webapp.db'}",
            secret_key=TEST_SECRET,
            floqer_base_url=None if embedded else floqer_base_url,
            floqer_timeout_seconds=5.0,
        )
        settings = replace(settings, **overrides)
        data_dir.mkdir(parents=True)
        migrate.upgrade(settings.database_url)
        if users:
            add_signed_in_user(settings.database_url, ADMIN_EMAIL, "admin", SESSION_TOKEN)
        server = BackgroundServer(create_app(settings)).start()
        servers.append(server)
        return RunningApp(server.url, settings, sandbox_url)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def app(start_app: AppFactory) -> RunningApp:
    return start_app()


@pytest.fixture
def web(app: RunningApp) -> Iterator[httpx.Client]:
    """The admin's client, signed in; redirects are not followed, so tests can see them."""
    with app.signed_in() as client:
        yield client


def add_signed_in_user(
    database_url: str, email: str, role: str, token: str, csrf: str = CSRF_TOKEN
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session, session.begin():
        user = create_user(session, email, role, TEST_PASSWORD)
        digest = hashlib.sha256(token.encode()).hexdigest()
        session.add(UserSession(token_hash=digest, user=user, csrf_token=csrf))
    engine.dispose()
