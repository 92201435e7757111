"""A walk over every route the app declares: sessions, CSRF, foreign pages and roles.

The routes come from an app built by webapp.app.create_app, so a new route is walked
without editing this file, and one that is neither public nor declares a role fails here.
Every refused request is checked against the database (a snapshot before and after) and
against Floqer (the sandbox's call count): a refusal changes nothing and calls nobody.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import APIRouter
from starlette.responses import PlainTextResponse

from tests.security.conftest import Launcher
from tests.security.helpers import (
    ADMIN,
    ALL_ROUTES,
    CSRF_REFUSAL,
    EDITOR,
    FOREIGN_ORIGIN,
    ROLE_REFUSAL,
    ROUTES,
    SITE_REFUSAL,
    VIEWER,
    DeclaredRoute,
    Member,
    World,
    assert_nothing_changed,
    build_world,
    declared_routes,
    page_text,
    routes_where,
    snapshot,
)
from webapp.app import create_app
from webapp.settings import Settings
from webapp.web.auth import Editor

ROLES = ("viewer", "editor", "admin")
PRE_SESSION_REFUSAL = "This form has expired"
FOREIGN_HEADERS = [
    {"Origin": FOREIGN_ORIGIN},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
]


@pytest.fixture(scope="module")
def world(module_launch: Launcher) -> World:
    # Every read of a configuration reads Floqer's step again: the walk sees what that writes.
    return build_world(module_launch.app(floqer_recheck_seconds=0))


def require_declared(route: DeclaredRoute) -> None:
    if not route.public and route.role not in ROLES:
        pytest.fail(
            f"{route.id} is not public and declares no role: give it a Viewer, Editor or "
            "Admin dependency (webapp.web.auth.RequireRole; under /api/v1 ApiViewer, ApiEditor "
            "or ApiAdmin, webapp.api.auth), or make it public on purpose"
        )


def same_origin(world: World) -> dict[str, str]:
    return {"Origin": world.app.url, "Sec-Fetch-Site": "same-origin"}


def send_refused(
    world: World, route: DeclaredRoute, client: httpx.Client, what: str, **kwargs: Any
) -> httpx.Response:
    """Send one request that must be refused; nothing may change, Floqer is not called."""
    before, calls = snapshot(world.app), world.floqer_calls()
    if route.unsafe:
        kwargs.setdefault("data", world.form())
    response = client.request(route.method, route.url(world.params), **kwargs)
    assert "Traceback" not in response.text
    assert_nothing_changed(before, snapshot(world.app), f"{route.id} ({what})")
    assert world.floqer_calls() == calls, f"{route.id} ({what}) called Floqer"
    return response


def test_the_walk_finds_the_routes_the_app_is_known_to_have() -> None:
    # Guards the enumeration itself: an empty or partial list would make the walk pass vacuously.
    found = {route.id for route in ROUTES}
    assert {
        "GET /",
        "GET /static/{path}",
        "POST /login",
        "POST /logout",
        "POST /connections",
        "POST /configurations/{configuration_id}/push",
        "GET /configurations/{configuration_id}/fragments/object-fields",
        "POST /users/{user_id}/delete",
        "GET /audit.jsonl",
    } <= found
    assert len(found) >= 35


def test_a_route_added_later_without_a_role_is_caught_by_the_walk() -> None:
    # What the walk sees when someone adds routes: in a router, on the app, or bare Starlette.
    app = create_app(
        Settings(data_dir=Path("never-created"), database_url="sqlite://", secret_key="x" * 40)
    )
    router = APIRouter()

    @router.post("/reports/{report_id}/delete")
    def forgot_the_role(report_id: int) -> None: ...

    @router.get("/reports")
    def declared(caller: Editor) -> None: ...

    app.include_router(router)
    app.add_route("/bare", lambda request: PlainTextResponse(""), methods=["GET"])
    found = {route.id: route for route in declared_routes(app)}

    assert found["POST /reports/{report_id}/delete"].role is None
    assert not found["POST /reports/{report_id}/delete"].public
    assert found["GET /reports"].role == "editor"
    assert found["GET /bare"].role is None
    with pytest.raises(pytest.fail.Exception, match="declares no role"):
        require_declared(found["POST /reports/{report_id}/delete"])
    with pytest.raises(pytest.fail.Exception, match="no real value for the path parameter"):
        found["POST /reports/{report_id}/delete"].url({"configuration_id": "1"})


@pytest.mark.parametrize("route", routes_where(ALL_ROUTES))
def test_every_route_is_public_or_declares_a_role(route: DeclaredRoute) -> None:
    require_declared(route)
    if route.public:
        assert route.role is None, f"{route.id} must stay usable without a session"


@pytest.mark.parametrize("route", routes_where(public=False))
def test_a_signed_out_request_is_sent_to_sign_in_and_changes_nothing(
    world: World, route: DeclaredRoute
) -> None:
    require_declared(route)
    url = route.url(world.params)
    for cookie in (None, "a-forged-or-long-expired-session-token"):
        with world.client() as client:
            if cookie:
                client.cookies.set("session", cookie)
            response = send_refused(world, route, client, f"signed out, cookie {cookie}")
        if route.method == "GET" and not route.fragment:
            assert response.status_code == 303, page_text(response)
            assert response.headers["location"] == f"/login?next={quote(url, safe='')}"
        else:
            assert response.status_code == 401, page_text(response)
            assert response.headers["HX-Redirect"] == "/login"
            assert "Your session has ended. Sign in again" in page_text(response)


@pytest.mark.parametrize("route", routes_where(public=True, method="GET"))
def test_a_public_page_answers_without_a_session(world: World, route: DeclaredRoute) -> None:
    with world.client() as client:
        response = client.get(route.url(world.params))
    assert response.status_code in (200, 303), page_text(response)
    assert not response.headers.get("location", "").startswith("/login?next=")


@pytest.mark.parametrize("route", routes_where(unsafe=True))
def test_an_unsafe_request_without_the_right_csrf_token_is_refused_and_changes_nothing(
    world: World, route: DeclaredRoute
) -> None:
    require_declared(route)
    if route.public:
        # Signing in and setting up have no session yet: a double-submit cookie and field.
        cases: list[tuple[str, dict[str, str], dict[str, str]]] = [
            ("no cookie, no field", {}, {}),
            ("a field but no cookie", {}, {"csrf_token": "t" * 43}),
            ("a cookie but no field", {"csrf": "t" * 43}, {}),
            ("cookie and field differ", {"csrf": "t" * 43}, {"csrf_token": "u" * 43}),
        ]
        for what, cookies, fields in cases:
            with world.client(headers=same_origin(world)) as client:
                client.cookies.update(cookies)
                response = send_refused(world, route, client, what, data=world.form() | fields)
            assert response.status_code == 403, (what, page_text(response))
            assert PRE_SESSION_REFUSAL in page_text(response), what
        return
    # The admin may do everything: the token is the only thing that can be wrong.
    attempts: list[tuple[str, dict[str, str], dict[str, str]]] = [
        ("no token at all", {}, {}),
        ("a wrong header", {"X-CSRF-Token": "wrong-token"}, {}),
        ("a wrong form field", {}, {"csrf_token": "wrong-token"}),
        ("another session's token", {"X-CSRF-Token": VIEWER.csrf}, {}),
        ("an empty header and field", {"X-CSRF-Token": ""}, {"csrf_token": ""}),
    ]
    for what, headers, fields in attempts:
        with world.client(ADMIN, same_origin(world) | headers) as client:
            response = send_refused(world, route, client, what, data=world.form() | fields)
        assert response.status_code == 403, (what, page_text(response))
        assert CSRF_REFUSAL in page_text(response), what


@pytest.mark.parametrize("route", routes_where(unsafe=True))
def test_an_unsafe_request_from_another_sites_page_is_refused_even_with_a_valid_token(
    world: World, route: DeclaredRoute
) -> None:
    require_declared(route)
    for foreign in FOREIGN_HEADERS:
        if route.public:
            with world.client(headers=foreign) as client:
                client.cookies.set("csrf", "t" * 43)
                form = world.form() | {"csrf_token": "t" * 43}
                response = send_refused(world, route, client, str(foreign), data=form)
        else:
            with world.client(ADMIN, foreign | {"X-CSRF-Token": ADMIN.csrf}) as client:
                response = send_refused(world, route, client, str(foreign))
        assert response.status_code == 403, (foreign, page_text(response))
        assert SITE_REFUSAL in page_text(response), foreign


def test_a_same_origin_request_with_the_token_goes_through(world: World) -> None:
    # The control for the two tests above: what they refuse is the token or the origin.
    url = f"/configurations/{world.params['configuration_id']}/refresh-options"
    headers = same_origin(world) | {"X-CSRF-Token": ADMIN.csrf}
    with world.client(ADMIN, headers) as client:
        response = client.post(url)
    assert response.status_code == 303
    assert response.headers["location"].endswith("?notice=refreshed")


def refused_for_role(world: World, route: DeclaredRoute, member: Member) -> None:
    headers = same_origin(world) | {"X-CSRF-Token": member.csrf}
    with world.client(member, headers) as client:
        response = send_refused(world, route, client, f"as {member.role}")
    assert response.status_code == 403, page_text(response)
    text = page_text(response)
    assert f"Your role ({member.role}) {ROLE_REFUSAL}; it needs {route.role}" in text


@pytest.mark.parametrize("route", routes_where(role="editor") + routes_where(role="admin"))
def test_a_viewer_is_refused_every_editor_and_admin_route_and_nothing_changes(
    world: World, route: DeclaredRoute
) -> None:
    refused_for_role(world, route, VIEWER)


@pytest.mark.parametrize("route", routes_where(role="admin"))
def test_an_editor_is_refused_every_admin_route_and_nothing_changes(
    world: World, route: DeclaredRoute
) -> None:
    refused_for_role(world, route, EDITOR)


@pytest.mark.parametrize("route", routes_where(role="viewer", method="GET"))
def test_a_viewer_reads_every_page_meant_for_viewers(world: World, route: DeclaredRoute) -> None:
    with world.client(VIEWER) as client:
        response = client.get(route.url(world.params))
    assert response.status_code == 200, page_text(response)


@pytest.mark.parametrize("route", routes_where(method="GET"))
def test_reading_any_page_or_fragment_changes_nothing_stored(
    world: World, route: DeclaredRoute
) -> None:
    # Every state change is a POST: a GET (a prefetch, a link in an email) changes nothing.
    before = snapshot(world.app)
    with world.client(ADMIN) as client:
        response = client.get(route.url(world.params))
    assert response.status_code in (200, 303), page_text(response)
    assert_nothing_changed(before, snapshot(world.app), f"GET {route.path}")
