"""How fast the sandbox starts (`python -m webapp sandbox` until its first answer) and answers."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time

import httpx

KEY = {"Authorization": "Bearer floq_bench"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def startup_seconds(org: str) -> float:
    """Seconds from launching the process to the first answered API call."""
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "sandbox", "--port", str(port), "--org", org],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/workflows/", headers=KEY, timeout=1)
                return time.perf_counter() - started
            except httpx.TransportError:
                if process.poll() is not None or time.perf_counter() - started > 60:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def options_latency(calls: int = 50) -> None:
    """Options answers of the large org over loopback: its 1,000+ objects and 900 fields."""
    from webapp.sandbox import SandboxSettings, create_sandbox_app
    from webapp.serving import BackgroundServer

    app = create_sandbox_app(SandboxSettings(org="large", rate_limit_per_minute=10_000))
    with (
        BackgroundServer(app) as server,
        httpx.Client(base_url=f"{server.url}/api/v1", headers=KEY) as api,
    ):
        wid = api.get("/workflows/").json()["data"][0]["workflow_id"]
        chain = api.get(f"/workflows/{wid}/sheets/{wid}/actions").json()["data"]
        step = f"/workflows/{wid}/sheets/{wid}/actions/{chain[-1]['action_instance_id']}"
        for field, body in (
            ("salesforce_object", {}),
            ("add_fields_and_their_values", {"context": {"salesforce_object": "Account"}}),
        ):
            samples = []
            for _ in range(calls):
                started = time.perf_counter()
                api.post(f"{step}/options/{field}", json=body).raise_for_status()
                samples.append(time.perf_counter() - started)
            print(f"sandbox options {field:<28} (large org) {_percentiles(samples)}")


def main(runs: int = 5) -> None:
    for org in ("default", "large", "hostile"):
        times = sorted(startup_seconds(org) for _ in range(runs))
        print(
            f"sandbox startup --org {org:<8} median {statistics.median(times):.2f} s, "
            f"max {times[-1]:.2f} s over {runs} runs"
        )
    options_latency()


if __name__ == "__main__":
    main()
