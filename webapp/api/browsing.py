"""Finding a step in Floqer and starting its configuration: a connection's workflows, a
workflow's sheets and upsert steps, and "Configure this step" (webapp.web.browse's pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from webapp.api.auth import ApiEditor, ApiViewer
from webapp.api.configurations import configuration_out
from webapp.api.editing import author
from webapp.api.models import (
    AddedStepOut,
    AddStepIn,
    CreatedOut,
    CreateIn,
    SheetOut,
    UpsertStepOut,
    WorkflowDetail,
    WorkflowList,
    WorkflowOut,
)
from webapp.api.routing import api_router
from webapp.services.browse import sheets_with_steps
from webapp.services.configurations import (
    configurations_of_workflow,
    get_configuration,
)
from webapp.services.connections import get_connection
from webapp.services.steps import add_step, configure_found_step
from webapp.web.deps import CtxDep, SessionDep, floqer_for

router = api_router("browse")
FloqerId = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/connections/{connection_id}/workflows", response_model=WorkflowList)
def workflows(
    ctx: CtxDep, session: SessionDep, connection_id: int, caller: ApiViewer
) -> WorkflowList:
    """The connection's workflows in Floqer (read from Floqer now)."""
    connection = get_connection(session, connection_id)
    found = floqer_for(ctx, connection).list_workflows()
    return WorkflowList(
        workflows=[
            WorkflowOut(
                workflow_id=w.workflow_id,
                name=w.name,
                updated_at=w.updated_at,
                last_run_at=w.last_run_at,
            )
            for w in found
        ]
    )


@router.get("/connections/{connection_id}/workflows/{workflow_id}", response_model=WorkflowDetail)
def workflow(
    ctx: CtxDep, session: SessionDep, connection_id: int, workflow_id: FloqerId, caller: ApiViewer
) -> WorkflowDetail:
    """A workflow's sheets, main sheet first, with their upsert steps and the configuration
    each step has here."""
    connection = get_connection(session, connection_id)
    overview, sheets = sheets_with_steps(floqer_for(ctx, connection), workflow_id)
    saved = configurations_of_workflow(session, workflow_id)
    return WorkflowDetail(
        workflow_id=workflow_id,
        name=overview.name,
        sheets=[
            SheetOut(
                sheet_id=s.sheet.sheet_id,
                name=s.sheet.name,
                is_main_sheet=s.sheet.is_main_sheet,
                upsert_steps=[
                    UpsertStepOut(
                        step_id=n.action_instance_id,
                        name=n.display_name,
                        configuration_id=saved.get((s.sheet.sheet_id, n.action_instance_id)),
                    )
                    for n in s.upsert_steps
                ],
            )
            for s in sheets
        ],
    )


@router.post(
    "/connections/{connection_id}/workflows/{workflow_id}/sheets/{sheet_id}/steps",
    response_model=AddedStepOut,
)
def add_sheet_step(
    ctx: CtxDep,
    session: SessionDep,
    connection_id: int,
    workflow_id: FloqerId,
    sheet_id: FloqerId,
    caller: ApiEditor,
    posted: AddStepIn | None = None,
) -> AddedStepOut:
    """Add an unconfigured "Salesforce: Upsert Record" step to the sheet in Floqer, at the
    end or `after` a step, as the workflow page's *Add an upsert step* does; then create its
    configuration (POST /configurations). Not idempotent: each call adds a step."""
    connection = get_connection(session, connection_id)
    after = posted.after if posted is not None else None
    client = floqer_for(ctx, connection)
    where = (workflow_id, sheet_id)
    step_id = add_step(ctx.metadata, session, client, where, after, author(caller))
    return AddedStepOut(step_id=step_id)


@router.post("/configurations", response_model=CreatedOut)
def create(ctx: CtxDep, session: SessionDep, posted: CreateIn, caller: ApiEditor) -> CreatedOut:
    """The step's configuration: created from what Floqer's step holds (or from a template's
    head), or the one it already has (`how`: existing, nothing created)."""
    connection = get_connection(session, posted.connection_id)
    template = get_configuration(session, posted.template_id) if posted.template_id else None
    ids = (posted.workflow_id, posted.sheet_id, posted.step_id)
    client = floqer_for(ctx, connection)
    config, how = configure_found_step(
        ctx.metadata, session, connection, client, ids, author(caller), template
    )
    return CreatedOut.model_validate(
        {"how": how, "configuration": configuration_out(session, config, caller)}
    )
