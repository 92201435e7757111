"""Per-key budgets: a minute window and a day window, with Floqer's rate headers.

Over HTTP against sandboxes started with small budgets, then the RateLimiter itself with an
injected clock, so that windows can be seen reopening without waiting for them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import SandboxFactory
from tests.sandbox.flows import data
from tests.support import TLS
from webapp.sandbox.ratelimit import RateLimiter

KEY = "floq_budget_one"
OTHER_KEY = "floq_budget_two"


@pytest.fixture
def clients() -> Iterator[list[httpx.Client]]:
    opened: list[httpx.Client] = []
    yield opened
    for client in opened:
        client.close()


def client(clients: list[httpx.Client], base_url: str, key: str) -> httpx.Client:
    made = httpx.Client(
        base_url=f"{base_url}/api/v1",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
        verify=TLS,
    )
    clients.append(made)
    return made


def assert_refused(response: httpx.Response) -> int:
    """A 429 in Floqer's envelope; its retryAfter comes back."""
    assert response.status_code == 429
    body = response.json()
    assert body["status"] == 429
    assert body["error"] == "Too Many Requests"
    assert "Rate limit exceeded" in body["message"]
    retry_after = body["retryAfter"]
    assert isinstance(retry_after, int)
    assert response.headers["Retry-After"] == str(retry_after)
    assert response.headers["X-RateLimit-Remaining"] == "0"
    return retry_after


def test_five_answers_then_a_429_with_retry_after_and_rate_headers(
    start_sandbox: SandboxFactory, clients: list[httpx.Client]
) -> None:
    api = client(clients, start_sandbox(rate_limit_per_minute=5), KEY)
    before = time.time()
    answers = [api.get("/workflows/") for _ in range(5)]
    after = time.time()
    for answer in answers:
        assert len(data(answer)) == 3

    refused = api.get("/workflows/")
    retry_after = assert_refused(refused)
    assert 1 <= retry_after <= 60
    assert refused.headers["X-RateLimit-Limit"] == "5"
    reset = int(refused.headers["X-RateLimit-Reset"])
    # The minute window opened with the first request: it resets a minute after that.
    assert before + 60 <= reset <= after + 61
    assert {a.headers["X-RateLimit-Reset"] for a in answers} == {str(reset)}
    assert "data" not in refused.json()


def test_remaining_counts_down_four_three_two_one_zero(
    start_sandbox: SandboxFactory, clients: list[httpx.Client]
) -> None:
    api = client(clients, start_sandbox(rate_limit_per_minute=5), KEY)
    answers = [api.get("/user/") for _ in range(5)]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"5"}
    assert all(a.status_code == 200 for a in answers)
    assert all("Retry-After" not in a.headers for a in answers)


