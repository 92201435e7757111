"""The audit log: one append-only row per change, readable by admins and exportable."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from webapp.db import AuditEvent, SavedConfiguration, utcnow
from webapp.redaction import redact


def record(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    outcome: str = "ok",
    detail: str = "",
    *,
    configuration_id: int | None = None,
) -> None:
    """Add one event to the caller's transaction (a key can never reach the log)."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            target=redact(target)[:2000],
            outcome=outcome,
            detail=redact(detail)[:2000],
            configuration_id=configuration_id,
        )
    )


def record_on(
    session: Session,
    actor: str,
    action: str,
    config: SavedConfiguration,
    outcome: str = "ok",
    detail: str = "",
) -> None:
    """An event about a configuration: named as it is now, and linked by its id for good."""
    if config.id is None:
        session.flush()  # a configuration being created gets its id
    record(session, actor, action, config.name, outcome, detail, configuration_id=config.id)


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


@dataclass(frozen=True)
class Filters:
    """What the audit page narrows the log to, read from its address: who, what, on what
    (words of the target: a configuration's name, a user's e-mail, a connection's label)
    and a range of UTC days. A value that does not parse is ignored, never an error."""

    actor: str = ""
    action: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        return cls(
            actor=query.get("actor", "").strip()[:320],
            action=query.get("action", "").strip()[:60],
            target=" ".join(query.get("on", "").split())[:200],
            since=_day(query.get("since", "")),
            until=_day(query.get("until", "")),
        )

    @property
    def narrowing(self) -> bool:
        return any((self.actor, self.action, self.target, self.since, self.until))

    def apply(self, query: Select[AuditEvent]) -> Select[AuditEvent]:
        if self.actor:
            query = query.where(AuditEvent.actor == self.actor)
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        for word in self.target.split():
            query = query.where(func.lower(AuditEvent.target).contains(word.lower()))
        if self.since:
            query = query.where(AuditEvent.at >= datetime.combine(self.since, time(), UTC))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), UTC)
            query = query.where(AuditEvent.at < end)
        return query


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def recent(
    session: Session, filters: Filters | None = None, limit: int = 200
) -> tuple[list[AuditEvent], int]:
    """The newest `limit` events the filters keep, and how many they keep in all."""
    filters = filters or Filters()
    matching = filters.apply(select(AuditEvent))
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    newest = matching.order_by(AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(newest)), total


def choices(session: Session, limit: int = 500) -> tuple[list[str], list[str]]:
    """The actors and the actions the log holds (for the filters' lists), A to Z."""
    lists = []
    for column in (AuditEvent.actor, AuditEvent.action):
        query = select(column).distinct().order_by(column).limit(limit)
        lists.append(list(session.scalars(query)))
    return lists[0], lists[1]


def as_json_lines(session: Session, filters: Filters | None = None) -> Iterator[str]:
    query = (filters or Filters()).apply(select(AuditEvent)).order_by(AuditEvent.id)
    for event in session.scalars(query):
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
                    "configuration_id": event.configuration_id,
                }
            )
            + "\n"
        )
