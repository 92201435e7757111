"""How one sandbox instance behaves: which org it serves, how slow it is, its budgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OrgName = Literal["default", "large", "hostile"]
ORG_NAMES: tuple[OrgName, ...] = ("default", "large", "hostile")


@dataclass(frozen=True)
class SandboxSettings:
    org: OrgName = "default"
    latency_ms: int = 0
    rate_limit_per_minute: int = 200
    rate_limit_per_day: int = 10_000
    max_body_bytes: int = 1024 * 1024
    # How late the floq_sandbox_slow key's answers come (longer than a client's timeout).
    slow_key_seconds: float = 5.0
