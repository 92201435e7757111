"""A configuration's versions: the list, one version, two compared, and restoring an old one."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.db import SavedConfiguration, utcnow
from webapp.services.configurations import VersionConflict, get_configuration
from webapp.services.floqer_state import pushed_versions
from webapp.services.form_options import field_facts
from webapp.services.pushing import shown_outcome
from webapp.services.versions import (
    FLOQER,
    CompareProblem,
    comparison,
    get_version,
    previous_version,
    push_answer,
    pushes_of,
    restore,
    runs_of,
    upsert_of,
    version_numbers,
    version_page,
)
from webapp.version_diff import summary
from webapp.web.auth import Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, redirect, render
from webapp.web.views import PUSH_VIEWS

router = APIRouter()
VERSIONS = "/configurations/{configuration_id}/versions"


@router.get(VERSIONS)
def versions_page(
    request: Request, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    listed = version_page(session, config, _number(request.query_params.get("page"), 1))
    context = _compare_form(session, config, a="", b="") | {"listed": listed}
    return render(request, "versions.html", context)


@router.get(VERSIONS + "/compare")
def compare_page(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    context = _compare_form(session, config, a=a, b=b)
    if not (a or b):  # the form itself, nothing chosen yet
        return render(request, "compare.html", context)
    try:
        shown = comparison(session, config, a, b, floqer_for(ctx, config.connection))
        session.commit()  # what Floqer's step was seen holding, if it was read
    except CompareProblem as exc:
        context["problem"] = str(exc)
        return render(request, "compare.html", context, status=exc.status)
    return render(request, "compare.html", context | {"comparison": shown})


@router.get(VERSIONS + "/{version}")
def version_detail_page(
    request: Request, session: SessionDep, configuration_id: int, version: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    return render(request, "version.html", _version_context(session, config, version))


@router.post(VERSIONS + "/{version}/restore")
def restore_version(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    version: int,
    caller: Editor,
) -> Response:
    config = get_configuration(session, configuration_id)
    old = get_version(session, config, version)
    base = _number(form_value(form, "base_version"), 0)
    facts = field_facts(ctx.metadata, config, upsert_of(old))
    try:
        saved = restore(
            session, config, version, base_version=base, author=caller.user.email, field_facts=facts
        )
    except VersionConflict as exc:
        session.rollback()  # nothing was written; the page says who saved what meanwhile
        context = _version_context(session, config, version) | {"conflict": exc.head}
        return render(request, "version.html", context, status=409)
    session.commit()
    code = f"restored-v{version}-as-v{saved.version}" if saved.created else f"same-v{version}"
    return redirect(f"/configurations/{config.id}?notice={code}")


def _number(raw: str | None, default: int) -> int:
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else default


def _compare_form(
    session: SessionDep, config: SavedConfiguration, *, a: str, b: str
) -> dict[str, Any]:
    """The compare form's choices, preset to `a` and `b` (or the head and the one before)."""
    numbers = version_numbers(session, config)
    choices = [
        (str(n), f"Version {n}" + (" (current)" if n == config.version else "")) for n in numbers
    ]
    return {
        "config": config,
        "page_url": f"/configurations/{config.id}",
        "choices_a": choices,
        "choices_b": [*choices, (FLOQER, "Floqer's step now")],
        "a": a or str(numbers[1] if len(numbers) > 1 else config.version),
        "b": b or str(config.version),
    }


def _version_context(
    session: SessionDep, config: SavedConfiguration, number: int
) -> dict[str, Any]:
    version = get_version(session, config, number)
    before = previous_version(session, config, number)
    pushes = pushes_of(session, config, number)
    return {
        "config": config,
        "page_url": f"/configurations/{config.id}",
        "version": version,
        "summary": summary(upsert_of(before) if before else None, upsert_of(version)),
        "body_json": json.dumps(version.body, indent=2, ensure_ascii=False),
        "pushed": number in pushed_versions(session, [config.id])[config.id],
        "pushes": [(p, PUSH_VIEWS[shown_outcome(p, utcnow())], push_answer(p)) for p in pushes],
        "runs": runs_of(session, config, number),
    }
