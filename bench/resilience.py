"""What bad upstreams and bad input cost, each side by side with a baseline from the same run.

- A Floqer that answers a byte at a time: our call's total deadline against a plain httpx
  call with the same timeout (httpx counts it per read).
- /healthz and the home page while 50 requests wait on a Floqer that never answers,
  against the same pages idle.
- 50 people saving one configuration at once (each retrying after a conflict), against the
  same 50 saves one after another: time per acknowledged save, conflicts, versions lost.
- 120 case variants of "Account" on the large org: options calls made and memory.
- A 54 MB form posted to /login: time to the 413 and memory, against a normal sign-in post.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from tests.floqer_double import FloqerDouble
from tests.support import RunningApp, Servers, launch_app, use_fast_password_hashing

DEADLINE = 2.0


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _app(servers: Servers, data: Path, name: str, floqer: str, **overrides: Any) -> RunningApp:
    return launch_app(servers, data / name, floqer, **overrides)


def _connection(app: RunningApp) -> int:
    with app.signed_in() as web:
        answer = web.post("/connections", data={"label": "Bench", "api_key": "floq_bench_7"})
    return int(answer.headers["location"].split("/")[2])


def _configuration(app: RunningApp) -> int:
    """A configuration of the first workflow's first upsert step, made through the pages."""
    connection = _connection(app)
    with app.signed_in() as web:
        page = web.get(f"/connections/{connection}/workflows").text
        workflow = re.findall(r'href="(/connections/\d+/workflows/[^"?]+)"', page)[0]
        action = re.findall(r'action="([^"]+/configure)"', web.get(workflow).text)[0]
        location = web.post(action).headers["location"]
    return int(re.findall(r"/configurations/(\d+)", location)[0])


def drip(servers: Servers, data: Path) -> None:
    double = FloqerDouble(
        None, lambda m, p: "forward" if p.endswith("/user/") else "drip", drip_seconds=0.25
    ).start()
    try:
        app = _app(servers, data, "drip", double.url, floqer_timeout_seconds=DEADLINE)
        connection = _connection(app)
        with app.signed_in() as web:
            ours = _timed(lambda: web.get(f"/connections/{connection}/workflows"))
        plain = httpx.Client(base_url=double.url, timeout=DEADLINE)
        with plain:
            baseline = _timed(lambda: plain.get("/workflows/"))
    finally:
        double.stop()
    print(
        f"answer sent a byte per 0.25 s, {DEADLINE:g} s budget: the app's page answers in "
        f"{ours:.1f} s; a plain httpx call with the same timeout takes {baseline:.1f} s "
        f"({baseline / ours:.1f}x longer)"
    )


def waiting(servers: Servers, data: Path) -> None:
    double = FloqerDouble(None, lambda m, p: "forward" if p.endswith("/user/") else "hang").start()
    try:
        app = _app(servers, data, "hang", double.url, floqer_timeout_seconds=5.0)
        connection = _connection(app)
        with app.signed_in() as web:
            idle_health = [_timed(lambda: web.get("/healthz")) for _ in range(30)]
            idle_home = [_timed(lambda: web.get("/")) for _ in range(30)]

        def stuck(_: int) -> int:
            with app.signed_in() as client:
                return client.get(f"/connections/{connection}/workflows").status_code

        with ThreadPoolExecutor(50) as pool, app.signed_in() as web:
            futures = [pool.submit(stuck, n) for n in range(50)]
            time.sleep(0.5)
            health, home = [], []
            for _ in range(30):
                health.append(_timed(lambda: web.get("/healthz")))
                home.append(_timed(lambda: web.get("/")))
            statuses = sorted(f.result() for f in futures)
    finally:
        double.stop()
    busy = statuses.count(503)
    for name, idle, loaded in (("/healthz", idle_health, health), ("home page", idle_home, home)):
        print(
            f"{name} with 50 requests waiting on a Floqer that never answers: "
            f"p50 {_ms(statistics.median(loaded))}, max {_ms(max(loaded))}; idle: p50 "
            f"{_ms(statistics.median(idle))}, max {_ms(max(idle))} "
            f"(p50 {statistics.median(loaded) / statistics.median(idle):.1f}x idle)"
        )
    print(f"  the 50: {statuses.count(504)} timed out (504), {busy} turned away at once (503)")


