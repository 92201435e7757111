"""Floqer's field options, kept per connection, step, field and context for a while.

Options change only when someone edits the Salesforce org, yet each call counts against
Floqer's 200/minute budget: opening and completing a form costs three calls, reopening it
within the TTL none.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from webapp.floqer.models import FieldOption

StepRef = tuple[str, str, str]  # workflow, sheet, action instance


@dataclass(frozen=True)
class _Entry:
    options: list[FieldOption]
    expires_at: float


class OptionsCache:
    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[int, StepRef, str, str], _Entry] = {}
        self.misses = 0  # options calls made to Floqer, for the benchmark

    def get(
        self,
        connection_id: int,
        step: StepRef,
        field_name: str,
        context: dict[str, str] | None,
        load: Callable[[], list[FieldOption]],
    ) -> list[FieldOption]:
        key = (connection_id, step, field_name, json.dumps(context or {}, sort_keys=True))
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires_at > self._clock():
                return entry.options
        options = load()  # outside the lock: a slow Floqer must not stall other forms
        with self._lock:
            self.misses += 1
            self._entries[key] = _Entry(options, self._clock() + self.ttl_seconds)
        return options

    def forget(self, connection_id: int, step: StepRef) -> None:
        """Drop one step's options ("Refresh options")."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == connection_id and k[1] == step]:
                del self._entries[key]
