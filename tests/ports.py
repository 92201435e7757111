"""Loopback ports for servers a test starts in another process (the entrypoint's, Postgres):
they must be named before the server binds them."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def free_port() -> int:
    """A loopback port that is free now, chosen below the kernel's ephemeral range: a port
    from bind(0) is handed out again to the next bind(0), such as the embedded sandbox's in
    the very server it was meant for (which then could not bind its own port)."""
    low = _ephemeral_start()
    for _ in range(100):
        port = random.randrange(10_000, low)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free loopback port between 10000 and {low}")


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default
