"""The audit log: one append-only row per change, readable by admins and exportable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db import AuditEvent, utcnow
from webapp.redaction import redact


def record(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    outcome: str = "ok",
    detail: str = "",
) -> None:
    """Add one event to the caller's transaction (a key can never reach the log)."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            target=redact(target)[:2000],
            outcome=outcome,
            detail=redact(detail)[:2000],
        )
    )


# Failed sign-ins from one address past this many in the window are counted in one summary
# row instead of one row each: a flood cannot push real events off the log.
REPEAT_WINDOW = timedelta(minutes=15)
REPEATS_LOGGED_ONE_BY_ONE = 5
REPEATED = "failed logins (repeated)"


def failed_sign_in(session: Session, email: str, address: str) -> None:
    since = utcnow() - REPEAT_WINDOW
    recent_from_address = session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "failed login",
            AuditEvent.target == address,
            AuditEvent.at > since,
        )
    )
    actor = email.strip().lower()[:320]
    if (recent_from_address or 0) < REPEATS_LOGGED_ONE_BY_ONE:
        record(session, actor, "failed login", address, "refused")
        return
    summary = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == REPEATED, AuditEvent.target == address, AuditEvent.at > since)
        .order_by(AuditEvent.id.desc())
    )
    if summary is None:
        summary = AuditEvent(actor="(anonymous)", action=REPEATED, target=address, count=0)
        summary.outcome = "refused"
        session.add(summary)
    summary.count += 1
    summary.detail = redact(
        f"{summary.count} more failed sign-in(s) from this address in 15 minutes; "
        f"the latest as {actor}"
    )[:2000]


def recent(session: Session, limit: int = 200) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(query))


def as_json_lines(session: Session) -> Iterator[str]:
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        yield (
            json.dumps(
                {
                    "id": event.id,
                    "at": event.at.isoformat(),
                    "actor": event.actor,
                    "action": event.action,
                    "target": event.target,
                    "outcome": event.outcome,
                    "detail": event.detail,
                    "count": event.count,
                }
            )
            + "\n"
        )
