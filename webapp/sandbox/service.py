"""The sandbox's behaviour behind each endpoint, one lock around the in-memory state."""

from __future__ import annotations

import functools
import math
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from webapp.sandbox.errors import bad_request, not_found, problem
from webapp.sandbox.faults import SLOW_RUN_QUEUED_SECONDS, Fault, Scope
from webapp.sandbox.floqer.catalog import CATALOG
from webapp.sandbox.floqer.configure import configure
from webapp.sandbox.floqer.runner import run_row
from webapp.sandbox.floqer.seed import seed_workspace
from webapp.sandbox.floqer.workspace import Cell, PendingRun, Row, Sheet
from webapp.sandbox.options import field_options
from webapp.sandbox.settings import OrgName
from webapp.sandbox.sfdc.model import OrgSpec
from webapp.sandbox.sfdc.org import Org
from webapp.sandbox.sfdc.setup import RetypeTo, SetupRefused, custom_field, with_type, without_field

P = ParamSpec("P")
R = TypeVar("R")

USERS = {
    "floq_sandbox_424": {
        "email": "jordan.lee@acme.example",
        "first_name": "Jordan",
        "last_name": "Lee",
        "role": "member",
    },
}
DEFAULT_USER = {
    "email": "alex.morgan@acme.example",
    "first_name": "Alex",
    "last_name": "Morgan",
    "role": "admin",
}
RUN_LIMITS = {"none": 0, "first_10": 10, "all": None}


@functools.cache
def org_spec(name: OrgName) -> OrgSpec:
    """Built once per process: specs are immutable, every Org copies what it changes."""
    if name == "large":
        from webapp.sandbox.sfdc.orgs.large import build_large_org

        return build_large_org()
    if name == "hostile":
        from webapp.sandbox.sfdc.orgs.hostile import build_hostile_org

        return build_hostile_org()
    from webapp.sandbox.sfdc.orgs.default import build_default_org

    return build_default_org()


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return wrapper


def _salesforce_fault(fault: Fault | None) -> None:
    if fault is not None and fault.scope is Scope.SALESFORCE:
        raise fault.error()


