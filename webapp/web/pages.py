"""The home page (saved configurations) and the health check."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.responses import JSONResponse, Response

from webapp.context import AppContext
from webapp.services import dashboard
from webapp.services.floqer_state import needs_check
from webapp.web.auth import Viewer
from webapp.web.deps import CtxDep, SessionDep, render

router = APIRouter()


@router.get("/")
def home_page(request: Request, ctx: CtxDep, session: SessionDep, caller: Viewer) -> Response:
    every = dashboard.every_row(session)
    filters = dashboard.Filters.from_query(request.query_params)
    offered = dashboard.choices(every)
    shown = dashboard.apply(every, filters)
    stale = any(needs_check(c, ctx.settings.floqer_recheck_seconds) for c, _, _ in shown)
    context = {
        "configurations": shown[: dashboard.MAX_LISTED],
        "matching": len(shown),
        "total": len(every),
        "filters": filters,
        "offered": offered,
        "described": dashboard.described(filters, offered),
        "check_floqer": stale,
    }
    return render(request, "home.html", context)


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """Never calls Floqer, and never queues behind the requests that wait on it: the
    database check runs on a thread of its own, not on the pool the other routes share."""
    ctx: AppContext = request.app.state.ctx
    await anyio.to_thread.run_sync(_ping, ctx.health.engine, limiter=ctx.health.limiter)
    return JSONResponse({"status": "ok"})


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
