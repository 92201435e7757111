"""Deployment tests: the image's entrypoint and wheel, exercised without a Docker engine.

The helpers run docker/entrypoint.sh with `sh` as the container would, on a free loopback
port, and always stop what they started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.ports import free_port
from tests.support import TLS

REPO = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"
# Generous, for a loaded CI machine: these are deadlines, never performance claims.
__all__ = ["free_port"]  # re-exported for the tests that start servers on a port

DEADLINE_SECONDS = 90.0
STOP_SECONDS = 30.0


def deploy_env(python: str, **settings: str) -> dict[str, str]:
    """The test's environment minus any WEBAPP_ setting of its own, plus `settings`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("WEBAPP_") and name not in ("PYTHON", "PYTHONPATH")
    }
    # As the image sets it: log lines reach the log as they happen, even if the process dies.
    return {**env, "PYTHON": python, "PYTHONUNBUFFERED": "1", **settings}


def run_entrypoint(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the entrypoint to its end (a failure, or arguments that replace the server)."""
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
        check=False,
    )


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Servers:
    """Servers started through the entrypoint; each is stopped (SIGTERM, then SIGKILL)."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._started: list[RunningServer] = []

    def start(self, env: dict[str, str], *, cwd: Path) -> RunningServer:
        """Start a server and wait until it is healthy. free_port() can only say a port was
        free a moment ago: when another test's server took it first, start again on another."""
        for _ in range(3):
            server = self.launch(env, cwd=cwd)
            try:
                wait_until_healthy(server)
            except PortTaken:
                continue
            return server
        raise AssertionError(
            f"three free ports were taken before the server bound them:\n{server.output()}"
        )

    def launch(self, env: dict[str, str], *, cwd: Path) -> RunningServer:
        """Start a server without waiting for it (wait_until_healthy() waits)."""
        port = free_port()
        log = self._log_dir / f"server-{len(self._started) + 1}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["sh", str(ENTRYPOINT)],
                env={**env, "WEBAPP_HOST": "127.0.0.1", "WEBAPP_PORT": str(port)},
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stopping reaches it all
            )
        server = RunningServer(process, f"http://127.0.0.1:{port}", log)
        self._started.append(server)
        return server

    def stop(self, server: RunningServer) -> int:
        """Stop as `docker stop` does and return the exit status."""
        process = server.process
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=STOP_SECONDS)
        return process.returncode

    def stop_all(self) -> None:
        for server in self._started:
            self.stop(server)


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it had already exited
        os.killpg(process.pid, signum)


class PortTaken(AssertionError):
    """The server could not bind the port free_port() found: something else took it since."""


def wait_until_healthy(server: RunningServer) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            status, output = server.process.returncode, server.output()
            if "address already in use" in output:
                raise PortTaken(output)
            raise AssertionError(f"the server exited early ({status}):\n{output}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=5, verify=TLS).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server was not healthy in time:\n{server.output()}")
