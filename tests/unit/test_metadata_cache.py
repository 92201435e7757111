"""The metadata cache: fresh for its TTL, bounded in entries and bytes, one load per key at a
time, and the last good answer served (with its age) when Floqer fails."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from webapp.floqer.errors import FloqerUnreachable
from webapp.metadata_cache import MetadataCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def weight(value: str) -> int:
    return len(value)


def test_an_entry_is_fresh_for_the_ttl_then_read_again() -> None:
    clock = Clock()
    cache = MetadataCache(60, clock=clock)
    loads = iter(["first", "second"])
    assert cache.get(("k",), lambda: next(loads), weight).value == "first"
    clock.now += 59
    assert cache.get(("k",), lambda: next(loads), weight).value == "first"
    clock.now += 2
    assert cache.get(("k",), lambda: next(loads), weight).value == "second"
    assert cache.misses == 2


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


def test_when_floqer_fails_the_last_good_answer_stands_with_its_age() -> None:
    clock = Clock()
    cache = MetadataCache(60, max_stale_seconds=3600, clock=clock)
    cache.get(("k",), lambda: "good", weight)
    clock.now += 120

    def failing() -> str:
        raise FloqerUnreachable()

    stale = cache.get(("k",), failing, weight)
    assert stale.value == "good"
    assert isinstance(stale.failure, FloqerUnreachable)
    clock.now += 3600
    with pytest.raises(FloqerUnreachable):
        cache.get(("k",), failing, weight)  # too old to stand in
    with pytest.raises(FloqerUnreachable):
        cache.get(("never loaded",), failing, weight)


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