class Sandbox:
    def __init__(self, org_name: OrgName) -> None:
        self._lock = threading.Lock()
        self.org = Org(org_spec(org_name))
        self.workspace = seed_workspace(hostile=org_name == "hostile")

    @staticmethod
    def who_am_i(api_key: str) -> dict[str, str]:
        return USERS.get(api_key, DEFAULT_USER)

    @_locked
    def list_workflows(self) -> list[dict[str, Any]]:
        return [wf.summary() for wf in self.workspace.workflows]

    @_locked
    def workflow(self, wid: str) -> dict[str, Any]:
        return self.workspace.workflow(wid).overview()

    @_locked
    def action_chain(self, wid: str, sid: str) -> list[dict[str, Any]]:
        return self.workspace.sheet(wid, sid).graph()

    @_locked
    def add_action(
        self, wid: str, sid: str, action_id: str, after: str | None, name: str | None
    ) -> dict[str, Any]:
        sheet = self.workspace.sheet(wid, sid)
        definition = CATALOG.get(action_id)
        problems = []
        if definition is None:
            problems.append(problem("action_id", "unknown_action", f"No action {action_id}"))
        if after is not None and after not in {a.action_instance_id for a in sheet.actions}:
            problems.append(problem("after", "unknown_action", f"No step {after} on this sheet"))
        if problems or definition is None:
            raise bad_request("The action cannot be added", problems)
        return sheet.add_action(definition, after, name).describe()

    @_locked
    def action(self, wid: str, sid: str, aiid: str) -> dict[str, Any]:
        return self.workspace.sheet(wid, sid).action(aiid).describe()

    @_locked
    def options(
        self,
        wid: str,
        sid: str,
        aiid: str,
        field_name: str,
        context: dict[str, Any],
        fault: Fault | None,
    ) -> dict[str, Any]:
        action = self.workspace.sheet(wid, sid).action(aiid)
        if action.definition.salesforce:
            _salesforce_fault(fault)
        return {"options": field_options(action, field_name, context, self.org)}

    @_locked
    def configure(
        self, wid: str, sid: str, aiid: str, inputs: dict[str, Any], fault: Fault | None
    ) -> dict[str, Any]:
        sheet = self.workspace.sheet(wid, sid)
        action = sheet.action(aiid)
        if action.definition.salesforce:
            _salesforce_fault(fault)
        merged, problems = configure(sheet, action, inputs, self.org)
        if problems:
            raise bad_request(f"{len(problems)} problem(s) in the configuration", problems)
        action.inputs = merged
        self.workspace.workflow(wid).updated_at = _now()
        return action.describe()

    @_locked
    def add_rows(
        self,
        wid: str,
        sid: str,
        rows: list[Any],
        run_after_add: str,
        fault: Fault | None,
        account_url: str,
    ) -> dict[str, Any]:
        sheet = self.workspace.sheet(wid, sid)
        columns = {name for name, _ in sheet.input_columns}
        added: list[Row] = []
        rejected = []
        for index, values in enumerate(rows):
            reason = _row_problem(values, columns)
            if reason:
                rejected.append({"index": index, "reason": reason})
                continue
            row = Row(str(uuid.uuid4()), _now(), dict(values))
            row.cells = {a.action_instance_id: Cell("not_run") for a in sheet.actions}
            sheet.rows[row.row_id] = row
            added.append(row)
        limit = RUN_LIMITS[run_after_add]
        queued = added if limit is None else added[:limit]
        self._run(wid, sheet, queued, fault, account_url)
        return {
            "row_count": len(added),
            "row_ids": [r.row_id for r in added],
            "rejected": rejected,
            "rows_queued_for_run": len(queued),
        }

    @_locked
    def list_rows(
        self, wid: str, sid: str, row_ids: list[str] | None, limit: int, offset: int
    ) -> dict[str, Any]:
        sheet = self.workspace.sheet(wid, sid)
        if row_ids is None:
            rows = list(sheet.rows.values())[offset : offset + limit]
        else:
            rows = [sheet.rows[r] for r in row_ids if r in sheet.rows]
        now = time.monotonic()
        self._run_due(wid, sheet, rows, now)
        return {"rows": [r.render(now) for r in rows], "total": len(sheet.rows)}

    @_locked
    def run_rows(
        self, wid: str, sid: str, row_ids: list[str], fault: Fault | None, account_url: str
    ) -> dict[str, Any]:
        sheet = self.workspace.sheet(wid, sid)
        unknown = [r for r in row_ids if r not in sheet.rows]
        if unknown:
            raise not_found(f"Row {unknown[0]}")
        self._run(wid, sheet, [sheet.rows[r] for r in row_ids], fault, account_url)
        return {"rows_queued_for_run": len(row_ids)}

    @_locked
    def record(self, record_id: str) -> dict[str, Any]:
        found = self.org.record(record_id)
        if found is None:
            raise not_found("Record")
        obj, record = found
        return {"object": obj.name, "record": record}

    @_locked
    def records(self, object_name: str) -> list[dict[str, Any]]:
        if self.org.object(object_name) is None:
            raise not_found("Object")
        return self.org.records(object_name)

    @_locked
    def change_field(
        self, object_name: str, field_name: str, retype_to: RetypeTo | None
    ) -> dict[str, Any]:
        """Delete a custom field (`retype_to` None) or change its type, as an admin would."""
        obj = self.org.object(object_name)
        if obj is None:
            raise not_found("Object")
        try:
            field = custom_field(obj, field_name)
        except SetupRefused as exc:
            raise bad_request(str(exc), [problem("field", "standard_field", str(exc))]) from None
        if field is None:
            raise not_found("Field")
        if retype_to is None:
            self.org.change_object(without_field(obj, field), dropped=field.name)
            return {"object": obj.name, "field": field.name, "deleted": True}
        self.org.change_object(with_type(obj, field, retype_to))
        return {"object": obj.name, "field": field.name, "type": retype_to}

    def _run(
        self, wid: str, sheet: Sheet, rows: list[Row], fault: Fault | None, account_url: str
    ) -> None:
        if fault is not None and fault.scope is Scope.RUNS:
            # A run that takes time: it happens at the first listing after it is due.
            now = time.monotonic()
            due = now + fault.run_seconds if fault.run_seconds is not None else math.inf
            for row in rows:
                row.pending = PendingRun(now + SLOW_RUN_QUEUED_SECONDS, due, account_url)
            return
        for row in rows:
            row.pending = None
            run_row(sheet, row, self.org, fault, account_url)
        if rows:
            self.workspace.workflow(wid).last_run_at = _now()

    def _run_due(self, wid: str, sheet: Sheet, rows: list[Row], now: float) -> None:
        due = [r for r in rows if r.pending is not None and r.pending.due <= now]
        for row in due:
            assert row.pending is not None
            self._run(wid, sheet, [row], None, row.pending.account_url)


def _row_problem(values: Any, columns: set[str]) -> str | None:
    if not isinstance(values, dict):
        return "a row must be an object of column: value"
    unknown = sorted(set(values) - columns)
    if unknown:
        return f"unknown column(s): {', '.join(unknown)}"
    if any(isinstance(v, (dict, list)) for v in values.values()):
        return "values must be text, numbers, booleans or null"
    return None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
