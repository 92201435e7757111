"""The home page (saved configurations) and the health check."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.responses import JSONResponse, Response

from webapp.context import AppContext
from webapp.services.configurations import list_configurations
from webapp.services.floqer_state import needs_check, pushed_versions, state_of
from webapp.upsert_form import UpsertConfig
from webapp.web.auth import Viewer
from webapp.web.deps import CtxDep, SessionDep, render

router = APIRouter()


@router.get("/")
def home_page(request: Request, ctx: CtxDep, session: SessionDep, caller: Viewer) -> Response:
    configs = list_configurations(session)
    pushed = pushed_versions(session, [c.id for c in configs])
    configurations = [
        (config, UpsertConfig.from_inputs(config.inputs), state_of(config, pushed[config.id]))
        for config in configs
    ]
    stale = any(needs_check(c, ctx.settings.floqer_recheck_seconds) for c in configs)
    return render(request, "home.html", {"configurations": configurations, "check_floqer": stale})


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
