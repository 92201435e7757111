"""Floqer's error envelope, as the sandbox answers it (contract section 1)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse


class FloqerApiError(Exception):
    """An answer other than success: status, Floqer's message and, for 400, every problem."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.code = code
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": self.status,
            "error": reason_phrase(self.status),
            "message": self.message,
        }
        if self.code:
            body["code"] = self.code
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def bad_request(message: str, errors: list[dict[str, str]]) -> FloqerApiError:
    return FloqerApiError(400, message, errors=errors)


def not_found(what: str) -> FloqerApiError:
    return FloqerApiError(404, f"{what} not found")


def problem(field: str, code: str, message: str) -> dict[str, str]:
    """One entry of a 400's `errors`: Floqer's {field, code, message} triple."""
    return {"field": field, "code": code, "message": message}


def success(data: Any, message: str | None = None, status: int = 200) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "data": data}
    if message:
        body["message"] = message
    return JSONResponse(body, status_code=status)
