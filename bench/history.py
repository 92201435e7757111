"""A configuration's history: the versions list, a comparison, and the state check.

Saves 200 versions of one configuration through the form, then prints the latency of the
versions list (50 a page, each with its one-line summary of what changed), of comparing two
versions field by field, and of the configuration's state line when it reads Floqer's step
(one call over loopback to the sandbox), each next to a bare Starlette + Jinja2 app serving
the same HTML.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import httpx

from bench.fragments import _bare_framework, _start_configuration, signed_in_app
from bench.side_by_side import percentile
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.serving import BackgroundServer

VERSIONS = 200


def _form(version: int) -> dict[str, object]:
    """The form as the browser posts it: version `version + 1` maps one more field, in turn."""
    names = ["Domain__c", "Name", "Website", "Phone", "Industry", "Description"]
    rows = names[: 2 + version % 5]
    return {
        "base_version": str(version),
        "name": "Bench history",
        "salesforce_object": "Account",
        "salesforce_external_id_field": "Domain__c",
        "field_name": rows,
        "field_value": [f"{{{{input.domain}}}} {version}" for _ in rows],
        "object_picker_loaded": "1",
        "object_fields_loaded": "1",
        "ignore_empty_values": "on" if version % 2 else "",
        "run_salesforce_assignment_rules": "on",
        "push_nonce": "",
    }


def _timed(web: httpx.Client, url: str, samples: int) -> tuple[list[float], str]:
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        response = web.get(url)
        timings.append(time.perf_counter() - started)
        response.raise_for_status()
    return timings, response.text


def _line(what: str, timings: list[float], html: str, samples: int) -> str:
    floor = _bare_framework(html, samples)
    p50, bare = statistics.median(timings), statistics.median(floor)
    return (
        f"{what}: p50 {p50 * 1000:.1f} ms, p95 {percentile(timings, 0.95) * 1000:.1f} ms "
        f"({len(html) / 1024:.0f} KiB); a bare Starlette + Jinja2 app serving the same HTML: "
        f"p50 {bare * 1000:.1f} ms ({p50 / bare:.1f}x at p50)"
    )


def main(samples: int = 50) -> None:
    sandbox = BackgroundServer(create_sandbox_app(SandboxSettings())).start()
    # Every state request reads Floqer's step (no recheck window).
    with signed_in_app(sandbox.url, floqer_recheck_seconds=0) as web:
        config = _start_configuration(web)
        started = time.perf_counter()
        for version in range(1, VERSIONS):
            saved = web.post(f"/configurations/{config}/save", data=_form(version))
            assert saved.status_code == 303, saved.text
        per_save = (time.perf_counter() - started) / (VERSIONS - 1)
        page = f"/configurations/{config}"
        measured: list[tuple[str, Callable[[], tuple[list[float], str]]]] = [
            (
                f"versions list, page 1 of {VERSIONS} versions (50 summaries)",
                lambda: _timed(web, f"{page}/versions", samples),
            ),
            (
                "compare version 100 with the head",
                lambda: _timed(web, f"{page}/versions/compare?a=100&b={VERSIONS}", samples),
            ),
            (
                f"state line, reading Floqer's step and matching it against {VERSIONS} versions",
                lambda: _timed(web, f"{page}/floqer-state", samples),
            ),
        ]
        results = [(what, *run()) for what, run in measured]
    sandbox.stop()
    print(f"{VERSIONS} versions saved through the form: {per_save * 1000:.1f} ms per save")
    for what, timings, html in results:
        print(_line(what, timings, html, samples))


if __name__ == "__main__":
    main()
