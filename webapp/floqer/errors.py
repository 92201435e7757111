"""What can go wrong talking to Floqer: exceptions carrying a message a RevOps person can act on.

`user_message` is written for the person at the screen: no jargon, never the API key,
never a traceback. Floqer's own words, when it sent any, are kept apart in
`floqer_message`, scrubbed of anything that looks like a key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from webapp.floqer.models import ErrorBody, FieldProblem

_KEY_PATTERN = re.compile(r"floq_[A-Za-z0-9_-]+")
_NOT_CONNECTED = re.compile(
    r"salesforce\b.{0,60}\bnot\s+(been\s+)?connected|no\s+salesforce\s+connection",
    re.IGNORECASE | re.DOTALL,
)
_MAX_FLOQER_MESSAGE = 500
NOT_CONNECTED_CODE = "SALESFORCE_NOT_CONNECTED"
INVALID_SESSION_CODE = "INVALID_SESSION_ID"


def scrub(text: str) -> str:
    """`text` with every floq_ key shortened to "floq_…", cut to a length a page can show."""
    cleaned = _KEY_PATTERN.sub("floq_…", text)
    if len(cleaned) > _MAX_FLOQER_MESSAGE:
        cleaned = cleaned[: _MAX_FLOQER_MESSAGE - 1] + "…"
    return cleaned


class FloqerError(Exception):
    """Base of every failure of a Floqer call."""

    default_message = "Floqer could not carry out this request. Try again in a moment."

    def __init__(
        self,
        user_message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        floqer_message: str | None = None,
    ) -> None:
        self.user_message = user_message or self.default_message
        self.status = status
        self.code = code
        self.floqer_message = scrub(floqer_message) if floqer_message else None
        super().__init__(self.user_message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r})"

    @property
    def outcome_unknown(self) -> bool:
        """True when the request may have reached Floqer and been carried out all the same
        (no answer in time, an unreadable answer): a push must be settled by a pull."""
        return False


class FloqerBadRequest(FloqerError):
    default_message = (
        "Floqer did not accept these settings. Check the fields marked below and try again."
    )

    def __init__(
        self,
        user_message: str | None = None,
        *,
        problems: list[FieldProblem] | None = None,
        status: int | None = 400,
        code: str | None = None,
        floqer_message: str | None = None,
    ) -> None:
        super().__init__(user_message, status=status, code=code, floqer_message=floqer_message)
        self.problems = [
            problem.model_copy(update={"message": scrub(problem.message)})
            for problem in problems or []
        ]


class FloqerUnauthorized(FloqerError):
    default_message = (
        "Floqer did not accept this API key. Check that it was copied whole (it starts with "
        "floq_) and has not been revoked in Floqer, then enter it again."
    )


class FloqerForbidden(FloqerError):
    default_message = (
        "The Floqer user behind this API key is not allowed to open or change this. Ask the "
        "workflow's owner in Floqer to share it with that user, or use the owner's API key."
    )


class FloqerNotFound(FloqerError):
    default_message = (
        "This workflow, sheet or step no longer exists in Floqer; it may have been deleted. "
        "Reload the list and pick it again."
    )

    def __init__(self, user_message: str | None = None, *, what: str = "", **kwargs: Any) -> None:
        super().__init__(user_message, **kwargs)
        self.what = what  # e.g. "step upsert_1 on sheet s of workflow w", for a better message


class FloqerSalesforceNotConnected(FloqerError):
    default_message = (
        "Salesforce is not connected for the Floqer user behind this API key. That user "
        "must connect Salesforce in Floqer's own app: Connections → Salesforce. Then try again."
    )


class FloqerConnectionOwnedElsewhere(FloqerError):
    default_message = (
        "The Salesforce connection in Floqer belongs to another team member. Use an API key "
        "of the team member who owns the Salesforce connection."
    )


class FloqerRateLimited(FloqerError):
    def __init__(
        self,
        retry_after: int,
        *,
        status: int | None = 429,
        code: str | None = None,
        floqer_message: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        message = (
            "Floqer has had too many requests from this API key for now. "
            f"Wait {wait_phrase(retry_after)}, then try again."
        )
        super().__init__(message, status=status, code=code, floqer_message=floqer_message)


class FloqerSalesforceSession(FloqerError):
    default_message = (
        "Salesforce ended Floqer's session, and it stayed expired even after Floqer "
        "refreshed it. Reconnect Salesforce in Floqer's own app (Connections → Salesforce), "
        "then try again."
    )


class FloqerServerError(FloqerError):
    def __init__(
        self,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        code: str | None = None,
        floqer_message: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        when = f"in {wait_phrase(retry_after)}" if retry_after else "in a few minutes"
        message = f"Floqer had a problem on its side (error {status}). Try again {when}."
        super().__init__(message, status=status, code=code, floqer_message=floqer_message)


class FloqerTimeout(FloqerError):
    default_message = (
        "Floqer took too long to answer. Try again in a moment; if it keeps happening, "
        "Floqer may be having a slow day."
    )

    def __init__(self, user_message: str | None = None, *, sent: bool = True) -> None:
        super().__init__(user_message)
        self.sent = sent  # False when no connection was ever made: Floqer saw nothing

    @property
    def outcome_unknown(self) -> bool:
        return self.sent


class FloqerBusy(FloqerError):
    default_message = (
        "Floqer is answering slowly, and this app already has as many requests waiting for it "
        "as it allows. Nothing was sent; try again in a minute."
    )


class FloqerUnreachable(FloqerError):
    default_message = (
        "This app could not reach Floqer. Check the network and the Floqer address in the "
        "settings, then try again."
    )


class FloqerUnexpectedAnswer(FloqerError):
    default_message = (
        "Floqer answered in a way this app does not understand. Try again; if it keeps "
        "happening, check the Floqer address in the settings (it ends in /api/v1)."
    )

    def __init__(self, user_message: str | None = None, *, accepted: bool = False, **kwargs: Any):
        super().__init__(user_message, **kwargs)
        self.accepted = accepted  # a success status with a body that could not be read

    @property
    def outcome_unknown(self) -> bool:
        return self.accepted


class FloqerConnectionLost(FloqerError):
    """The request went out and the connection broke before a whole answer came back."""

    default_message = (
        "The connection to Floqer broke before it finished answering. Try again in a moment."
    )

    @property
    def outcome_unknown(self) -> bool:
        return True


REDIRECT_MESSAGE = (
    "Floqer answered with a redirect, which this app never follows. Check the Floqer address "
    "in the settings: it should be the API address, ending in /api/v1."
)


def wait_phrase(seconds: int) -> str:
    if seconds <= 90:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    if seconds <= 90 * 60:
        return f"about {math.ceil(seconds / 60)} minutes"
    return f"about {math.ceil(seconds / 3600)} hours"


def error_for_answer(
    status: int,
    body: Any,
    headers: Mapping[str, str],
    *,
    what: str = "",
    places_problems: bool = False,
) -> FloqerError:
    """The error a non-2xx answer stands for; `body` is the parsed JSON, or None if not JSON.

    `headers` must look names up case-insensitively (httpx.Headers does). `what` names the
    resource the path points at ("" for calls without ids, where a 404 means a wrong
    address). `places_problems` is True where the page shows a 400's field problems next to
    its controls (Configure), so only there may the message point at "the fields below".
    """
    info = ErrorBody.model_validate(body) if isinstance(body, dict) else None
    message = (info.message if info else "") or None
    code = (info.code if info else "") or None
    common: dict[str, Any] = {"status": status, "code": code, "floqer_message": message}
    if 300 <= status < 400:
        return FloqerUnexpectedAnswer(REDIRECT_MESSAGE, status=status)
    if status == 429:
        body_wait = info.retry_after if info else None
        wait = _retry_after(headers) or body_wait or 60
        return FloqerRateLimited(max(1, wait), **common)
    # Where Floqer puts the name is not documented (contract 3): look in both.
    if INVALID_SESSION_CODE in f"{code or ''} {message or ''}".upper():
        return FloqerSalesforceSession(**common)
    if status >= 500:
        return FloqerServerError(retry_after=_retry_after(headers), **common)
    if info is None:
        return FloqerUnexpectedAnswer(status=status)
    if _not_connected(status, code, message):
        return FloqerSalesforceNotConnected(**common)
    if status == 400:
        return _bad_request(info.errors, places_problems, common)
    if status == 404:
        if not what:
            return FloqerUnexpectedAnswer(**common)
        return FloqerNotFound(_missing_message(what), what=what, **common)
    by_status: dict[int, type[FloqerError]] = {
        401: FloqerUnauthorized,
        403: FloqerForbidden,
        424: FloqerConnectionOwnedElsewhere,
    }
    return by_status.get(status, FloqerError)(**common)


def _bad_request(
    problems: list[FieldProblem], places_problems: bool, common: dict[str, Any]
) -> FloqerBadRequest:
    if places_problems and problems:
        return FloqerBadRequest(problems=problems, **common)
    said = common["floqer_message"] or "; ".join(p.message for p in problems if p.message)
    text = "Floqer did not accept this request"
    message = f"{text}: {scrub(said)}" if said else f"{text}. Try again in a moment."
    return FloqerBadRequest(message, problems=problems, **common)


def _missing_message(what: str) -> str:
    return (
        f"Floqer has no {what}: it may have been deleted, or the Floqer user behind this "
        "API key cannot see it."
    )


def _not_connected(status: int, code: str | None, message: str | None) -> bool:
    if code == NOT_CONNECTED_CODE:
        return True
    # A 424 names a connection that exists under someone else: that is not "not connected".
    return status != 424 and bool(message and _NOT_CONNECTED.search(message))


def _retry_after(headers: Mapping[str, str]) -> int | None:
    """Retry-After in whole seconds: either a number or an HTTP date (RFC 9110 10.2.3)."""
    raw = headers.get("retry-after", "").strip()
    if not raw:
        return None
    try:
        return max(1, math.ceil(float(raw)))
    except (ValueError, OverflowError):
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(1, math.ceil((when - datetime.now(UTC)).total_seconds()))
