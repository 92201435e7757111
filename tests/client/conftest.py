"""Fixtures for the Floqer client's tests: clients on the real sandbox, or on a faked network."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import httpx
import pytest

from webapp.floqer import FloqerClient, build_http_client

Connect = Callable[..., FloqerClient]
Handler = Callable[[httpx.Request], httpx.Response]
MockedFloqer = Callable[[Handler, str], FloqerClient]
FAKE_BASE_URL = "https://api.floqer.test/api/v1"
_ANY_KEY = re.compile(r"floq_[A-Za-z0-9]")


@pytest.fixture
def connect(sandbox_url: str) -> Iterator[Connect]:
    """A FloqerClient on the sandbox for `key`; `base_url` overrides the sandbox's /api/v1."""
    opened: list[httpx.Client] = []

    def make(
        key: str, *, timeout_seconds: float = 10.0, base_url: str | None = None
    ) -> FloqerClient:
        http = build_http_client(base_url or f"{sandbox_url}/api/v1", timeout_seconds)
        opened.append(http)
        return FloqerClient(http, key)

    yield make
    for http in opened:
        http.close()


@pytest.fixture
def mocked() -> Iterator[MockedFloqer]:
    """A FloqerClient whose network is `handler`: only for answers the sandbox never gives."""
    opened: list[httpx.Client] = []

    def make(handler: Handler, key: str) -> FloqerClient:
        http = build_http_client(FAKE_BASE_URL, 5.0, transport=httpx.MockTransport(handler))
        opened.append(http)
        return FloqerClient(http, key)

    yield make
    for http in opened:
        http.close()


@pytest.fixture(autouse=True)
def logs_never_carry_a_key(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test doubles as a check that no log line, at any level, shows a Floqer key."""
    caplog.set_level(logging.DEBUG, logger="webapp.floqer")
    yield
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert not _ANY_KEY.search(text), f"a key reached the log: {record.name}"
