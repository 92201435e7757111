"""Changing a configuration through the API: save a new version, list, read and restore
versions, check before a push, push, pull. The pages' services do the work, with the same
checks and audit records; the author is the token's user and the token, as the command
line's is "… (command line)"."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header, Query
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.api.auth import ApiCaller, ApiEditor, ApiViewer
from webapp.api.errors import ApiError, ErrorDetail, ErrorEnvelope
from webapp.api.models import (
    BodyIn,
    CheckIn,
    CheckOut,
    CheckProblem,
    CompareOut,
    CompareRowOut,
    CompareSide,
    DifferenceOut,
    PullOut,
    PushIn,
    PushOut,
    RestoreIn,
    SavedOut,
    VersionIn,
    VersionList,
    VersionOut,
    VersionSummary,
)
from webapp.api.routing import api_router
from webapp.context import AppContext
from webapp.db import PushRecord, SavedConfiguration
from webapp.preflight import CONTROL_NAMES, Report
from webapp.services import audit
from webapp.services.configurations import (
    Saved,
    VersionConflict,
    get_configuration,
    saved_fields,
)
from webapp.services.editing import Draft, save_draft
from webapp.services.floqer_state import observe, pull_recorded
from webapp.services.form_options import field_facts
from webapp.services.pushing import LEASE_MARGIN, PushInProgress, pull, push
from webapp.services.versions import (
    CompareProblem,
    comparison,
    get_version,
    restore,
    upsert_of,
    version_page,
)
from webapp.upsert_form import UpsertConfig
from webapp.version_diff import CompareRow
from webapp.web.deps import CtxDep, SessionDep, floqer_for
from webapp.web.views import preflight_report

router = api_router("configurations")
PATH = "/configurations/{configuration_id}"
MAX_IDEMPOTENCY_KEY = 200

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorEnvelope, "description": "Someone saved since `base_version`."}
}
PUSH_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorEnvelope, "description": "A push of it is on its way (push_in_progress)."},
    422: {"model": ErrorEnvelope, "description": "The pre-flight check found errors (no force)."},
    502: {"model": ErrorEnvelope, "description": "Floqer refused or failed."},
    503: {"model": ErrorEnvelope, "description": "Floqer is busy (rate limited)."},
    504: {"model": ErrorEnvelope, "description": "Floqer did not answer in time."},
}


def author(caller: ApiCaller) -> str:
    """Who a version, a push or an audit line names: the user, and through which token."""
    return f"{caller.actor} ({caller.via})"[:320]


def upsert_in(body: BodyIn) -> UpsertConfig:
    return UpsertConfig.from_inputs(body.inputs.model_dump())


def _conflict(session: SessionDep, exc: VersionConflict) -> ApiError:
    session.rollback()  # nothing was written; let other writers go at once
    head = exc.head
    return ApiError(
        409,
        f"Someone saved version {head.version} since the version this was based on: read it "
        "(GET …/versions/{n}), merge, and send again with that `base_version`.",
        [ErrorDetail(field="body.base_version", message=f"the head is version {head.version}")],
    )


def _saved(config: SavedConfiguration, saved: Saved) -> SavedOut:
    return SavedOut(
        configuration_id=config.id,
        version=saved.version,
        created=saved.created,
        renamed=saved.renamed,
    )


@router.post(PATH + "/versions", response_model=SavedOut, responses=CONFLICT)
def save_version(
    ctx: CtxDep, session: SessionDep, configuration_id: int, posted: VersionIn, caller: ApiEditor
) -> SavedOut:
    """Save `body` as the next version. `created` is false when it equals the head (nothing
    saved). 409 `conflict` when `base_version` is not the head."""
    config = get_configuration(session, configuration_id)
    upsert = upsert_in(posted.body)
    name = posted.name.strip() if posted.name is not None else config.name
    draft = Draft(name or config.name, upsert, posted.base_version)
    facts = field_facts(ctx.metadata, config, upsert)
    try:
        saved = save_draft(session, config, draft, author(caller), field_facts=facts)
    except VersionConflict as exc:
        raise _conflict(session, exc) from None
    session.commit()
    return _saved(config, saved)


@router.get(PATH + "/versions", response_model=VersionList)
def versions(
    session: SessionDep, configuration_id: int, caller: ApiViewer, page: int = 1
) -> VersionList:
    """The versions, newest first, 50 a page, each with what it changed."""
    config = get_configuration(session, configuration_id)
    found = version_page(session, config, min(max(page, 1), 10**6))
    return VersionList(
        versions=[
            VersionSummary(
                version=line.version.version,
                author=line.version.author,
                created_at=line.version.created_at,
                note=line.version.note,
                summary=line.summary,
                pushed=line.pushed,
                in_floqer=line.in_floqer,
                current=line.current,
            )
            for line in found.lines
        ],
        page=found.page,
        pages=found.pages,
        total=found.total,
    )


@router.get(PATH + "/versions/{version}", response_model=VersionOut)
def version_of(
    session: SessionDep, configuration_id: int, version: int, caller: ApiViewer
) -> VersionOut:
    """One version with its whole body."""
    config = get_configuration(session, configuration_id)
    if not 0 < version < 10**9:
        raise ApiError(404, f"{config.name} has no version {version}.")
    found = get_version(session, config, version)
    return VersionOut(
        version=found.version,
        author=found.author,
        created_at=found.created_at,
        note=found.note,
        current=found.version == config.version,
        body=upsert_of(found).body(),
    )


@router.get(PATH + "/compare", response_model=CompareOut)
def compare_versions(
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    caller: ApiViewer,
    a: Annotated[str, Query(max_length=20, description="A version, or `floqer`.")] = "",
    b: Annotated[str, Query(max_length=20, description="A version, or `floqer`.")] = "",
) -> CompareOut:
    """Two versions side by side, setting by setting, as the page's Compare shows them;
    either may be `floqer`: Floqer's step now (its last known copy, with `floqer_failure`,
    when Floqer cannot be read). Without `a` and `b`: the version before the head, and the
    head."""
    config = get_configuration(session, configuration_id)
    a, b = a or str(max(config.version - 1, 1)), b or str(config.version)
    try:
        shown = comparison(session, config, a, b, floqer_for(ctx, config.connection))
    except CompareProblem as exc:
        raise ApiError(
            404 if exc.status == 404 else 422,
            str(exc).replace("from the lists", "by number, or floqer"),
            [ErrorDetail(field="query.a/b", message="not a version of this configuration")],
        ) from None
    session.commit()  # what Floqer's step was seen holding, if it was read
    return CompareOut(
        a=CompareSide(label=shown.a.label, version=shown.a.version) if shown.a else None,
        b=CompareSide(label=shown.b.label, version=shown.b.version) if shown.b else None,
        floqer_failure=shown.floqer_failure,
        rows=[compare_row(row) for row in shown.rows],
    )


def compare_row(row: CompareRow) -> CompareRowOut:
    return CompareRowOut.model_validate(
        {"what": row.what, "a": row.a, "b": row.b, "change": row.change}
    )


@router.post(PATH + "/versions/{version}/restore", response_model=SavedOut, responses=CONFLICT)
def restore_version(
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    version: int,
    posted: RestoreIn,
    caller: ApiEditor,
) -> SavedOut:
    """Save version `version`'s body again as the next version (history is never rewritten)."""
    config = get_configuration(session, configuration_id)
    if not 0 < version < 10**9:
        raise ApiError(404, f"{config.name} has no version {version}.")
    old = upsert_of(get_version(session, config, version))
    try:
        saved = restore(
            session,
            config,
            version,
            base_version=posted.base_version,
            author=author(caller),
            field_facts=field_facts(ctx.metadata, config, old),
        )
    except VersionConflict as exc:
        raise _conflict(session, exc) from None
    session.commit()
    return _saved(config, saved)