def test_every_kind_of_call_spends_the_same_budget(
    start_sandbox: SandboxFactory, clients: list[httpx.Client]
) -> None:
    api = client(clients, start_sandbox(rate_limit_per_minute=5), KEY)
    answers = [
        api.get("/user/"),
        api.get("/workflows/"),
        api.get("/no-such-path"),  # a 404 costs a request too
        api.delete("/workflows/"),  # and so does a 405
        api.get("/workflows/"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 404, 405, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    assert_refused(api.get("/user/"))


def test_a_second_key_still_has_its_whole_budget(
    start_sandbox: SandboxFactory, clients: list[httpx.Client]
) -> None:
    url = start_sandbox(rate_limit_per_minute=5)
    first = client(clients, url, KEY)
    second = client(clients, url, OTHER_KEY)
    for _ in range(5):
        data(first.get("/workflows/"))
    assert_refused(first.get("/workflows/"))

    answers = [second.get("/workflows/") for _ in range(5)]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    for answer in answers:
        assert len(data(answer)) == 3
    assert_refused(second.get("/workflows/"))
    # The second key's spending gave the first nothing back, nor took anything more.
    assert_refused(first.get("/workflows/"))


def test_refused_requests_do_not_spend_another_keys_budget(
    start_sandbox: SandboxFactory, clients: list[httpx.Client]
) -> None:
    url = start_sandbox(rate_limit_per_minute=5)
    first = client(clients, url, KEY)
    second = client(clients, url, OTHER_KEY)
    for _ in range(5):
        data(first.get("/user/"))
    for _ in range(10):
        assert_refused(first.get("/user/"))
    answer = second.get("/user/")
    assert answer.headers["X-RateLimit-Remaining"] == "4"
    assert data(answer)["email"]


def test_the_day_limit_refuses_the_fourth_request(
    start_sandbox: SandboxFactory, clients: list[httpx.Client]
) -> None:
    url = start_sandbox(rate_limit_per_minute=100, rate_limit_per_day=3)
    api = client(clients, url, KEY)
    before = time.time()
    answers = [api.get("/workflows/") for _ in range(3)]
    after = time.time()
    for answer in answers:
        assert len(data(answer)) == 3
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]

    refused = api.get("/workflows/")
    retry_after = assert_refused(refused)
    # The minute window has room: it is the day window that must reopen.
    assert retry_after > 60
    reset = int(refused.headers["X-RateLimit-Reset"])
    assert before + 86_400 <= reset <= after + 86_401
    # Another key has its own day.
    other = client(clients, url, OTHER_KEY)
    assert len(data(other.get("/workflows/"))) == 3


# --- the limiter on its own, with a clock the test moves ------------------------------------


class FakeClock:
    """A list-backed clock: the last value is now; advance() appends a later time."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.times = [start]

    def __call__(self) -> float:
        return self.times[-1]

    def advance(self, seconds: float) -> None:
        self.times.append(self.times[-1] + seconds)


def test_the_minute_window_reopens_sixty_seconds_after_it_opened() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=2, per_day=100, clock=clock)
    first = limiter.hit(KEY)
    assert (first.allowed, first.remaining, first.limit) == (True, 1, 2)
    assert first.reset_at == 1_700_000_060
    clock.advance(10)
    assert limiter.hit(KEY).allowed
    clock.advance(20)
    refused = limiter.hit(KEY)
    assert not refused.allowed
    assert refused.remaining == 0
    assert refused.retry_after == 30
    assert refused.reset_at == 1_700_000_060
    assert refused.headers()["Retry-After"] == "30"

    clock.advance(29.5)  # 59.5 s after the first request: still closed
    assert not limiter.hit(KEY).allowed
    clock.advance(0.5)  # exactly 60 s: a new window
    reopened = limiter.hit(KEY)
    assert reopened.allowed
    assert reopened.remaining == 1
    assert reopened.reset_at == 1_700_000_120
    assert "Retry-After" not in reopened.headers()


def test_the_day_window_reopens_after_86400_seconds() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=100, per_day=2, clock=clock)
    assert limiter.hit(KEY).allowed
    clock.advance(120)
    assert limiter.hit(KEY).allowed
    clock.advance(120)
    refused = limiter.hit(KEY)
    assert not refused.allowed
    assert refused.retry_after == 86_400 - 240
    assert refused.reset_at == 1_700_086_400

    clock.advance(86_400 - 240 - 1)  # one second before the day is over
    assert not limiter.hit(KEY).allowed
    clock.advance(1)
    reopened = limiter.hit(KEY)
    assert reopened.allowed
    assert reopened.remaining == 1


def test_a_refused_request_costs_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=1, per_day=3, clock=clock)
    assert limiter.hit(KEY).allowed
    for _ in range(50):  # all refused by the minute window
        assert not limiter.hit(KEY).allowed
    # Had the refusals counted, the day (3) would be long spent.
    clock.advance(60)
    second = limiter.hit(KEY)
    assert second.allowed
    assert second.remaining == 0  # min(minute: 0, day: 1)
    clock.advance(60)
    assert limiter.hit(KEY).allowed
    clock.advance(60)
    refused = limiter.hit(KEY)
    assert not refused.allowed
    assert refused.retry_after == 86_400 - 180


def test_keys_never_share_a_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=2, per_day=100, clock=clock)
    assert limiter.hit(KEY).allowed
    assert limiter.hit(KEY).allowed
    assert not limiter.hit(KEY).allowed
    clock.advance(30)
    other = limiter.hit(OTHER_KEY)
    assert other.allowed
    assert other.remaining == 1
    assert other.reset_at == 1_700_000_090  # its own window, opened by its own first request
    clock.advance(30)
    assert limiter.hit(KEY).allowed  # KEY's window reopened at 60 s
    assert limiter.hit(OTHER_KEY).allowed
    assert not limiter.hit(OTHER_KEY).allowed  # OTHER_KEY's stays until 90 s
