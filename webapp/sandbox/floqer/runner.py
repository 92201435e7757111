"""Running a sheet's action chain on one row, the upsert against the simulated org."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from webapp.sandbox.faults import Fault, Scope
from webapp.sandbox.floqer.catalog import UPSERT_DEFINITION
from webapp.sandbox.floqer.enrichment import ENRICHMENTS
from webapp.sandbox.floqer.tokens import Reference, render
from webapp.sandbox.floqer.workspace import ActionInstance, Cell, Row, Sheet
from webapp.sandbox.sfdc.org import Org, UpsertRequest
from webapp.sandbox.sfdc.values import SalesforceError

DEFAULTS = {spec.name: spec.default for spec in UPSERT_DEFINITION.inputs}


def run_row(sheet: Sheet, row: Row, org: Org, fault: Fault | None, account_url: str) -> None:
    """Run the chain on `row` now. `account_url` is the org's base URL, as the upsert's
    output gives it (contract 3): `{account_url}/{record_id}` shows a record."""
    outputs: dict[str, dict[str, Any]] = {}
    for action in sheet.actions:
        cell = _run_action(action, row, outputs, org, fault, account_url)
        row.cells[action.action_instance_id] = cell
        if cell.outputs is not None:
            outputs[action.action_instance_id] = cell.outputs


def _run_action(
    action: ActionInstance,
    row: Row,
    outputs: dict[str, dict[str, Any]],
    org: Org,
    fault: Fault | None,
    account_url: str,
) -> Cell:
    def resolve(ref: Reference) -> str:
        if ref.is_input:
            return _as_text(row.values.get(ref.path[0]))
        value = outputs.get(ref.source, {}).get(ref.path[0])
        if len(ref.path) == 2 and isinstance(value, list):
            return ", ".join(_as_text(item.get(ref.path[1])) for item in value)
        return _as_text(value)

    def resolved(value: Any) -> Any:
        return render(value, resolve) if isinstance(value, str) else value

    missing = [
        spec.label
        for spec in action.definition.inputs
        if spec.required and action.inputs.get(spec.name) in (None, "", [])
    ]
    if missing:
        return Cell(
            "error",
            error={
                "code": "ACTION_NOT_CONFIGURED",
                "message": f"{action.display_name} is not configured: "
                f"{', '.join(missing)} missing.",
            },
        )
    if action.definition.salesforce:
        if fault is not None and fault.scope is Scope.SALESFORCE:
            return Cell("failed", error={"code": fault.code, "message": fault.message})
        return _upsert(action, resolved, org, account_url)
    inputs = {name: _as_text(resolved(value)) for name, value in action.inputs.items()}
    return Cell("complete", outputs=ENRICHMENTS[action.action_id](inputs))


def _upsert(
    action: ActionInstance, resolved: Callable[[Any], Any], org: Org, account_url: str
) -> Cell:
    inputs = action.inputs

    def flag(name: str) -> bool:
        return bool(inputs.get(name, DEFAULTS[name]))

    request = UpsertRequest(
        object_name=inputs["salesforce_object"],
        external_id_field=inputs["salesforce_external_id_field"],
        values=tuple(
            (item["name"], resolved(item.get("value")))
            for item in inputs["add_fields_and_their_values"]
        ),
        ignore_empty_values=flag("ignore_empty_values"),
        run_assignment_rules=flag("run_salesforce_assignment_rules"),
        allow_save_on_duplicates=flag("force_update_on_collision"),
    )
    try:
        result = org.upsert(request)
    except SalesforceError as exc:
        error = {"code": exc.code, "message": exc.message, "fields": list(exc.fields)}
        return Cell("failed", error=error)
    return Cell(
        "complete",
        outputs={
            "record_id": result.record_id,
            "operation_type": "Insert" if result.created else "Update",
            "account_url": account_url,
        },
    )


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value)  # a whole list output reads as JSON, never a Python repr
    return str(value)
