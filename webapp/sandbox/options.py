"""Get Action Field Options for the upsert's dynamic inputs, read from the org's metadata."""

from __future__ import annotations

from typing import Any

from webapp.sandbox.errors import FloqerApiError, bad_request, problem
from webapp.sandbox.floqer.workspace import ActionInstance
from webapp.sandbox.sfdc.model import Field, SObject
from webapp.sandbox.sfdc.org import Org


def field_options(
    action: ActionInstance, field_name: str, context: dict[str, Any], org: Org
) -> list[dict[str, Any]]:
    definition = action.definition
    if definition.input(field_name) is None:
        raise FloqerApiError(404, f"{definition.action_id} has no input {field_name}")
    if field_name not in definition.dynamic_fields:
        raise bad_request(
            f"{field_name} has no options",
            [problem(field_name, "no_options", f"{field_name} takes a value, not an option")],
        )
    if field_name == "salesforce_object":
        objects = sorted(org.objects, key=lambda o: (o.label.lower(), o.name))
        return [{"value": o.name, "label": o.label, "extras": o.extras()} for o in objects]
    obj = _context_object(action, context, org)
    fields = (
        obj.external_id_fields() if field_name == "salesforce_external_id_field" else obj.fields
    )
    return [_field_option(f) for f in fields]


def _context_object(action: ActionInstance, context: dict[str, Any], org: Org) -> SObject:
    # The context names the object being chosen; without one, the configured object counts.
    name = context.get("salesforce_object", action.inputs.get("salesforce_object"))
    where = "context.salesforce_object"
    if not isinstance(name, str) or not name:
        raise bad_request(
            "Choose a Salesforce object first",
            [problem(where, "required", "context.salesforce_object is required")],
        )
    obj = org.object(name)
    if obj is None:
        raise bad_request(
            f"Unknown Salesforce object {name}",
            [problem(where, "unknown_object", f"'{name}' is not an object in the connected org")],
        )
    return obj


def _field_option(f: Field) -> dict[str, Any]:
    return {"value": f.name, "label": f.label, "extras": f.extras()}
