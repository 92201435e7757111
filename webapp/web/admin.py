"""Admin pages: users and their roles, the role single sign-on gives, and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response, StreamingResponse

from webapp.db import User
from webapp.services import NotFound, audit, valid_id
from webapp.services.accounts import (
    ROLES,
    AccountProblem,
    admin_count,
    create_user,
    require_new_password,
    set_role,
    set_sso_default_role,
    sso_default_role,
)
from webapp.services.configurations import configuration_names, existing_ids
from webapp.web.auth import Admin
from webapp.web.deps import CtxDep, FormDep, SessionDep, form_value, redirect, render

router = APIRouter()


def _users_page(
    request: Request, ctx: CtxDep, session: SessionDep, status: int = 200, **extra: object
) -> Response:
    context = {
        "users": list(session.scalars(select(User).order_by(User.email))),
        "roles": [(r, r.capitalize()) for r in ROLES],
        "sso_role": sso_default_role(session),
        "sso_header": ctx.settings.auth_proxy_header,
        "problem": None,
        "email": "",
        **extra,
    }
    return render(request, "users.html", context, status=status)


def _user(session: SessionDep, user_id: int) -> User:
    user = session.get(User, user_id) if valid_id(user_id) else None
    if user is None:
        raise NotFound("That user does not exist.")
    return user


@router.get("/users")
def users_page(request: Request, ctx: CtxDep, session: SessionDep, caller: Admin) -> Response:
    return _users_page(request, ctx, session, notice=request.query_params.get("notice"))


@router.post("/users")
def add_user(
    request: Request, ctx: CtxDep, session: SessionDep, form: FormDep, caller: Admin
) -> Response:
    email, role = form_value(form, "email"), form_value(form, "role")
    try:
        user = create_user(session, email, role, form_value(form, "password"))
    except AccountProblem as exc:
        return _users_page(request, ctx, session, 422, problem=str(exc), email=email)
    audit.record(session, caller.user.email, "user created", user.email, detail=role)
    session.commit()
    return redirect("/users?notice=added")


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    form: FormDep,
    user_id: int,
    caller: Admin,
) -> Response:
    user, role = _user(session, user_id), form_value(form, "role")
    try:
        if user.role == "admin" and role != "admin" and admin_count(session) == 1:
            raise AccountProblem("This is the last admin: make someone else admin first.")
        before = user.role
        set_role(user, role)
    except AccountProblem as exc:
        return _users_page(request, ctx, session, 422, problem=str(exc))
    audit.record(
        session, caller.user.email, "user edited", user.email, detail=f"role {before} → {role}"
    )
    session.commit()
    return redirect("/users?notice=role")


@router.post("/users/{user_id}/delete")
def delete_user(
    request: Request, ctx: CtxDep, session: SessionDep, user_id: int, caller: Admin
) -> Response:
    user = _user(session, user_id)
    if user.id == caller.user.id:
        return _users_page(request, ctx, session, 422, problem="You cannot delete yourself.")
    session.delete(user)  # their sessions go with them: signed out at once
    audit.record(session, caller.user.email, "user deleted", user.email)
    session.commit()
    return redirect("/users?notice=deleted")


@router.post("/users/{user_id}/require-new-password")
def require_reset(
    request: Request, ctx: CtxDep, session: SessionDep, user_id: int, caller: Admin
) -> Response:
    """The user is signed out everywhere; their next sign-in asks for a new password."""
    user = _user(session, user_id)
    try:
        require_new_password(session, user)
    except AccountProblem as exc:
        return _users_page(request, ctx, session, 422, problem=str(exc))
    audit.record(session, caller.user.email, "password reset required", user.email)
    session.commit()
    return redirect("/users?notice=reset")


@router.post("/users/sso-role")
def change_sso_role(
    request: Request, ctx: CtxDep, session: SessionDep, form: FormDep, caller: Admin
) -> Response:
    role = form_value(form, "role")
    try:
        set_sso_default_role(session, role)
    except AccountProblem as exc:
        return _users_page(request, ctx, session, 422, problem=str(exc))
    audit.record(session, caller.user.email, "setting changed", "single sign-on role", detail=role)
    session.commit()
    return redirect("/users?notice=sso")


@router.get("/audit")
def audit_page(request: Request, session: SessionDep, caller: Admin) -> Response:
    filters = audit.Filters.from_query(request.query_params)
    events, matching = audit.recent(session, filters)
    actors, actions = audit.choices(session)
    context = {
        "events": events,
        "matching": matching,
        "filters": filters,
        "actors": [(a, a) for a in actors],
        "actions": [(a, a) for a in actions],
        "users": dict(session.execute(select(User.email, User.id)).all()),
        "configurations": configuration_names(session),
        "configuration_ids": existing_ids(session, (e.configuration_id for e in events)),
    }
    return render(request, "audit.html", context)


@router.get("/audit.jsonl")
def audit_download(request: Request, session: SessionDep, caller: Admin) -> Response:
    """Every event the page's filters keep (all of them, unfiltered), oldest first."""
    filters = audit.Filters.from_query(request.query_params)
    lines = list(audit.as_json_lines(session, filters))
    return StreamingResponse(
        iter(lines),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="audit-log.jsonl"'},
    )
