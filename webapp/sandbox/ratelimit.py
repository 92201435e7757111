"""Per-key request budget: a minute window and a day window, as Floqer's API enforces."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


@dataclass
class _Window:
    started: float
    used: int


class RateLimiter:
    """Fixed windows per key, opened by the key's first request; budgets never mix."""

    def __init__(
        self,
        per_minute: int,
        per_day: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_minute = per_minute
        self.per_day = per_day
        self._clock = clock
        self._lock = threading.Lock()
        self._minute: dict[str, _Window] = {}
        self._day: dict[str, _Window] = {}

    def hit(self, bucket: str) -> RateDecision:
        """Count one request for `bucket` unless a window is full; a refused one costs nothing."""
        with self._lock:
            now = self._clock()
            minute = self._window(self._minute, bucket, now, 60)
            day = self._window(self._day, bucket, now, 86_400)
            full = [
                (w, span)
                for w, span, cap in ((minute, 60, self.per_minute), (day, 86_400, self.per_day))
                if w.used >= cap
            ]
            allowed = not full
            if allowed:
                minute.used += 1
                day.used += 1
            minute_left = self.per_minute - minute.used
            day_left = self.per_day - day.used
            # The window that binds first decides when a caller may come back.
            binding = (day, 86_400) if day_left < minute_left else (minute, 60)
            reset = binding[0].started + binding[1]
            if full:
                reset = max(w.started + span for w, span in full)
            return RateDecision(
                allowed=allowed,
                limit=self.per_minute,
                remaining=max(0, min(minute_left, day_left)),
                reset_at=math.ceil(reset),
                retry_after=max(1, math.ceil(reset - now)),
            )

    @staticmethod
    def _window(windows: dict[str, _Window], bucket: str, now: float, span: int) -> _Window:
        window = windows.get(bucket)
        if window is None or now >= window.started + span:
            window = windows[bucket] = _Window(started=now, used=0)
        return window