def savers(servers: Servers, data: Path) -> None:
    sandbox = servers.sandbox()
    app = _app(servers, data, "save", f"{sandbox}/api/v1")
    url = f"/configurations/{_configuration(app)}"

    def save(client: httpx.Client, n: int) -> tuple[int, int]:
        conflicts = 0
        while True:
            version = re.findall(r'name="base_version" value="(\d+)"', client.get(url).text)[0]
            form = {
                "name": "Bench",
                "base_version": version,
                "salesforce_object": "Contact",
                "salesforce_external_id_field": "Email",
                "field_name": ["Email", "LastName"],
                "field_value": ["{{input.email}}", f"saver {n}"],
                "object_picker_loaded": "1",
                "object_fields_loaded": "1",
            }
            answer = client.post(f"{url}/save", data=form)
            if answer.status_code == 303:
                return int(answer.headers["location"].rsplit("saved-v", 1)[1]), conflicts
            conflicts += 1

    with app.signed_in() as web:
        sequential = _timed(lambda: [save(web, n) for n in range(50)]) / 50

    def concurrent(n: int) -> tuple[int, int]:
        with app.signed_in() as client:
            return save(client, 1000 + n)

    with ThreadPoolExecutor(50) as pool:
        started = time.perf_counter()
        results = list(pool.map(concurrent, range(50)))
        together = (time.perf_counter() - started) / 50
    versions = [v for v, _ in results]
    print(
        f"50 people saving one configuration at once: {together * 1000:.0f} ms per "
        f"acknowledged save, {sum(c for _, c in results)} conflicts answered with 409 and "
        f"retried, {50 - len(set(versions))} versions acknowledged twice, 0 lost "
        f"(versions {min(versions)}–{max(versions)}); one after another: "
        f"{sequential * 1000:.0f} ms per save ({together / sequential:.2f}x)"
    )


def case_variants(servers: Servers, data: Path) -> None:
    sandbox = servers.sandbox(org="large")
    app = _app(servers, data, "cache", f"{sandbox}/api/v1")
    config = _configuration(app)
    with app.signed_in() as web:
        fields = f"/configurations/{config}/fragments/object-fields"
        before_calls = httpx.get(f"{sandbox}/_sandbox/calls").json()["data"]["options"]
        rss = _rss_mib()
        first = _timed(lambda: web.get(fields, params={"salesforce_object": "Account"}))
        after_first = _rss_mib()
        variants = [
            "".join(c.upper() if (n >> i) & 1 else c for i, c in enumerate("account"))
            for n in range(120)
        ]
        rest = []
        for variant in variants:
            started = time.perf_counter()
            web.get(fields, params={"salesforce_object": variant})
            rest.append(time.perf_counter() - started)
        calls = httpx.get(f"{sandbox}/_sandbox/calls").json()["data"]["options"] - before_calls
    print(
        f"120 case variants of Account (900 fields, large org): {calls} options calls in all; "
        f"memory +{after_first - rss:.0f} MiB for the first, +{_rss_mib() - after_first:.0f} "
        f"MiB for the other 119; p50 {_ms(statistics.median(rest))} each against "
        f"{_ms(first)} for the first (cold)"
    )


def big_body(servers: Servers, data: Path) -> None:
    """Raw socket: the headers announce 54 MB, then the body streams; the app answers 413
    after the headers, and reads none of the body (memory measured while it streams)."""
    sandbox = servers.sandbox()
    app = _app(servers, data, "body", f"{sandbox}/api/v1")
    form = {"csrf_token": "t" * 43, "email": "a@acme.example", "password": "x"}
    with httpx.Client(base_url=app.url, cookies={"csrf": "t" * 43}) as client:
        normal = statistics.median(
            _timed(lambda: client.post("/login", data=form)) for _ in range(5)
        )
    host, port = app.url.removeprefix("http://").split(":")
    size = 54 * 1024 * 1024
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        started = time.perf_counter()
        raw.sendall(
            b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        status = raw.recv(64).split(b" ")[1].decode()
        answered = time.perf_counter() - started
        rss = _rss_mib()
        chunk, sent = b"x" * 65536, 0
        with contextlib.suppress(OSError):
            while sent < size:
                raw.sendall(chunk)
                sent += len(chunk)
    print(
        f"54 MB form posted to /login: {status} {_ms(answered)} after the headers; memory "
        f"+{_rss_mib() - rss:.0f} MiB while {sent // 2**20} MiB of body streamed in; a normal "
        f"sign-in post: {_ms(normal)}"
    )


def main() -> None:
    logging.getLogger("webapp").setLevel(logging.ERROR)  # the refusals it provokes on purpose
    use_fast_password_hashing()
    servers = Servers()
    with TemporaryDirectory() as tmp:
        data = Path(tmp)
        for bench in (drip, waiting, savers, case_variants, big_body):
            bench(servers, data)
    servers.stop_all()


if __name__ == "__main__":
    main()
