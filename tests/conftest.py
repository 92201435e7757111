"""Fixtures shared by every test: real servers on loopback ports, fresh ones for each test.

The names imported here from tests.support are re-exported for the tests that use them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.floqer_double import FloqerDouble
from tests.support import (
    ADMIN_EMAIL,
    CSRF_TOKEN,
    SESSION_TOKEN,
    TEST_PASSWORD,
    TEST_SECRET,
    RunningApp,
    Servers,
    add_signed_in_user,
    launch_app,
    use_fast_password_hashing,
)

__all__ = [
    "ADMIN_EMAIL",
    "CSRF_TOKEN",
    "SESSION_TOKEN",
    "TEST_PASSWORD",
    "TEST_SECRET",
    "AppFactory",
    "RunningApp",
    "SandboxFactory",
    "add_signed_in_user",
]

SandboxFactory = Callable[..., str]
AppFactory = Callable[..., RunningApp]


def pytest_configure(config: pytest.Config) -> None:
    use_fast_password_hashing()


@pytest.fixture
def servers() -> Iterator[Servers]:
    started = Servers()
    yield started
    started.stop_all()


@pytest.fixture
def start_sandbox(servers: Servers) -> SandboxFactory:
    """Start a fresh sandbox with the given settings; its base URL (no /api/v1) comes back."""
    return servers.sandbox


@pytest.fixture
def sandbox_url(start_sandbox: SandboxFactory) -> str:
    return start_sandbox()


@pytest.fixture
def start_app(tmp_path: Path, servers: Servers) -> AppFactory:
    """Start the real app on a fresh SQLite file, in front of a fresh sandbox by default.

    start_app(sandbox={...}) passes sandbox settings; start_app(embedded=True) lets the app
    run its own sandbox, as `make run` does; start_app(floqer_base_url=...) points it
    anywhere; other keyword arguments override Settings fields.
    """
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
            sandbox_url = servers.sandbox(**(sandbox or {}))
            floqer_base_url = f"{sandbox_url}/api/v1"
        floqer = None if embedded else floqer_base_url
        return launch_app(
            servers, data_dir, floqer, sandbox_url=sandbox_url, users=users, **overrides
        )

    return start


@pytest.fixture
def app(start_app: AppFactory) -> RunningApp:
    return start_app()


@pytest.fixture
def doubles() -> Iterator[list[FloqerDouble]]:
    """Floqer doubles a test starts (append them here): each is stopped after the test."""
    started: list[FloqerDouble] = []
    yield started
    for floqer in started:
        floqer.stop()


@pytest.fixture
def web(app: RunningApp) -> Iterator[httpx.Client]:
    """The admin's client, signed in; redirects are not followed, so tests can see them."""
    with app.signed_in() as client:
        yield client
