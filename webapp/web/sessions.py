"""Signing in and out, and the one-time setup that creates the first admin."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.db import utcnow
from webapp.services import audit
from webapp.services.accounts import (
    AccountProblem,
    SignInRefused,
    begin_sign_in,
    create_user,
    end_session,
    finish_sign_in,
    has_users,
    new_password,
    reset_ticket,
    start_session,
    ticket_user,
)
from webapp.web.auth import CSRF_FIELD, Forbidden, Viewer, check_origin, cookie_name, cookie_options
from webapp.web.csrf_mask import mask, unmask
from webapp.web.deps import FormDep, SessionDep, app_context, form_value, redirect, render

router = APIRouter()


def _pre_session_token(request: Request) -> str:
    return request.cookies.get(cookie_name(request, "csrf"), "") or secrets.token_urlsafe(32)


def _form_page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    """A sign-in or setup form with its double-submit CSRF cookie (there is no session yet)."""
    token = _pre_session_token(request)
    response = render(request, template, {"pre_csrf": mask(token), **context}, status=status)
    response.set_cookie(cookie_name(request, "csrf"), token, **cookie_options(request))
    return response


def _check_pre_session(request: Request, form: dict[str, list[str]]) -> None:
    check_origin(request)
    cookie = request.cookies.get(cookie_name(request, "csrf"), "")
    if not cookie or not hmac.compare_digest(
        cookie.encode(), unmask(form_value(form, CSRF_FIELD)).encode()
    ):
        raise Forbidden("This form has expired. Reload the page and try again.")


def _signed_in(request: Request, token: str, next_url: str) -> Response:
    response = redirect(next_url if _is_local(next_url) else "/")
    response.set_cookie(cookie_name(request, "session"), token, **cookie_options(request))
    return response


def _is_local(url: str) -> bool:
    return url.startswith("/") and not url.startswith(("//", "/\\"))


@router.get("/login")
def login_page(request: Request, session: SessionDep) -> Response:
    if not has_users(session):
        return redirect("/setup")
    return _form_page(request, "login.html", next=request.query_params.get("next", "/"))


@router.post("/login")
def login(request: Request, session: SessionDep, form: FormDep) -> Response:
    _check_pre_session(request, form)
    email, next_url = form_value(form, "email"), form_value(form, "next")
    address = request.client.host if request.client else "unknown"
    attempt = begin_sign_in(session, email, address)
    session.commit()  # counted before the check, so parallel guesses see each other
    try:
        user = finish_sign_in(session, attempt, form_value(form, "password"))
    except SignInRefused as exc:
        audit.failed_sign_in(session, email, address)
        session.commit()
        return _form_page(
            request, "login.html", 401, problem=exc.message, email=email, next=next_url
        )
    if user.password_reset_required:  # an admin's reset: a new password before anything else
        audit.record(session, user.email, "login", address, detail="new password required")
        session.commit()
        ticket = reset_ticket(app_context(request).settings.secret_key, user)
        return _form_page(request, "new_password.html", ticket=ticket, email=user.email)
    new = start_session(session, user)
    audit.record(session, user.email, "login", address)
    session.commit()
    return _signed_in(request, new.token, next_url)


@router.post("/login/new-password")
def choose_new_password(request: Request, session: SessionDep, form: FormDep) -> Response:
    """The new password an admin's reset asks for, right after the sign-in it stopped."""
    _check_pre_session(request, form)
    ticket = form_value(form, "ticket")
    secret = app_context(request).settings.secret_key
    try:
        user = ticket_user(session, secret, ticket)
    except AccountProblem as exc:
        return _form_page(request, "login.html", 401, problem=str(exc), next="/")
    try:
        user.password_hash = new_password(
            form_value(form, "password"), form_value(form, "password_again")
        )
    except AccountProblem as exc:
        context = {"ticket": ticket, "email": user.email, "problem": str(exc)}
        return _form_page(request, "new_password.html", 422, **context)
    user.password_reset_required = False
    user.last_login_at = utcnow()
    new = start_session(session, user)
    audit.record(session, user.email, "password changed", user.email, detail="after a reset")
    session.commit()
    return _signed_in(request, new.token, "/account?notice=password")


@router.get("/setup")
def setup_page(request: Request, session: SessionDep) -> Response:
    if has_users(session):
        return redirect("/login")
    return _form_page(request, "setup.html")


@router.post("/setup")
def setup(request: Request, session: SessionDep, form: FormDep) -> Response:
    _check_pre_session(request, form)
    if has_users(session):
        raise Forbidden("This app is already set up. Sign in instead.")
    email, password = form_value(form, "email"), form_value(form, "password")
    try:
        if password != form_value(form, "password_again"):
            raise AccountProblem("The two passwords differ.")
        user = create_user(session, email, "admin", password)
    except AccountProblem as exc:
        return _form_page(request, "setup.html", 422, problem=str(exc), email=email)
    audit.record(session, user.email, "user created", user.email, detail="first admin (setup)")
    user.last_login_at = utcnow()
    new = start_session(session, user)
    session.commit()
    return _signed_in(request, new.token, "/")


@router.post("/logout")
def logout(request: Request, session: SessionDep, caller: Viewer) -> Response:
    if caller.session_token:
        end_session(session, caller.session_token)
    audit.record(session, caller.user.email, "logout")
    session.commit()
    response = redirect("/login")
    response.delete_cookie(cookie_name(request, "session"), **cookie_options(request))
    return response
