"""Test on one row: the panel of the configuration page, its fragments, and the run itself.

The panel's controls belong to the page's form (`form="config-form"`), so that "Run on one
row" posts the whole draft, as Push does; their names start with `test_` and the form's
reader ignores them, so they are never saved with the configuration. htmx swaps only the
panel (the draft on the page stays as typed); a post without htmx gets the whole page back,
with the draft.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.context import AppContext
from webapp.db import PushRecord, SavedConfiguration, TestRun
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerError
from webapp.services.configurations import (
    VersionConflict,
    get_configuration,
    saved_fields,
    version_body,
)
from webapp.services.editing import Draft, DraftProblem, PushRefused, draft_for_check, read_draft
from webapp.services.floqer_state import state_of
from webapp.services.form_options import field_facts
from webapp.services.pushing import LEASE_MARGIN, PushInProgress
from webapp.services.test_run_preview import Preview, RowChoice
from webapp.services.test_runs import (
    NotPushed,
    cancel,
    get_run,
    poll,
    push_if_changed,
    start,
)
from webapp.upsert_form import FormError
from webapp.web.auth import Caller, Editor
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, render
from webapp.web.test_run_views import (
    PanelInput,
    panel_context,
    preview_context,
    rows_context,
    run_choice,
)
from webapp.web.views import (
    conflict_context,
    draft_in_place,
    history_rows,
    page_context,
    preflight_report,
)

router = APIRouter()
RUN = "/configurations/{configuration_id}/test-run"
TEMPLATE = "_test_run.html"


@router.get(RUN)
def test_run_panel(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Editor
) -> Response:
    config = get_configuration(session, configuration_id)
    context = panel_context(ctx, session, config)
    return render(request, TEMPLATE, context, block="test_run_panel")


@router.get(RUN + "/rows")
def recent_rows_fragment(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    caller: Editor,
    chosen: str = "",
) -> Response:
    """The sheet's recent rows to choose from (loaded after the panel: Floqer may be slow)."""
    config = get_configuration(session, configuration_id)
    context = {**rows_context(ctx, config), "chosen": chosen[:200]}
    return render(request, TEMPLATE, context, block="test_run_rows")


