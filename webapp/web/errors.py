"""Every failure ends in a plain-language page or fragment: never a 500 page or a traceback."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from webapp.api.errors import error_json, is_api_path
from webapp.floqer.errors import FloqerBusy, FloqerError, FloqerNotFound, FloqerTimeout
from webapp.secrets_box import KeyBoxError
from webapp.services import NotFound
from webapp.web.auth import Forbidden, NeedsSetup, NotSignedIn
from webapp.web.deps import render
from webapp.web.security import HEADERS

log = logging.getLogger("webapp")

HTTP_MESSAGES = {
    400: "The request could not be read. Reload the page and try again.",
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
    413: "The form was too large to accept. Nothing was saved; go back to keep what you typed.",
}


def error_response(request: Request, status: int, title: str, message: str) -> Response:
    if is_api_path(request.url.path):  # the JSON API: its envelope, never a page
        return error_json(status, message)
    # Fragments have their own URLs (…/fragments/…): answer them with the error block alone.
    block = "error" if "/fragments/" in request.url.path else None
    context = {"title": title, "message": message, "status": status}
    return render(request, "error.html", context, block=block, status=status)


def floqer_status(exc: FloqerError) -> int:
    if isinstance(exc, FloqerNotFound):
        return 404
    if isinstance(exc, FloqerBusy):
        return 503
    return 504 if isinstance(exc, FloqerTimeout) else 502


def unexpected_failure_page(request: Request) -> Response:
    response = error_response(
        request,
        500,
        "Something went wrong",
        "The app hit an unexpected problem; nothing you saved was lost. Try again, and "
        "if it keeps happening tell whoever runs this app.",
    )
    response.headers["cache-control"] = "no-store"
    return response


def _signed_out(request: Request, exc: Exception) -> Response:
    if request.method == "GET" and "/fragments/" not in request.url.path:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    response = error_response(
        request,
        401,
        "Signed out",
        "Your session has ended. Sign in again; your saved work is kept.",
    )
    response.headers["HX-Redirect"] = "/login"
    return response


def _needs_setup(request: Request, exc: Exception) -> Response:
    if request.method == "GET":
        return RedirectResponse("/setup", status_code=303)
    return error_response(request, 409, "Not set up", "Create the first admin first.")


def _forbidden(request: Request, exc: Exception) -> Response:
    return error_response(request, 403, "Not allowed", str(exc))


def install(app: FastAPI) -> None:
    async def floqer_failed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, FloqerError)
        log.warning("Floqer call failed: %s (status %s)", type(exc).__name__, exc.status)
        title = "Not found in Floqer" if isinstance(exc, FloqerNotFound) else "Floqer said no"
        return error_response(request, floqer_status(exc), title, exc.user_message)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, "Not found", str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = HTTP_MESSAGES.get(exc.status_code, "The request could not be completed.")
        return error_response(request, exc.status_code, "Sorry", message)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        # A path that does not parse (an id that is not a number) names no page.
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return error_response(request, 404, "Not found", HTTP_MESSAGES[404])
        return error_response(request, 400, "Sorry", HTTP_MESSAGES[400])

    async def key_box(request: Request, exc: Exception) -> Response:
        return error_response(
            request,
            500,
            "A stored key cannot be read",
            "This connection's key was stored under another secret key. Restore the "
            "previous WEBAPP_SECRET_KEY or add the connection again.",
        )

    async def unexpected(request: Request, exc: Exception) -> Response:
        # Only failures outside CatchUnexpected get here (it answers the rest itself).
        log.error("unexpected failure on %s %s", request.method, request.url.path, exc_info=exc)
        response = unexpected_failure_page(request)
        # Starlette answers this one outside every middleware, SecurityHeaders included.
        response.headers.update(HEADERS)
        return response

    app.add_exception_handler(NotSignedIn, _signed_out)
    app.add_exception_handler(NeedsSetup, _needs_setup)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(FloqerError, floqer_failed)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(KeyBoxError, key_box)
    app.add_exception_handler(Exception, unexpected)
