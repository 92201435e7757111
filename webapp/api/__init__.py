"""The JSON API under /api/v1: token auth (webapp.api.auth), one error envelope
(webapp.api.errors), a pydantic response model per route, and the same services as the pages.

A group of endpoints is a module here with `router = api_router("tag")` (webapp.api.routing),
listed in MODULES: its routes are served, documented in the OpenAPI document and walked by
the route walk (tests/security/test_api_walk.py).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute

from webapp.api import (
    browsing,
    bulk,
    configurations,
    docs,
    editing,
    org,
    runs,
    tokens,
    transfer,
)
from webapp.api.errors import ApiError, error_json, is_api_path, validation_details

MODULES = (configurations, editing, runs, bulk, org, browsing, transfer, tokens)

NOT_FOUND = "There is no API route at this address: the routes are listed in /api/v1/openapi.json."
API_HTTP_MESSAGES = {
    400: "The request could not be read.",
    404: NOT_FOUND,
    405: "This API route does not accept that method: see /api/v1/openapi.json.",
}


@functools.cache
def api_routes() -> tuple[APIRoute, ...]:
    """Every route of the API's modules (the OpenAPI document's routes)."""
    return tuple(
        route for module in MODULES for route in module.router.routes if isinstance(route, APIRoute)
    )


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document: built once per process (the routes are made at import)."""
    return docs.build_openapi(api_routes())


def served_routes() -> list[BaseRoute]:
    """The routes the app serves for the API: its endpoints, the OpenAPI document, the docs."""
    return [*api_routes(), *docs.router.routes]


async def _answer(answer: Response | Awaitable[Response]) -> Response:
    return await answer if inspect.isawaitable(answer) else answer


def install(app: FastAPI) -> None:
    """The API's exception handlers, in front of the pages' (webapp.web.errors, installed
    first): under /api/v1 an error is the envelope, elsewhere the page it was."""

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_json(exc.status, exc.message, exc.details, exc.headers, exc.code)

    page_invalid = app.exception_handlers[RequestValidationError]
    page_http = app.exception_handlers[HTTPException]

    async def invalid(request: Request, exc: Exception) -> Response:
        if not is_api_path(request.url.path):
            return await _answer(page_invalid(request, exc))
        assert isinstance(exc, RequestValidationError)
        details = validation_details(exc.errors())
        return error_json(422, "The request is not valid: see `details`.", details)

    async def http_error(request: Request, exc: Exception) -> Response:
        if not is_api_path(request.url.path):
            return await _answer(page_http(request, exc))
        assert isinstance(exc, HTTPException)
        message = API_HTTP_MESSAGES.get(exc.status_code, "The request could not be completed.")
        return error_json(exc.status_code, message, headers=exc.headers)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
