"""A one-row test run of a configuration's step: add (or run) the row, follow its cell, record.

Every run is a TestRun row, committed before each Floqer call so that no transaction is held
while Floqer is asked, and so that a run is never lost whatever Floqer does. Waiting is done
by the page (it asks `poll` every second); a run still queued or running past the bound ends
as "timeout": the row stays in the sheet and may still run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.db import PushRecord, SavedConfiguration, TestRun, utcnow
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import (
    FloqerBusy,
    FloqerConnectionLost,
    FloqerConnectionOwnedElsewhere,
    FloqerError,
    FloqerRateLimited,
    FloqerSalesforceNotConnected,
    FloqerSalesforceSession,
    FloqerServerError,
    FloqerTimeout,
    FloqerUnreachable,
    scrub,
    wait_phrase,
)
from webapp.floqer.models import RowCell
from webapp.preflight import Report
from webapp.services import audit
from webapp.services.editing import Draft, save_and_push, save_draft
from webapp.services.floqer_state import check
from webapp.services.test_run_preview import (
    Preview,
    RowChoice,
    as_text,
    concerned_field,
    record_link,
)
from webapp.upsert_form import UpsertConfig

MAX_RUNS_KEPT = 50  # per configuration; the oldest go first
RECENT_ROWS = 20
# Floqer failures worth asking again on the next poll; any other ends the run.
PASSING = (
    FloqerRateLimited,
    FloqerTimeout,
    FloqerServerError,
    FloqerUnreachable,
    FloqerConnectionLost,
    FloqerBusy,
)
# A cell's error codes Floqer itself gives (not Salesforce's), in the client's own words.
FLOQER_CODES: Mapping[str, str] = {
    "SALESFORCE_NOT_CONNECTED": FloqerSalesforceNotConnected.default_message,
    "CONNECTION_OWNED_BY_ANOTHER_USER": FloqerConnectionOwnedElsewhere.default_message,
    "INVALID_SESSION_ID": FloqerSalesforceSession.default_message,
    "ACTION_NOT_CONFIGURED": "Floqer says the step is not configured: push it, then run again.",
}
WAITING = {"queued": "Queued in Floqer…", "running": "Running in Floqer…"}


def begin(
    session: Session,
    config: SavedConfiguration,
    *,
    actor: str,
    nonce: str,
    choice: RowChoice,
    shown: Preview,
) -> tuple[TestRun, bool]:
    """Record the run ("sending") and commit; (the run, True) when it is new, or the run this
    form already started (a double submit runs once)."""
    nonce = nonce[:64]
    if nonce:
        earlier = session.scalar(select(TestRun).where(TestRun.nonce == nonce))
        if earlier is not None and earlier.configuration_id == config.id:
            return earlier, False
    run = TestRun(
        configuration_id=config.id,
        version=config.version,
        actor=actor,
        row_source="existing" if choice.existing else "new",
        row_id=choice.row_id,
        inputs=dict(choice.values or {}),
        fields=[f.stored() for f in shown.fields],
        nonce=nonce or None,
        summary="Sending the row to Floqer…",
    )
    session.add(run)
    _prune(session, config)
    audit.record_on(session, actor, "test run", config, "started", f"version {run.version}")
    session.commit()
    return run, True


def start(
    session: Session,
    config: SavedConfiguration,
    client: FloqerClient,
    *,
    actor: str,
    nonce: str,
    choice: RowChoice,
    shown: Preview,
    failed: str | None,
    bound: timedelta,
) -> TestRun:
    """Record the run and, unless it `failed` before reaching Floqer's rows, send the row and
    read its cell once; a nonce already used answers with its run, untouched."""
    run, new = begin(session, config, actor=actor, nonce=nonce, choice=choice, shown=shown)
    if new and failed is not None:
        fail(session, run, failed)
    elif new:
        send(session, run, config, client)
        poll(session, run, config, client, bound)
    return run


def send(session: Session, run: TestRun, config: SavedConfiguration, client: FloqerClient) -> None:
    """Add the row with run_after_add (one row: `first_10` runs exactly it), or run the
    existing row; then the run waits for its cell. Commits."""
    try:
        if run.row_source == "existing":
            client.run_rows(config.workflow_id, config.sheet_id, [run.row_id])
        else:
            added = client.add_rows(
                config.workflow_id, config.sheet_id, [dict(run.inputs)], run_after_add="first_10"
            )
            if not added.row_ids:
                _end(run, "error", _rejected(added.rejected))
                session.commit()
                return
            run.row_id = added.row_ids[0]
    except FloqerError as exc:
        outcome = "unknown" if exc.outcome_unknown else "error"
        _end(run, outcome, _not_sent(exc, outcome), code=exc.code or "")
        session.commit()
        return
    run.outcome = "waiting"
    run.summary = WAITING["queued"]
    session.commit()


def poll(
    session: Session,
    run: TestRun,
    config: SavedConfiguration,
    client: FloqerClient,
    bound: timedelta,
) -> None:
    """Read the row's cell for the step once and record what it says. Commits."""
    if run.outcome != "waiting":
        return
    cell: RowCell | None = None
    note: str | None = None  # a failure worth asking again about
    fatal: str | None = None  # one that ends the run
    try:
        rows = client.list_rows(config.workflow_id, config.sheet_id, [run.row_id])
    except PASSING as exc:
        note = f"Floqer did not answer the last check: {exc.user_message}"
    except FloqerError as exc:
        fatal = f"Floqer could not say how the run went: {exc.user_message}"
    else:
        row = next((r for r in rows if r.row_id == run.row_id), None)
        cell = row.cells.get(config.step_id) if row else None
    session.refresh(run)
    if run.outcome != "waiting":  # "Stop waiting" while Floqer was being asked: it stands
        return
    if cell is not None and cell.status in ("complete", "failed", "error"):
        _settle(run, cell, config)
    elif fatal is not None:
        _end(run, "error", fatal)
    elif _past(run.started_at, bound):
        seconds = wait_phrase(max(1, round(bound.total_seconds())))
        _end(
            run,
            "timeout",
            f"Floqer did not finish the run within {seconds}, so the app stopped "
            "waiting. The row stays in the sheet and may still run: its result will show in "
            "Floqer.",
        )
    else:
        run.summary = note or WAITING.get(cell.status if cell else "", WAITING["queued"])
    session.commit()