@router.post(RUN + "/preview")
def test_run_preview(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """What each mapped field of the form as it stands will receive from the chosen row."""
    config = get_configuration(session, configuration_id)
    try:
        upsert = draft_for_check(form, config)
    except FormError as exc:
        return render(request, TEMPLATE, {"problem": str(exc)}, block="test_run_preview")
    context = preview_context(ctx, config, upsert, PanelInput.of(form))
    return render(request, TEMPLATE, context, block="test_run_preview")


@router.post(RUN + "/start")
def start_test_run_fragment(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """htmx: run, and answer the panel alone (the draft on the page is left as it is; the
    form's base_version follows when the draft was saved as a new version)."""
    config = get_configuration(session, configuration_id)
    context = _run(ctx, session, config, form, caller)
    if "conflict" in context:
        message = (
            "Someone saved another version since you opened this page, so nothing was saved "
            "or run. Save your draft to compare the two."
        )
        context = panel_context(ctx, session, config, panel=PanelInput.of(form), message=message)
    session.refresh(config)
    draft = context.get("draft")
    if isinstance(draft, Draft) and draft.upsert.body() == config.body:
        context["test_panel"] = replace(context["test_panel"], oob_version=config.version)
    if context["test_panel"].pushed_version is not None:
        # The page's state line and push history follow the push the run made first.
        context.update(floqer_state=state_of(config), pushes=history_rows(config))
    return render(request, TEMPLATE, context, block="test_run_panel")


@router.post(RUN)
def start_test_run(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """Without htmx: run, and answer the whole page with the draft as it was posted."""
    config = get_configuration(session, configuration_id)
    context = _run(ctx, session, config, form, caller)
    if "conflict" in context:
        return render(request, "conflict.html", context["conflict"], status=409)
    draft = context.get("draft")
    return _page_with_draft(request, ctx, session, config, draft, context)


@router.post(RUN + "/poll")
def poll_test_run(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """The run's state now (the page asks every second while it waits)."""
    config = get_configuration(session, configuration_id)
    run = _polled(ctx, session, config, form)
    if run is not None and run.outcome == "waiting" and form_value(form, "shown") == run.summary:
        # Nothing new: no swap, so the live region does not say "Running…" every second
        # (the element that polls stays on the page and asks again).
        return Response(status_code=204)
    return _result(request, ctx, session, config, run)


@router.post(RUN + "/check")
def check_test_run_page(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """Without JavaScript nothing asks every second: "Check again" answers the whole page."""
    config = get_configuration(session, configuration_id)
    run = _polled(ctx, session, config, form)
    panel = panel_context(ctx, session, config, run=run)["test_panel"]
    return render(request, "configuration.html", page_context(ctx, config, test_panel=panel))


@router.post(RUN + "/cancel")
def stop_waiting(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    config = get_configuration(session, configuration_id)
    run = get_run(session, config, _run_id(form))
    if run is not None:
        cancel(session, run)
    return _result(request, ctx, session, config, run)


def _result(
    request: Request,
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    run: TestRun | None,
) -> Response:
    """The run's result; once it ended, "Recent test runs" is redrawn with it."""
    context = panel_context(ctx, session, config, run=run)
    if run is not None and run.outcome not in ("sending", "waiting"):
        context["test_panel"] = replace(context["test_panel"], oob_runs=True)
    return render(request, TEMPLATE, context, block="test_run_result")


def _polled(
    ctx: AppContext, session: SessionDep, config: SavedConfiguration, form: dict[str, list[str]]
) -> TestRun | None:
    """The posted run of this configuration, its cell read once more (None: no such run)."""
    run = get_run(session, config, _run_id(form))
    if run is not None:
        bound = timedelta(seconds=ctx.settings.test_run_wait_seconds)
        poll(session, run, config, floqer_for(ctx, config.connection), bound)
    return run


def _run_id(form: dict[str, list[str]]) -> int:
    value = form_value(form, "run_id")
    return int(value) if value.isdigit() and len(value) < 10 else 0


def _run(
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    form: dict[str, list[str]],
    caller: Caller,
) -> dict[str, Any]:
    """Push the draft if it changed, then add (or run) the row and read its cell once.

    The answer is the panel's context; `draft` in it is the draft to show again, and
    `conflict` the 409 page's context when someone saved another version meanwhile."""
    panel = PanelInput.of(form)
    try:
        draft = read_draft(form, config)
    except FormError as exc:
        return panel_context(ctx, session, config, panel=panel, message=str(exc))
    except DraftProblem as exc:
        return {
            **panel_context(ctx, session, config, panel=panel, message=str(exc)),
            "draft": exc.draft,
        }
    shown = {"draft": draft}
    if form_value(form, "test_confirm") != "yes":
        message = "Tick “I understand this writes to Salesforce” first: nothing was run."
        return {**panel_context(ctx, session, config, panel=panel, message=message), **shown}
    client = floqer_for(ctx, config.connection)
    failed: str | None = None
    pushed: int | None = None
    try:
        choice, fields = run_choice(ctx, config, draft.upsert, panel)
    except FloqerError as exc:
        choice, fields = RowChoice(row_id=panel.row), Preview([], "", None)
        failed = f"The chosen row could not be read, so nothing was run. {exc.user_message}"
    if failed is None:
        problem = _pushed(ctx, session, config, client, draft, form, caller)
        if isinstance(problem, dict):
            return {**problem, **shown}
        if isinstance(problem, PushRecord):
            pushed, problem = problem.version, None
        if isinstance(problem, NotPushed):
            failed = (
                f"The draft was saved, but Floqer did not take it, so nothing was run. {problem}"
            )
        elif problem:
            return {**panel_context(ctx, session, config, panel=panel, message=problem), **shown}
    run = start(
        session,
        config,
        client,
        actor=caller.user.email,
        nonce=panel.nonce,
        choice=choice,
        shown=fields,
        failed=failed,
        bound=timedelta(seconds=ctx.settings.test_run_wait_seconds),
    )
    context = panel_context(ctx, session, config, panel=panel, run=run)
    if pushed is not None:
        context["test_panel"] = replace(context["test_panel"], pushed_version=pushed)
    return {**context, **shown}


def _pushed(
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    client: FloqerClient,
    draft: Draft,
    form: dict[str, list[str]],
    caller: Caller,
) -> str | NotPushed | PushRecord | dict[str, Any] | None:
    """Push the draft when Floqer does not hold it yet. The run may go ahead on None (Floqer
    held it) or the push's record; it may not on a message, on NotPushed (Floqer refused
    the push: recorded as a run that failed) or on the conflict page's context under
    `conflict`."""
    lease = timedelta(seconds=ctx.settings.floqer_timeout_seconds) + LEASE_MARGIN
    facts_then = saved_fields(session, config, draft.base_version)  # drift, as Push checks
    try:
        record = push_if_changed(
            session,
            config,
            draft,
            client,
            author=caller.user.email,
            nonce=PanelInput.of(form).nonce,
            lease=lease,
            preflight=lambda upsert: preflight_report(ctx, client, config, upsert, facts_then),
            field_facts=field_facts(ctx.metadata, config, draft.upsert),
        )
    except VersionConflict as exc:
        session.rollback()
        started = version_body(session, config, draft.base_version)
        return {"conflict": conflict_context(exc, draft, config, "push", started)}
    except PushRefused as exc:
        return (
            f"Saved, but not pushed or run: the check found {len(exc.report.errors)} "
            "problem(s) Salesforce would refuse on every row (see “Ready to push?”)."
        )
    except PushInProgress:
        return "A push of this configuration is on its way to Floqer: run again in a moment."
    except NotPushed as exc:
        return exc
    return record


def _page_with_draft(
    request: Request,
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    draft: Draft | None,
    panel: dict[str, Any],
) -> Response:
    """The whole page again, the draft in place (its parts rendered inline), the panel open."""
    client = floqer_for(ctx, config.connection)
    session.refresh(config)
    if draft is not None and draft.upsert.body() == config.body:
        draft = Draft(draft.name, draft.upsert, config.version)  # saved: the head is the draft
    extra: dict[str, Any] = {"test_panel": panel["test_panel"]}
    if draft is not None:
        extra.update(draft_in_place(ctx, client, config, draft))
    context = page_context(ctx, config, **extra)
    status = 200 if panel["test_panel"].run is not None else 422
    return render(request, "configuration.html", context, status=status)