def check_report(
    ctx: AppContext, session: SessionDep, config: SavedConfiguration, upsert: UpsertConfig
) -> Report:
    client = floqer_for(ctx, config.connection)
    return preflight_report(
        ctx, client, config, upsert, saved_fields(session, config, config.version)
    )


def check_out(report: Report, upsert: UpsertConfig) -> CheckOut:
    problems = []
    for problem in report.problems:
        if problem.row is not None and problem.row < len(upsert.rows):
            where = f"Row {problem.row + 1} · {upsert.rows[problem.row].name or '(no field)'}"
        elif problem.control:
            where = CONTROL_NAMES.get(problem.control, problem.control)
        else:
            where = "The mapping"
        message = problem.message
        if problem.suggestion and problem.suggestion not in message:
            message += f" Did you mean {problem.suggestion}?"
        problems.append(
            CheckProblem(severity=problem.severity, code=problem.code, where=where, message=message)
        )
    return CheckOut(checked=report.checked, ready=report.ready, problems=problems)


@router.post(PATH + "/preflight", response_model=CheckOut)
def preflight(
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    caller: ApiEditor,
    posted: CheckIn | None = None,
) -> CheckOut:
    """The pre-flight check of the saved head, or of a posted body (nothing is saved): the
    problems Salesforce would refuse on every row (errors) or may (warnings). Editors, as
    on the page (it reads the org's fields through Floqer)."""
    config = get_configuration(session, configuration_id)
    body = posted.body if posted is not None else None
    upsert = upsert_in(body) if body is not None else UpsertConfig.from_inputs(config.inputs)
    return check_out(check_report(ctx, session, config, upsert), upsert)


def refused_push(report: Report, upsert: UpsertConfig, then: str) -> ApiError:
    """422: the pre-flight check's errors held the push back, each one a detail."""
    checked = check_out(report, upsert)
    return ApiError(
        422,
        f"The pre-flight check found {len(report.errors)} error(s) Salesforce would refuse on "
        f"every row: nothing was pushed. {then}",
        [
            ErrorDetail(field=p.where, message=p.message)
            for p in checked.problems
            if p.severity == "error"
        ],
    )


