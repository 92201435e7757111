"""Warm reads on the event loop (webapp.loop_reads): a warm form part is answered there, and
everything that needs a write or a wait still happens, on a thread, exactly as before: a
session's last-seen time is written, an expired session is deleted and refused, a cold part
is read from Floqer and rendered. On Postgres every read takes the thread."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from tests.app.flows import ACCOUNT_SYNC, add_connection, start_configuration, text_of
from tests.app.test_org_cache import FIELDS_OF, field_names, fields_part
from tests.conftest import SESSION_TOKEN, RunningApp
from tests.support import ON_POSTGRES, db_time, stored_time
from webapp.db import utcnow
from webapp.loop_reads import LoopReads
from webapp.services.accounts import IDLE_TIMEOUT, _token_hash

PICKER_OF = "/configurations/{}/fragments/objects"


def loop_reads(app: RunningApp) -> LoopReads | None:
    reads: LoopReads | None = app.asgi.state.ctx.loop_reads
    return reads


def counts(app: RunningApp) -> tuple[int, int]:
    """(answered on the loop, passed on to a thread) so far; (0, 0) on Postgres."""
    reads = loop_reads(app)
    return (reads.answered, reads.passed_on) if reads else (0, 0)


def last_seen(app: RunningApp) -> list[datetime]:
    rows = app.query(
        "SELECT last_seen_at FROM sessions WHERE token_hash = :h", h=_token_hash(SESSION_TOKEN)
    )
    return [stored_time(row[0]) for row in rows]


def test_a_warm_part_is_answered_on_the_loop_and_a_cold_one_on_a_thread_alike(
    app: RunningApp, web: httpx.Client
) -> None:
    assert (loop_reads(app) is None) == ON_POSTGRES
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    web.post(f"/configurations/{config}/refresh-options")  # every list cold again
    for url, params in ((PICKER_OF, {}), (FIELDS_OF, {"salesforce_object": "Account"})):
        before = counts(app)
        cold = web.get(url.format(config), params=params)
        middle = counts(app)
        warm = web.get(url.format(config), params=params)
        after = counts(app)
        assert cold.status_code == warm.status_code == 200, text_of(cold)
        assert cold.text == warm.text
        assert "Account" in warm.text
        if not ON_POSTGRES:
            # Cold: the caller is read on the loop, the part is passed on (not yet kept).
            assert middle[1] == before[1] + 1
            # Warm: the caller and the part, both on the loop, nothing passed on.
            assert after == (middle[0] + 2, middle[1])


def test_a_session_due_a_new_last_seen_time_gets_it_written_and_its_part(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    assert "Tier__c" in field_names(fields_part(web, config))  # warm from here on
    ten_minutes_ago = db_time(utcnow() - timedelta(minutes=10))
    app.query("UPDATE sessions SET last_seen_at = :t", t=ten_minutes_ago)
    [before] = last_seen(app)
    passed_on = counts(app)[1]

    assert "Tier__c" in field_names(fields_part(web, config))
    [after] = last_seen(app)
    assert after > before + timedelta(minutes=9)  # written now, not ten minutes ago
    if not ON_POSTGRES:
        assert counts(app)[1] == passed_on + 1  # the write took the thread
    assert "Tier__c" in field_names(fields_part(web, config))


def test_an_expired_session_is_refused_and_deleted_by_a_warm_part(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    fields_part(web, config)
    fields_part(web, config)  # kept: a warm part from here on
    idle = db_time(utcnow() - IDLE_TIMEOUT - timedelta(minutes=1))
    app.query("UPDATE sessions SET last_seen_at = :t", t=idle)

    refused = web.get(FIELDS_OF.format(config), params={"salesforce_object": "Account"})
    assert refused.status_code == 401
    assert refused.headers["hx-redirect"] == "/login"
    assert "Your session has ended" in text_of(refused)
    assert "Tier__c" not in refused.text
    assert last_seen(app) == []  # deleted, as the thread always did


def test_signing_out_ends_the_warm_parts_at_once(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    for _ in range(2):
        assert web.get(PICKER_OF.format(config)).status_code == 200
    signed_out = web.post("/logout")
    assert signed_out.status_code == 303
    for url in (PICKER_OF, FIELDS_OF):
        refused = web.get(url.format(config), params={"salesforce_object": "Account"})
        assert refused.status_code == 401
        assert "Your session has ended" in text_of(refused)


def test_a_configuration_deleted_meanwhile_is_a_plain_404_from_the_loop_too(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    fields_part(web, config)
    fields_part(web, config)
    deleted = web.post(f"/configurations/{config}/delete")
    assert deleted.status_code == 303, text_of(deleted)
    gone = web.get(FIELDS_OF.format(config), params={"salesforce_object": "Account"})
    assert gone.status_code == 404
    assert "That saved configuration does not exist" in text_of(gone)
