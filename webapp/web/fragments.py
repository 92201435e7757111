"""htmx fragments of the configuration page: each is a block of configuration.html.

A Floqer failure does not turn a fragment into an error: the picker keeps the saved object,
the fields part keeps the saved rows (editable, from the last good metadata when there is
some), and the failure is said once, in the page's Floqer status line (an out-of-band swap
both fragments aim at, so that two failing fragments say it once).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from webapp.context import AppContext
from webapp.db import SavedConfiguration
from webapp.floqer.client import FloqerClient
from webapp.loop_reads import loop_first
from webapp.services.configurations import get_configuration, saved_fields
from webapp.services.editing import draft_for_check, started_from
from webapp.services.form_options import object_fields, start_fields_part
from webapp.services.mapping_help import (
    PasteProblem,
    added_notice,
    keep_for_object,
    merge_rows,
    object_change_notice,
    parse_lines,
    suggest,
    undo_state,
    undone,
)
from webapp.services.preview import draft_json
from webapp.upsert_form import MAX_ROWS, FieldRow, FormError, PlacedProblems, UpsertConfig
from webapp.web.auth import Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, render
from webapp.web.rendered import hashable, respond
from webapp.web.views import fields_view, fragment_context, picker, preflight_view, row_uids

router = APIRouter()
MAX_PASTE = 200_000  # characters of "Paste mappings" read (500 rows of generous lines)
FRAGMENTS = "/configurations/{configuration_id}/fragments"


# The two GETs every form makes, usually warm: sent from the event loop when their part is
# kept (webapp.loop_reads), else made on a thread as every other fragment is.


@router.get(FRAGMENTS + "/objects")
async def object_picker(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    return await loop_first(
        ctx.loop_reads,
        lambda reading: _object_picker(request, ctx, reading, configuration_id),
        session,
    )


def _object_picker(
    request: Request, ctx: AppContext, session: Session, configuration_id: int
) -> Response:
    config = get_configuration(session, configuration_id)
    shown = picker(ctx, floqer_for(ctx, config.connection), config)
    context = fragment_context(config, picker=shown)
    if shown.failure or not shown.objects or context["placed"]:
        return render(request, "configuration.html", context, block="object_picker")
    shows = (config.id, context["upsert"].salesforce_object, shown.as_of)
    return _kept(request, ctx, (shown.objects,), shows, context, "object_picker")


@router.get(FRAGMENTS + "/object-fields")
async def object_fields_fragment(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    caller: Viewer,
    salesforce_object: str = "",
) -> Response:
    return await loop_first(
        ctx.loop_reads,
        lambda reading: _object_fields(request, ctx, reading, configuration_id, salesforce_object),
        session,
    )


def _object_fields(
    request: Request,
    ctx: AppContext,
    session: Session,
    configuration_id: int,
    salesforce_object: str,
) -> Response:
    config = get_configuration(session, configuration_id)
    saved = UpsertConfig.from_inputs(config.inputs)
    chosen = salesforce_object.strip()[:200]
    client = floqer_for(ctx, config.connection)
    start_fields_part(ctx.metadata, client, config, chosen)
    part = fields_view(ctx, client, config, chosen, saved)
    context = fragment_context(config, part=part, upsert=saved)
    if chosen != saved.salesforce_object:  # the last push's problems were about other fields
        context["placed"] = PlacedProblems()
    fields, placed = part.fields, context["placed"]
    if fields is None or fields.problem or part.failure or placed:
        return _rechecked(_fields_part(request, context))
    rows, references = tuple(part.rows), tuple(part.references)
    shows = (config.id, fields.object_name, part.external_id, rows, references, part.as_of)
    lists = (fields.fields, fields.external_ids)
    return _rechecked(_kept(request, ctx, lists, shows, context, "object_fields"))


@router.post(FRAGMENTS + "/object-fields")
def object_changed(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """The fields part after the object changed in the form: the rows whose field the new
    object has stay, the others are set aside with an Undo (which posts `undo` back)."""
    try:
        config, draft, client = _editing(ctx, session, form, configuration_id)
    except FormError as exc:
        return _unchanged(request, str(exc))
    undo = form_value(form, "undo")
    if undo:
        restored = undone(undo, draft)
        if restored is None:
            return _unchanged(request, "That Undo no longer applies; reload the page.")
        start_fields_part(ctx.metadata, client, config, restored.salesforce_object)
        part = fields_view(ctx, client, config, restored.salesforce_object, restored)
        part = replace(part, notice=f"Back to {restored.salesforce_object}, with its rows.")
        context = fragment_context(
            config, part=part, upsert=restored, picker=picker(ctx, client, config), restore=True
        )
        return _rechecked(_fields_part(request, context))
    start_fields_part(ctx.metadata, client, config, draft.salesforce_object)
    before = form_value(form, "fields_of")
    fields = object_fields(ctx.metadata, client, config, draft.salesforce_object)
    # A label or another casing names the object: the form takes the org's API name.
    renamed = fields.object_name != draft.salesforce_object and not fields.problem
    chosen = fields.object_name if renamed else draft.salesforce_object
    draft = replace(draft, salesforce_object=chosen)
    shown, notice = draft, None
    rows = [row for row in draft.rows if row.name or row.value]
    if before and chosen and before != chosen and fields.fields:
        kept, aside = keep_for_object(rows, fields.fields)
        keys = {o.value for o in fields.external_ids}
        external_id = draft.external_id_field if draft.external_id_field in keys else ""
        shown = replace(draft, rows=tuple(kept), external_id_field=external_id)
        if rows:
            notice = object_change_notice(fields.object_name, len(kept), aside)
    part = fields_view(ctx, client, config, chosen, shown)
    if notice:
        was = replace(draft, salesforce_object=before, rows=tuple(rows))
        part = replace(part, notice=notice, undo=undo_state(was))
    context = fragment_context(config, part=part)
    if renamed:
        context.update(upsert=draft, picker=picker(ctx, client, config), restore=True)
    if chosen != UpsertConfig.from_inputs(config.inputs).salesforce_object:
        context["placed"] = PlacedProblems()
    return _rechecked(_fields_part(request, context))


@router.post(FRAGMENTS + "/suggestions")
def mapping_suggestions(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """ "Suggest mappings": the sheet's columns and outputs that match fields by name."""
    try:
        config, draft, client = _editing(ctx, session, form, configuration_id)
    except FormError as exc:
        return _unchanged(request, str(exc))
    start_fields_part(ctx.metadata, client, config, draft.salesforce_object)
    part = fields_view(ctx, client, config, draft.salesforce_object, draft)
    found = None
    if part.fields is not None and part.fields.fields:
        found = suggest(part.fields.fields, part.fields.external_ids, part.references, draft)
    context = fragment_context(config, part=part, suggestions=found)
    return render(request, "configuration.html", context, block="mapping_suggestions")


