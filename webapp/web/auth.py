"""Who is asking: sessions, single sign-on behind a proxy, roles and CSRF, checked per route.

Every route declares the role it needs with a RequireRole dependency; unsafe methods also
need the session's CSRF token and a request that did not come from a foreign page.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from webapp.context import AppContext
from webapp.db import User
from webapp.loop_reads import loop_first
from webapp.services import audit
from webapp.services.accounts import AccountProblem, find_session, has_users, rank, sso_user
from webapp.settings import is_trusted
from webapp.web.csrf_mask import unmask
from webapp.web.deps import MAX_FORM_FIELDS, CtxDep, SessionDep

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class NotSignedIn(Exception):
    pass


class NeedsSetup(Exception):
    pass


class Forbidden(Exception):
    """Refused: the message says why in words a user can act on."""


@dataclass(frozen=True)
class SignedInUser:
    """What the request knows of its user: plain values, still readable after an error."""

    id: int
    email: str
    role: str

    @classmethod
    def of(cls, user: User) -> SignedInUser:
        return cls(user.id, user.email, user.role)


@dataclass(frozen=True)
class Caller:
    user: SignedInUser
    csrf_token: str
    session_token: str | None  # None for a user a trusted proxy signed in


def cookie_name(request: Request, base: str) -> str:
    # __Host- cookies must be Secure, for this host only, path /: only over https.
    return f"__Host-{base}" if request.url.scheme == "https" else base


def cookie_options(request: Request) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": request.url.scheme == "https",
        "path": "/",
    }


def check_origin(request: Request) -> None:
    """Refuse unsafe requests sent by another site's page."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden("This request came from another site and was refused.")
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise Forbidden("This request came from another site and was refused.")


async def presented_csrf_token(request: Request) -> str:
    """The CSRF token an unsafe request carries: htmx's header, or a form's hidden field."""
    if request.method not in UNSAFE:
        return ""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=0)
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def current_caller(request: Request, ctx: CtxDep, session: SessionDep) -> Caller:
    """Who is asking: read on the event loop when that needs no write and no wait
    (webapp.loop_reads), else in the thread pool, as any route's reads are."""
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    # Single sign-on may create the user the proxy names: that is always the thread's.
    reads = None if ctx.settings.auth_proxy_header else ctx.loop_reads
    caller = await loop_first(reads, lambda reading: _caller(request, ctx, reading), session)
    request.state.caller = caller
    return caller


def _caller(request: Request, ctx: AppContext, session: Session) -> Caller:
    if ctx.settings.auth_proxy_header:  # single sign-on: the proxy's word comes first
        if not has_users(session):
            raise NeedsSetup
        caller = _proxy_caller(request, ctx, session) or _session_caller(request, session)
    else:
        # A live session proves there are users: the usual request costs one query.
        caller = _session_caller(request, session)
        if caller is None and not has_users(session):
            raise NeedsSetup
    if caller is None:
        raise NotSignedIn
    return caller


def _session_caller(request: Request, session: Session) -> Caller | None:
    token = request.cookies.get(cookie_name(request, "session"), "")
    record = find_session(session, token)
    if record is None:
        return None
    user = SignedInUser(record.user_id, record.email, record.role)
    return Caller(user, record.csrf_token, token)


def _proxy_caller(request: Request, ctx: AppContext, session: Session) -> Caller | None:
    header = ctx.settings.auth_proxy_header
    # The address that connected (the proxy itself), never one a proxy forwarded: every
    # common proxy adds X-Forwarded-For, and the client named there is not the proxy.
    peer = getattr(request.state, "peer", "")
    if not header or not is_trusted(peer, ctx.settings.proxy_networks):
        return None  # the header means nothing from anyone but the proxy
    email = request.headers.get(header, "").strip()
    if not email:
        return None
    try:
        user, created = sso_user(session, email)
    except AccountProblem:
        return None  # not an email address: the header signs nobody in
    if created:
        audit.record(session, user.email, "user created", user.email, detail="single sign-on")
    session.commit()
    digest = hmac.new(
        ctx.settings.secret_key.encode(),
        f"sso-csrf:{user.id}:{user.email}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return Caller(SignedInUser.of(user), digest, None)


class RequireRole:
    """The dependency every route declares: at least `role`, and CSRF on unsafe methods."""

    def __init__(self, role: str) -> None:
        self.role = role

    async def __call__(  # async: no I/O here, so no hop to the thread pool
        self,
        request: Request,
        # Read first: the form's caps (fields, files) are enforced before the session is
        # looked up, so a malformed post is refused before anything is written.
        presented: Annotated[str, Depends(presented_csrf_token)],
        caller: Annotated[Caller, Depends(current_caller)],
    ) -> Caller:
        if request.method in UNSAFE:
            check_origin(request)
            if not hmac.compare_digest(unmask(presented).encode(), caller.csrf_token.encode()):
                raise Forbidden(
                    "This form has expired or did not come from this app. Reload the page and "
                    "try again."
                )
        if rank(caller.user.role) < rank(self.role):
            raise Forbidden(
                f"Your role ({caller.user.role}) cannot do this; it needs {self.role}. An admin "
                "can change roles on the Users page."
            )
        return caller


Viewer = Annotated[Caller, Depends(RequireRole("viewer"))]
Editor = Annotated[Caller, Depends(RequireRole("editor"))]
Admin = Annotated[Caller, Depends(RequireRole("admin"))]


def required_role(route: APIRoute, marker: type[Any] = RequireRole) -> str | None:
    """The role a route declares with a `marker` dependency (RequireRole for the pages; the
    API's RequireApiRole), for the test that walks every route; None if public."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, marker):
            role: str = dependant.call.role
            return role
        pending.extend(dependant.dependencies)
    return None
