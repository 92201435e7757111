"""Finding the step: a workflow's sheets, their upsert steps, and what a step may reference."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.floqer.client import FloqerClient
from webapp.floqer.models import ActionInstance, ActionNode, SheetSummary, WorkflowOverview
from webapp.services.configurations import StepPlace

UPSERT = "salesforce_upsert_record"


@dataclass(frozen=True)
class SheetSteps:
    sheet: SheetSummary
    upsert_steps: list[ActionNode]
    last_step_id: str | None  # "Add upsert step" puts the new one after it


def sheets_with_steps(
    client: FloqerClient, workflow_id: str
) -> tuple[WorkflowOverview, list[SheetSteps]]:
    overview = client.workflow(workflow_id)
    main_first = sorted(
        overview.sheets, key=lambda s: s.sheet_id != (overview.main_sheet or s).sheet_id
    )
    sheets = []
    for sheet in main_first:
        chain = [n for n in client.action_chain(workflow_id, sheet.sheet_id) if not n.is_input]
        steps = [n for n in chain if n.action_id == UPSERT]
        last = chain[-1].action_instance_id if chain else None
        sheets.append(SheetSteps(sheet, steps, last))
    return overview, sheets


def add_upsert_step(
    client: FloqerClient, workflow_id: str, sheet_id: str, after: str | None
) -> ActionInstance:
    return client.add_action(workflow_id, sheet_id, UPSERT, after=after)


def locate_step(
    client: FloqerClient, workflow_id: str, sheet_id: str, step_id: str
) -> tuple[StepPlace, ActionInstance]:
    """The step as Floqer holds it now, and the names of the workflow and sheet it is on."""
    overview = client.workflow(workflow_id)
    sheet = next((s for s in overview.sheets if s.sheet_id == sheet_id), None)
    step = client.get_action(workflow_id, sheet_id, step_id)
    place = StepPlace(workflow_id, overview.name, sheet_id, sheet.name if sheet else sheet_id)
    return place, step


@dataclass(frozen=True)
class ReferenceChoice:
    token: str
    label: str
    group: str


def reference_choices(
    client: FloqerClient, workflow_id: str, sheet_id: str, step_id: str
) -> list[ReferenceChoice]:
    """The sheet's input columns and the outputs of the steps that run before this one."""
    choices: list[ReferenceChoice] = []
    for node in client.action_chain(workflow_id, sheet_id):
        if node.action_instance_id == step_id:
            break
        group = "Input columns" if node.is_input else node.display_name or node.action_id
        for output in node.outputs:
            choices.append(ReferenceChoice(output.reference, output.label or output.name, group))
            choices += [
                ReferenceChoice(col.reference, f"{output.label or output.name} / {col.name}", group)
                for col in output.columns
            ]
    return choices


def grouped(choices: list[ReferenceChoice]) -> list[tuple[str, list[ReferenceChoice]]]:
    """Choices by group, in the order the sheet runs them."""
    groups: dict[str, list[ReferenceChoice]] = {}
    for choice in choices:
        groups.setdefault(choice.group, []).append(choice)
    return list(groups.items())
