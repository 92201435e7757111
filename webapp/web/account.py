"""The Account page: who you are, and your personal API tokens (admins: everyone's)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.db import User, utcnow
from webapp.redaction import redact
from webapp.services import NotFound, audit
from webapp.services.accounts import AccountProblem, change_password
from webapp.services.api_tokens import (
    EXPIRY_CHOICES,
    MAX_LIVE_PER_USER,
    MAX_NAME,
    NewToken,
    TokenProblem,
    create_token,
    every_token,
    get_token,
    revoke_token,
    roles_for,
    state,
    tokens_of,
)
from webapp.web.auth import Caller, Viewer
from webapp.web.deps import FormDep, SessionDep, form_value, redirect, render

router = APIRouter()

EXPIRY_LABELS = [
    ("never", "Never"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In 365 days"),
]
assert [value for value, _ in EXPIRY_LABELS] == list(EXPIRY_CHOICES)


def _has_password(session: SessionDep, user_id: int) -> bool:
    user = session.get(User, user_id)
    return user is not None and user.password_hash is not None


def _account_page(
    request: Request,
    session: SessionDep,
    caller: Caller,
    status: int = 200,
    new: NewToken | None = None,
    **extra: object,
) -> Response:
    now = utcnow()
    is_admin = caller.user.role == "admin"
    context = {
        "tokens": [(t, state(t, now)) for t in tokens_of(session, caller.user.id)],
        "everyone": [(t, state(t, now)) for t in every_token(session)] if is_admin else [],
        "roles": [(r, r.capitalize()) for r in roles_for(caller.user.role)],
        "expiries": EXPIRY_LABELS,
        "max_live": MAX_LIVE_PER_USER,
        "max_name": MAX_NAME,
        "new": new,
        "problem": None,
        "name": "",
        "role": caller.user.role,
        "expiry": "90",
        "password_problem": None,
        "has_password": _has_password(session, caller.user.id),
        "ended": request.query_params.get("ended", ""),
        **extra,
    }
    return render(request, "account.html", context, status=status)


@router.get("/account")
def account_page(request: Request, session: SessionDep, caller: Viewer) -> Response:
    return _account_page(request, session, caller, notice=request.query_params.get("notice"))


@router.post("/account/password")
def change_own_password(
    request: Request, session: SessionDep, form: FormDep, caller: Viewer
) -> Response:
    """Your own password, the current one required; your other sessions end."""
    user = session.get(User, caller.user.id)
    if user is None:  # deleted while this request ran
        raise NotFound("Your account no longer exists.")
    try:
        ended = change_password(
            session,
            user,
            form_value(form, "current_password"),
            form_value(form, "password"),
            form_value(form, "password_again"),
            keep=caller.session_token,
        )
    except AccountProblem as exc:
        return _account_page(request, session, caller, 422, password_problem=str(exc))
    detail = f"{ended} other session(s) ended" if ended else "no other session"
    audit.record(session, user.email, "password changed", user.email, detail=detail)
    session.commit()
    return redirect(f"/account?notice=password&ended={ended}")


@router.post("/account/tokens")
def add_token(request: Request, session: SessionDep, form: FormDep, caller: Viewer) -> Response:
    name, role, expiry = (
        form_value(form, "name"),
        form_value(form, "role"),
        form_value(form, "expiry"),
    )
    user = session.get(User, caller.user.id)
    if user is None:  # deleted while this request ran
        raise NotFound("Your account no longer exists.")
    try:
        new = create_token(session, user, name, role, expiry, caller.user.email)
    except TokenProblem as exc:
        return _account_page(
            request,
            session,
            caller,
            422,
            problem=str(exc),
            name=redact(name),  # a token pasted by mistake is not shown again
            role=role,
            expiry=expiry,
        )
    session.commit()
    # Shown on this answer only (no redirect: the secret is not kept anywhere to show again).
    return _account_page(request, session, caller, new=new)


@router.post("/account/tokens/{token_id}/revoke")
def revoke(request: Request, session: SessionDep, token_id: int, caller: Viewer) -> Response:
    token = get_token(session, token_id)
    if token.user_id != caller.user.id and caller.user.role != "admin":
        raise NotFound("That API token does not exist (it may have been deleted with its user).")
    revoke_token(session, token, caller.user.email)
    session.commit()
    return redirect("/account?notice=revoked")
