"""The form's heaviest fragment and its cost in Floqer calls.

Prints the latency (p50/p95) of the field-list fragment for the large org's 900-field Account
from a warm options cache, and how many options calls one form session and a reopen cost.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from webapp import migrate
from webapp.app import create_app
from webapp.db import make_engine
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.services.accounts import create_user, start_session
from webapp.serving import BackgroundServer
from webapp.settings import Settings

SECRET = "bench-secret-0123456789abcdef0123456789abcdef"


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _signed_in_admin(database_url: str) -> tuple[str, str]:
    """An admin with a live session: the session cookie and its CSRF token."""
    engine = make_engine(database_url)
    with Session(engine) as session, session.begin():
        user = create_user(session, "bench@acme.example", "admin", None)
        new = start_session(session, user)
        tokens = (new.token, new.record.csrf_token)
    engine.dispose()
    return tokens


def _options_calls(sandbox_url: str) -> int:
    calls: int = httpx.get(f"{sandbox_url}/_sandbox/calls").json()["data"]["options"]
    return calls


def _start_configuration(web: httpx.Client) -> int:
    web.post("/connections", data={"label": "Bench", "api_key": "floq_bench_0001"})
    workflows = web.get("/connections/1/workflows").text
    workflow = re.findall(r'href="(/connections/1/workflows/[^"]+)"', workflows)[0]
    action = re.findall(r'action="([^"]+/configure)"', web.get(workflow).text)[0]
    location = web.post(action).headers["location"]  # /configurations/ID?notice=…
    return int(re.findall(r"/configurations/(\d+)", location)[0])


def _open_form(web: httpx.Client, config: int, obj: str) -> None:
    for url in (f"/configurations/{config}", f"/configurations/{config}/fragments/objects"):
        web.get(url).raise_for_status()
    fields = f"/configurations/{config}/fragments/object-fields?salesforce_object={obj}"
    web.get(fields).raise_for_status()


@contextmanager
def signed_in_app(sandbox_url: str, **overrides: Any) -> Iterator[httpx.Client]:
    """The app on a fresh database in front of the sandbox, and an admin's client of it."""
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            data_dir=Path(data),
            database_url=f"sqlite:///{data}/bench.db",
            secret_key=SECRET,
            floqer_base_url=f"{sandbox_url}/api/v1",
            **overrides,
        )
        migrate.upgrade(settings.database_url)
        token, csrf = _signed_in_admin(settings.database_url)
        signed_in = {"cookies": {"session": token}, "headers": {"X-CSRF-Token": csrf}}
        with (
            BackgroundServer(create_app(settings)) as app,
            httpx.Client(base_url=app.url, timeout=60, **signed_in) as web,  # type: ignore[arg-type]
        ):
            yield web


def _bare_framework(html: str, samples: int) -> list[float]:
    """The floor: a bare Starlette app rendering the same HTML through one Jinja2 template."""
    template = Environment(autoescape=True).from_string("{{ html|safe }}")

    async def fragment(request: Request) -> HTMLResponse:
        return HTMLResponse(template.render(html=html))

    bare = Starlette(routes=[Route("/fragment", fragment)])
    timings = []
    with BackgroundServer(bare) as server, httpx.Client(base_url=server.url) as client:
        for _ in range(samples):
            started = time.perf_counter()
            client.get("/fragment").raise_for_status()
            timings.append(time.perf_counter() - started)
    return timings


def main(samples: int = 100) -> None:
    sandbox = BackgroundServer(create_sandbox_app(SandboxSettings(org="large"))).start()
    with signed_in_app(sandbox.url) as web:
        config = _start_configuration(web)
        before = _options_calls(sandbox.url)
        _open_form(web, config, "Account")
        session_calls = _options_calls(sandbox.url) - before
        _open_form(web, config, "Account")
        reopen_calls = _options_calls(sandbox.url) - before - session_calls
        url = f"/configurations/{config}/fragments/object-fields?salesforce_object=Account"
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            response = web.get(url)
            timings.append(time.perf_counter() - started)
            response.raise_for_status()
        size = len(response.content)
        with web.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as raw:
            wire = len(b"".join(raw.iter_raw()))
        floor = _bare_framework(response.text, samples)
    sandbox.stop()
    p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
    print(
        f"field-list fragment, 900-field Account, warm cache: "
        f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over {samples} requests "
        f"({size / 1024:.0f} KiB each, {wire / 1024:.0f} KiB gzipped on the wire); "
        f"a bare Starlette + Jinja2 app serving the same HTML: "
        f"p50 {statistics.median(floor) * 1000:.1f} ms, p95 {_percentile(floor, 0.95) * 1000:.1f} "
        f"ms ({p50 / statistics.median(floor):.1f}x at p50)"
    )
    print(
        f"options calls: {session_calls} per form session, {reopen_calls} on reopen within the TTL"
    )


if __name__ == "__main__":
    main()
