"""Test on one row through the API: the sheet's rows, a preview, a run, and following it.

A run tests the saved head, as the page's "Run on one row" tests the form once saved: when
Floqer's step does not hold the head, it is pushed first, after the same pre-flight check
(422 on errors, nothing run). The run is recorded before Floqer is asked and read once
more by `POST …/check` (the page asks every second); `GET` reads what is recorded. The
same Idempotency-Key from the same token runs once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Header
from sqlalchemy import select

from webapp.api.auth import ApiCaller, ApiEditor, ApiViewer
from webapp.api.editing import (
    MAX_IDEMPOTENCY_KEY,
    PATH,
    PUSH_ERRORS,
    author,
    check_report,
    idempotency_nonce,
    refused_push,
    upsert_in,
)
from webapp.api.errors import ApiError, ErrorDetail
from webapp.api.models import (
    FieldPreviewOut,
    PreviewIn,
    PreviewOut,
    RowIn,
    SheetRowList,
    SheetRowOut,
    TestRunIn,
    TestRunList,
    TestRunOut,
)
from webapp.api.routing import api_router
from webapp.context import AppContext
from webapp.db import SavedConfiguration, TestRun
from webapp.floqer.errors import FloqerError, FloqerNotFound
from webapp.services.configurations import VersionConflict, get_configuration
from webapp.services.editing import Draft, PushRefused
from webapp.services.form_options import field_facts
from webapp.services.pushing import LEASE_MARGIN, PushInProgress
from webapp.services.test_run_preview import Preview, RowChoice, as_text
from webapp.services.test_runs import (
    MAX_RUNS_KEPT,
    RECENT_ROWS,
    NotPushed,
    cancel,
    get_run,
    poll,
    push_if_changed,
    recent_runs,
    start,
)
from webapp.upsert_form import UpsertConfig
from webapp.web.deps import CtxDep, SessionDep, floqer_for
from webapp.web.test_run_views import MAX_COLUMNS, PanelInput, run_choice, sheet_columns

router = api_router("test runs")
RUNS = PATH + "/test-runs"
ENDED = frozenset({"complete", "failed", "error", "timeout", "cancelled", "unknown"})


def run_out(run: TestRun) -> TestRunOut:
    fields = [f for f in run.fields if isinstance(f, dict)]
    return TestRunOut.model_validate(
        {
            "id": run.id,
            "configuration_id": run.configuration_id,
            "version": run.version,
            "actor": run.actor,
            "outcome": run.outcome,
            "done": run.outcome in ENDED,
            "summary": run.summary,
            "row_source": run.row_source,
            "row_id": run.row_id,
            "inputs": dict(run.inputs or {}),
            "fields": [_field(f) for f in fields],
            "operation_type": run.operation_type,
            "record_id": run.record_id,
            "record_url": run.record_url,
            "error_code": run.error_code,
            "error_message": run.error_message,
            "error_field": run.error_field,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
        }
    )


def _field(stored: dict[str, object]) -> FieldPreviewOut:
    """A field as a run stored it (TestRun.fields), read leniently: older rows may lack keys."""
    action = str(stored.get("action", "send"))
    return FieldPreviewOut.model_validate(
        {
            "name": str(stored.get("name", "")),
            "value": str(stored.get("value", "")),
            "resolved": str(stored.get("resolved", "")),
            "action": action if action in ("send", "skip", "clear", "later") else "send",
            "note": str(stored.get("note", "")),
            "is_key": bool(stored.get("is_key", False)),
        }
    )


def _preview_out(shown: Preview) -> PreviewOut:
    return PreviewOut(
        fields=[_field(f.stored()) for f in shown.fields],
        key_field=shown.key_field,
        key_problem=shown.key_problem,
    )


def _panel(ctx: AppContext, config: SavedConfiguration, posted: RowIn, nonce: str) -> PanelInput:
    """The row as the page's panel would post it; values for columns the sheet does not have
    are refused (the page offers only its columns; a script's typo should not vanish)."""
    if posted.row_id is not None:
        return PanelInput(posted.row_id, nonce=nonce)
    values = posted.values or {}
    columns, problem = sheet_columns(ctx, config)
    unknown = [name for name in values if name not in columns]
    if unknown and problem is None:
        listed = ", ".join(columns) or "none"
        raise ApiError(
            422,
            f"The sheet has no input column {', '.join(unknown[:10])}: its columns are {listed}.",
            [
                ErrorDetail(field=f"body.values.{name}", message="no such column")
                for name in unknown
            ],
        )
    return PanelInput("", tuple(values), tuple(values.values()), nonce)


def _choice(
    ctx: AppContext, config: SavedConfiguration, upsert: UpsertConfig, panel: PanelInput
) -> tuple[RowChoice, Preview]:
    try:
        return run_choice(ctx, config, upsert, panel)
    except FloqerError as exc:
        raise ApiError(
            404 if isinstance(exc, FloqerNotFound) else 502,
            f"The chosen row could not be read: {exc.user_message}",
            [ErrorDetail(field="body.row_id", message="not read")],
        ) from None


@router.get(PATH + "/sheet-rows", response_model=SheetRowList)
def sheet_rows(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: ApiEditor
) -> SheetRowList:
    """The step's sheet: its input columns and its newest rows (up to 20), to choose a row
    to run again. Editors, as on the page (it reads the sheet through Floqer)."""
    config = get_configuration(session, configuration_id)
    columns, problem = sheet_columns(ctx, config)
    client = floqer_for(ctx, config.connection)
    try:
        rows = client.recent_rows(config.workflow_id, config.sheet_id, RECENT_ROWS)
    except FloqerError as exc:
        raise ApiError(502, f"The sheet's rows could not be read: {exc.user_message}") from None
    if problem is not None:
        raise ApiError(502, problem)
    return SheetRowList(
        columns=columns,
        rows=[
            SheetRowOut(
                row_id=row.row_id,
                values={str(k): as_text(v) for k, v in list(row.values.items())[:MAX_COLUMNS]},
            )
            for row in rows[:RECENT_ROWS]
        ],
    )


@router.post(RUNS + "/preview", response_model=PreviewOut)
def preview_run(
    ctx: CtxDep, session: SessionDep, configuration_id: int, posted: PreviewIn, caller: ApiEditor
) -> PreviewOut:
    """What each mapped field of the head (or of a posted body) would receive from the row:
    nothing is written anywhere."""
    config = get_configuration(session, configuration_id)
    body = posted.body
    upsert = upsert_in(body) if body is not None else UpsertConfig.from_inputs(config.inputs)
    _, shown = _choice(ctx, config, upsert, _panel(ctx, config, posted, ""))
    return _preview_out(shown)


@router.post(RUNS, response_model=TestRunOut, responses=PUSH_ERRORS)
def start_run(
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    posted: TestRunIn,
    caller: ApiEditor,
    idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY)] = None,
) -> TestRunOut:
    """Run the saved head on one row: a row of the sheet again (`row_id`), or a new row with
    `values`. Pushes the head first when Floqer's step does not hold it (422 when the
    pre-flight check finds errors; nothing is run). Answers once the row was sent and its
    cell read once: while `done` is false, `POST …/test-runs/{id}/check` reads it again."""
    config = get_configuration(session, configuration_id)
    if not posted.confirm:
        raise ApiError(
            422,
            "A test run writes one record to the Salesforce org connected to Floqer: send "
            '"confirm": true to run it. Nothing was run.',
            [ErrorDetail(field="body.confirm", message="must be true")],
        )
    nonce = idempotency_nonce(config, caller, idempotency_key)
    if nonce:
        earlier = session.scalar(select(TestRun).where(TestRun.nonce == nonce))
        if earlier is not None and earlier.configuration_id == config.id:
            return run_out(earlier)
    nonce = nonce or uuid.uuid4().hex
    upsert = UpsertConfig.from_inputs(config.inputs)
    panel = _panel(ctx, config, posted, nonce)
    choice, shown = _choice(ctx, config, upsert, panel)
    client = floqer_for(ctx, config.connection)
    failed = _push_first(ctx, session, config, upsert, caller, nonce)
    run = start(
        session,
        config,
        client,
        actor=author(caller),
        nonce=nonce,
        choice=choice,
        shown=shown,
        failed=failed,
        bound=_bound(ctx),
    )
    return run_out(run)


