"""The API's one error envelope: every error under /api/v1 is JSON, never an HTML page.

    {"error": {"code": "not_found", "message": "plain sentence", "details": [...]}}

`code` is stable and follows the HTTP status (ERROR_CODES); `message` is one sentence for a
person; `details` lists what was wrong with which part of the request (a validation error's
fields), and is empty otherwise. The web layer's handlers and middlewares answer through
webapp.web.errors.error_response, which hands requests under /api/v1 to `error_json` here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

API_PREFIX = "/api/v1"

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
    502: "floqer_error",
    503: "floqer_busy",
    504: "floqer_timeout",
}


class ErrorDetail(BaseModel):
    field: str = Field(
        "", description="The part of the request at fault, e.g. `path.configuration_id`."
    )
    message: str


class ErrorBody(BaseModel):
    code: str = Field(
        description="Stable, machine-readable: "
        + ", ".join([*ERROR_CODES.values(), "push_in_progress"])
    )
    message: str = Field(description="One plain sentence for a person.")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """Raised by an API route or dependency: answered with the envelope and this status."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Sequence[ErrorDetail] = (),
        headers: Mapping[str, str] | None = None,
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code  # "": the status's code (ERROR_CODES)
        self.status = status
        self.message = message
        self.details = list(details)
        self.headers = dict(headers or {})


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def error_code(status: int) -> str:
    if status in ERROR_CODES:
        return ERROR_CODES[status]
    return "internal_error" if status >= 500 else "bad_request"


def error_json(
    status: int,
    message: str,
    details: Sequence[ErrorDetail] = (),
    headers: Mapping[str, str] | None = None,
    code: str = "",
) -> JSONResponse:
    envelope = ErrorEnvelope(
        error=ErrorBody(code=code or error_code(status), message=message, details=list(details))
    )
    extra = dict(headers or {})
    if status == 401:
        extra.setdefault("www-authenticate", "Bearer")
    return JSONResponse(envelope.model_dump(), status_code=status, headers=extra)


def validation_details(errors: Sequence[Any]) -> list[ErrorDetail]:
    """FastAPI's validation errors as details: where, and what is wrong (never the value
    sent, which may be anything)."""
    details = []
    for error in list(errors)[:50]:
        location = ".".join(str(part) for part in error.get("loc", ()))
        details.append(ErrorDetail(field=location[:200], message=str(error.get("msg", ""))[:500]))
    return details


# Documented on every API route (the router's `responses`), so OpenAPI names the envelope.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": description}
    for status, description in (
        (401, "No token, or one that is malformed, unknown, revoked or expired."),
        (403, "The token's role cannot do this."),
        (404, "What the address names does not exist."),
        (422, "The request's parameters or body are not valid; `details` says which."),
        (500, "An unexpected problem; nothing saved was lost."),
    )
}
