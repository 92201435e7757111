"""A slow or broken Floqer cannot hold the server: one deadline per call, bounded waiting,
a health check that never queues behind Floqer, and pushes whose outcome is unknown said so.

Bounds on time here are deliberately generous (several times what is expected): the figures
themselves are measured by `make bench`.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.app.flows import (
    ACCOUNT_SYNC,
    CONTACT_ROWS,
    add_connection,
    form_fields,
    start_configuration,
    text_of,
)
from tests.conftest import AppFactory, RunningApp, SandboxFactory
from tests.floqer_double import Behaviour, FloqerDouble, elapsed

DEADLINE = 2.0


def app_behind(
    start_app: AppFactory,
    doubles: list[FloqerDouble],
    behaviour: Behaviour,
    upstream: str | None = None,
    drip_seconds: float = 0.5,
    deadline: float = DEADLINE,
) -> RunningApp:
    floqer = FloqerDouble(upstream, behaviour, drip_seconds=drip_seconds).start()
    doubles.append(floqer)
    return start_app(floqer_base_url=floqer.url, floqer_timeout_seconds=deadline)


def only_who_am_i(method: str, path: str) -> str:
    return "forward" if path.endswith("/user/") else "drip"


def test_a_floqer_that_answers_a_byte_at_a_time_is_cut_off_at_the_deadline(
    start_app: AppFactory, doubles: list[FloqerDouble]
) -> None:
    app = app_behind(start_app, doubles, only_who_am_i)
    with app.signed_in() as web:
        connection = add_connection(web)
        took: list[httpx.Response] = []
        seconds = elapsed(lambda: took.append(web.get(f"/connections/{connection}/workflows")))
    [answer] = took
    assert answer.status_code == 504
    assert "Floqer took too long to answer" in text_of(answer)
    # Per-read timeouts would let a drip run for as long as the answer is; the deadline
    # ends the whole call. Generous bound: the deadline plus a few seconds of slack.
    assert seconds < DEADLINE + 4, seconds


def test_fifty_requests_on_a_dripping_floqer_leave_health_and_pages_responsive(
    start_app: AppFactory, doubles: list[FloqerDouble]
) -> None:
    # A deadline long enough that the fifty are still waiting on Floqer while the probes
    # run, however loaded the machine: what is checked is that the probes are answered
    # meanwhile (not after them), never how fast.
    app = app_behind(start_app, doubles, only_who_am_i, drip_seconds=1.0, deadline=8.0)
    with app.signed_in() as web:
        connection = add_connection(web)
    still_waiting: list[int] = []  # how many of the fifty waited on, when a probe answered

    def waiting(_: int) -> int:
        with app.signed_in() as client:
            return client.get(f"/connections/{connection}/workflows").status_code

    with ThreadPoolExecutor(max_workers=50) as pool, app.signed_in() as prober:
        stuck = [pool.submit(waiting, n) for n in range(50)]
        time.sleep(0.5)  # let them all reach Floqer, or its queue
        for _ in range(5):
            assert prober.get("/healthz").json()["status"] == "ok"
            still_waiting.append(sum(not future.done() for future in stuck))
            assert "Configurations" in text_of(prober.get("/"))
            still_waiting.append(sum(not future.done() for future in stuck))
        statuses = sorted(future.result() for future in stuck)
    # Each waiting request ends with a plain refusal: timed out (504) or turned away (503).
    assert set(statuses) <= {503, 504}, statuses
    assert 504 in statuses
    # Health and the home page answered while requests were still waiting on Floqer: they
    # never queue behind them (they used to wait up to 10.9 s for the fifty to end).
    assert min(still_waiting) > 0, still_waiting


def test_a_push_that_floqer_may_have_applied_is_unknown_until_a_pull_settles_it(
    start_app: AppFactory, start_sandbox: SandboxFactory, doubles: list[FloqerDouble]
) -> None:
    sandbox = start_sandbox()

    def apply_pushes_then_hang(method: str, path: str) -> str:
        return "apply-then-hang" if method == "PATCH" else "forward"

    app = app_behind(start_app, doubles, apply_pushes_then_hang, upstream=sandbox)
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
        rows = [("Domain__c", "{{input.domain}}"), ("Name", "{{input.company_name}}")]
        draft = form_fields("Accounts", "Account", "Domain__c", rows)
        web.post(f"/configurations/{config}/push", data=draft)
        page = text_of(web.get(f"/configurations/{config}"))
        assert "Push outcome unknown: Floqer may have applied it" in page
        assert "Floqer may have applied version 2 all the same" in page
        assert "Pull from Floqer (below) to see whether the step holds version 2" in page
        assert "Push failed" not in page
        assert "Push unknown: pull to settle" in text_of(web.get("/"))
        pulled = text_of(web.post(f"/configurations/{config}/pull"))
        assert "The push of version 2 is settled: Floqer holds it." in pulled
        assert "No difference" in pulled
        page = text_of(web.get(f"/configurations/{config}"))
        assert "Pushed to Floqer" in page
        assert "Settled by a pull: Floqer holds version 2." in page
        assert "Push unknown" not in text_of(web.get("/"))


def test_a_second_push_while_one_is_on_its_way_is_told_at_once(
    start_app: AppFactory, start_sandbox: SandboxFactory, doubles: list[FloqerDouble]
) -> None:
    def hang_pushes(method: str, path: str) -> str:
        return "hang" if method == "PATCH" else "forward"

    # The first push hangs for its whole (long) deadline; the second must not wait for it.
    app = app_behind(start_app, doubles, hang_pushes, upstream=start_sandbox(), deadline=4.0)
    with app.signed_in() as web, ThreadPoolExecutor(max_workers=1) as pool:
        config = start_configuration(web, add_connection(web))
        draft = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
        first = pool.submit(web.post, f"/configurations/{config}/push", data=draft)
        while not [m for m, _, _ in doubles[0].seen if m == "PATCH"]:  # the first is on its way
            time.sleep(0.05)
        again = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS, version=2)
        second = [web.post(f"/configurations/{config}/push", data=again)]
        assert not first.done()  # told while the first is still waiting on Floqer
        assert second[0].headers["location"].endswith("notice=push-in-progress#push-result")
        told = text_of(web.get(second[0].headers["location"]))
        assert "already on its way to Floqer" in told
        assert "Pushing to Floqer…" in told
        first.result()
        page = text_of(web.get(f"/configurations/{config}"))
    assert "Push outcome unknown" in page
    pushes = [m for m, _, what in doubles[0].seen if m == "PATCH"]
    assert pushes == ["PATCH"]  # the second push never reached Floqer
