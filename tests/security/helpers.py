"""What the security tests share: the app's declared routes, real ids to fill them with,
database snapshots, and signing in through the real form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import inspect, text
from starlette.routing import Mount

from tests.app.flows import CONTACT_ROWS, add_connection, form_fields, start_configuration
from tests.conftest import (
    ADMIN_EMAIL,
    CSRF_TOKEN,
    SESSION_TOKEN,
    TEST_PASSWORD,
    TEST_SECRET,
    RunningApp,
)
from tests.support import TLS
from webapp.api.auth import required_api_role
from webapp.api.errors import API_PREFIX
from webapp.app import create_app
from webapp.db import make_engine
from webapp.services.api_tokens import digest
from webapp.settings import Settings
from webapp.web.auth import required_role

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The only routes anyone may use without a session (the static files are a mount).
PUBLIC = frozenset(
    {
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/login/new-password"),  # after an admin's reset: no session yet, a ticket
        ("GET", "/setup"),
        ("POST", "/setup"),
        ("GET", "/healthz"),
        ("GET", "/static/{path}"),
        ("GET", "/api/v1/openapi.json"),  # the API's description, for tools without a token
    }
)
FOREIGN_ORIGIN = "https://evil.example"
ROLE_REFUSAL = "cannot do this"
CSRF_REFUSAL = "did not come from this app"
SITE_REFUSAL = "came from another site"


# ---------------------------------------------------------------------------------------------
# Routes


@dataclass(frozen=True)
class DeclaredRoute:
    """One method of one route of the app, with the role it declares (None: none declared)."""

    method: str
    path: str
    role: str | None
    kind: str  # "api" (an APIRoute), "static" (the static mount) or "other" (anything else)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def public(self) -> bool:
        return (self.method, self.path) in PUBLIC

    @property
    def unsafe(self) -> bool:
        return self.method in UNSAFE

    @property
    def api(self) -> bool:
        """A route of the JSON API (token auth, JSON errors: tests/security/test_api_walk.py)."""
        return self.path == API_PREFIX or self.path.startswith(API_PREFIX + "/")

    @property
    def fragment(self) -> bool:
        return "/fragments/" in self.path

    def url(self, params: Mapping[str, str]) -> str:
        try:
            return self.path.format_map(params)
        except KeyError as missing:
            pytest.fail(
                f"{self.id}: no real value for the path parameter {missing}; the route walk "
                "needs one (tests/security/helpers.py, build_world)"
            )


def declared_routes(app: FastAPI | None = None) -> list[DeclaredRoute]:
    """Every route of an app built by the real factory (or of `app`), one entry per method.

    A router added with include_router (webapp.app adds its routers' routes directly, but a
    later change might include one) is a lazy branch in `app.routes`, so the routes are
    flattened with `iter_route_contexts` (a plain filter on APIRoute would miss its routes).
    Anything that is not an APIRoute or the static mount is listed without a role, so it
    fails the walk until it is made public on purpose or given a role.
    """
    if app is None:
        settings = Settings(
            data_dir=Path("never-created"), database_url="sqlite://", secret_key=TEST_SECRET
        )
        app = create_app(settings)
    found: list[DeclaredRoute] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            path = context.path_format or route.path_format
            methods_of = route.methods or set()
            role = required_role(route) or required_api_role(route)
            found += [DeclaredRoute(m, path, role, "api") for m in methods_of]
        elif isinstance(route, Mount) and route.path == "/static":
            found.append(DeclaredRoute("GET", "/static/{path}", None, "static"))
        else:
            path = str(getattr(context, "path", None) or route)
            methods: set[str] = getattr(route, "methods", None) or {"GET"}
            found += [DeclaredRoute(m, path, None, "other") for m in methods]
    return sorted(found, key=lambda r: (r.path, r.method))


ALL_ROUTES = declared_routes()
# The pages, fragments and forms (session, CSRF): the JSON API has a walk of its own.
ROUTES = [route for route in ALL_ROUTES if not route.api]
API_ROUTES = [route for route in ALL_ROUTES if route.api]


def routes_where(routes: list[DeclaredRoute] | None = None, **wanted: Any) -> list[Any]:
    """pytest params of the routes (the pages' unless told) whose properties have the wanted
    values, named by route."""
    chosen = [
        r
        for r in (ROUTES if routes is None else routes)
        if all(getattr(r, k) == v for k, v in wanted.items())
    ]
    return [pytest.param(r, id=r.id) for r in chosen]


# ---------------------------------------------------------------------------------------------
# A populated app: a connection, a configuration, and users of every role


@dataclass(frozen=True)
class Member:
    email: str
    role: str
    token: str
    csrf: str


ADMIN = Member(ADMIN_EMAIL, "admin", SESSION_TOKEN, CSRF_TOKEN)  # tests/conftest.py's admin
VIEWER = Member("viewer@acme.example", "viewer", "viewer-session-token-0123456789", "viewer-csrf-1")
EDITOR = Member("editor@acme.example", "editor", "editor-session-token-0123456789", "editor-csrf-2")
TARGET = Member("target@acme.example", "viewer", "target-session-token-0123456789", "target-csrf-3")


@dataclass(frozen=True)
class World:
    """An app with real rows, so every path parameter can name something that exists."""

    app: RunningApp
    params: dict[str, str]
    tokens: dict[str, str]  # member email -> a personal API token of theirs, of their role

    def client(
        self, member: Member | None = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Client:
        """A client signed in as `member` (None: signed out), without its CSRF header."""
        cookies = {"session": member.token} if member else {}
        return httpx.Client(
            base_url=self.app.url, timeout=30, cookies=cookies, headers=headers, verify=TLS
        )

    def floqer_calls(self) -> int:
        """How many API calls the sandbox behind the app has received so far."""
        assert self.app.sandbox_url
        with httpx.Client(verify=TLS) as client:
            answer = client.get(f"{self.app.sandbox_url}/_sandbox/calls").json()
        return int(answer["data"]["total"])

    def form(self) -> dict[str, Any]:
        """A body every form route can read, so a refusal is never about the body."""
        return {
            **form_fields("Walked", "Contact", "Email", CONTACT_ROWS),
            "label": "Walked",
            "api_key": "floq_walk_0001",
            "role": "admin",
            "email": "walked@acme.example",
            "password": TEST_PASSWORD,
            "password_again": TEST_PASSWORD,
            "connection_id": self.params["connection_id"],
            "next": "/",
        }


def build_world(app: RunningApp) -> World:
    for member in (VIEWER, EDITOR, TARGET):
        app.add_user(member.email, member.role, member.token, member.csrf)
    with app.signed_in() as admin:
        connection_id = add_connection(admin)
        configuration_id = start_configuration(admin, connection_id)
    tokens = {
        member.email: create_api_token(app, member, f"{member.role} token", member.role)
        for member in (ADMIN, VIEWER, EDITOR, TARGET)
    }
    config = one_row(
        app,
        "SELECT workflow_id, sheet_id, step_id FROM configurations WHERE id = :id",
        id=configuration_id,
    )
    # A test run of the configuration, for the routes about one run (the admin's token).
    with httpx.Client(base_url=app.url, timeout=30, verify=TLS) as client:
        run = client.post(
            f"/api/v1/configurations/{configuration_id}/test-runs",
            json={"values": {}, "confirm": True},
            headers={"Authorization": f"Bearer {tokens[ADMIN.email]}"},
        )
    assert run.status_code == 200, run.text
    params = {
        "run_id": str(run.json()["id"]),
        "object_name": "Contact",
        "connection_id": str(connection_id),
        "configuration_id": str(configuration_id),
        "workflow_id": config["workflow_id"],
        "sheet_id": config["sheet_id"],
        "step_id": config["step_id"],
        "user_id": str(user_id(app, TARGET.email)),
        "version": "1",
        "path": "app.css",
        "token_id": str(token_id(app, tokens[TARGET.email])),
    }
    return World(app, params, tokens)


def create_api_token(
    app: RunningApp, member: Member, name: str, role: str, expiry: str = "never"
) -> str:
    """A personal API token of `member`, made on the Account page as they would; its secret."""
    fields = {"name": name, "role": role, "expiry": expiry}
    with app.signed_in(member.token, member.csrf) as client:
        page = client.post("/account/tokens", data=fields)
    assert page.status_code == 200, page_text(page)
    field = BeautifulSoup(page.text, "html.parser").find("input", attrs={"id": "new-token"})
    assert isinstance(field, Tag), page_text(page)
    return str(field["value"])


def token_id(app: RunningApp, secret: str) -> int:
    """The id of the token whose secret this is (found by its digest, as the app does)."""
    row = one_row(
        app, "SELECT id FROM api_tokens WHERE secret_hash = :digest", digest=digest(secret)
    )
    return int(row["id"])


# ---------------------------------------------------------------------------------------------
# The database, read (and, for expiry tests, aged) through query(), on SQLite or Postgres


def all_rows(app: RunningApp, sql: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of one statement (named :params), each as {column: value}."""
    return [dict(row._mapping) for row in app.query(sql, **params)]


def one_row(app: RunningApp, sql: str, **params: Any) -> dict[str, Any]:
    rows = all_rows(app, sql, **params)
    assert len(rows) == 1, rows
    return rows[0]


def user_id(app: RunningApp, email: str) -> int:
    return int(one_row(app, "SELECT id FROM users WHERE email = :email", email=email)["id"])


Row = tuple[tuple[str, Any], ...]
Snapshot = dict[str, set[Row]]
# Columns a refused request may legitimately rewrite: the sliding idle timeout touches a
# signed-in session on any request it recognises, refused or not.
# What a read may refresh: when a session was last seen, what the app last saw Floqer's step
# hold (a cache of Floqer, webapp.services.floqer_state; never the configuration) and how a
# connection's key last answered.
IGNORED_COLUMNS = {
    "sessions": {"last_seen_at"},
    "api_tokens": {"last_used_at"},  # as sessions' last_seen_at: touched by any use
    "configurations": {
        "floqer_seen_at",
        "floqer_seen_version",
        "floqer_seen_body",
        "floqer_checked_at",
        "floqer_check_problem",
    },
    # A connection's last health check (webapp.services.connection_health): what Floqer and
    # Salesforce answered through its key, refreshed by the page's background check.
    "connections": {"health_state", "health_detail", "health_checked_at"},
}


def snapshot(
    app: RunningApp, ignored_columns: Mapping[str, set[str]] = IGNORED_COLUMNS
) -> Snapshot:
    """Every row of every table (minus `ignored_columns`), to compare before and after."""
    state: Snapshot = {}
    engine = make_engine(app.settings.database_url, pooled=False)
    try:
        with engine.connect() as db:
            schema = inspect(db)
            for table in schema.get_table_names():
                ignored = ignored_columns.get(table, set())
                columns = [c["name"] for c in schema.get_columns(table)]
                kept = [c for c in columns if c not in ignored]
                selected = ", ".join(f'"{c}"' for c in kept)
                query = text(f'SELECT {selected} FROM "{table}"')  # noqa: S608
                state[table] = {
                    tuple(zip(kept, map(_hashable, row), strict=True)) for row in db.execute(query)
                }
    finally:
        engine.dispose()
    return state


def _hashable(value: Any) -> Any:
    """A stored value as a snapshot keeps it: Postgres hands back JSON columns parsed (lists
    and dicts), kept as their canonical text."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def assert_nothing_changed(before: Snapshot, after: Snapshot, what: str) -> None:
    """The database after a refused request is the database before it.

    The audit log is append-only and may gain a row recording the refusal (ASVS asks for
    failed authorization to be logged), but never one saying the refused action was done.
    login_failures is compared in full: no refused request here presents a password.
    """
    for table in sorted(before.keys() | after.keys()):
        old, new = before.get(table, set()), after.get(table, set())
        removed, added = old - new, new - old
        if table == "audit_events":
            assert not removed, f"{what}: audit rows changed or vanished: {removed}"
            done = [row for row in added if dict(row)["outcome"] == "ok"]
            assert not done, f"{what}: the audit log records a refused request as done: {done}"
            continue
        assert not removed, f"{what} removed or changed rows of {table}: {sorted(removed)}"
        assert not added, f"{what} added or changed rows of {table}: {sorted(added)}"


# ---------------------------------------------------------------------------------------------
# Pages


def page_text(response: httpx.Response) -> str:
    return " ".join(BeautifulSoup(response.text, "html.parser").get_text(" ").split())


def hidden_csrf(response: httpx.Response) -> str:
    field = BeautifulSoup(response.text, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert isinstance(field, Tag), response.text
    return str(field["value"])


def htmx_csrf(response: httpx.Response) -> str:
    """The CSRF token a page hands htmx (the body's hx-headers)."""
    body = BeautifulSoup(response.text, "html.parser").body
    assert body is not None, response.text
    assert body.has_attr("hx-headers"), response.text
    token: str = json.loads(str(body["hx-headers"]))["X-CSRF-Token"]
    return token


def problem_of(response: httpx.Response) -> str:
    """The error notice a form page shows."""
    notice = BeautifulSoup(response.text, "html.parser").select_one(".notice.error")
    assert notice is not None, page_text(response)
    return " ".join(notice.get_text(" ").split())


def sign_in(
    client: httpx.Client, email: str, password: str = TEST_PASSWORD, next_url: str | None = None
) -> httpx.Response:
    """Fill the sign-in form as a browser does: its CSRF cookie comes with the page."""
    page = client.get("/login", params={"next": next_url} if next_url else None)
    assert page.status_code == 200, page_text(page)
    fields = {"csrf_token": hidden_csrf(page), "email": email, "password": password}
    if next_url:
        fields["next"] = next_url
    return client.post("/login", data=fields)


def session_cookie(response: httpx.Response, name: str = "session") -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")
