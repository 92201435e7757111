"""The home page (saved configurations) and the health check."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.responses import JSONResponse, Response

from webapp.context import AppContext
from webapp.services.configurations import list_configurations
from webapp.upsert_form import UpsertConfig
from webapp.web.auth import Viewer
from webapp.web.deps import SessionDep, render

router = APIRouter()


@router.get("/")
def home_page(request: Request, session: SessionDep, caller: Viewer) -> Response:
    configurations = [
        (config, UpsertConfig.from_inputs(config.inputs)) for config in list_configurations(session)
    ]
    return render(request, "home.html", {"configurations": configurations})


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
