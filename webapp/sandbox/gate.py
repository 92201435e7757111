"""What every `/api/v1` request goes through before a route: size limit, key, budget, latency.

A pure ASGI middleware, so that every answer (a route's, a 404 for an unknown path, an
unexpected failure) leaves with the `X-RateLimit-*` headers Floqer sends on every answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webapp.sandbox.errors import FloqerApiError
from webapp.sandbox.faults import Scope as FaultScope
from webapp.sandbox.faults import fault_for
from webapp.sandbox.ratelimit import RateLimiter
from webapp.serving import read_bounded

API_PREFIX = "/api/v1"
WHO_AM_I = f"{API_PREFIX}/user/"
log = logging.getLogger("webapp.sandbox")


class Gate:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        latency_ms: int,
        slow_key_seconds: float = 5.0,
        max_body_bytes: int,
        calls: Counter[str],
        revoked: set[str],
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.calls = calls
        self.revoked = revoked
        self.latency_seconds = latency_ms / 1000
        self.slow_key_seconds = slow_key_seconds
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        # Counted before anything can refuse it: what a client sent, for tests and benchmarks.
        self.calls[f"{scope['method']} {scope['path']}"] += 1
        api_key = _bearer_key(scope)
        client = scope.get("client") or ("unknown", 0)
        decision = self.limiter.hit(api_key or f"anonymous:{client[0]}")
        headers = decision.headers()
        if self.latency_seconds:
            await asyncio.sleep(self.latency_seconds)
        refusal = self._refusal(scope, api_key, decision.allowed, decision.retry_after)
        if refusal is None and api_key:
            refusal = await self._apply_fault(scope, api_key)
        if refusal is not None:
            await _send_error(send, refusal, headers)
            return
        scope.setdefault("state", {})["api_key"] = api_key
        await self._forward(scope, receive, send, headers)

    def _refusal(
        self, scope: Scope, api_key: str | None, allowed: bool, retry_after: int
    ) -> FloqerApiError | None:
        if not allowed:
            return FloqerApiError(
                429,
                f"Rate limit exceeded. Try again in {retry_after} seconds.",
                extra={"retryAfter": retry_after},
            )
        if api_key is None:
            return FloqerApiError(401, "API key is required")
        if not api_key.startswith("floq_") or api_key in self.revoked:
            return FloqerApiError(401, "Invalid API key")
        length = _content_length(scope)
        if length is not None and length > self.max_body_bytes:
            return _too_large(self.max_body_bytes)
        return None

    async def _apply_fault(self, scope: Scope, api_key: str) -> FloqerApiError | None:
        fault = fault_for(api_key)
        if fault is None or fault.scope in (FaultScope.SALESFORCE, FaultScope.RUNS):
            return None
        if fault.scope is FaultScope.EVERYTHING and scope["path"] == WHO_AM_I:
            return None
        if fault.slow:
            await asyncio.sleep(self.slow_key_seconds)
            return None
        return fault.error()

    async def _forward(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        body = await self._read_body(receive)
        if body is None:
            await _send_error(send, _too_large(self.max_body_bytes), headers)
            return
        started = False
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                _add_headers(message, headers)
            await send(message)

        try:
            await self.app(scope, replay, send_with_headers)
        except Exception:
            log.exception("sandbox route failed: %s %s", scope["method"], scope["path"])
            if not started:
                await _send_error(send, FloqerApiError(500, "Internal server error"), headers)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, read up front so a chunked upload is held to the limit too."""
        return await read_bounded(receive, self.max_body_bytes)


def _too_large(limit: int) -> FloqerApiError:
    return FloqerApiError(413, f"Request body is larger than {limit // (1024 * 1024)} MB")


def _bearer_key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            token = token.strip()
            if scheme.lower() == "bearer" and token:
                return token
            return ""
    return None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _add_headers(message: MutableMapping[str, Any], headers: dict[str, str]) -> None:
    raw = list(message.get("headers", []))
    raw.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())
    message["headers"] = raw


async def _send_error(send: Send, error: FloqerApiError, headers: dict[str, str]) -> None:
    body = json.dumps(error.body()).encode()
    all_headers = {**headers, **error.headers}
    start: dict[str, Any] = {
        "type": "http.response.start",
        "status": error.status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    _add_headers(start, all_headers)
    await send(start)
    await send({"type": "http.response.body", "body": body})
