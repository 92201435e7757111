"""Floqer connections: list with their health, add (checked with who-am-I), check, delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.db import Connection
from webapp.floqer.errors import FloqerError
from webapp.services import audit
from webapp.services.connection_health import Health, check, health_of, stale_first
from webapp.services.connections import (
    ConnectionProblem,
    add_connection,
    check_new_connection,
    delete_connection,
    get_connection,
    list_connections,
)
from webapp.web.auth import Admin, Editor, Viewer
from webapp.web.deps import CtxDep, FormDep, SessionDep, floqer_for, form_value, redirect, render

router = APIRouter()
CONNECTION = "/connections/{connection_id}"

# The page checks at most this many connections in the background per view, the least
# recently checked first: a long list never spends a burst of calls (as the home page).
PAGE_CHECKS = 5


def _page(request: Request, ctx: CtxDep, session: SessionDep, **extra: object) -> Response:
    status = int(str(extra.pop("status", 200)))
    connections = list_connections(session, sandbox_mode=ctx.sandbox_mode)
    checking = {c.id for c in stale_first(connections, PAGE_CHECKS)}
    context = {
        "entries": [(c, health_of(c), c.id in checking) for c in connections],
        "check_health": bool(checking),
        "notice": _notice(request.query_params.get("notice") or "", connections),
        "label": "",
        "problem": None,
        **extra,
    }
    return render(request, "connections.html", context, status=status)


def _notice(code: str, connections: list[Connection]) -> str | None:
    """The sentence a redirect's ?notice= stands for (codes only: no text from the URL)."""
    if code == "deleted":
        return "Connection deleted. Its key is gone from this app; it stays valid in Floqer."
    checked = code.removeprefix("checked-")
    found = [c for c in connections if checked.isdigit() and c.id == int(checked)]
    return f"Checked “{found[0].label}”: {health_of(found[0]).title}." if found else None


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
    return redirect(f"/connections/{connection.id}/workflows?notice=connection-added")


@router.get("/connections/health-checks")
def health_checks(request: Request, ctx: CtxDep, session: SessionDep, caller: Viewer) -> Response:
    """The background checks the page asked for: each connection's health, out of band."""
    due = stale_first(list_connections(session, sandbox_mode=ctx.sandbox_mode), PAGE_CHECKS)
    checked = [(c, _check(ctx, session, c, fresh=False)) for c in due]
    return render(request, "connections.html", {"checked": checked}, block="health_updates")


@router.post(CONNECTION + "/health")
def check_now_fragment(
    request: Request, ctx: CtxDep, session: SessionDep, connection_id: int, caller: Editor
) -> Response:
    """Check now, from the page's button (htmx): the connection's health, checked again."""
    connection = get_connection(session, connection_id)
    health = _check(ctx, session, connection, fresh=True)
    return render(request, "connections.html", {"health": health}, block="health_now")


@router.post(CONNECTION + "/check")
def check_now_action(
    ctx: CtxDep, session: SessionDep, connection_id: int, caller: Editor
) -> Response:
    """Check now without scripts: check, then back to the page, which says the result."""
    connection = get_connection(session, connection_id)
    _check(ctx, session, connection, fresh=True)
    return redirect(f"/connections?notice=checked-{connection.id}#connection-{connection.id}")


def _check(ctx: CtxDep, session: SessionDep, connection: Connection, *, fresh: bool) -> Health:
    return check(session, connection, floqer_for(ctx, connection), ctx.metadata, fresh=fresh)


@router.post(CONNECTION + "/delete")
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
    # What was kept for it goes too: a later connection may be given its id (SQLite reuses
    # the highest one), and must not be answered from another key's org or steps.
    ctx.metadata.forget(lambda key: len(key) > 1 and key[1] == connection_id)
    return redirect("/connections?notice=deleted")