def fail(session: Session, run: TestRun, summary: str) -> None:
    """A run that never reached Floqer's rows (its row or its push failed). Commits."""
    _end(run, "error", summary)
    session.commit()


def cancel(session: Session, run: TestRun) -> None:
    """Stop waiting ("Stop waiting"): the row stays in Floqer's sheet and may still run."""
    if run.outcome in ("sending", "waiting"):
        _end(
            run,
            "cancelled",
            "You stopped waiting. The row stays in the sheet and may still run in Floqer: "
            "its result will show there.",
        )
        session.commit()


def recent_runs(session: Session, config: SavedConfiguration, limit: int = 10) -> list[TestRun]:
    query = select(TestRun).where(TestRun.configuration_id == config.id)
    return list(session.scalars(query.order_by(TestRun.id.desc()).limit(limit)))


def get_run(session: Session, config: SavedConfiguration, run_id: int) -> TestRun | None:
    run = session.get(TestRun, run_id)
    return run if run is not None and run.configuration_id == config.id else None


def _settle(run: TestRun, cell: RowCell, config: SavedConfiguration) -> None:
    if cell.status == "complete":
        run.operation_type = as_text(cell.outputs.get("operation_type"))[:20]
        run.record_id = as_text(cell.outputs.get("record_id"))[:200]
        run.record_url = record_link(as_text(cell.outputs.get("account_url")), run.record_id)
        what = {"Insert": "Inserted", "Update": "Updated"}.get(run.operation_type, "Written")
        _end(run, "complete", f"{what} {run.record_id or 'a record'} in Salesforce.")
        return
    error = cell.error
    code = error.code if error else ""
    message = scrub(error.message) if error and error.message else "No reason was given."
    mapped = [row.name for row in UpsertConfig.from_inputs(config.inputs).rows]
    run.error_field = concerned_field(error.fields if error else [], message, mapped)[:200]
    plain = FLOQER_CODES.get(code)
    outcome = "failed" if cell.status == "failed" and plain is None else "error"
    summary = plain or (f"Salesforce refused the row: {message}" if outcome == "failed" else "")
    _end(run, outcome, summary or f"Floqer could not run the step: {message}", code=code)
    run.error_message = message