def _push_first(
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    upsert: UpsertConfig,
    caller: ApiCaller,
    nonce: str,
) -> str | None:
    """Push the head unless Floqer holds it; None when the run may go ahead, else why the
    run is recorded as not run (Floqer refused the push). Raises ApiError when nothing should
    be recorded: the check's errors (422), a push on its way (409), a save meanwhile (409)."""
    client = floqer_for(ctx, config.connection)
    try:
        push_if_changed(
            session,
            config,
            Draft(config.name, upsert, config.version),
            client,
            author=author(caller),
            nonce=nonce,
            lease=timedelta(seconds=ctx.settings.floqer_timeout_seconds) + LEASE_MARGIN,
            preflight=lambda checked: check_report(ctx, session, config, checked),
            field_facts=field_facts(ctx.metadata, config, upsert),
        )
    except PushRefused as exc:
        raise refused_push(exc.report, upsert, "Fix them and save, then run again.") from None
    except PushInProgress:
        session.rollback()
        raise ApiError(
            409,
            "A push of this configuration is on its way to Floqer: run again in a moment.",
            code="push_in_progress",
        ) from None
    except VersionConflict:
        session.rollback()
        raise ApiError(409, "Someone saved a new version just now: run again.") from None
    except NotPushed as exc:
        return f"Floqer did not take the saved version, so nothing was run. {exc}"
    return None


