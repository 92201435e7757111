"""The audit log: one append-only row per change, readable by admins and exportable."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db import AuditEvent
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
                }
            )
            + "\n"
        )
