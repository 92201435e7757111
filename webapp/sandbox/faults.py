"""Failures on demand: the API key a caller uses picks which Floqer failure it meets.

Any key that starts with `floq_` is accepted; these ones misbehave. "Salesforce calls" are
the ones Floqer makes against the connected org: field options, configuring a Salesforce
step (it is checked against the org's metadata) and running the step on a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from webapp.sandbox.errors import FloqerApiError


class Scope(Enum):
    SALESFORCE = "salesforce"  # options, configure of a Salesforce step, runs
    EVERYTHING = "everything"  # every call but who-am-I
    ALL = "all"  # every call, who-am-I included
    RUNS = "runs"  # every call answers; a run of the sheet's chain takes time


# How long a run takes under floq_sandbox_slowrun: queued, then running, then done.
SLOW_RUN_QUEUED_SECONDS = 0.5
SLOW_RUN_SECONDS = 2.0


@dataclass(frozen=True)
class Fault:
    key: str
    scope: Scope
    status: int
    code: str
    message: str
    slow: bool = False  # answers late (SandboxSettings.slow_key_seconds), not an error
    # Scope.RUNS: seconds a run takes (queued, then running); None: it never ends.
    run_seconds: float | None = None

    @property
    def summary(self) -> str:
        """What the key does, for the sandbox's index page."""
        if self.slow:
            return "every answer late (5 s by default)"
        if self.scope is Scope.RUNS:
            if self.run_seconds is None:
                return "rows run forever: their cells stay running"
            return f"rows take {self.run_seconds:g} s to run: queued, then running"
        return self.message

    def error(self) -> FloqerApiError:
        headers = {"Retry-After": "30"} if self.status == 429 else None
        extra = {"retryAfter": 30} if self.status == 429 else None
        return FloqerApiError(
            self.status, self.message, code=self.code, headers=headers, extra=extra
        )


NOT_CONNECTED_MESSAGE = (
    "Salesforce is not connected for this user. Connect it in Floqer "
    "(Connections > Salesforce) and try again."
)

FAULTS: dict[str, Fault] = {
    fault.key: fault
    for fault in (
        Fault(
            "floq_sandbox_424",
            Scope.SALESFORCE,
            424,
            "CONNECTION_OWNED_BY_ANOTHER_USER",
            "The Salesforce connection belongs to another team member. Use an API key of "
            "the member who owns the connection.",
        ),
        Fault(
            "floq_sandbox_502",
            Scope.SALESFORCE,
            502,
            "INVALID_SESSION_ID",
            "Salesforce rejected the session (INVALID_SESSION_ID) after a token refresh "
            "and one retry.",
        ),
        Fault(
            "floq_sandbox_noconnection",
            Scope.SALESFORCE,
            400,
            "SALESFORCE_NOT_CONNECTED",
            NOT_CONNECTED_MESSAGE,
        ),
        Fault(
            "floq_sandbox_403",
            Scope.EVERYTHING,
            403,
            "FORBIDDEN",
            "This API key's user does not have access to this resource.",
        ),
        Fault(
            "floq_sandbox_429",
            Scope.EVERYTHING,
            429,
            "RATE_LIMITED",
            "Rate limit exceeded. Try again later.",
        ),
        Fault(
            "floq_sandbox_500",
            Scope.EVERYTHING,
            500,
            "INTERNAL_ERROR",
            "Something went wrong on our side.",
        ),
        Fault(
            "floq_sandbox_revoked",
            Scope.ALL,
            401,
            "INVALID_API_KEY",
            "Invalid API key",
        ),
        Fault(
            "floq_sandbox_slowrun",
            Scope.RUNS,
            200,
            "",
            "",
            run_seconds=SLOW_RUN_SECONDS,
        ),
        Fault(
            "floq_sandbox_stuckrun",
            Scope.RUNS,
            200,
            "",
            "",
        ),
        Fault(
            "floq_sandbox_slow",
            Scope.EVERYTHING,
            200,
            "",
            "",
            slow=True,
        ),
    )
}


def fault_for(api_key: str) -> Fault | None:
    return FAULTS.get(api_key)
