"""The app's front door, before any route: forwarded headers, the Host allow-list, body caps.

Pure ASGI, so that every refusal is cheap: it happens before a form is parsed, a session is
looked up or anything is written, and it answers with the app's own plain-language page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webapp.serving import read_bounded
from webapp.settings import Network, is_trusted
from webapp.web.auth import UNSAFE
from webapp.web.errors import error_response, unexpected_failure_page

log = logging.getLogger("webapp")

# Asked by container health checks and load balancers by address, not by the public name.
HOST_EXEMPT = frozenset({"/healthz"})


class FrontDoor:
    """Forwarded headers from trusted proxies only, a Host allow-list, a cap on bodies."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trusted_proxies: tuple[Network, ...],
        allowed_hosts: tuple[str, ...],
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies
        self.allowed_hosts = allowed_hosts
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        peer = scope["client"][0] if scope.get("client") else ""
        # The address that connected: only it may vouch for a signed-in user (single sign-on).
        scope.setdefault("state", {})["peer"] = peer
        if is_trusted(peer, self.trusted_proxies):
            _apply_forwarded(scope, self.trusted_proxies)
        host = _host_name(scope)
        if scope["path"] not in HOST_EXEMPT and not host_allowed(host, self.allowed_hosts):
            log.warning("refused a request for the host %r", host[:100])
            await refuse(scope, receive, send, 400, "Unknown address", _host_message(host))
            return
        if scope["method"] in UNSAFE:
            body = await self._bounded_body(scope, receive)
            if body is None:
                message = (
                    f"The form was too large to accept (the limit is {_size(self.max_body_bytes)})."
                    " Nothing was saved; go back to keep what you typed."
                )
                await refuse(scope, receive, send, 413, "Too large", message)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    async def _bounded_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is over the cap (a chunked one too)."""
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                if int(declared) > self.max_body_bytes:
                    return None
            except ValueError:
                return None
        return await read_bounded(receive, self.max_body_bytes)


class CatchUnexpected:
    """The last resort inside the app: an unexpected failure is logged once and answered
    with the plain 500 page, and the connection stays usable for the next request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as exc:
            # The handlers' RedactingFilter keeps any key out of this traceback.
            log.error("unexpected failure on %s %s", scope["method"], scope["path"], exc_info=exc)
            if started:
                return  # half an answer is out: nothing better to do than end it here
            response = unexpected_failure_page(Request(scope, receive))
            await response(scope, receive, send)


async def refuse(
    scope: Scope, receive: Receive, send: Send, status: int, title: str, message: str
) -> None:
    response = error_response(Request(scope, receive), status, title, message)
    await response(scope, receive, send)


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    for pattern in allowed:
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


def _host_message(host: str) -> str:
    shown = host[:100] or "(none)"
    return (
        f"This app does not answer to the address “{shown}”. If you run it under that name, "
        "add the name to WEBAPP_ALLOWED_HOSTS (comma separated) and restart it."
    )


def _host_name(scope: Scope) -> str:
    """The Host header's name, lower case, without the port; IPv6 addresses keep brackets."""
    raw = (_header(scope, b"host") or b"").decode("latin-1").strip().lower()
    if raw.startswith("["):
        return raw[: raw.find("]") + 1] if "]" in raw else raw
    return raw.rsplit(":", 1)[0] if raw.count(":") == 1 else raw


def _apply_forwarded(scope: Scope, trusted: tuple[Network, ...]) -> None:
    """The client and scheme the trusted proxy saw (X-Forwarded-For and -Proto)."""
    forwarded = _header(scope, b"x-forwarded-for")
    if forwarded:
        hops = [hop.strip() for hop in forwarded.decode("latin-1").split(",") if hop.strip()]
        # The rightmost hop that is not one of our proxies is the client; anything left of it
        # was written by the client itself and proves nothing.
        client = next((hop for hop in reversed(hops) if not is_trusted(hop, trusted)), None)
        if client is None and hops:
            client = hops[0]
        if client:
            scope["client"] = (client, 0)
    proto = _header(scope, b"x-forwarded-proto")
    if proto:
        scheme = proto.decode("latin-1").split(",")[-1].strip().lower()
        if scheme in ("http", "https"):
            scope["scheme"] = scheme


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # after the body: wait for the disconnect, as usual
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB" if limit >= 1024 else f"{limit} bytes"
