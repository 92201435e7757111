"""Configure Action: a partial update, checked as a whole, every problem reported at once.

Floqer's rules (contract section 3): fields left out keep their value; a jsonArray item
without `label` is stored with `label = name` and every other key is kept as sent; only the
sheet's inputs and the actions that run before this step may be referenced.
"""

from __future__ import annotations

import copy
from typing import Any

from webapp.sandbox.errors import problem
from webapp.sandbox.floqer.catalog import InputDef
from webapp.sandbox.floqer.tokens import Reference, references
from webapp.sandbox.floqer.workspace import ActionInstance, Sheet
from webapp.sandbox.sfdc.org import Org

Problems = list[dict[str, str]]
_SCALAR = (str, int, float, bool, type(None))


def configure(
    sheet: Sheet, action: ActionInstance, inputs: Any, org: Org
) -> tuple[dict[str, Any], Problems]:
    """The inputs the action would hold after this update, and what is wrong with them."""
    if not isinstance(inputs, dict):
        return action.inputs, [problem("inputs", "invalid_type", "inputs must be an object")]
    merged = copy.deepcopy(action.inputs)
    problems: Problems = []
    for name, value in inputs.items():
        spec = action.definition.input(name)
        if spec is None:
            problems.append(
                problem(
                    f"inputs.{name}", "unknown_input", f"{action.action_id} has no input {name}"
                )
            )
            continue
        checked, found = _check_shape(spec, value)
        problems += found
        merged[name] = checked
    problems += _missing(action, merged)
    if action.definition.salesforce:
        problems += _check_against_org(merged, org)
    problems += _check_references(sheet, action, merged)
    return merged, problems


def _check_shape(spec: InputDef, value: Any) -> tuple[Any, Problems]:
    path = f"inputs.{spec.name}"
    if spec.type == "radio":
        if isinstance(value, bool):
            return value, []
        return value, [problem(path, "invalid_type", f"{spec.name} must be true or false")]
    if spec.type == "jsonArray":
        return _check_items(path, value)
    if isinstance(value, str):
        return value, []
    return value, [problem(path, "invalid_type", f"{spec.name} must be a string")]


def _check_items(path: str, value: Any) -> tuple[Any, Problems]:
    if not isinstance(value, list):
        return value, [problem(path, "invalid_type", "must be a list of {name, value} items")]
    items: list[Any] = []
    problems: Problems = []
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            problems.append(problem(where, "invalid_item", "each item must be {name, value}"))
            items.append(item)
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(problem(f"{where}.name", "required", "name must be a field name"))
        if "value" not in item:
            problems.append(problem(f"{where}.value", "required", "value is required"))
        elif not isinstance(item["value"], _SCALAR):
            problems.append(
                problem(
                    f"{where}.value", "invalid_type", "value must be text, a number or a boolean"
                )
            )
        stored = dict(item)
        if isinstance(name, str):
            stored.setdefault("label", name)
        items.append(stored)
    return items, problems


def _missing(action: ActionInstance, merged: dict[str, Any]) -> Problems:
    problems = []
    for spec in action.definition.inputs:
        value = merged.get(spec.name)
        if spec.required and (value is None or value == "" or value == []):
            problems.append(problem(f"inputs.{spec.name}", "required", f"{spec.label} is required"))
    return problems


def _check_against_org(merged: dict[str, Any], org: Org) -> Problems:
    object_name = merged.get("salesforce_object")
    if not isinstance(object_name, str) or not object_name:
        return []
    obj = org.object(object_name)
    if obj is None:
        return [
            problem(
                "inputs.salesforce_object",
                "unknown_object",
                f"'{object_name}' is not an object in the connected Salesforce org",
            )
        ]
    problems = []
    key = merged.get("salesforce_external_id_field")
    if isinstance(key, str) and key:
        field = obj.field(key)
        if field is None:
            problems.append(
                problem(
                    "inputs.salesforce_external_id_field",
                    "unknown_field",
                    f"{obj.name} has no field '{key}'",
                )
            )
        elif field not in obj.external_id_fields():
            problems.append(
                problem(
                    "inputs.salesforce_external_id_field",
                    "not_external_id",
                    f"{obj.name}.{field.name} is not flagged External ID in Salesforce",
                )
            )
    items = merged.get("add_fields_and_their_values")
    for i, item in enumerate(items if isinstance(items, list) else []):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name.strip() and obj.field(name) is None:
            problems.append(
                problem(
                    f"inputs.add_fields_and_their_values[{i}].name",
                    "unknown_field",
                    f"{obj.name} has no field '{name}'",
                )
            )
    return problems


def _check_references(sheet: Sheet, action: ActionInstance, merged: dict[str, Any]) -> Problems:
    problems: Problems = []
    for path, text in _strings(merged, "inputs"):
        for ref in references(text):
            message = _reference_problem(sheet, action, ref)
            if message:
                code, text_ = message
                problems.append(problem(path, code, text_))
    return problems


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}[{i}]")]
    return []


def _reference_problem(
    sheet: Sheet, action: ActionInstance, ref: Reference | str
) -> tuple[str, str] | None:
    if isinstance(ref, str):
        return "invalid_reference", f"{ref} is not a reference Floqer understands"
    if ref.is_input:
        if ref.path[0] in {name for name, _ in sheet.input_columns}:
            return None
        return (
            "unknown_reference",
            f"{{{{{ref.raw}}}}}: the sheet has no input column {ref.path[0]}",
        )
    upstream = {a.action_instance_id: a for a in sheet.upstream(action.action_instance_id)}
    source = upstream.get(ref.source)
    if source is None:
        if any(a.action_instance_id == ref.source for a in sheet.actions):
            return "reference_not_upstream", f"{{{{{ref.raw}}}}}: that step runs after this one"
        return "unknown_reference", f"{{{{{ref.raw}}}}}: no step {ref.source} on this sheet"
    output = source.definition.output(ref.path[0])
    if output is None:
        return (
            "unknown_reference",
            f"{{{{{ref.raw}}}}}: {source.display_name} has no output {ref.path[0]}",
        )
    if len(ref.path) == 2 and ref.path[1] not in {c for c, _ in output.columns}:
        return "unknown_reference", f"{{{{{ref.raw}}}}}: {output.name} has no column {ref.path[1]}"
    return None
