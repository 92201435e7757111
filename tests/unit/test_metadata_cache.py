"""The metadata cache: fresh for its TTL, then served while read again in the background,
bounded in entries, bytes and threads, one load per key at a time, independent loads started
together, and the last good answer served (with its age) when Floqer fails."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import ANY

import pytest

from webapp.floqer.errors import FloqerUnreachable
from webapp.metadata_cache import Cached, MetadataCache, Workers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def weight(value: str) -> int:
    return len(value)


class Threads(Workers):
    """Background threads the test runs by hand, in order (one at most, unless told)."""

    def __init__(self, size: int = 1) -> None:
        super().__init__(size)
        self.waiting: list[Callable[[], None]] = []

    def launch(self, body: Callable[[], None]) -> None:
        self.waiting.append(body)

    def finish(self) -> int:
        done = 0
        while self.waiting:
            self.waiting.pop(0)()
            done += 1
        return done


def test_an_entry_is_fresh_for_the_ttl_then_served_while_read_again_in_the_background() -> None:
    clock, threads = Clock(), Threads()
    cache = MetadataCache(60, clock=clock, workers=threads)
    loads = iter(["first", "second"])
    assert cache.get(("k",), lambda: next(loads), weight) == Cached("first", ANY)
    clock.now += 59
    assert cache.get(("k",), lambda: next(loads), weight) == Cached("first", ANY)
    assert threads.waiting == []
    clock.now += 2
    # Past the TTL: the kept answer at once, with its age, and one refresh under way.
    served = cache.get(("k",), lambda: next(loads), weight)
    assert (served.value, served.stale, served.failure) == ("first", True, None)
    again = cache.get(("k",), lambda: next(loads), weight)
    assert (again.value, again.stale) == ("first", True)
    assert len(threads.waiting) == 1  # one refresh per key at a time
    assert threads.finish() == 1
    assert cache.get(("k",), lambda: next(loads), weight) == Cached("second", ANY)
    assert cache.misses == 2


def test_a_refresh_that_finds_no_free_thread_waits_for_the_next_use() -> None:
    clock, threads = Clock(), Threads(size=1)
    cache = MetadataCache(60, clock=clock, workers=threads)
    cache.get(("a",), lambda: "a1", weight)
    cache.get(("b",), lambda: "b1", weight)
    clock.now += 61
    assert cache.get(("a",), lambda: "a2", weight).value == "a1"
    assert cache.get(("b",), lambda: "b2", weight).value == "b1"  # no thread free: served
    assert threads.finish() == 1
    assert cache.get(("b",), lambda: "b2", weight).value == "b1"  # its refresh starts now
    threads.finish()
    assert [cache.peek((k,)).value for k in "ab"] == ["a2", "b2"]  # type: ignore[union-attr]


def test_with_a_ttl_of_0_every_use_reads_again() -> None:
    threads = Threads()
    cache = MetadataCache(0, workers=threads)
    loads = iter(["first", "second"])
    assert cache.get(("k",), lambda: next(loads), weight).value == "first"
    cache.start(("k",), lambda: next(loads), weight)  # nothing in the background
    assert cache.get(("k",), lambda: next(loads), weight) == Cached("second", ANY)
    assert threads.waiting == []


def test_started_loads_run_at_once_and_get_joins_them() -> None:
    threads = Threads(size=3)
    cache = MetadataCache(60, workers=threads)
    calls: list[str] = []

    def load(name: str) -> Callable[[], str]:
        def call() -> str:
            calls.append(name)
            return name

        return call

    for name in ("objects", "fields", "chain", "fourth"):
        cache.start((name,), load(name), weight)
    cache.start(("objects",), load("objects"), weight)  # already under way: nothing more
    assert len(threads.waiting) == 3  # the fourth found no free thread
    threads.finish()
    assert [cache.get((n,), load(n), weight).value for n in ("objects", "fields", "chain")] == [
        "objects",
        "fields",
        "chain",
    ]
    assert cache.get(("fourth",), load("fourth"), weight).value == "fourth"  # in the caller
    assert calls == ["objects", "fields", "chain", "fourth"]
    cache.start(("objects",), load("objects"), weight)  # fresh: nothing to do
    assert threads.waiting == []


def test_it_is_bounded_in_entries_least_recently_used_first_out() -> None:
    cache = MetadataCache(60, max_entries=3)
    for key in "abc":
        cache.put((key,), key, weight(key))
    cache.get(("a",), lambda: "never", weight)  # a is used again: b is now the oldest
    cache.get(("d",), lambda: "d", weight)
    assert len(cache) == 3
    assert cache.peek(("b",)) is None
    assert [cache.peek((k,)) is not None for k in "acd"] == [True, True, True]


def test_it_is_bounded_in_bytes() -> None:
    cache = MetadataCache(60, max_bytes=100)
    for n in range(10):
        cache.get((n,), lambda: "x" * 30, weight)
    assert cache.bytes <= 100
    assert len(cache) == 3
    cache.get(("huge",), lambda: "x" * 101, weight)  # larger than everything: not kept
    assert cache.peek(("huge",)) is None
    assert len(cache) == 3


def failing() -> str:
    raise FloqerUnreachable()


def test_while_floqer_is_down_the_last_good_answer_stands_with_its_age_and_the_failure() -> None:
    clock, threads = Clock(), Threads()
    cache = MetadataCache(60, max_stale_seconds=3600, clock=clock, workers=threads)
    cache.get(("k",), lambda: "good", weight)
    clock.now += 120
    first = cache.get(("k",), failing, weight)
    assert (first.value, first.stale, first.failure) == ("good", True, None)
    threads.finish()  # the refresh fails: what is served from now on says so
    stale = cache.get(("k",), failing, weight)
    assert (stale.value, stale.stale) == ("good", True)
    assert isinstance(stale.failure, FloqerUnreachable)
    threads.finish()
    clock.now += 3600
    with pytest.raises(FloqerUnreachable):
        cache.get(("k",), failing, weight)  # too old to stand in
    with pytest.raises(FloqerUnreachable):
        cache.get(("never loaded",), failing, weight)


def test_a_ttl_of_0_reads_again_and_stands_in_only_when_floqer_fails() -> None:
    cache = MetadataCache(0, max_stale_seconds=3600, workers=Threads())
    cache.get(("k",), lambda: "good", weight)
    stale = cache.get(("k",), failing, weight)
    assert stale.value == "good"
    assert isinstance(stale.failure, FloqerUnreachable)


def test_concurrent_loads_of_one_key_make_one_call() -> None:
    cache = MetadataCache(60)
    calls = 0
    gate = threading.Event()

    def slow() -> str:
        nonlocal calls
        calls += 1
        gate.wait(5)
        return "answer"

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(cache.get, ("k",), slow, weight) for _ in range(20)]
        time.sleep(0.2)
        gate.set()
        answers = {f.result().value for f in futures}
    assert (calls, answers) == (1, {"answer"})


def test_forget_drops_what_matches() -> None:
    cache = MetadataCache(60)
    for key in (("options", 1, "a"), ("options", 2, "a"), ("chain", 1, "w")):
        cache.get(key, lambda: "v", weight)
    cache.forget(lambda key: key[1] == 1)
    assert len(cache) == 1
    assert cache.bytes == 1
