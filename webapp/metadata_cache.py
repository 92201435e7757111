"""Floqer's slow-changing answers (field options, a sheet's action chain), kept within bounds.

Options change only when someone edits the Salesforce org, yet every call counts against
Floqer's 200/minute budget. Entries are fresh for the TTL; past it they are read again, and
if Floqer then fails, the last good answer is served marked with its age (for at most
`max_stale_seconds`), so a form stays usable while Floqer is down. The cache is bounded in
entries and in (estimated) bytes, least recently used first out; concurrent loads of one
key make one call (the others wait for it).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from webapp.floqer.errors import FloqerError

T = TypeVar("T")
Key = tuple[Hashable, ...]


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    fetched_at: float  # wall clock (time.time()), for "as of 12 minutes ago"
    # Set when Floqer failed and this older answer stands in: the page says so, once.
    failure: FloqerError | None = None


@dataclass
class _Entry:
    value: Any
    weight: int
    loaded: float  # clock() when loaded
    fetched_at: float


class MetadataCache:
    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = 512,
        max_bytes: int = 64 * 1024 * 1024,
        max_stale_seconds: float = 24 * 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_stale_seconds = max_stale_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._loading: dict[Key, Future[Any]] = {}
        self.bytes = 0
        self.misses = 0  # calls made to Floqer, for tests and the benchmark

    def get(self, key: Key, load: Callable[[], T], weight: Callable[[T], int]) -> Cached[T]:
        """The fresh answer for `key`, loading it once if needed; the stale one if Floqer
        fails and one younger than max_stale_seconds is kept; else the failure is raised."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self._clock() - entry.loaded < self.ttl_seconds:
                self._entries.move_to_end(key)
                return Cached(entry.value, entry.fetched_at)
            loading = self._loading.get(key)
            if loading is None:
                loading = self._loading[key] = Future()
                mine = True
            else:
                mine = False
        if mine:
            self._load(key, loading, load, weight)
        try:
            value = loading.result()
        except FloqerError as exc:
            return self._stale(key, exc)
        with self._lock:
            loaded = self._entries.get(key)
        return Cached(value, loaded.fetched_at if loaded else time.time())

    def peek(self, key: Key) -> Cached[Any] | None:
        """What is kept for `key`, however old, without asking Floqer."""
        with self._lock:
            entry = self._entries.get(key)
            return Cached(entry.value, entry.fetched_at) if entry is not None else None

    def put(self, key: Key, value: T, weight: int) -> None:
        with self._lock:
            self._store(key, value, weight)

    def forget(self, matches: Callable[[Key], bool]) -> None:
        with self._lock:
            for key in [k for k in self._entries if matches(k)]:
                self.bytes -= self._entries.pop(key).weight

    def __len__(self) -> int:
        return len(self._entries)

    def _load(
        self, key: Key, loading: Future[Any], load: Callable[[], T], weight: Callable[[T], int]
    ) -> None:
        try:
            value = load()  # outside the lock: a slow Floqer must not stall other keys
        except BaseException as exc:
            with self._lock:
                del self._loading[key]
            loading.set_exception(exc)
            return
        with self._lock:
            self.misses += 1
            self._store(key, value, weight(value))
            del self._loading[key]
        loading.set_result(value)

    def _stale(self, key: Key, failure: FloqerError) -> Cached[Any]:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or self._clock() - entry.loaded > self.max_stale_seconds:
            raise failure
        return Cached(entry.value, entry.fetched_at, failure)

    def _store(self, key: Key, value: Any, weight: int) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.weight
        if weight > self.max_bytes:
            return  # larger than the whole budget: served, never kept
        self._entries[key] = _Entry(value, weight, self._clock(), time.time())
        self.bytes += weight
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.weight
