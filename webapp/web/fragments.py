"""htmx fragments of the configuration page: each is a block of configuration.html."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.services.browse import grouped, reference_choices
from webapp.services.configurations import get_configuration
from webapp.services.form_options import object_fields, object_options
from webapp.upsert_form import FieldRow, PlacedProblems, UpsertConfig
from webapp.web.auth import Viewer
from webapp.web.configurations import page_context
from webapp.web.deps import CtxDep, SessionDep, floqer_for, render

router = APIRouter()
FRAGMENTS = "/configurations/{configuration_id}/fragments"


@router.get(FRAGMENTS + "/objects")
def object_picker(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    objects = object_options(ctx, floqer_for(ctx, config.connection), config)
    context = page_context(ctx, config, objects=objects)
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
    client = floqer_for(ctx, config.connection)
    saved = UpsertConfig.from_inputs(config.inputs)
    chosen = salesforce_object.strip()
    # Another object than the saved one: its external ID and field rows start afresh.
    same = chosen == saved.salesforce_object
    references = reference_choices(client, config.workflow_id, config.sheet_id, config.step_id)
    context = page_context(
        ctx,
        config,
        fields=object_fields(ctx, client, config, chosen) if chosen else None,
        references=references,
        reference_groups=grouped(references),
        external_id=saved.external_id_field if same else "",
        rows=list(saved.rows) if same and saved.rows else [FieldRow("", "")],
    )
    if not same:  # the last push's problems were about the saved object's fields
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
