"""Apply this mapping to other steps: the page that lists them with their diffs, and the apply."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.context import AppContext
from webapp.db import SavedConfiguration
from webapp.services.bulk_apply import (
    MAX_STEPS,
    Applying,
    SourceChanged,
    apply_mapping,
    other_steps,
)
from webapp.services.configurations import get_configuration
from webapp.services.importing import Reach
from webapp.services.pushing import LEASE_MARGIN
from webapp.services.transfer import MAX_BROWSED_WORKFLOWS
from webapp.upsert_form import UpsertConfig
from webapp.web.auth import Editor
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, render

router = APIRouter()
PAGE = "/configurations/{configuration_id}/apply-to-steps"
TEMPLATE = "apply_to_steps.html"
NONCE = re.compile(r"[0-9a-f]{1,32}")


def _reach(ctx: AppContext) -> Reach:
    return Reach(ctx.metadata, lambda connection: floqer_for(ctx, connection))


def _context(config: SavedConfiguration, **extra: Any) -> dict[str, Any]:
    return {
        "config": config,
        "source_object": UpsertConfig.from_inputs(config.inputs).salesforce_object,
        "page_url": f"/configurations/{config.id}",
        "max_workflows": MAX_BROWSED_WORKFLOWS,
        "max_steps": MAX_STEPS,
        **extra,
    }


@router.get(PAGE)
def apply_to_steps_page(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Editor
) -> Response:
    config = get_configuration(session, configuration_id)
    listing = other_steps(_reach(ctx), session, config)
    context = _context(config, listing=listing, apply_nonce=uuid.uuid4().hex)
    return render(request, TEMPLATE, context)


@router.post(PAGE)
def apply_to_steps(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    config = get_configuration(session, configuration_id)
    chosen = _chosen(form)
    if not chosen:
        problem = "Tick at least one step to apply the mapping to."
        return _again(request, ctx, session, config, problem)
    nonce = form_value(form, "apply_nonce")
    applying = Applying(
        caller.user.email,
        push_too=form_value(form, "mode") == "push",
        anyway=form_value(form, "push_anyway") == "1",
        nonce=nonce if NONCE.fullmatch(nonce) else uuid.uuid4().hex,
        lease=timedelta(seconds=ctx.settings.floqer_timeout_seconds) + LEASE_MARGIN,
    )
    version = _number(form_value(form, "source_version"))
    try:
        results = apply_mapping(_reach(ctx), session, config, version, chosen, applying)
    except SourceChanged:
        problem = f"“{config.name}” was changed since this page was opened: review it again."
        return _again(request, ctx, session, config, problem, status=409)
    return render(request, TEMPLATE, _context(config, results=results, applying=applying))


def _again(
    request: Request,
    ctx: AppContext,
    session: SessionDep,
    config: SavedConfiguration,
    problem: str,
    status: int = 422,
) -> Response:
    listing = other_steps(_reach(ctx), session, config)
    context = _context(config, listing=listing, apply_nonce=uuid.uuid4().hex, problem=problem)
    return render(request, TEMPLATE, context, status=status)


def _chosen(form: dict[str, list[str]]) -> list[tuple[str, int]]:
    """(step key, the version the page showed it at) of each ticked step, once each."""
    keys = list(dict.fromkeys(k for k in form.get("step", []) if 0 < len(k) <= 700))
    return [(key, _number(form_value(form, f"base:{key}"))) for key in keys[:MAX_STEPS]]


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1