@router.post(FRAGMENTS + "/mappings")
def add_mappings(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    configuration_id: int,
    caller: Editor,
) -> Response:
    """Rows added in bulk, from the ticked suggestions or the pasted lines (`apply` says
    which): a field that has a row gets the value there, any other gets a new row."""
    try:
        config, draft, client = _editing(ctx, session, form, configuration_id)
    except FormError as exc:
        return _unchanged(request, str(exc))
    chosen = draft.salesforce_object
    start_fields_part(ctx.metadata, client, config, chosen)
    part = fields_view(ctx, client, config, chosen, draft)
    known = part.fields.fields if part.fields is not None else []
    pasting = form_value(form, "apply") == "pasted"
    text = form_value(form, "pasted") if pasting else "\n".join(form.get("mapping", []))
    try:
        incoming = parse_lines(text[:MAX_PASTE], known)
    except PasteProblem as exc:
        part = replace(part, pasted=text[:MAX_PASTE], paste_problem=str(exc))
        return _fields_part(request, fragment_context(config, part=part))
    external_id = "" if pasting else form_value(form, "suggested_external_id")
    merged = merge_rows(draft, incoming, external_id)
    part = fields_view(ctx, client, config, chosen, merged.config)
    part = replace(part, notice=added_notice(merged, "pasted lines" if pasting else "suggestions"))
    context = fragment_context(config, part=part)
    return _rechecked(_fields_part(request, context))


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
    context = fragment_context(
        config,
        preflight=shown,
        push_state=form_value(form, "push_state"),
        draft_body=draft_json(upsert, config),
    )
    return render(request, "configuration.html", context, block="preflight")


@router.get("/fragments/empty")
def empty_fragment(caller: Viewer) -> Response:
    """The answer behind a row's Remove button: htmx deletes the row (hx-swap="delete")."""
    return _rechecked(Response("", media_type="text/html"))


def _editing(
    ctx: AppContext, session: Session, form: dict[str, list[str]], configuration_id: int
) -> tuple[SavedConfiguration, UpsertConfig, FloqerClient]:
    """The configuration, the draft its form posted, and a Floqer client for its connection.
    Raises FormError for a post no page of the app sends."""
    config = get_configuration(session, configuration_id)
    draft = draft_for_check(form, config)
    return config, draft, floqer_for(ctx, config.connection)


def _fields_part(request: Request, context: dict[str, Any]) -> Response:
    return render(request, "configuration.html", context, block="object_fields")


def _kept(
    request: Request,
    ctx: AppContext,
    lists: tuple[Sequence[Any], ...],
    shows: tuple[Any, ...],
    context: dict[str, Any],
    block: str,
) -> Response:
    """A warm, quiet block: the same bytes for everyone while the org's `lists` stay the
    same objects and what else it `shows` is equal (webapp.web.rendered)."""
    if not hashable(shows):
        return render(request, "configuration.html", context, block=block)

    def build() -> bytes:
        return bytes(render(request, "configuration.html", context, block=block).body)

    return respond(request, ctx.rendered.get(lists, (block, *shows), build))


def _unchanged(request: Request, message: str) -> Response:
    """A fragment post the app cannot read: the form stays as it is (nothing swapped, no
    row lost) and the page's status line says why."""
    response = render(request, "configuration.html", {"message": message}, block="form_status")
    response.headers["HX-Reswap"] = "none"
    return response


def _rechecked(response: Response) -> Response:
    # The form's rows changed: the page's pre-flight panel checks again (it listens for it).
    response.headers["HX-Trigger"] = "recheck"
    return response
