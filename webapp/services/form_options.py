"""The options behind the form's dropdowns, read through the options cache."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.context import AppContext
from webapp.db import SavedConfiguration
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerBadRequest
from webapp.floqer.models import FieldOption
from webapp.options_cache import StepRef
from webapp.upsert_form import EXTERNAL_ID, FIELDS, OBJECT


def _step(config: SavedConfiguration) -> StepRef:
    return (config.workflow_id, config.sheet_id, config.step_id)


def _options(
    ctx: AppContext,
    client: FloqerClient,
    config: SavedConfiguration,
    field_name: str,
    context: dict[str, str] | None,
) -> list[FieldOption]:
    step = _step(config)
    return ctx.options.get(
        config.connection_id,
        step,
        field_name,
        context,
        lambda: client.field_options(*step, field_name, context),
    )


def object_options(
    ctx: AppContext, client: FloqerClient, config: SavedConfiguration
) -> list[FieldOption]:
    return _options(ctx, client, config, OBJECT, None)


@dataclass(frozen=True)
class ObjectFields:
    object_name: str
    problem: str | None  # Floqer's word when the object cannot be used
    external_ids: list[FieldOption]
    fields: list[FieldOption]

    @property
    def required_on_create(self) -> list[FieldOption]:
        return [f for f in self.fields if f.extras.get("required") is True]


def object_fields(
    ctx: AppContext, client: FloqerClient, config: SavedConfiguration, object_name: str
) -> ObjectFields:
    """External-ID fields and all fields of `object_name`: two options calls, cached."""
    context = {OBJECT: object_name}
    try:
        external_ids = _options(ctx, client, config, EXTERNAL_ID, context)
        fields = _options(ctx, client, config, FIELDS, context)
    except FloqerBadRequest as exc:
        detail = exc.problems[0].message if exc.problems else exc.user_message
        return ObjectFields(object_name, detail, [], [])
    return ObjectFields(object_name, None, external_ids, fields)


def forget_options(ctx: AppContext, config: SavedConfiguration) -> None:
    ctx.options.forget(config.connection_id, _step(config))
