"""A saved configuration's page and what can be done to it: save, push, pull, rename, delete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.context import AppContext
from webapp.db import SavedConfiguration
from webapp.preflight import Report
from webapp.services import NotFound, audit
from webapp.services.configurations import (
    ConfigurationProblem,
    VersionConflict,
    delete,
    get_configuration,
    rename,
    saved_fields,
    use_connection,
    version_body,
)
from webapp.services.connections import get_connection, list_connections
from webapp.services.editing import (
    Draft,
    DraftProblem,
    PushRefused,
    read_draft,
    save_and_push,
    save_draft,
)
from webapp.services.floqer_state import observe, pull_recorded
from webapp.services.form_options import field_facts, forget_options
from webapp.services.pushing import LEASE_MARGIN, PushInProgress, pull
from webapp.upsert_form import FormError, UpsertConfig
from webapp.web.auth import Caller, Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, redirect, render
from webapp.web.views import (
    conflict_context,
    draft_in_place,
    fragment_context,
    notice_text,
    page_context,
    preflight_report,
)

router = APIRouter()
PAGE = "/configurations/{configuration_id}"


@router.get(PAGE)
def configuration_page(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    notice = notice_text(request.query_params.get("notice"), config)
    return render(request, "configuration.html", _page(ctx, session, config, notice=notice))


def _page(
    ctx: AppContext, session: SessionDep, config: SavedConfiguration, **extra: Any
) -> dict[str, Any]:
    choices = [
        (str(c.id), f"{c.label} ({c.key_hint})")
        for c in list_connections(session, sandbox_mode=ctx.sandbox_mode)
    ]
    return page_context(ctx, config, connection_choices=choices, **extra)


def _draft_again(
    request: Request,
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    draft: Draft,
    problem: str,
) -> Response:
    """The page again with the draft as it was typed, its parts rendered in place."""
    client = floqer_for(ctx, config.connection)
    in_place = draft_in_place(ctx, client, config, draft)
    context = _page(ctx, session, config, form_problem=problem, **in_place)
    return render(request, "configuration.html", context, status=422)


def _unreadable(
    request: Request, ctx: AppContext, session: SessionDep, config: SavedConfiguration, problem: str
) -> Response:
    context = _page(ctx, session, config, form_problem=problem)
    return render(request, "configuration.html", context, status=400)


def _conflict(
    request: Request,
    session: SessionDep,
    exc: VersionConflict,
    draft: Draft,
    config: SavedConfiguration,
    action: str,
) -> Response:
    session.rollback()  # nothing of the draft was written; let other writers go at once
    started_from = version_body(session, config, draft.base_version)
    context = conflict_context(exc, draft, config, action, started_from)
    return render(request, "conflict.html", context, status=409)


def _posted_draft(
    request: Request,
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    form: dict[str, list[str]],
) -> Draft | Response:
    """The posted draft, or the page that says what is wrong with it (the draft kept)."""
    try:
        return read_draft(form, config)
    except FormError as exc:
        return _unreadable(request, ctx, session, config, str(exc))
    except DraftProblem as exc:
        return _draft_again(request, ctx, session, config, exc.draft, str(exc))


@router.post(PAGE + "/save")
def save_configuration(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    config = get_configuration(session, configuration_id)
    draft = _posted_draft(request, ctx, session, config, form)
    if isinstance(draft, Response):
        return draft
    facts = field_facts(ctx.metadata, config, draft.upsert)
    try:
        saved = save_draft(session, config, draft, caller.user.email, field_facts=facts)
    except VersionConflict as exc:
        return _conflict(request, session, exc, draft, config, "save")
    session.commit()
    notice = f"saved-v{saved.version}" if saved.created else "unchanged"
    return redirect(f"/configurations/{config.id}?notice={notice}")


@router.post(PAGE + "/push")
def push_configuration(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    config = get_configuration(session, configuration_id)
    draft = _posted_draft(request, ctx, session, config, form)
    if isinstance(draft, Response):
        return draft
    lease = timedelta(seconds=ctx.settings.floqer_timeout_seconds) + LEASE_MARGIN
    client = floqer_for(ctx, config.connection)
    anyway = form_value(form, "push_anyway") == "1"  # the user's deliberate second click
    started = saved_fields(session, config, draft.base_version)

    def checked(upsert: UpsertConfig) -> Report:
        return preflight_report(ctx, client, config, upsert, started)

    try:
        save_and_push(
            session,
            config,
            draft,
            client,
            author=caller.user.email,
            nonce=form_value(form, "push_nonce"),
            lease=lease,
            preflight=None if anyway else checked,
            field_facts=field_facts(ctx.metadata, config, draft.upsert),
        )
    except VersionConflict as exc:
        return _conflict(request, session, exc, draft, config, "push")
    except PushInProgress:
        return redirect(f"/configurations/{config.id}?notice=push-in-progress#push-result")
    except PushRefused:
        return redirect(f"/configurations/{config.id}?notice=push-refused#preflight")
    return redirect(f"/configurations/{config.id}#push-result")


@router.post(PAGE + "/pull")
def pull_configuration(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Editor
) -> Response:
    config = get_configuration(session, configuration_id)
    client = floqer_for(ctx, config.connection)
    result = pull_recorded(session, config, client, caller.user.email)
    context = fragment_context(config, pull=result)
    return render(request, "configuration.html", context, block="pull_result")


@router.post(PAGE + "/take-floqer-version")
def take_floqer_version_action(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    config = get_configuration(session, configuration_id)
    floqer = pull(session, config, floqer_for(ctx, config.connection)).floqer
    try:
        base = int(form_value(form, "base_version"))
    except ValueError:
        return _unreadable(request, ctx, session, config, "Pull again, then take Floqer's version.")
    draft = Draft(config.name, floqer, base)
    facts = field_facts(ctx.metadata, config, floqer)
    try:
        saved = save_draft(
            session, config, draft, caller.user.email, "taken from Floqer", field_facts=facts
        )
    except VersionConflict as exc:
        return _conflict(request, session, exc, draft, config, "save")
    observe(session, config, floqer)
    session.commit()
    return redirect(f"/configurations/{config.id}?notice=took-floqer-v{saved.version}")


@router.post(PAGE + "/refresh-options")
def refresh_options(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Editor
) -> Response:
    forget_options(ctx.metadata, get_configuration(session, configuration_id))
    return redirect(f"/configurations/{configuration_id}?notice=refreshed")


@router.post(PAGE + "/connection")
def use_connection_action(
    ctx: CtxDep, session: SessionDep, form: FormDep, configuration_id: int, caller: Editor
) -> Response:
    config = get_configuration(session, configuration_id)
    try:
        connection_id = int(form_value(form, "connection_id"))
    except ValueError:
        raise NotFound("Choose one of the listed connections.") from None
    use_connection(config, get_connection(session, connection_id))
    forget_options(ctx.metadata, config)
    _edited(session, caller, config, f"now uses connection {config.connection.label}")
    session.commit()
    return redirect(f"/configurations/{config.id}?notice=connection")


def _edited(session: SessionDep, caller: Caller, config: SavedConfiguration, detail: str) -> None:
    audit.record_on(session, caller.user.email, "configuration edited", config, detail=detail)


@router.post(PAGE + "/rename")
def rename_configuration(
    request: Request, session: SessionDep, form: FormDep, configuration_id: int, caller: Editor
) -> Response:
    config = get_configuration(session, configuration_id)
    before = config.name
    try:
        rename(config, form_value(form, "name"))
    except ConfigurationProblem as exc:
        return render(
            request, "error.html", {"title": "Not renamed", "message": str(exc)}, status=422
        )
    _edited(session, caller, config, f"renamed from {before}")
    session.commit()
    return redirect("/" if form_value(form, "next") == "home" else f"/configurations/{config.id}")


@router.post(PAGE + "/delete")
def delete_configuration(session: SessionDep, configuration_id: int, caller: Editor) -> Response:
    config = get_configuration(session, configuration_id)
    delete(session, config)
    audit.record_on(session, caller.user.email, "configuration deleted", config)
    session.commit()
    return redirect("/?notice=deleted")
