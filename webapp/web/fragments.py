"""htmx fragments of the configuration page: each is a block of configuration.html.

A Floqer failure does not turn a fragment into an error: the picker keeps the saved object,
the fields part keeps the saved rows (editable, from the last good metadata when there is
some), and the failure is said once, in the page's Floqer status line (an out-of-band swap
both fragments aim at, so that two failing fragments say it once).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from webapp.services.configurations import get_configuration, saved_fields
from webapp.services.editing import draft_for_check, started_from
from webapp.upsert_form import MAX_ROWS, FieldRow, FormError, PlacedProblems, UpsertConfig
from webapp.web.auth import Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, render
from webapp.web.views import fields_view, fragment_context, picker, preflight_view, row_uids

router = APIRouter()
FRAGMENTS = "/configurations/{configuration_id}/fragments"


@router.get(FRAGMENTS + "/objects")
def object_picker(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    shown = picker(ctx, floqer_for(ctx, config.connection), config)
    context = fragment_context(config, picker=shown)
    return render(request, "configuration.html", context, block="object_picker")


@router.get(FRAGMENTS + "/object-fields")
def object_fields_fragment(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    caller: Viewer,
    salesforce_object: str = "",
) -> Response:
    config = get_configuration(session, configuration_id)
    saved = UpsertConfig.from_inputs(config.inputs)
    chosen = salesforce_object.strip()[:200]
    client = floqer_for(ctx, config.connection)
    context = fragment_context(config, part=fields_view(ctx, client, config, chosen, saved))
    if chosen != saved.salesforce_object:  # the last push's problems were about other fields
        context["placed"] = PlacedProblems()
    return _rechecked(render(request, "configuration.html", context, block="object_fields"))


@router.get(FRAGMENTS + "/field-row")
def new_field_rows(
    request: Request,
    session: SessionDep,
    configuration_id: int,
    caller: Viewer,
    field: Annotated[list[str] | None, Query(max_length=MAX_ROWS)] = None,
) -> Response:
    """One empty row ("Add field"), or a row for each `field` ("Add missing rows")."""
    config = get_configuration(session, configuration_id)
    names = [n.strip()[:255] for n in field or [""]]
    new_rows = [(FieldRow(n, ""), f"row-{uuid.uuid4().hex[:8]}") for n in names]
    context = fragment_context(config, new_rows=new_rows)
    return _rechecked(render(request, "configuration.html", context, block="new_field_row"))


@router.post(FRAGMENTS + "/preflight")
def preflight_panel(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """The "Ready to push?" panel for what the form holds now (nothing is saved)."""
    config = get_configuration(session, configuration_id)
    try:
        upsert = draft_for_check(form, config)
    except FormError as exc:
        context = fragment_context(config, form_problem=str(exc))
        return render(request, "configuration.html", context, block="preflight")
    client = floqer_for(ctx, config.connection)
    base = started_from(form)  # what changed in the org since: the drift warning
    saved = saved_fields(session, config, base) if base is not None else None
    shown = preflight_view(ctx, client, config, upsert, row_uids(form, upsert), saved)
    context = fragment_context(config, preflight=shown, push_state=form_value(form, "push_state"))
    return render(request, "configuration.html", context, block="preflight")


@router.get("/fragments/empty")
def empty_fragment(caller: Viewer) -> Response:
    """The answer behind a row's Remove button: htmx deletes the row (hx-swap="delete")."""
    return _rechecked(Response("", media_type="text/html"))


def _rechecked(response: Response) -> Response:
    # The form's rows changed: the page's pre-flight panel checks again (it listens for it).
    response.headers["HX-Trigger"] = "recheck"
    return response
