"""Serving an ASGI app from a background thread on a loopback port.

Used to embed the sandbox inside `serve`, and by the tests to run the real app and the
real sandbox over real HTTP.
"""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp, Receive


class BackgroundServer:
    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        # log_config=None: a server started inside another must not reset the process's
        # logging (uvicorn would replace every handler, and the redaction filter with them).
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            lifespan="on",
            proxy_headers=False,  # the app reads forwarded headers itself (FrontDoor)
        )
        self.app = app
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on {self.host}:{self.port} did not start")
            time.sleep(0.01)
        sockets = self._server.servers[0].sockets
        self.port = sockets[0].getsockname()[1]
        return self

    def request_stop(self) -> None:
        """Ask the server to stop without waiting (stop() waits)."""
        self._server.should_exit = True

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a server asked to stop to have stopped; whether
        it has."""
        self._thread.join(timeout=timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        self.request_stop()
        self.join(timeout=10)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


async def read_bounded(receive: Receive, limit: int) -> bytes | None:
    """An ASGI request's whole body, or None as soon as it grows past `limit` bytes: read
    chunk by chunk, so a chunked upload with no Content-Length is held to the limit too."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
