"""The home page (saved configurations) and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.responses import JSONResponse, Response

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
def healthz(session: SessionDep) -> JSONResponse:
    # Never calls Floqer: a Floqer outage must not make the container look unhealthy.
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})
