"""Push a saved version to Floqer, pull Floqer's back, compare the two and settle doubts.

A push holds a lease on its configuration in the database while Floqer is asked, so a second
push of the same configuration (another tab, another replica) is told at once instead of
queueing behind it; no transaction and no lock is held during the call. A push that got no
readable answer is recorded as "unknown": Floqer may have applied it, and a pull settles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, object_session

from webapp.db import ConfigurationVersion, PushRecord, SavedConfiguration, utcnow
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerBadRequest, FloqerError
from webapp.services import audit
from webapp.services.browse import step_node
from webapp.upsert_form import Difference, UpsertConfig, differences

# A push's lease lasts the Floqer deadline plus this; a lease older than that is abandoned.
LEASE_MARGIN = timedelta(seconds=30)


class PushInProgress(Exception):
    """Another push of this configuration is on its way to Floqer right now (the page shows
    it, with who started it and when, as the latest push, "sending")."""


def push(
    session: Session,
    config: SavedConfiguration,
    client: FloqerClient,
    *,
    nonce: str,
    actor: str,
    lease: timedelta,
) -> PushRecord:
    """Send the saved head version with Configure Action and record what Floqer answered.

    Commits twice: once to take the lease and record the push as "sending" (so it is never
    lost, even if this process dies), once with the outcome. A nonce already used answers
    with its first push: a double click pushes once.
    """
    earlier = session.scalar(select(PushRecord).where(PushRecord.nonce == nonce)) if nonce else None
    if earlier is not None:
        return earlier
    until = _take_lease(session, config, lease)
    record = PushRecord(
        configuration=config, version=config.version, nonce=nonce or None, actor=actor
    )
    session.add(record)
    session.commit()
    try:
        client.configure(config.workflow_id, config.sheet_id, config.step_id, config.inputs)
    except FloqerError as exc:
        _failed(record, exc)
    else:
        record.outcome = "pushed"
        record.http_status = 200
        record.summary = _accepted(config)
        _seen_holding(config)
    config.last_pushed_at = utcnow()
    config.last_push_status = record.outcome
    session.execute(
        update(SavedConfiguration)
        .where(SavedConfiguration.id == config.id, SavedConfiguration.push_lease_until == until)
        .values(push_lease_until=None)
        .execution_options(synchronize_session=False)
    )
    audit.record_on(
        session,
        actor,
        "push",
        config,
        "ok" if record.succeeded else record.outcome,
        f"version {record.version}: {record.summary}",
    )
    session.commit()
    return record


def _seen_holding(config: SavedConfiguration) -> None:
    """Floqer accepted the head version: its step holds that body now (webapp.services.
    floqer_state reads this to say "In Floqer: this version")."""
    now = utcnow()
    config.floqer_seen_at = now
    config.floqer_checked_at = now
    config.floqer_check_problem = ""
    config.floqer_seen_body = dict(config.body)
    config.floqer_seen_version = config.version


def _take_lease(session: Session, config: SavedConfiguration, lease: timedelta) -> datetime:
    now = utcnow()
    until = now + lease
    taken = session.execute(
        update(SavedConfiguration)
        .where(
            SavedConfiguration.id == config.id,
            or_(
                SavedConfiguration.push_lease_until.is_(None),
                SavedConfiguration.push_lease_until < now,
            ),
        )
        .values(push_lease_until=until)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise PushInProgress()
    # Pushes left "sending" by a process that died: nobody will ever finish them.
    session.execute(
        update(PushRecord)
        .where(PushRecord.configuration_id == config.id, PushRecord.outcome == "sending")
        .values(
            outcome="unknown",
            summary="The app stopped before Floqer answered this push. Floqer may have "
            "applied it: use Pull from Floqer to see what the step holds.",
        )
        .execution_options(synchronize_session=False)
    )
    return until


def _failed(record: PushRecord, exc: FloqerError) -> None:
    record.http_status = exc.status
    # Floqer's own words (scrubbed of keys by the client), kept for the push history.
    record.floqer_message = exc.floqer_message or ""
    if exc.outcome_unknown:
        record.outcome = "unknown"
        record.summary = (
            f"{exc.user_message} Floqer may have applied version {record.version} all the "
            "same: use Pull from Floqer to see what the step holds."
        )
        return
    record.outcome = "failed"
    record.summary = exc.user_message
    if isinstance(exc, FloqerBadRequest):
        record.problems = [p.model_dump() for p in exc.problems]


def _accepted(config: SavedConfiguration) -> str:
    upsert = UpsertConfig.from_inputs(config.inputs)
    return (
        f"Floqer accepted version {config.version}: {upsert.salesforce_object} matched by "
        f"{upsert.external_id_field}, {len(upsert.rows)} field(s) mapped."
    )


@dataclass(frozen=True)
class PullResult:
    floqer: UpsertConfig
    differences: list[Difference]
    settled: PushRecord | None  # a push of unknown outcome this pull settled


def pull(session: Session, config: SavedConfiguration, client: FloqerClient) -> PullResult:
    """Floqer's configuration of the step, compared with the saved one.

    Read from the sheet's action chain: each node's `inputs` map is where Floqer's docs say
    a step's configured values come back. Settles the latest push if its outcome was unknown.
    """
    node = step_node(client, config.workflow_id, config.sheet_id, config.step_id)
    floqer = UpsertConfig.from_inputs(node.inputs)
    saved = UpsertConfig.from_inputs(config.inputs)
    return PullResult(floqer, differences(saved, floqer), _settle(session, config, floqer))


def _settle(
    session: Session, config: SavedConfiguration, floqer: UpsertConfig
) -> PushRecord | None:
    latest = latest_push(config)
    if latest is None or shown_outcome(latest, utcnow()) != "unknown":
        return None
    pushed = session.scalar(
        select(ConfigurationVersion.body).where(
            ConfigurationVersion.configuration_id == config.id,
            ConfigurationVersion.version == latest.version,
        )
    )
    held = pushed is not None and not differences(
        UpsertConfig.from_inputs(pushed["inputs"]), floqer
    )
    latest.outcome = "pushed" if held else "failed"
    verdict = "holds" if held else "does not hold"
    latest.summary += f" Settled by a pull: Floqer {verdict} version {latest.version}."
    config.last_push_status = latest.outcome
    return latest


def latest_push(config: SavedConfiguration) -> PushRecord | None:
    return next(iter(recent_pushes(config, 1)), None)


def recent_pushes(config: SavedConfiguration, limit: int) -> list[PushRecord]:
    """The newest `limit` pushes, newest first: one bounded query (the relationship would
    load every push the configuration ever had), or the loaded list if it is at hand."""
    session = object_session(config)
    if session is None or "pushes" in config.__dict__:
        return list(config.pushes[:limit])
    return list(
        session.scalars(
            select(PushRecord)
            .where(PushRecord.configuration_id == config.id)
            .order_by(PushRecord.id.desc())
            .limit(limit)
        )
    )


def shown_outcome(record: PushRecord, now: datetime) -> str:
    """The outcome to show: "sending" with no live lease was abandoned by a process that
    stopped mid-push (the lease is released in the same commit as the outcome): unknown."""
    lease = record.configuration.push_lease_until
    if record.outcome == "sending" and (lease is None or lease < now):
        return "unknown"
    return record.outcome
