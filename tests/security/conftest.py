"""Apps for the security tests: like tests/conftest.py's start_app, plus two things it lacks.

`launch` can start an app on a data directory that already exists (another app's, or one the
command line prepared), and `module_launch` keeps its apps for a whole module, for the tests
that only read or only send refused requests.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN_EMAIL, SESSION_TOKEN, TEST_SECRET, RunningApp, add_signed_in_user
from webapp import migrate
from webapp.app import create_app
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.serving import BackgroundServer
from webapp.settings import Settings


class Launcher:
    """Starts sandboxes and apps on loopback ports; stops them all at the end."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._numbers = itertools.count(1)
        self._servers: list[BackgroundServer] = []

    def sandbox(self, **settings: Any) -> str:
        server = BackgroundServer(create_sandbox_app(SandboxSettings(**settings))).start()
        self._servers.append(server)
        return server.url

    def app(
        self,
        *,
        sandbox: dict[str, Any] | None = None,
        data_dir: Path | None = None,
        users: bool = True,
        **overrides: Any,
    ) -> RunningApp:
        """An app in front of a fresh sandbox; on `data_dir` as it is when one is given."""
        sandbox_url = self.sandbox(**(sandbox or {}))
        fresh = data_dir is None
        data_dir = data_dir or self._base / f"app-{next(self._numbers)}"
        settings = Settings(
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'webapp.db'}",
            secret_key=TEST_SECRET,
            floqer_base_url=f"{sandbox_url}/api/v1",
            floqer_timeout_seconds=5.0,
        )
        settings = replace(settings, **overrides)
        if fresh:
            data_dir.mkdir(parents=True)
            migrate.upgrade(settings.database_url)
            if users:
                add_signed_in_user(settings.database_url, ADMIN_EMAIL, "admin", SESSION_TOKEN)
        server = BackgroundServer(create_app(settings)).start()
        self._servers.append(server)
        return RunningApp(server.url, settings, sandbox_url)

    def stop_all(self) -> None:
        for server in reversed(self._servers):
            server.stop()


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launcher]:
    launcher = Launcher(tmp_path)
    yield launcher
    launcher.stop_all()


@pytest.fixture(scope="module")
def module_launch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    launcher = Launcher(tmp_path_factory.mktemp("apps"))
    yield launcher
    launcher.stop_all()
