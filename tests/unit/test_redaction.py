"""The log filter masks the app's API tokens (wat_…) as it masks Floqer keys (floq_…)."""

from __future__ import annotations

import logging

from webapp.redaction import RedactingFilter, redact

TOKEN = "wat_" + "Ab3_-" * 8 + "xyz"


def test_a_token_is_masked_wherever_it_stands_and_words_are_left_alone() -> None:
    assert redact(f"Authorization: Bearer {TOKEN}") == "Authorization: Bearer wat_…"
    assert redact(f"GET /api/v1/me?token={TOKEN} HTTP/1.1") == "GET /api/v1/me?token=wat_… HTTP/1.1"
    assert redact(f"/{TOKEN}/x") == "/wat_…/x"
    assert redact("floq_live_123 and " + TOKEN) == "floq_… and wat_…"
    assert redact("a swat_team and what_ever") == "a swat_team and what_ever"


def test_the_filter_masks_a_token_in_the_message_its_arguments_and_a_traceback() -> None:
    try:
        raise ValueError(f"bad token {TOKEN}")
    except ValueError as exc:
        record = logging.LogRecord(
            "uvicorn.access", logging.INFO, __file__, 1, "%s %s", ("GET", f"/?t={TOKEN}"), None
        )
        record.exc_info = (type(exc), exc, exc.__traceback__)
    RedactingFilter().filter(record)
    assert record.getMessage() == "GET /?t=wat_…"
    assert TOKEN not in (record.exc_text or "")
    assert "bad token wat_…" in (record.exc_text or "")
