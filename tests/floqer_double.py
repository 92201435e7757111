"""A Floqer in front of the real sandbox that misbehaves on purpose: the network seam.

It forwards each call to the sandbox, or instead answers a byte at a time, never answers,
carries the call out and then never answers, or reshapes the sandbox's JSON into another
shape Floqer's docs allow. Only for cases the sandbox itself cannot produce. Loopback only.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.support import TLS

# What to do with one call, chosen from its method and path (under /api/v1):
#   "forward"          answer as the sandbox does
#   "drip"             a complete, valid answer, one byte per `drip_seconds`
#   "late"             forward it (the sandbox carries it out), answer `late_seconds` later
#   "hang"             read the request, never answer
#   "apply-then-hang"  forward it (the sandbox carries it out), then never answer
#   "reshape"          forward it and pass the JSON through `reshape` before answering
Behaviour = Callable[[str, str], str]
Reshape = Callable[[str, str, Any], Any]


class FloqerDouble:
    def __init__(
        self,
        upstream: str | None,
        behaviour: Behaviour,
        *,
        reshape: Reshape | None = None,
        drip_seconds: float = 1.0,
        late_seconds: float = 2.0,
    ) -> None:
        self.upstream = upstream
        self.behaviour = behaviour
        self.reshape = reshape
        self.drip_seconds = drip_seconds
        self.late_seconds = late_seconds
        self.stopping = threading.Event()
        self.seen: list[tuple[str, str, str]] = []  # (method, path, what was done)
        double = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                double._handle(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/v1"

    def start(self) -> FloqerDouble:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        reader = conn.makefile("rb")
        while not self.stopping.is_set():
            request = _read_request(reader)
            if request is None:
                return
            method, path, headers, body = request
            what = self.behaviour(method, path)
            self.seen.append((method, path, what))
            if what == "hang":
                self.stopping.wait(120)
                return
            status, payload = self._forward(method, path, headers, body)
            if what == "apply-then-hang":
                self.stopping.wait(120)
                return
            if what == "late" and self.stopping.wait(self.late_seconds):
                return
            if what == "reshape" and self.reshape is not None:
                payload = json.dumps(self.reshape(method, path, json.loads(payload))).encode()
            answer = _response(status, payload)
            try:
                if what == "drip":
                    for byte in answer:
                        if self.stopping.wait(self.drip_seconds):
                            return
                        conn.sendall(bytes([byte]))
                    return
                conn.sendall(answer)
            except OSError:
                return  # the client gave up

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        if self.upstream is None:
            return 200, b'{"status": 200, "data": {"email": "double@acme.example"}}'
        keep = {k: v for k, v in headers.items() if k in ("authorization", "content-type")}
        answer = httpx.request(
            method, f"{self.upstream}{path}", headers=keep, content=body, timeout=30, verify=TLS
        )
        return answer.status_code, answer.content


def _read_request(reader: Any) -> tuple[str, str, dict[str, str], bytes] | None:
    try:
        line = reader.readline()
    except OSError:
        return None
    if not line:
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        header = reader.readline().decode("latin-1").strip()
        if not header:
            break
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0") or 0))
    return method, target, headers, body


def _response(status: int, payload: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def elapsed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started
