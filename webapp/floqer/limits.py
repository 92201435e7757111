"""Limits on every Floqer call: one total deadline, and a bound on calls at once.

httpx's timeouts count per operation: a Floqer that sends its answer a few bytes at a time
never trips a read timeout and can hold a call (and the thread serving the page) for as long
as it likes. The deadline here covers the whole call, connect to last byte, by clamping
every socket operation to the time that is left. The gate bounds how many calls run at once
per API key and how many may wait in all, so a slow Floqer cannot take every thread of the
app: beyond the bound a call is refused at once with FloqerBusy.
"""

from __future__ import annotations

import functools
import hashlib
import ssl
import threading
import time
import typing
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from webapp.floqer.errors import FloqerBusy

_deadline: ContextVar[float | None] = ContextVar("floqer_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every socket operation inside must end within `seconds` from now, all told."""
    ends = time.monotonic() + seconds
    token = _deadline.set(ends)
    try:
        yield ends
    finally:
        _deadline.reset(token)


def _clamped(timeout: float | None, error: type[Exception]) -> float | None:
    ends = _deadline.get()
    if ends is None:
        return timeout
    left = ends - time.monotonic()
    if left <= 0:
        raise error("the call's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context (CA bundle, SSL_CERT_FILE honoured), built once per process:
    building one reads the whole CA bundle (~40 ms of CPU), for each app a process starts."""
    return httpx.create_ssl_context()


def deadline_transport(base_url: str) -> httpx.HTTPTransport:
    """httpx's own transport (with the environment's proxy for `base_url`, as httpx would
    pick it), its network wrapped so that `deadline()` holds for every socket operation."""
    parts = urlsplit(base_url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if proxy and urllib.request.proxy_bypass(parts.hostname or ""):
        proxy = None
    transport = httpx.HTTPTransport(proxy=proxy or None, verify=_tls_context())
    # httpx builds its httpcore pool without a way to pass a network backend; the pool makes
    # its connections with this attribute, so wrapping it here covers every connection.
    pool = transport._pool
    pool._network_backend = _DeadlineBackend(pool._network_backend)
    return transport


@dataclass
class _Slots:
    semaphore: threading.BoundedSemaphore
    users: int = 0


class FloqerGate:
    """At most `per_key` calls at once per API key; at most `total` in flight or waiting."""

    def __init__(self, per_key: int, total: int) -> None:
        self.per_key = per_key
        self.total = total
        self._lock = threading.Lock()
        self._admitted = 0
        self._slots: dict[str, _Slots] = {}  # only keys with a call in flight or waiting

    @contextmanager
    def slot(self, api_key: str, wait_seconds: float) -> Iterator[None]:
        # Keyed by a digest: the key itself is kept nowhere but in the client.
        name = hashlib.sha256(api_key.encode()).hexdigest()
        with self._lock:
            if self._admitted >= self.total:
                raise FloqerBusy()
            self._admitted += 1
            slots = self._slots.setdefault(name, _Slots(threading.BoundedSemaphore(self.per_key)))
            slots.users += 1
        try:
            if not slots.semaphore.acquire(timeout=max(0.0, wait_seconds)):
                raise FloqerBusy()
            try:
                yield
            finally:
                slots.semaphore.release()
        finally:
            with self._lock:
                self._admitted -= 1
                slots.users -= 1
                if slots.users == 0:
                    del self._slots[name]

    @property
    def in_use(self) -> int:
        """Calls in flight or waiting for a slot (for tests and the benchmark)."""
        with self._lock:
            return self._admitted
