"""Floqer's slow-changing answers (field options, a sheet's action chain), kept within bounds.

Options change only when someone edits the Salesforce org, yet every call counts against
Floqer's 200/minute budget. Entries are fresh for the TTL. Past it they are still served at
once, marked with their age, while one background thread per key reads them again
(stale-while-revalidate, for up to `max_stale_seconds`); if Floqer fails, the last good
answer goes on standing in, marked with the failure, so a form stays usable while Floqer is
down. A TTL of 0 keeps nothing fresh: every use reads again, and what is kept only stands in
when Floqer fails. Concurrent loads of one key make one call (the others wait for it), and
`start` lets a caller begin several independent loads at once and then collect them. The
cache is bounded in entries and in (estimated) bytes, least recently used first out, and in
background threads: when none is free, a load happens in the caller's own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from webapp.floqer.errors import FloqerError
from webapp.loop_reads import must_not_wait

T = TypeVar("T")
Key = tuple[Hashable, ...]
Load = Callable[[], T]
Weight = Callable[[T], int]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    fetched_at: float  # wall clock (time.time()), for "as of 12 minutes ago"
    # Set when Floqer failed and this older answer stands in: the page says so, once.
    failure: FloqerError | None = None
    # Past its TTL, served while it is read again in the background: the page shows its age.
    stale: bool = False


@dataclass
class _Entry:
    value: Any
    weight: int
    loaded: float  # clock() when loaded
    fetched_at: float
    failure: FloqerError | None = None  # the last reading-again failed: Floqer's word


class Workers:
    """At most `size` background threads at once, and no queue: a caller that finds none
    free does the work itself, so a slow Floqer holds at most `size` threads here."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)

    def reserve(self) -> bool:
        return self._free.acquire(blocking=False)

    def run(self, work: Callable[[], None]) -> None:
        """Run `work` on a thread of its own; reserve() must have answered True."""

        def body() -> None:
            try:
                work()
            finally:
                self._free.release()

        self.launch(body)

    def launch(self, body: Callable[[], None]) -> None:
        """Start `body` (which frees its thread's place when done) on a thread of its own."""
        threading.Thread(target=body, name="metadata-load", daemon=True).start()


class MetadataCache:
    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = 512,
        max_bytes: int = 64 * 1024 * 1024,
        max_stale_seconds: float = 24 * 3600,
        workers: Workers | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_stale_seconds = max_stale_seconds
        self.workers = workers or Workers(8)
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._loading: dict[Key, Future[Any]] = {}
        self.bytes = 0
        self.misses = 0  # calls made to Floqer, for tests and the benchmark

    def get(
        self,
        key: Key,
        load: Load[T],
        weight: Weight[T],
        *,
        waiting: Callable[[], None] | None = None,
    ) -> Cached[T]:
        """The fresh answer for `key`, loading it once if needed; a kept one past its TTL at
        once (read again in the background); the last good one if Floqer fails and one
        younger than max_stale_seconds is kept; else the failure is raised. `waiting` runs
        before the caller waits on a load another thread makes."""
        with self._lock:
            served, refresh = self._kept(key, load, weight)
            if served is None:
                must_not_wait()  # on the event loop, a miss is the thread pool's to wait for
                joined = self._loading.get(key)
                loading = joined or self._loading.setdefault(key, Future())
        if served is not None:
            if refresh is not None:
                self.workers.run(refresh)
            return served
        mine = joined is None
        if mine:
            self._load(key, loading, load, weight)
        elif waiting is not None and not loading.done():
            waiting()
        try:
            value = loading.result()
        except FloqerError as exc:
            return self._stale(key, exc)
        with self._lock:
            loaded = self._entries.get(key)
        return Cached(value, loaded.fetched_at if loaded else time.time())

    def start(self, key: Key, load: Load[T], weight: Weight[T]) -> None:
        """Begin loading `key` in the background unless it is fresh or being loaded, so that
        several independent calls run at once; a later get() joins the load. Does nothing
        when no background thread is free (get() then loads in the caller's thread), or with
        a TTL of 0 (the answer would be past its TTL by the time get() asks for it)."""
        if self.ttl_seconds <= 0:
            return
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self._clock() - entry.loaded < self.ttl_seconds:
                return
            work = self._claim(key, load, weight)
        if work is not None:
            self.workers.run(work)

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

    def _kept(
        self, key: Key, load: Load[T], weight: Weight[T]
    ) -> tuple[Cached[Any] | None, Callable[[], None] | None]:
        """Holding the lock: what may be served of the kept entry, and the work that reads it
        again in the background when it is past its TTL (None if no thread is free)."""
        entry = self._entries.get(key)
        if entry is None:
            return None, None
        age = self._clock() - entry.loaded
        if age < self.ttl_seconds:
            self._entries.move_to_end(key)
            return Cached(entry.value, entry.fetched_at), None
        if self.ttl_seconds <= 0 or age > self.max_stale_seconds:
            return None, None
        self._entries.move_to_end(key)
        served = Cached(entry.value, entry.fetched_at, entry.failure, stale=True)
        return served, self._claim(key, load, weight)

    def _claim(self, key: Key, load: Load[T], weight: Weight[T]) -> Callable[[], None] | None:
        """Holding the lock: the background load of `key`, unless one is under way or no
        background thread is free; the caller hands it to workers.run() after the lock."""
        if key in self._loading or not self.workers.reserve():
            return None
        loading: Future[Any] = Future()
        self._loading[key] = loading
        return lambda: self._load(key, loading, load, weight)

    def _load(self, key: Key, loading: Future[Any], load: Load[T], weight: Weight[T]) -> None:
        try:
            value = load()  # outside the lock: a slow Floqer must not stall other keys
        except BaseException as exc:
            with self._lock:
                del self._loading[key]
                kept = self._entries.get(key)
                if kept is not None and isinstance(exc, FloqerError):
                    kept.failure = exc  # what is served meanwhile says Floqer failed
            if not isinstance(exc, FloqerError):
                log.warning("loading %s failed: %s", key[0], type(exc).__name__)
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
