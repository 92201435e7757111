"""Fixtures shared by every test: real servers on loopback ports, one per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.serving import BackgroundServer

SandboxFactory = Callable[..., str]


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
