"""Push a saved configuration to Floqer, pull Floqer's back, and compare the two."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db import PushRecord, SavedConfiguration, utcnow
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerBadRequest, FloqerError
from webapp.upsert_form import Difference, UpsertConfig, differences


def push(
    session: Session, config: SavedConfiguration, client: FloqerClient, nonce: str
) -> PushRecord:
    """Send the saved body with Configure Action and record what Floqer answered.

    A nonce already used answers with its first push: a double click pushes once.
    """
    earlier = session.scalar(select(PushRecord).where(PushRecord.nonce == nonce))
    if earlier is not None:
        return earlier
    record = PushRecord(configuration=config, version=config.version, nonce=nonce or None)
    try:
        client.configure(config.workflow_id, config.sheet_id, config.step_id, config.inputs)
    except FloqerBadRequest as exc:
        record.http_status = exc.status
        record.summary = exc.user_message
        record.problems = [p.model_dump() for p in exc.problems]
    except FloqerError as exc:
        record.http_status = exc.status
        record.summary = exc.user_message
    else:
        record.succeeded = True
        record.http_status = 200
        record.summary = _accepted(config)
    config.last_pushed_at = record.pushed_at = utcnow()
    config.last_push_status = "pushed" if record.succeeded else "failed"
    session.add(record)
    session.flush()
    return record


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


def pull(config: SavedConfiguration, client: FloqerClient) -> PullResult:
    step = client.get_action(config.workflow_id, config.sheet_id, config.step_id)
    floqer = UpsertConfig.from_inputs(step.values())
    saved = UpsertConfig.from_inputs(config.inputs)
    return PullResult(floqer, differences(saved, floqer))


def take_floqer_version(config: SavedConfiguration, floqer: UpsertConfig) -> None:
    body = floqer.body()
    if body != config.body:
        config.body = body
        config.version += 1
        config.updated_at = utcnow()


def latest_push(config: SavedConfiguration) -> PushRecord | None:
    return config.pushes[0] if config.pushes else None