def _end(run: TestRun, outcome: str, summary: str, *, code: str = "") -> None:
    run.outcome = outcome
    run.summary = summary
    run.error_code = code[:200]
    run.finished_at = utcnow()


def _past(started: datetime, bound: timedelta) -> bool:
    return utcnow() - started > bound


def _not_sent(exc: FloqerError, outcome: str) -> str:
    if outcome == "unknown":
        return (
            f"{exc.user_message} Floqer may have added the row all the same: look for it in "
            "the sheet before running again."
        )
    return f"The row was not run. {exc.user_message}"


def _rejected(rejected: Sequence[Mapping[str, Any]]) -> str:
    reasons = [as_text(r.get("reason")) for r in rejected if r.get("reason")]
    for item in rejected:
        errors = item.get("errors")
        if isinstance(errors, list):
            reasons += [as_text(e.get("message")) for e in errors if isinstance(e, dict)]
    said = scrub("; ".join(r for r in reasons if r)) or "no reason given"
    return f"Floqer did not add the row ({said}). Nothing was run."


def _prune(session: Session, config: SavedConfiguration) -> None:
    """Keep the newest MAX_RUNS_KEPT runs of the configuration (the one being added counts)."""
    session.flush()
    kept = (
        select(TestRun.id)
        .where(TestRun.configuration_id == config.id)
        .order_by(TestRun.id.desc())
        .limit(MAX_RUNS_KEPT)
    )
    session.execute(
        delete(TestRun)
        .where(TestRun.configuration_id == config.id, TestRun.id.not_in(kept))
        .execution_options(synchronize_session=False)
    )


class NotPushed(Exception):
    """The draft changed and its push did not get through: nothing was run."""

    def __init__(self, record: PushRecord) -> None:
        super().__init__(record.summary)
        self.record = record


def push_if_changed(
    session: Session,
    config: SavedConfiguration,
    draft: Draft,
    client: FloqerClient,
    *,
    author: str,
    nonce: str,
    lease: timedelta,
    preflight: Callable[[UpsertConfig], Report],
    field_facts: dict[str, Any] | None,
) -> PushRecord | None:
    """Save the draft; push it (after the pre-flight check) unless Floqer holds it now.

    Whether it does is read from Floqer (one call), not assumed from the last push: the
    step may have been changed in Floqer since, and the run must test this configuration.

    Raises what save_and_push raises (VersionConflict, PushRefused, PushInProgress), and
    NotPushed when Floqer refused the push: a run must not go ahead on an old configuration.
    """
    save_draft(
        session, config, draft, author, why="saved before a test run", field_facts=field_facts
    )
    session.commit()
    # When Floqer cannot be read, the last known state stands: the rows call that follows
    # meets the same failure and says it.
    if check(session, config, client).kind == "this":
        return None
    _, record = save_and_push(
        session,
        config,
        draft,
        client,
        author=author,
        nonce=f"t{nonce}"[:64],
        lease=lease,
        preflight=preflight,
        field_facts=field_facts,
    )
    if not record.succeeded:
        raise NotPushed(record)
    return record
