"""The form's fragments next to the bare floor, and their cost in Floqer calls.

On the large org: the object picker (1,052 objects) and the field list of Account at 900,
300 and 50 fields (custom fields deleted in between, as an admin would), warm, each
interleaved with a bare Starlette + Jinja2 app serving the same HTML; throughput at 16
connections on the 900-field list; options calls for a cold form, a warm reopen and 20 cold
loads at once; bytes on the wire for a first load.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session

from bench.side_by_side import BareApp, interleaved, load_process, throughput
from webapp import migrate
from webapp.app import create_app
from webapp.db import make_engine
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.services.accounts import create_user, start_session
from webapp.serving import BackgroundServer
from webapp.settings import Settings

SECRET = "bench-secret-0123456789abcdef0123456789abcdef"


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
    """The floor alone (bench.history's figures): the bare app serving the same HTML."""
    timings = []
    with BareApp(html).running() as client:
        for _ in range(samples):
            started = time.perf_counter()
            client.get("/html").raise_for_status()
            timings.append(time.perf_counter() - started)
    return timings


def _options_calls_at_once(web: httpx.Client, sandbox_url: str, config: int, url: str) -> int:
    """Options calls made by 20 loads of `url` at once with nothing kept."""
    web.post(f"/configurations/{config}/refresh-options")
    before = _options_calls(sandbox_url)
    with ThreadPoolExecutor(max_workers=20) as pool:
        for answer in pool.map(lambda _: web.get(url), range(20)):
            answer.raise_for_status()
    return _options_calls(sandbox_url) - before


def _first_load_bytes(web: httpx.Client, config: int) -> tuple[int, int]:
    """Bytes on the wire for a first load (the page, its two fragments, its static files):
    gzipped as a browser asks, and as they would be uncompressed."""
    page = web.get(f"/configurations/{config}").text
    urls = [f"/configurations/{config}", *_fragment_urls(config, "Account")]
    urls += re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    sizes = [0, 0]
    for n, encoding in enumerate(("gzip", "identity")):
        for url in urls:
            with web.stream("GET", url, headers={"Accept-Encoding": encoding}) as raw:
                sizes[n] += len(b"".join(raw.iter_raw()))
    return sizes[0], sizes[1]


def _fragment_urls(config: int, obj: str) -> list[str]:
    fragments = f"/configurations/{config}/fragments"
    return [f"{fragments}/objects", f"{fragments}/object-fields?salesforce_object={obj}"]


def _trim_account(web: httpx.Client, sandbox_url: str, config: int, keep: int) -> None:
    """Delete Account's custom fields (as an admin would in Setup) until `keep` are left,
    and have the form read them afresh."""
    url = _fragment_urls(config, "Account")[1]
    guide = json.loads(_guide(web.get(url).text))["fields"]
    custom = [f["name"] for f in guide if f.get("custom")]
    with httpx.Client(base_url=f"{sandbox_url}/_sandbox/objects/Account/fields") as setup:
        for name in custom[: max(0, len(guide) - keep)]:
            setup.post(f"/{name}", json={"action": "delete"}).raise_for_status()
    web.post(f"/configurations/{config}/refresh-options")


def _guide(html: str) -> str:
    found = re.search(r'<template id="field-guide">(.*?)</template>', html, re.S)
    assert found, "the fields part has no guide"
    return found.group(1)


def main(samples: int = 60) -> None:
    sandbox = BackgroundServer(create_sandbox_app(SandboxSettings(org="large"))).start()
    bare = BareApp()
    with signed_in_app(sandbox.url) as web, bare.running() as floor, load_process() as load:
        config = _start_configuration(web)
        web.post(f"/configurations/{config}/refresh-options")
        before = _options_calls(sandbox.url)
        _open_form(web, config, "Account")
        session_calls = _options_calls(sandbox.url) - before
        _open_form(web, config, "Account")
        reopen_calls = _options_calls(sandbox.url) - before - session_calls
        picker_url, fields_url = _fragment_urls(config, "Account")
        at_once = _options_calls_at_once(web, sandbox.url, config, fields_url)
        pickers_at_once = _options_calls_at_once(web, sandbox.url, config, picker_url)
        web.get(fields_url).raise_for_status()
        gzipped, plain = _first_load_bytes(web, config)
        bare.html = web.get(picker_url).text
        picker = interleaved(web, picker_url, floor, samples)
        lines = [picker.line("object picker, the large org's 1,052 objects, warm", bare.html)]
        # Account at 900 fields, then at 300 (custom fields deleted); Opportunity's 47.
        for obj, keep in (("Account", 900), ("Account", 300), ("Opportunity", 0)):
            url = _fragment_urls(config, obj)[1]
            if obj == "Account":
                _trim_account(web, sandbox.url, config, keep)
            bare.html = web.get(url).text
            count = f"{len(json.loads(_guide(bare.html))['fields'])}-field {obj}"
            warm = interleaved(web, url, floor, samples)
            lines.append(warm.line(f"field-list fragment, {count}, warm", bare.html))
            if keep == 900:
                app_url = str(web.base_url).rstrip("/") + fields_url
                bare_url = str(floor.base_url).rstrip("/") + "/html"
                cookies = {"session": web.cookies["session"]}
                rate = throughput(load, app_url, bare_url, cookies)
                lines.append(f"throughput, the 900-field fragment: {rate}")
    sandbox.stop()
    print(*lines, sep="\n")
    print(
        f"options calls: {session_calls} for a cold form (open, choose an object), "
        f"{reopen_calls} on a warm reopen, {at_once} for 20 cold loads of one fields "
        f"fragment at once (3 lists), {pickers_at_once} for 20 cold object pickers at once"
    )
    print(
        f"first load (page, picker, 900-field part, static files): {gzipped / 1024:.0f} KiB "
        f"on the wire gzipped | {plain / 1024:.0f} KiB uncompressed | "
        f"ratio {gzipped / plain:.2f}x"
    )


if __name__ == "__main__":
    main()
