"""What the org's metadata cache costs and saves: a cold fields part over a 200 ms Floqer
(its reads started together, against the same reads one after another), and the memory the
large org takes once cached (the sandbox in a process of its own, so that only the app's
memory is counted)."""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time

import httpx

from bench.fragments import _fragment_urls, _open_form, _start_configuration, signed_in_app
from bench.sandbox import KEY, _free_port
from bench.side_by_side import rss_bytes
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.serving import BackgroundServer

LATENCY_MS = 200


def _calls(sandbox_url: str) -> int:
    total: int = httpx.get(f"{sandbox_url}/_sandbox/calls").json()["data"]["total"]
    return total


def _cold_part(latency_ms: int, rounds: int) -> tuple[float, float]:
    """Median time and Floqer calls of a cold fields part (the first, warming, not counted)."""
    slow = create_sandbox_app(SandboxSettings(latency_ms=latency_ms))
    with BackgroundServer(slow) as sandbox, signed_in_app(sandbox.url) as web:
        config = _start_configuration(web)
        url = _fragment_urls(config, "Account")[1]
        elapsed, calls = [], []
        for _ in range(rounds + 1):
            web.post(f"/configurations/{config}/refresh-options")  # nothing kept
            before = _calls(sandbox.url)
            started = time.perf_counter()
            web.get(url).raise_for_status()
            elapsed.append(time.perf_counter() - started)
            calls.append(_calls(sandbox.url) - before)
    return statistics.median(elapsed[1:]), statistics.median(calls[1:])


def cold_fields_part(rounds: int = 5) -> None:
    """Round trips = (time over a 200 ms Floqer - time over a Floqer with no delay) / 200 ms."""
    took, made = _cold_part(LATENCY_MS, rounds)
    floor, _ = _cold_part(0, rounds)
    latency = LATENCY_MS / 1000
    one_by_one = floor + made * latency
    print(
        f"cold fields part over a {LATENCY_MS} ms Floqer: {made:.0f} calls, {took * 1000:.0f} "
        f"ms, {(took - floor) / latency:.1f} round trips (the same part over an undelayed "
        f"Floqer: {floor * 1000:.0f} ms; medians of {rounds}) | the same calls one after "
        f"another: {one_by_one * 1000:.0f} ms | ratio {took / one_by_one:.2f}x"
    )


def rss_after_caching_the_large_org() -> None:
    port = _free_port()
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "webapp", "sandbox", "--port", str(port), "--org", "large"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url)
        with signed_in_app(url) as web:
            config = _start_configuration(web)
            web.post(f"/configurations/{config}/refresh-options")
            gc.collect()
            before = rss_bytes()
            _open_form(web, config, "Account")  # the 1,052 objects, Account's lists, the chain
            for obj in ("Contact", "Lead", "Opportunity", "Case"):
                web.get(_fragment_urls(config, obj)[1]).raise_for_status()
            gc.collect()
            after = rss_bytes()
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    print(
        f"app RSS after caching the large org (objects, Account's 900 fields, 4 more "
        f"objects): {after / 2**20:.0f} MiB | before: {before / 2**20:.0f} MiB | "
        f"+{(after - before) / 2**20:.1f} MiB"
    )


def _wait_for(url: str) -> None:
    ends = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/api/v1/workflows/", headers=KEY, timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > ends:
                raise RuntimeError("the sandbox did not start") from None
            time.sleep(0.05)


def main() -> None:
    rss_after_caching_the_large_org()
    cold_fields_part()


if __name__ == "__main__":
    main()