def _bound(ctx: AppContext) -> timedelta:
    return timedelta(seconds=ctx.settings.test_run_wait_seconds)


def _run_of(session: SessionDep, config: SavedConfiguration, run_id: int) -> TestRun:
    run = get_run(session, config, run_id) if 0 < run_id < 2**31 else None
    if run is None:
        raise ApiError(404, f"{config.name} has no test run {run_id}.")
    return run


@router.get(RUNS, response_model=TestRunList)
def list_runs(session: SessionDep, configuration_id: int, caller: ApiViewer) -> TestRunList:
    """The configuration's test runs as recorded, newest first (viewers see them on the
    version pages too)."""
    config = get_configuration(session, configuration_id)
    return TestRunList(runs=[run_out(r) for r in recent_runs(session, config, MAX_RUNS_KEPT)])


@router.get(RUNS + "/{run_id}", response_model=TestRunOut)
def read_run(
    session: SessionDep, configuration_id: int, run_id: int, caller: ApiViewer
) -> TestRunOut:
    """One run as recorded (Floqer is not asked: `POST …/check` does)."""
    config = get_configuration(session, configuration_id)
    return run_out(_run_of(session, config, run_id))


@router.post(RUNS + "/{run_id}/check", response_model=TestRunOut)
def check_run(
    ctx: CtxDep, session: SessionDep, configuration_id: int, run_id: int, caller: ApiEditor
) -> TestRunOut:
    """Read a run that has not ended from Floqer once more (the page does it every second);
    an ended run answers as it is. Past the wait bound it ends as `timeout`."""
    config = get_configuration(session, configuration_id)
    run = _run_of(session, config, run_id)
    poll(session, run, config, floqer_for(ctx, config.connection), _bound(ctx))
    return run_out(run)


@router.post(RUNS + "/{run_id}/cancel", response_model=TestRunOut)
def cancel_run(
    session: SessionDep, configuration_id: int, run_id: int, caller: ApiEditor
) -> TestRunOut:
    """Stop waiting for a run ("Stop waiting"): the row stays in the sheet and may still run."""
    config = get_configuration(session, configuration_id)
    run = _run_of(session, config, run_id)
    cancel(session, run)
    return run_out(run)
