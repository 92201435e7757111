"""Fixtures shared by every test: real servers on loopback ports, one per test."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from webapp import migrate
from webapp.app import create_app
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.serving import BackgroundServer
from webapp.settings import Settings

SandboxFactory = Callable[..., str]
TEST_SECRET = "test-secret-for-the-suite-only-0123456789abcdef"


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
    """A plain HTTP client for the app; redirects are not followed, so tests can see them."""
    with httpx.Client(base_url=app.url, timeout=30) as client:
        yield client
