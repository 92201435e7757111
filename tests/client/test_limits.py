"""One total deadline per Floqer call, and a bound on calls at once (webapp.floqer.limits)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.floqer_double import FloqerDouble
from webapp.floqer import (
    FloqerBusy,
    FloqerClient,
    FloqerGate,
    FloqerTimeout,
    FloqerUnreachable,
    build_http_client,
)

KEY = "floq_limits_test_0001"


@pytest.fixture
def dripping() -> Iterator[FloqerDouble]:
    floqer = FloqerDouble(None, lambda m, p: "drip", drip_seconds=0.2).start()
    yield floqer
    floqer.stop()


@pytest.fixture
def hanging() -> Iterator[FloqerDouble]:
    floqer = FloqerDouble(None, lambda m, p: "hang").start()
    yield floqer
    floqer.stop()


def client(url: str, deadline: float, gate: FloqerGate | None = None) -> FloqerClient:
    return FloqerClient(build_http_client(url, deadline), KEY, gate=gate, deadline_seconds=deadline)


def test_an_answer_sent_a_byte_at_a_time_is_cut_off_at_the_deadline(
    dripping: FloqerDouble,
) -> None:
    floqer = client(dripping.url, 1.0)
    started = time.perf_counter()
    with pytest.raises(FloqerTimeout) as caught:
        floqer.who_am_i()
    seconds = time.perf_counter() - started
    # A per-read timeout would wait out the whole answer (about 15 s at this pace).
    assert seconds < 4, seconds
    assert caught.value.outcome_unknown  # the request went out: Floqer may have acted


def test_a_connection_that_never_opens_is_no_doubt() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FloqerUnreachable) as caught:
        client(f"http://127.0.0.1:{port}/api/v1", 1.0).who_am_i()
    assert not caught.value.outcome_unknown


def test_the_gate_bounds_calls_per_key_and_turns_the_rest_away(hanging: FloqerDouble) -> None:
    gate = FloqerGate(per_key=1, total=2)
    patient, hurried = client(hanging.url, 3.0, gate), client(hanging.url, 1.0, gate)
    errors: list[Exception] = []

    def call(floqer: FloqerClient) -> None:
        try:
            floqer.list_workflows()
        except Exception as exc:
            errors.append(exc)

    first = threading.Thread(target=call, args=(patient,))  # holds the key's one slot
    first.start()
    time.sleep(0.2)
    second = threading.Thread(target=call, args=(hurried,))  # waits for it, in vain
    second.start()
    time.sleep(0.2)
    assert gate.in_use == 2
    started = time.perf_counter()
    with pytest.raises(FloqerBusy):  # a third is turned away at once
        patient.list_workflows()
    assert time.perf_counter() - started < 0.5
    first.join()
    second.join()
    assert sorted(type(e).__name__ for e in errors) == ["FloqerBusy", "FloqerTimeout"]
    assert gate.in_use == 0
    assert [m for m, _, _ in hanging.seen] == ["GET"]  # only the first reached Floqer
