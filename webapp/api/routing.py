"""How an API module makes its router: under /api/v1, every error documented as the envelope.

A new group of endpoints is a module with `router = api_router("tag")`, listed in
webapp.api.MODULES; each route declares ApiViewer, ApiEditor or ApiAdmin and a pydantic
response model.
"""

from __future__ import annotations

from fastapi import APIRouter

from webapp.api.errors import API_PREFIX, ERROR_RESPONSES


def api_router(tag: str) -> APIRouter:
    return APIRouter(prefix=API_PREFIX, tags=[tag], responses=ERROR_RESPONSES)
