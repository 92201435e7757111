"""Clients for the sandbox's own tests: a Floqer API client per key, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.support import TLS

API_KEY = "floq_test_0001"
ClientFor = Callable[[str | None], httpx.Client]


@pytest.fixture
def client_for(sandbox_url: str) -> Iterator[ClientFor]:
    """A client for /api/v1 sending `Authorization: Bearer <key>` (None: no header)."""
    clients: list[httpx.Client] = []

    def make(key: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        client = httpx.Client(
            base_url=f"{sandbox_url}/api/v1", headers=headers, timeout=10, verify=TLS
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def api(client_for: ClientFor) -> httpx.Client:
    return client_for(API_KEY)
