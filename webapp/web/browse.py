"""Finding the step: a connection's workflows, a workflow's sheets and upsert steps.

With `?template=ID` the same pages pick the step a configuration is copied to ("Use as
template for another step"): each step's button then starts its configuration from it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from webapp.db import Connection, SavedConfiguration
from webapp.services.browse import sheets_with_steps
from webapp.services.configurations import get_configuration
from webapp.services.connections import get_connection
from webapp.services.floqer_state import observe_chain
from webapp.services.steps import add_step, configure_found_step
from webapp.web.auth import Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, redirect, render

router = APIRouter()
WORKFLOW = "/connections/{connection_id}/workflows/{workflow_id}"


def _template(session: Session, raw: str | None) -> SavedConfiguration | None:
    """The configuration a template pick copies, from ?template= or the form's template_id."""
    if not raw:
        return None
    return get_configuration(session, int(raw) if raw.isdigit() and len(raw) < 20 else 0)


def _picking(template: SavedConfiguration | None) -> dict[str, Any]:
    return {"template": template, "template_query": f"?template={template.id}" if template else ""}


@router.get("/connections/{connection_id}/workflows")
def workflows_page(
    request: Request, ctx: CtxDep, session: SessionDep, connection_id: int, caller: Viewer
) -> Response:
    connection = get_connection(session, connection_id)
    template = _template(session, request.query_params.get("template"))
    workflows = floqer_for(ctx, connection).list_workflows()
    added = request.query_params.get("notice") == "connection-added"
    context = {
        "connection": connection,
        "workflows": workflows,
        "notice": connection_added(connection) if added else None,
        **_picking(template),
    }
    return render(request, "workflows.html", context)


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
    template = _template(session, request.query_params.get("template"))
    overview, sheets = sheets_with_steps(floqer_for(ctx, connection), workflow_id)
    # What Floqer holds for each step configured here, as its chain just said (remembered).
    here = {
        (entry.sheet.sheet_id, step_id): seen
        for entry in sheets
        for step_id, seen in observe_chain(
            session, workflow_id, entry.sheet.sheet_id, entry.chain
        ).items()
    }
    session.commit()
    context = {
        "connection": connection,
        "workflow": overview,
        "workflow_id": workflow_id,
        "sheets": sheets,
        "here": here,
        "notice": "added" if request.query_params.get("notice") == "added" else None,
        **_picking(template),
    }
    return render(request, "workflow.html", context)


def connection_added(connection: Connection) -> str:
    """What adding a connection did, said on the page it leads to."""
    who = connection.floqer_user_name or connection.floqer_user_email
    whose = f" Its key belongs to the Floqer user {who}." if who else ""
    return f"Connection “{connection.label}” added.{whose} Pick a workflow to find its step."


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
    after = form_value(form, "after") or None
    actor = caller.user.email
    step_id = add_step(ctx.metadata, session, client, (workflow_id, sheet_id), after, actor)
    url = WORKFLOW.format(connection_id=connection_id, workflow_id=workflow_id)
    return redirect(f"{url}?notice=added" + (f"#step-{step_id}" if step_id else ""))


@router.post(WORKFLOW + "/sheets/{sheet_id}/steps/{step_id}/configure")
def start_configuration_action(
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    connection_id: int,
    workflow_id: str,
    sheet_id: str,
    step_id: str,
    caller: Editor,
) -> Response:
    connection = get_connection(session, connection_id)
    template = _template(session, form_value(form, "template_id"))
    ids = (workflow_id, sheet_id, step_id)
    client = floqer_for(ctx, connection)
    config, how = configure_found_step(
        ctx.metadata, session, connection, client, ids, caller.user.email, template
    )
    return redirect(f"/configurations/{config.id}?notice={how}")
