"""The workspace state: workflows, their sheets, each sheet's action chain and rows.

Every method here renders the exact `data` shapes of the contract's section 2.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any

from webapp.sandbox.errors import not_found
from webapp.sandbox.floqer.catalog import CATALOG, ActionDefinition


@dataclass
class ActionInstance:
    action_instance_id: str
    action_id: str
    display_name: str
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def definition(self) -> ActionDefinition:
        return CATALOG[self.action_id]

    def output_nodes(self) -> list[dict[str, Any]]:
        nodes = []
        for out in self.definition.outputs:
            # Floqer's ActionOutput: name, type, reference, description and, for a list,
            # columns whose tokens sit under `structured_array_reference`.
            node: dict[str, Any] = {
                "name": out.name,
                "type": out.type,
                "reference": f"{{{{{self.action_instance_id}.{out.name}}}}}",
                "description": out.label,
            }
            if out.columns:
                node["columns"] = [
                    {
                        "name": col,
                        "type": kind,
                        "structured_array_reference": (
                            f"{{{{{self.action_instance_id}.{out.name}.{col}}}}}"
                        ),
                    }
                    for col, kind in out.columns
                ]
            nodes.append(node)
        return nodes

    def describe(self) -> dict[str, Any]:
        """The `ActionInstance` of Get Action: inputs as a list, configured ones with `value`."""
        inputs = []
        for spec in self.definition.inputs:
            item: dict[str, Any] = {
                "name": spec.name,
                "type": spec.type,
                "required": spec.required,
                "label": spec.label,
                "description": spec.description,
            }
            if spec.default is not None:
                item["default"] = spec.default
            if spec.name in self.inputs:
                item["value"] = copy.deepcopy(self.inputs[spec.name])
            inputs.append(item)
        return {
            "action_instance_id": self.action_instance_id,
            "action_id": self.action_id,
            "display_name": self.display_name,
            "inputs": inputs,
            "outputs": self.output_nodes(),
        }


@dataclass
class Cell:
    status: str
    outputs: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def render(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status}
        if self.outputs is not None:
            body["outputs"] = self.outputs
        if self.error is not None:
            body["error"] = self.error
        return body


@dataclass(frozen=True)
class PendingRun:
    """A run that takes time (the slowrun and stuckrun fault keys): its cells read "queued"
    until `queued_until`, "running" until `due` (monotonic seconds), and the chain runs at
    the first listing after `due`, with what the run was started with."""

    queued_until: float
    due: float
    account_url: str


@dataclass
class Row:
    row_id: str
    created_at: str
    values: dict[str, Any]
    cells: dict[str, Cell] = field(default_factory=dict)
    pending: PendingRun | None = None

    def render(self, now: float) -> dict[str, Any]:
        cells = {aiid: cell.render() for aiid, cell in self.cells.items()}
        if self.pending is not None:
            status = "queued" if now < self.pending.queued_until else "running"
            cells = {aiid: {"status": status} for aiid in self.cells}
        return {
            "row_id": self.row_id,
            "created_at": self.created_at,
            "values": self.values,
            "cells": cells,
        }


@dataclass
class Sheet:
    sheet_id: str
    name: str
    is_main_sheet: bool
    input_columns: list[tuple[str, str]]
    actions: list[ActionInstance] = field(default_factory=list)
    rows: dict[str, Row] = field(default_factory=dict)
    auto_run: bool = False
    cache_enabled: bool = False

    def summary(self) -> dict[str, Any]:
        return {
            "sheet_id": self.sheet_id,
            "name": self.name,
            "is_main_sheet": self.is_main_sheet,
            "auto_run": self.auto_run,
            "cache_enabled": self.cache_enabled,
            "cache_since": None,
            "webhook_url": f"https://api.floqer.com/webhooks/sandbox/{self.sheet_id}",
        }

    def action(self, aiid: str) -> ActionInstance:
        for action in self.actions:
            if action.action_instance_id == aiid:
                return action
        raise not_found("Action")

    def position(self, aiid: str) -> int:
        return next(i for i, a in enumerate(self.actions) if a.action_instance_id == aiid)

    def upstream(self, aiid: str) -> list[ActionInstance]:
        """The actions that run before `aiid`: the only ones it may reference."""
        return self.actions[: self.position(aiid)]

    def graph(self) -> list[dict[str, Any]]:
        """The action chain: the input node, then every action in run order."""
        ids = [a.action_instance_id for a in self.actions]
        nodes: list[dict[str, Any]] = [
            {
                # Floqer's docs: `inputs` is absent on the input node.
                "action_instance_id": "input",
                "action_id": "input",
                "display_name": "Input",
                "outputs": [
                    {"name": name, "type": kind, "reference": f"{{{{input.{name}}}}}"}
                    for name, kind in self.input_columns
                ],
                "next": ids[:1],
            }
        ]
        for i, action in enumerate(self.actions):
            nodes.append(
                {
                    "action_instance_id": action.action_instance_id,
                    "action_id": action.action_id,
                    "display_name": action.display_name,
                    "inputs": copy.deepcopy(action.inputs),
                    "outputs": action.output_nodes(),
                    "next": ids[i + 1 : i + 2],
                }
            )
        return nodes

    def add_action(
        self, definition: ActionDefinition, after: str | None, name: str | None
    ) -> ActionInstance:
        action = ActionInstance(
            action_instance_id=str(uuid.uuid4()),
            action_id=definition.action_id,
            display_name=name or definition.name,
        )
        index = len(self.actions) if after is None else self.position(after) + 1
        self.actions.insert(index, action)
        return action


@dataclass
class Workflow:
    workflow_id: str
    name: str
    created_at: str
    updated_at: str
    last_run_at: str | None
    sheets: list[Sheet]
    # Floqer's docs (WorkflowOverview): e-mails the workflow is shared with, as strings.
    shared_users: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "name": self.name,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "last_run_at": self.last_run_at,
        }

    def overview(self) -> dict[str, Any]:
        main_first = sorted(self.sheets, key=lambda s: not s.is_main_sheet)
        return {
            **self.summary(),
            "is_owner": True,
            "shared_users": self.shared_users,
            "sheets": [s.summary() for s in main_first],
        }

    def sheet(self, sheet_id: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise not_found("Sheet")


@dataclass
class Workspace:
    workflows: list[Workflow]

    def workflow(self, workflow_id: str) -> Workflow:
        for wf in self.workflows:
            if wf.workflow_id == workflow_id:
                return wf
        raise not_found("Workflow")

    def sheet(self, workflow_id: str, sheet_id: str) -> Sheet:
        return self.workflow(workflow_id).sheet(sheet_id)
