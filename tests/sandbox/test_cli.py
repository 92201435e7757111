"""`python -m webapp sandbox` starts a real server with the orgs and knobs it is given."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.conftest import SandboxFactory
from tests.ports import free_port
from tests.support import TLS

KEY = {"Authorization": "Bearer floq_cli_test"}


@pytest.fixture
def run_cli() -> Iterator[Callable[..., str]]:
    processes: list[subprocess.Popen[bytes]] = []

    def run(*args: str) -> str:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "webapp", "sandbox", "--port", str(port), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/_sandbox/health", timeout=1, verify=TLS)
                return url
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.05)
        raise AssertionError("the sandbox never answered")

    yield run
    for process in processes:
        process.terminate()
        process.communicate(timeout=10)  # waits, and closes its stderr pipe


def test_cli_serves_the_api_with_its_rate_limit(run_cli: Callable[..., str]) -> None:
    url = run_cli("--rate-limit-per-minute", "7", "--latency-ms", "1")
    response = httpx.get(f"{url}/api/v1/workflows/", headers=KEY, verify=TLS)
    assert len(response.json()["data"]) == 3
    assert response.headers["X-RateLimit-Limit"] == "7"


def test_cli_refuses_bad_arguments_with_a_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "sandbox", "--org", "galactic"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'galactic'" in result.stderr
    assert "Traceback" not in result.stderr


def test_large_org_has_over_a_thousand_objects_and_a_900_field_object(
    start_sandbox: SandboxFactory,
) -> None:
    url = start_sandbox(org="large")
    # A generous timeout: on a loaded machine the 1,000-object list can take over httpx's 5 s.
    with httpx.Client(base_url=f"{url}/api/v1", headers=KEY, timeout=30, verify=TLS) as api:
        workflows = api.get("/workflows/").json()["data"]
        wid = workflows[0]["workflow_id"]
        chain = api.get(f"/workflows/{wid}/sheets/{wid}/actions").json()["data"]
        step = f"/workflows/{wid}/sheets/{wid}/actions/{chain[-1]['action_instance_id']}"
        objects = api.post(f"{step}/options/salesforce_object", json={}).json()["data"]["options"]
        assert len(objects) > 1000
        fields = api.post(
            f"{step}/options/add_fields_and_their_values",
            json={"context": {"salesforce_object": "Account"}},
        ).json()["data"]["options"]
        assert len(fields) == 900
        assert len({f["value"].lower() for f in fields}) == 900


def test_hostile_org_serves_payloads_as_plain_data(start_sandbox: SandboxFactory) -> None:
    url = start_sandbox(org="hostile")
    with httpx.Client(base_url=f"{url}/api/v1", headers=KEY, verify=TLS) as api:
        workflow = api.get("/workflows/").json()["data"][0]
        assert "<script>" in workflow["name"]
        wid = workflow["workflow_id"]
        chain = api.get(f"/workflows/{wid}/sheets/{wid}/actions").json()["data"]
        step = f"/workflows/{wid}/sheets/{wid}/actions/{chain[-1]['action_instance_id']}"
        fields = api.post(
            f"{step}/options/add_fields_and_their_values",
            json={"context": {"salesforce_object": "Account"}},
        ).json()["data"]["options"]
        labels = " ".join(f["label"] for f in fields)
        assert "<script>" in labels
        assert "onerror=" in labels
