"""A saved configuration's page and what can be done to it: save, push, pull, rename, copy."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from webapp.context import AppContext
from webapp.db import SavedConfiguration
from webapp.floqer.errors import FloqerError
from webapp.services import NotFound, audit
from webapp.services.configurations import (
    ConfigurationProblem,
    delete,
    duplicate,
    get_configuration,
    rename,
    use_connection,
)
from webapp.services.connections import get_connection, list_connections
from webapp.services.editing import save_and_push, save_posted_draft
from webapp.services.form_options import forget_options
from webapp.services.preview import body_json, curl_command
from webapp.services.pushing import latest_push, pull, take_floqer_version
from webapp.settings import REAL_FLOQER
from webapp.upsert_form import TOGGLES, FormError, PlacedProblems, UpsertConfig, place_problems
from webapp.web.auth import Caller, Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, redirect, render

router = APIRouter()
PAGE = "/configurations/{configuration_id}"


def page_context(ctx: AppContext, config: SavedConfiguration, **extra: Any) -> dict[str, Any]:
    latest = latest_push(config)
    failed_now = latest is not None and not latest.succeeded and latest.version == config.version
    return {
        "config": config,
        "upsert": UpsertConfig.from_inputs(config.inputs),
        "toggles": TOGGLES,
        "latest_push": latest,
        "pushes": config.pushes[:20],
        "placed": place_problems(latest.problems) if failed_now and latest else PlacedProblems(),
        "body_json": body_json(config),
        # In sandbox mode the sandbox's loopback address means nothing to the reader.
        "curl": curl_command(ctx.settings.floqer_base_url or REAL_FLOQER, config),
        "push_nonce": uuid.uuid4().hex,
        "page_url": f"/configurations/{config.id}",
        "fragments_url": f"/configurations/{config.id}/fragments",
        **extra,
    }


@router.get(PAGE)
def configuration_page(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    notice = request.query_params.get("notice")
    choices = [
        (str(c.id), f"{c.label} ({c.key_hint})")
        for c in list_connections(session, sandbox_mode=ctx.sandbox_mode)
    ]
    context = page_context(ctx, config, notice=notice, connection_choices=choices)
    return render(request, "configuration.html", context)


def _edited(session: Session, caller: Caller, config: SavedConfiguration, detail: str) -> None:
    audit.record(session, caller.user.email, "configuration edited", config.name, detail=detail)


def _form_problem(
    request: Request, ctx: AppContext, config: SavedConfiguration, problem: str
) -> Response:
    context = page_context(ctx, config, form_problem=problem)
    return render(request, "configuration.html", context, status=422)


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
    try:
        changed = save_posted_draft(session, config, form)
    except FormError as exc:
        return _form_problem(request, ctx, config, str(exc))
    if changed:
        _edited(session, caller, config, f"version {config.version}")
    session.commit()
    notice = f"saved-v{config.version}" if changed else "unchanged"
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
    api_key = ctx.key_box.open(config.connection.key_ciphertext)
    try:
        changed, record = save_and_push(ctx, session, config, form, api_key)
    except FormError as exc:
        return _form_problem(request, ctx, config, str(exc))
    if changed:
        _edited(session, caller, config, f"version {config.version}, saved before the push")
    audit.record(
        session,
        caller.user.email,
        "push",
        config.name,
        "ok" if record.succeeded else "failed",
        record.summary,
    )
    session.commit()
    return redirect(f"/configurations/{config.id}#push-result")


@router.post(PAGE + "/pull")
def pull_configuration(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Editor
) -> Response:
    config = get_configuration(session, configuration_id)
    try:
        result = pull(config, floqer_for(ctx, config.connection))
    except FloqerError as exc:
        audit.record(session, caller.user.email, "pull", config.name, "failed", exc.user_message)
        session.commit()
        raise
    audit.record(
        session,
        caller.user.email,
        "pull",
        config.name,
        detail=f"{len(result.differences)} difference(s)",
    )
    session.commit()
    context = page_context(ctx, config, pull=result)
    return render(request, "configuration.html", context, block="pull_result")


@router.post(PAGE + "/take-floqer-version")
def take_floqer_version_action(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Editor
) -> Response:
    config = get_configuration(session, configuration_id)
    take_floqer_version(config, pull(config, floqer_for(ctx, config.connection)).floqer)
    _edited(session, caller, config, f"took Floqer's version as version {config.version}")
    session.commit()
    return redirect(f"/configurations/{config.id}?notice=took-floqer-v{config.version}")


@router.post(PAGE + "/refresh-options")
def refresh_options(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Editor
) -> Response:
    forget_options(ctx, get_configuration(session, configuration_id))
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
    forget_options(ctx, config)
    _edited(session, caller, config, f"now uses connection {config.connection.label}")
    session.commit()
    return redirect(f"/configurations/{config.id}?notice=connection")


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


@router.post(PAGE + "/duplicate")
def duplicate_configuration(session: SessionDep, configuration_id: int, caller: Editor) -> Response:
    copy = duplicate(session, get_configuration(session, configuration_id))
    audit.record(session, caller.user.email, "configuration created", copy.name)
    session.commit()
    return redirect(f"/configurations/{copy.id}?notice=duplicated")


@router.post(PAGE + "/delete")
def delete_configuration(session: SessionDep, configuration_id: int, caller: Editor) -> Response:
    config = get_configuration(session, configuration_id)
    delete(session, config)
    audit.record(session, caller.user.email, "configuration deleted", config.name)
    session.commit()
    return redirect("/?notice=deleted")
