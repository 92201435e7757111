"""Finding the step: a connection's workflows, a workflow's sheets and upsert steps."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.services import audit
from webapp.services.browse import add_upsert_step, locate_step, sheets_with_steps
from webapp.services.configurations import configurations_for_steps, create_for_step
from webapp.services.connections import get_connection
from webapp.web.auth import Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, redirect, render

router = APIRouter()
WORKFLOW = "/connections/{connection_id}/workflows/{workflow_id}"


@router.get("/connections/{connection_id}/workflows")
def workflows_page(
    request: Request, ctx: CtxDep, session: SessionDep, connection_id: int, caller: Viewer
) -> Response:
    connection = get_connection(session, connection_id)
    workflows = floqer_for(ctx, connection).list_workflows()
    return render(request, "workflows.html", {"connection": connection, "workflows": workflows})


@router.get(WORKFLOW)
def workflow_page(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    connection_id: int,
    workflow_id: str,
    caller: Viewer,
) -> Response:
    connection = get_connection(session, connection_id)
    overview, sheets = sheets_with_steps(floqer_for(ctx, connection), workflow_id)
    saved = configurations_for_steps(session, connection_id)
    context = {"connection": connection, "workflow": overview, "sheets": sheets, "saved": saved}
    return render(request, "workflow.html", context)


@router.post(WORKFLOW + "/sheets/{sheet_id}/steps")
def add_upsert_step_action(
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    connection_id: int,
    workflow_id: str,
    sheet_id: str,
    caller: Editor,
) -> Response:
    client = floqer_for(ctx, get_connection(session, connection_id))
    step = add_upsert_step(client, workflow_id, sheet_id, form_value(form, "after") or None)
    audit.record(
        session,
        caller.user.email,
        "upsert step added",
        f"{workflow_id}/{sheet_id}",
        detail=step.action_instance_id,
    )
    session.commit()
    url = WORKFLOW.format(connection_id=connection_id, workflow_id=workflow_id)
    return redirect(f"{url}#step-{step.action_instance_id}")


@router.post(WORKFLOW + "/sheets/{sheet_id}/steps/{step_id}/configure")
def start_configuration_action(
    ctx: CtxDep,
    session: SessionDep,
    connection_id: int,
    workflow_id: str,
    sheet_id: str,
    step_id: str,
    caller: Editor,
) -> Response:
    connection = get_connection(session, connection_id)
    place, step = locate_step(floqer_for(ctx, connection), workflow_id, sheet_id, step_id)
    config = create_for_step(session, connection, place, step)
    audit.record(session, caller.user.email, "configuration created", config.name)
    session.commit()
    return redirect(f"/configurations/{config.id}")
