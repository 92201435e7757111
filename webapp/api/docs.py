"""The API's OpenAPI document (its routes only, never the pages) and Swagger UI to read it.

The document is public, as a description of the API: tools read it without a token. The
docs page is a page of the app, for signed-in users; Swagger UI is vendored
(static/vendor/swagger-ui-*, npm swagger-ui-dist, pinned) and started by static/api-docs.js,
so the page has no inline script. webapp.web.security relaxes the CSP on that page only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse, Response

from webapp.api.errors import API_PREFIX
from webapp.web.auth import Viewer
from webapp.web.deps import render

OPENAPI_URL = f"{API_PREFIX}/openapi.json"
DOCS_URL = "/api/docs"
SWAGGER_UI_VERSION = "5.35.0"
DESCRIPTION = (
    "The JSON API of the Floqer Upsert Configurator. Authenticate with a personal API token "
    "from your Account page: `Authorization: Bearer wat_…`. Every error answers with one "
    'envelope: `{"error": {"code": "not_found", "message": "…", "details": []}}`.'
)

router = APIRouter()


def build_openapi(routes: Sequence[APIRoute]) -> dict[str, Any]:
    return get_openapi(
        title="Floqer Upsert Configurator API",
        version="1",
        description=DESCRIPTION,
        routes=list(routes),
    )


@router.get(OPENAPI_URL, include_in_schema=False)
async def openapi_json(request: Request) -> JSONResponse:
    from webapp.api import openapi_document  # the package lists its modules: imported late

    return JSONResponse(openapi_document())


@router.get(DOCS_URL, include_in_schema=False)
async def docs_page(request: Request, caller: Viewer) -> Response:
    return render(
        request,
        "api_docs.html",
        {"openapi_url": OPENAPI_URL, "swagger_version": SWAGGER_UI_VERSION},
    )
