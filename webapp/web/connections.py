"""Floqer connections: list, add (checked with who-am-I), delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.floqer.errors import FloqerError
from webapp.services import audit
from webapp.services.connections import (
    ConnectionProblem,
    add_connection,
    check_new_connection,
    delete_connection,
    get_connection,
    list_connections,
)
from webapp.web.auth import Admin, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, form_value, redirect, render

router = APIRouter()


def _page(request: Request, ctx: CtxDep, session: SessionDep, **extra: object) -> Response:
    status = int(str(extra.pop("status", 200)))
    connections = list_connections(session, sandbox_mode=ctx.sandbox_mode)
    context = {"connections": connections, "label": "", "problem": None, **extra}
    return render(request, "connections.html", context, status=status)


@router.get("/connections")
def connections_page(
    request: Request, ctx: CtxDep, session: SessionDep, caller: Viewer
) -> Response:
    return _page(request, ctx, session)


@router.post("/connections")
def add_connection_action(
    request: Request, ctx: CtxDep, session: SessionDep, form: FormDep, caller: Admin
) -> Response:
    raw_label = form_value(form, "label")
    try:
        label, api_key = check_new_connection(raw_label, form_value(form, "api_key"))
        connection = add_connection(
            session, ctx.key_box, ctx.floqer(api_key, session=session), label, api_key
        )
    except (ConnectionProblem, FloqerError) as exc:
        message = exc.user_message if isinstance(exc, FloqerError) else str(exc)
        # The label comes back; the key never does (it must not reach a page).
        return _page(request, ctx, session, label=raw_label, problem=message, status=422)
    audit.record(
        session,
        caller.user.email,
        "connection created",
        connection.label,
        detail=connection.key_hint,
    )
    session.commit()
    return redirect(f"/connections/{connection.id}/workflows")


@router.post("/connections/{connection_id}/delete")
def delete_connection_action(
    request: Request, ctx: CtxDep, session: SessionDep, connection_id: int, caller: Admin
) -> Response:
    connection = get_connection(session, connection_id)
    try:
        delete_connection(session, connection)
    except ConnectionProblem as exc:
        return _page(request, ctx, session, delete_problem=str(exc), status=409)
    audit.record(session, caller.user.email, "connection deleted", connection.label)
    session.commit()
    return redirect("/connections")
