"""Dependencies handed to routes, and the one way pages and fragments are rendered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from webapp.context import AppContext
from webapp.db import Connection
from webapp.floqer.client import FloqerClient
from webapp.loop_reads import must_not_wait
from webapp.web.csrf_mask import mask

MAX_FORM_FIELDS = 1200  # 500 field rows of two inputs, plus the rest of the form


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the
# thread pool, and each hop there and back costs a request more than its work (a warm
# fragment made six such hops; the route and the caller's lookup are the ones left).


def app_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


async def get_ctx(request: Request) -> AppContext:
    return app_context(request)


CtxDep = Annotated[AppContext, Depends(get_ctx)]


async def get_session(ctx: CtxDep) -> AsyncIterator[Session]:
    """A database session for the request: made here (no connection is taken until the
    first query), closed here too unless closing needs I/O (then in the thread pool)."""
    session = ctx.sessions()
    try:
        yield session
    finally:
        if closes_locally(session):
            session.close()
        else:
            # A limiter of its own, as FastAPI's own exit: a close never waits for a thread
            # held by a request that waits for a database connection this close gives back.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))


def closes_locally(session: Session) -> bool:
    """Whether closing `session` does no I/O: it holds no connection, or a SQLite one
    outside any transaction (reads run outside transactions there: webapp.db), which goes
    back to the pool as it is. A server's connection always ends its transaction by a
    round trip, and an unfinished SQLite write rolls back on disk: those close in a thread."""
    if not session.in_transaction():
        return True
    if session.get_bind().dialect.name != "sqlite":
        return False
    driver = session.connection().connection.dbapi_connection
    return getattr(driver, "in_transaction", True) is False


SessionDep = Annotated[Session, Depends(get_session)]


async def get_form(request: Request) -> dict[str, list[str]]:
    """The posted form as {name: [values]}, files ignored."""
    async with request.form(max_fields=MAX_FORM_FIELDS, max_files=0) as form:
        fields: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(key, []).append(value)
        return fields


FormDep = Annotated[dict[str, list[str]], Depends(get_form)]


def floqer_for(ctx: AppContext, connection: Connection) -> FloqerClient:
    """The connection's Floqer client; no transaction of its session stays open across a call."""
    return ctx.floqer_for(connection)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status: int = 200,
) -> Response:
    """A page, or one `{% block %}` of it as an htmx fragment: the two cannot drift apart.
    Never on the event loop (webapp.loop_reads): a render is the thread pool's work."""
    must_not_wait()
    ctx = app_context(request)
    caller = getattr(request.state, "caller", None)
    values = {
        "sandbox_mode": ctx.sandbox_mode,
        "caller": caller,
        # Masked afresh in every answer (webapp.web.csrf_mask: pages are sent compressed).
        "csrf_token": mask(caller.csrf_token) if caller else "",
        "can_edit": caller is not None and caller.user.role in ("editor", "admin"),
        "is_admin": caller is not None and caller.user.role == "admin",
        **(context or {}),
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, values, status_code=status, block_name=block
    )
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def form_value(form: dict[str, list[str]], key: str) -> str:
    values = form.get(key) or [""]
    return values[0]
