"""Browser hardening on every answer, and the refusal of requests from foreign pages."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# Encoded once, as every answer carries them; pages and fragments also say no-store.
_STATIC = tuple((name.encode(), value.encode()) for name, value in HEADERS.items())
_PAGES = (*_STATIC, (b"cache-control", b"no-store"))


class SecurityHeaders:
    """Adds the headers to every answer; pages and fragments are never cached. Outermost of
    the app's layers, it also says how long the server took (`Server-Timing: app;dur=…`, in
    ms, gzip included: what a browser's network panel and `make bench` read as server time)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                extra = _STATIC if static else _PAGES
                headers += [pair for pair in extra if pair[0] not in present]
                if b"server-timing" not in present:
                    headers.append((b"server-timing", took))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
