"""Apps for the security tests: like tests/conftest.py's start_app, plus two things it lacks.

`launch` can start an app on a data directory that already exists (another app's, or one the
command line prepared), and `module_launch` keeps its apps for a whole module, for the tests
that only read or only send refused requests.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import RunningApp, Servers, launch_app


class Launcher:
    """Starts sandboxes and apps on loopback ports; stops them all at the end."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._numbers = itertools.count(1)
        self._servers = Servers()

    def sandbox(self, **settings: Any) -> str:
        return self._servers.sandbox(**settings)

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
        floqer = f"{sandbox_url}/api/v1"
        return launch_app(
            self._servers,
            data_dir,
            floqer,
            sandbox_url=sandbox_url,
            fresh=fresh,
            users=users,
            **overrides,
        )

    def stop_all(self) -> None:
        self._servers.stop_all()


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
