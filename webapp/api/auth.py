"""Who is asking the API: a personal API token (`Authorization: Bearer wat_…`), nothing else.

No cookie is read, so a browser's session cannot call the API on a foreign page's behalf
and the API needs no CSRF token. Every route declares its role with ApiViewer, ApiEditor or
ApiAdmin (RequireApiRole), as the pages do with webapp.web.auth.RequireRole, so the route
walk can read it (`required_api_role`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from webapp.api.errors import ApiError
from webapp.services.accounts import rank
from webapp.services.api_tokens import TokenRefused, authenticate, record_use
from webapp.web.auth import SignedInUser, required_role
from webapp.web.deps import SessionDep

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiToken",
    bearerFormat="wat_…",
    description="A personal API token, created on the app's Account page.",
)


@dataclass(frozen=True)
class ApiCaller:
    user: SignedInUser  # role: the token's, capped by the user's role of the moment
    token_id: int
    token_name: str
    user_role: str  # the user's own role

    @property
    def actor(self) -> str:
        """Who the audit log names: the token's user."""
        return self.user.email

    @property
    def via(self) -> str:
        """How the audit log's detail says it was done."""
        return f"API token “{self.token_name}”"


class RequireApiRole:
    """The dependency every API route declares: a valid token whose role is at least `role`."""

    def __init__(self, role: str) -> None:
        self.role = role

    def __call__(
        self,
        request: Request,
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> ApiCaller:
        if credentials is None:
            raise ApiError(
                401,
                "Send a personal API token as `Authorization: Bearer wat_…`; create one on "
                "your Account page. A browser's session does not sign in to the API.",
            )
        try:
            found = authenticate(session, credentials.credentials)
        except TokenRefused as exc:
            raise ApiError(401, str(exc)) from None
        allowed = rank(found.role) >= rank(self.role)
        record_use(session, found, request.method, request.url.path, "ok" if allowed else "refused")
        if not allowed:
            raise ApiError(
                403,
                f"This token acts as {found.role}; this needs {self.role}. Create a token with "
                "that role (up to your own) on your Account page.",
            )
        return ApiCaller(
            SignedInUser(found.user_id, found.email, found.role),
            found.token_id,
            found.token_name,
            found.user_role,
        )


ApiViewer = Annotated[ApiCaller, Depends(RequireApiRole("viewer"))]
ApiEditor = Annotated[ApiCaller, Depends(RequireApiRole("editor"))]
ApiAdmin = Annotated[ApiCaller, Depends(RequireApiRole("admin"))]


def required_api_role(route: APIRoute) -> str | None:
    """The role an API route declares (for the route walk), None if it declares none."""
    return required_role(route, RequireApiRole)
