"""The bare floor the app is measured against, in the same run: a bare Starlette app that
renders the same HTML through one Jinja2 template (and gzips it as the app does), requests
interleaved with the app's, and throughput at N connections from a separate process (so the
load generator does not share the servers' interpreter). Loopback only, bounded in time."""

from __future__ import annotations

import re
import resource
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import ip_address
from multiprocessing import get_context
from urllib.parse import urlsplit

import httpx
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webapp.serving import BackgroundServer


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


@dataclass
class BareApp:
    """The floor: serves whatever HTML it was last given at /html, as the app would send it."""

    html: str = ""

    @contextmanager
    def running(self) -> Iterator[httpx.Client]:
        template = Environment(autoescape=True).from_string("{{ html|safe }}")

        async def page(request: Request) -> HTMLResponse:
            return HTMLResponse(template.render(html=self.html))

        bare = Starlette(routes=[Route("/html", page)])
        bare.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=3)
        bare.add_middleware(ServerTiming)  # measured as the app measures itself
        with BackgroundServer(bare) as server, httpx.Client(base_url=server.url) as client:
            yield client


class ServerTiming:
    """The bare app's own `Server-Timing: app;dur=…`, taken as the app's SecurityHeaders
    takes it (outermost, gzip included), so that server times compare like for like."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), (b"server-timing", took)]
            await send(message)

        await self.app(scope, receive, timed)


def server_seconds(response: httpx.Response) -> float:
    """The server's own time for `response`, from its Server-Timing header."""
    found = re.search(r"app;dur=([\d.]+)", response.headers.get("server-timing", ""))
    if not found:
        raise RuntimeError(f"{response.url} says nothing of its server time")
    return float(found.group(1)) / 1000


@dataclass(frozen=True)
class Latency:
    """Round trips as the client saw them (client and servers share this process) and the
    servers' own times (Server-Timing), the app's and the bare app's."""

    app: list[float]
    bare: list[float]
    app_server: list[float]
    bare_server: list[float]

    def line(self, what: str, html: str) -> str:
        return (
            f"{what} ({len(html) / 1024:.0f} KiB of HTML):\n"
            f"  server time  {_compare(self.app_server, self.bare_server)}\n"
            f"  round trip   {_compare(self.app, self.bare)}"
        )


def _compare(app: list[float], bare: list[float]) -> str:
    a50, a95 = statistics.median(app), percentile(app, 0.95)
    b50, b95 = statistics.median(bare), percentile(bare, 0.95)
    return (
        f"app p50 {a50 * 1000:.1f} ms, p95 {a95 * 1000:.1f} ms | bare p50 {b50 * 1000:.1f} ms, "
        f"p95 {b95 * 1000:.1f} ms | ratio {a50 / b50:.1f}x p50, {a95 / b95:.1f}x p95"
    )


def interleaved(app: httpx.Client, url: str, bare: httpx.Client, samples: int) -> Latency:
    """`samples` requests to the app's `url` and as many to the bare app, taking turns."""
    timings: tuple[list[float], list[float], list[float], list[float]] = ([], [], [], [])
    for _ in range(samples):
        for n, (client, path) in enumerate(((app, url), (bare, "/html"))):
            started = time.perf_counter()
            response = client.get(path)
            timings[n].append(time.perf_counter() - started)
            response.raise_for_status()
            timings[n + 2].append(server_seconds(response))
    return Latency(*timings)


def hammer(url: str, cookies: dict[str, str], connections: int, seconds: float) -> int:
    """Answers received from `url` by `connections` clients asking in a loop for `seconds`
    (runs in the load process)."""
    host = urlsplit(url).hostname or ""
    if not ip_address(host).is_loopback:
        raise ValueError("load is sent to loopback only")
    done = [0] * connections
    failed: list[BaseException] = []
    # Clients are built (and connected) before the clock starts: building one takes longer
    # than many requests.
    clients = [httpx.Client(cookies=cookies, timeout=30) for _ in range(connections)]
    for web in clients:
        web.get(url).raise_for_status()
    go = threading.Barrier(connections + 1)
    ends = 0.0

    def client(n: int) -> None:
        go.wait()
        try:
            while time.monotonic() < ends:
                clients[n].get(url).raise_for_status()
                done[n] += 1
        except Exception as exc:
            failed.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    ends = time.monotonic() + seconds
    go.wait()
    for thread in threads:
        thread.join()
    for web in clients:
        web.close()
    if failed:
        raise RuntimeError(f"{len(failed)} load clients failed: {failed[0]!r}")
    return sum(done)


@contextmanager
def load_process() -> Iterator[ProcessPoolExecutor]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        pool.submit(time.sleep, 0).result()  # started before anything is measured
        yield pool


def throughput(
    pool: ProcessPoolExecutor,
    app_url: str,
    bare_url: str,
    cookies: dict[str, str],
    connections: int = 16,
    seconds: float = 2.0,
    rounds: int = 3,
) -> str:
    """Requests per second at `connections` connections, the app's and the bare app's in
    turns, `rounds` of `seconds` each."""
    counts: dict[str, int] = {"app": 0, "bare": 0}
    for _ in range(rounds):
        for who, url, jar in (("app", app_url, cookies), ("bare", bare_url, {})):
            counts[who] += pool.submit(hammer, url, jar, connections, seconds).result()
    app, bare = (counts[w] / (rounds * seconds) for w in ("app", "bare"))
    return (
        f"app {app:.0f}/s | bare {bare:.0f}/s | ratio {app / bare:.2f}x "
        f"({connections} connections, {rounds} x {seconds:.1f} s each, load from its own process)"
    )


def rss_bytes() -> int:
    """This process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize()
