"""Finding the step: a workflow's sheets, their upsert steps, and what a step may reference."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerNotFound
from webapp.floqer.models import ActionNode, OutputRef, SheetSummary, WorkflowOverview
from webapp.services.configurations import StepPlace

UPSERT = "salesforce_upsert_record"


@dataclass(frozen=True)
class SheetSteps:
    sheet: SheetSummary
    columns: list[OutputRef]  # the sheet's input columns (the input node's outputs)
    chain: list[ActionNode]  # every step, in the order it runs (the input node left out)
    last_step_id: str | None  # "Add upsert step" puts the new one after it

    @property
    def upsert_steps(self) -> list[ActionNode]:
        return [n for n in self.chain if n.action_id == UPSERT]


def sheets_with_steps(
    client: FloqerClient, workflow_id: str
) -> tuple[WorkflowOverview, list[SheetSteps]]:
    """The workflow's sheets, main first, each with its columns and whole chain: one call
    for the overview and one per sheet (the chain carries every step's configuration)."""
    overview = client.workflow(workflow_id)
    main = overview.main_sheet_id(workflow_id)
    main_first = sorted(overview.sheets, key=lambda s: s.sheet_id != main)
    sheets = []
    for sheet in main_first:
        nodes = client.action_chain(workflow_id, sheet.sheet_id)
        columns = [output for node in nodes if node.is_input for output in node.outputs]
        chain = [n for n in nodes if not n.is_input]
        last = chain[-1].action_instance_id if chain else None
        sheets.append(SheetSteps(sheet, columns, chain, last))
    return overview, sheets


def add_upsert_step(
    client: FloqerClient, workflow_id: str, sheet_id: str, after: str | None
) -> str | None:
    return client.add_action(workflow_id, sheet_id, UPSERT, after=after)


def find_step(chain: list[ActionNode], step_id: str, what: str) -> ActionNode:
    node = next((n for n in chain if n.action_instance_id == step_id), None)
    if node is None or node.action_id not in (UPSERT, ""):
        raise FloqerNotFound(f"Floqer has no {what} any more: it may have been deleted.", what=what)
    return node


def step_node(client: FloqerClient, workflow_id: str, sheet_id: str, step_id: str) -> ActionNode:
    """The upsert step's node in its sheet's chain, as Floqer holds it now."""
    what = f"upsert step {step_id} on sheet {sheet_id} of workflow {workflow_id}"
    return find_step(client.action_chain(workflow_id, sheet_id), step_id, what)


def locate_step(
    client: FloqerClient, workflow_id: str, sheet_id: str, step_id: str
) -> tuple[StepPlace, ActionNode]:
    """The step as Floqer holds it now, and the names of the workflow and sheet it is on."""
    overview = client.workflow(workflow_id)
    sheet = next((s for s in overview.sheets if s.sheet_id == sheet_id), None)
    if sheet is None:
        what = f"sheet {sheet_id} in workflow “{overview.name or workflow_id}”"
        raise FloqerNotFound(f"Floqer has no {what} any more: it may have been deleted.", what=what)
    node = step_node(client, workflow_id, sheet_id, step_id)
    place = StepPlace(
        workflow_id,
        overview.name or workflow_id,
        sheet_id,
        sheet.name or sheet_id,
        step_id,
        node.display_name or "Salesforce: Upsert Record",
    )
    return place, node


@dataclass(frozen=True)
class ReferenceChoice:
    token: str
    label: str
    group: str


def reference_choices(chain: list[ActionNode], step_id: str) -> list[ReferenceChoice]:
    """The sheet's input columns and the outputs of the steps that run before this one."""
    choices: list[ReferenceChoice] = []
    for node in chain:
        if node.action_instance_id == step_id:
            break
        group = "Input columns" if node.is_input else node.display_name or node.action_id
        for output in node.outputs:
            label = output.label or output.name
            choices.append(ReferenceChoice(output.reference, label, group))
            choices += [
                ReferenceChoice(column.reference, f"{label} / {column.name}", group)
                for column in output.columns
            ]
    return choices
