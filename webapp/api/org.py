"""The connected org's objects and fields, as the form's dropdowns read them (through the
shared metadata cache), and "Refresh options": what a script needs to write a body that the
pre-flight check and Salesforce accept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Path

from webapp.api.auth import ApiEditor, ApiViewer
from webapp.api.editing import PATH
from webapp.api.errors import ApiError
from webapp.api.models import (
    FieldList,
    ObjectList,
    RefreshedOut,
    SalesforceFieldOut,
    SalesforceObjectOut,
)
from webapp.api.routing import api_router
from webapp.floqer.errors import FloqerError
from webapp.services.configurations import get_configuration
from webapp.services.field_guide import field_entry
from webapp.services.form_options import forget_options, object_fields, object_options
from webapp.web.deps import CtxDep, SessionDep, floqer_for

router = api_router("salesforce metadata")
ObjectName = Annotated[str, Path(min_length=1, max_length=255)]


def _when(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


@router.get(PATH + "/salesforce-objects", response_model=ObjectList)
def salesforce_objects(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: ApiViewer
) -> ObjectList:
    """The objects of the org connected to the configuration's Floqer connection."""
    config = get_configuration(session, configuration_id)
    try:
        found = object_options(ctx.metadata, floqer_for(ctx, config.connection), config)
    except FloqerError as exc:
        raise ApiError(502, f"The org's objects could not be read: {exc.user_message}") from None
    return ObjectList(
        objects=[SalesforceObjectOut(name=o.value, label=o.label) for o in found.value],
        fetched_at=_when(found.fetched_at),
        stale=found.stale,
    )


@router.get(PATH + "/salesforce-objects/{object_name}/fields", response_model=FieldList)
def salesforce_fields(
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    object_name: ObjectName,
    caller: ApiViewer,
) -> FieldList:
    """An object's fields with the metadata the pre-flight check uses (type, required,
    locked, picklist values), and the fields rows can be matched on. 404 for an object the
    org does not have (with the nearest names)."""
    config = get_configuration(session, configuration_id)
    found = object_fields(ctx.metadata, floqer_for(ctx, config.connection), config, object_name)
    if found.problem is not None:
        raise ApiError(404, found.problem)
    if found.failure is not None and not found.fields:
        raise ApiError(502, f"The fields could not be read: {found.failure.user_message}")
    return FieldList(
        object=found.object_name,
        external_id_fields=[o.value for o in found.external_ids],
        fields=[_field(field_entry(o)) for o in found.fields],
        fetched_at=_when(found.fetched_at) if found.fetched_at is not None else None,
    )


def _field(entry: dict[str, object]) -> SalesforceFieldOut:
    values = entry.get("values")
    length = entry.get("length")
    return SalesforceFieldOut(
        name=str(entry["name"]),
        label=str(entry.get("label", entry["name"])),
        type=str(entry.get("summary", "")),
        required=entry.get("required") is True,
        custom=entry.get("custom") is True,
        locked=str(entry.get("locked", "")),
        length=length if isinstance(length, int) else None,
        picklist_values=[str(v) for v in values] if isinstance(values, list) else [],
        restricted=entry.get("restricted") is True,
    )


@router.post(PATH + "/refresh-options", response_model=RefreshedOut)
def refresh_options(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: ApiEditor
) -> RefreshedOut:
    """Forget the connection's cached objects and fields and the sheet's cached steps, as
    the page's *Refresh options* does: the next read asks Floqer (after an admin changed the
    org, say)."""
    config = get_configuration(session, configuration_id)
    forget_options(ctx.metadata, config)
    return RefreshedOut(configuration_id=config.id)
