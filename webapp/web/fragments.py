"""htmx fragments of the configuration page: each is a block of configuration.html.

A Floqer failure does not turn a fragment into an error: the picker keeps the saved object,
the fields part keeps the saved rows (editable, from the last good metadata when there is
some), and the failure is said once, in the page's Floqer status line (an out-of-band swap
both fragments aim at, so that two failing fragments say it once).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.services.configurations import get_configuration
from webapp.upsert_form import FieldRow, PlacedProblems, UpsertConfig
from webapp.web.auth import Viewer
from webapp.web.deps import CtxDep, SessionDep, floqer_for, render
from webapp.web.views import fields_view, page_context, picker

router = APIRouter()
FRAGMENTS = "/configurations/{configuration_id}/fragments"


@router.get(FRAGMENTS + "/objects")
def object_picker(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    shown = picker(ctx, floqer_for(ctx, config.connection), config)
    context = page_context(ctx, config, picker=shown)
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
    context = page_context(ctx, config, part=fields_view(ctx, client, config, chosen, saved))
    if chosen != saved.salesforce_object:  # the last push's problems were about other fields
        context["placed"] = PlacedProblems()
    return render(request, "configuration.html", context, block="object_fields")


@router.get(FRAGMENTS + "/field-row")
def new_field_row(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    context = page_context(ctx, config, row=FieldRow("", ""), row_uid=f"row-{uuid.uuid4().hex[:8]}")
    return render(request, "configuration.html", context, block="new_field_row")


@router.get("/fragments/empty")
def empty_fragment(caller: Viewer) -> Response:
    """The answer behind a row's Remove button: htmx deletes the row (hx-swap="delete")."""
    return Response("", media_type="text/html")