def idempotency_nonce(config: SavedConfiguration, caller: ApiCaller, key: str | None) -> str:
    """A push's (or a run's) nonce: the same Idempotency-Key from the same token acts once."""
    if not key:
        return ""
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise ApiError(
            422,
            f"The Idempotency-Key header is longer than {MAX_IDEMPOTENCY_KEY} characters.",
            [ErrorDetail(field="header.idempotency-key", message="too long")],
        )
    digest = hashlib.sha256(f"{config.id}:{caller.token_id}:{key}".encode()).hexdigest()
    return f"api-{digest[:56]}"


def _push_out(record: PushRecord) -> PushOut:
    return PushOut.model_validate(
        {
            "configuration_id": record.configuration_id,
            "version": record.version,
            "outcome": record.outcome,
            "summary": record.summary,
            "pushed_at": record.pushed_at,
            "problems": record.problems or [],
        }
    )


@router.post(PATH + "/push", response_model=PushOut, responses=PUSH_ERRORS)
def push_head(
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    caller: ApiEditor,
    posted: PushIn | None = None,
    idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY)] = None,
) -> PushOut:
    """Push the saved head to Floqer's step. Refused (422) when the pre-flight check finds
    errors, unless `force`. The same `Idempotency-Key` pushes once: a repeat answers with the
    first push. Floqer's answer is in `outcome` and `summary` (a refusal is `failed`)."""
    config = get_configuration(session, configuration_id)
    nonce = idempotency_nonce(config, caller, idempotency_key)
    earlier = session.scalar(select(PushRecord).where(PushRecord.nonce == nonce)) if nonce else None
    if earlier is not None:
        return _pushed(earlier)
    client = floqer_for(ctx, config.connection)
    upsert = UpsertConfig.from_inputs(config.inputs)
    force = posted is not None and posted.force
    if not force:
        report = check_report(ctx, session, config, upsert)
        if report.errors:
            codes = ", ".join(sorted({p.code for p in report.errors}))
            detail = f"version {config.version}: {len(report.errors)} problem(s) ({codes})"
            audit.record_on(session, author(caller), "push", config, "refused", detail)
            session.commit()
            raise refused_push(report, upsert, 'Fix them, or send {"force": true}.')
    lease = timedelta(seconds=ctx.settings.floqer_timeout_seconds) + LEASE_MARGIN
    try:
        record = push(session, config, client, nonce=nonce, actor=author(caller), lease=lease)
    except IntegrityError:
        # The same key's push was recorded between the look above and this one's (the
        # lease and the record commit together: nothing of this one was kept).
        session.rollback()
        earlier = session.scalar(select(PushRecord).where(PushRecord.nonce == nonce))
        if earlier is None:
            raise
        return _pushed(earlier)
    except PushInProgress:
        session.rollback()
        raise ApiError(
            409,
            "A push of this configuration is on its way to Floqer: wait for it, then read "
            "the configuration's push state.",
            code="push_in_progress",
        ) from None
    return _pushed(record)


def _pushed(record: PushRecord) -> PushOut:
    """The push, or Floqer's failure as the envelope (502; 503 when Floqer is busy; 504
    when its outcome is unknown) with the plain message the page shows."""
    if record.outcome in ("pushed", "sending"):
        return _push_out(record)
    status = 504 if record.outcome == "unknown" else 503 if record.http_status == 429 else 502
    details = [
        ErrorDetail(field=str(p.get("field", ""))[:200], message=str(p.get("message", ""))[:500])
        for p in (record.problems or [])[:50]
    ]
    raise ApiError(status, record.summary, details)


@router.post(PATH + "/pull", response_model=PullOut, responses=PUSH_ERRORS)
def pull_step(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: ApiEditor
) -> PullOut:
    """Read Floqer's step now and compare it with the saved head, field by field."""
    config = get_configuration(session, configuration_id)
    client = floqer_for(ctx, config.connection)
    result = pull_recorded(session, config, client, author(caller))
    return PullOut(
        configuration_id=config.id,
        floqer_body=result.floqer.body(),
        same=not result.differences,
        differences=[
            DifferenceOut(what=d.what, saved=d.saved, floqer=d.floqer) for d in result.differences
        ],
    )


@router.post(PATH + "/take-floqer-version", response_model=SavedOut, responses=CONFLICT)
def take_floqer_version(
    ctx: CtxDep, session: SessionDep, configuration_id: int, posted: RestoreIn, caller: ApiEditor
) -> SavedOut:
    """Save what Floqer's step holds now as the next version (nothing is sent to Floqer), as
    the page's *Take Floqer's version* does. 409 `conflict` when `base_version` is not the
    head."""
    config = get_configuration(session, configuration_id)
    floqer = pull(session, config, floqer_for(ctx, config.connection)).floqer
    draft = Draft(config.name, floqer, posted.base_version)
    facts = field_facts(ctx.metadata, config, floqer)
    try:
        saved = save_draft(
            session, config, draft, author(caller), "taken from Floqer", field_facts=facts
        )
    except VersionConflict as exc:
        raise _conflict(session, exc) from None
    observe(session, config, floqer)
    session.commit()
    return _saved(config, saved)
