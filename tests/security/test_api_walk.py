"""A walk over every route of the JSON API (/api/v1): each declares its role, and a request
without a valid token, or with a token of too low a role, is refused with the error envelope,
changes nothing and calls nobody. A viewer's token reaches no route that writes.

The routes come from the app the real factory builds (tests/security/helpers.py), so an
endpoint added later is walked without editing this file.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.helpers import envelope
from tests.security.conftest import Launcher
from tests.security.helpers import (
    ADMIN,
    API_ROUTES,
    EDITOR,
    VIEWER,
    DeclaredRoute,
    Member,
    World,
    assert_nothing_changed,
    build_world,
    routes_where,
    snapshot,
)
from tests.support import TLS

ROLES = ("viewer", "editor", "admin")


@pytest.fixture(scope="module")
def world(module_launch: Launcher) -> World:
    return build_world(module_launch.app())


def api_client(world: World, token: str | None, **headers: str) -> httpx.Client:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=world.app.url, timeout=30, headers=headers, verify=TLS)


def refused(
    world: World, route: DeclaredRoute, client: httpx.Client, status: int, code: str
) -> dict[str, Any]:
    """Send one request that must be refused: the envelope, nothing stored, Floqer not called.
    (A token's use may be noted: its last_used_at, and an audit row whose outcome is refused.)"""
    before, calls = snapshot(world.app), world.floqer_calls()
    body = {"name": "walked"} if route.unsafe else None
    response = client.request(route.method, route.url(world.params), json=body)
    error = envelope(response, status, code)
    assert_nothing_changed(before, snapshot(world.app), f"{route.id} ({code})")
    assert world.floqer_calls() == calls, f"{route.id} called Floqer"
    return error


def test_the_walk_finds_the_api_routes() -> None:
    found = {route.id for route in API_ROUTES}
    assert {
        "GET /api/v1/me",
        "GET /api/v1/configurations",
        "GET /api/v1/configurations/{configuration_id}",
        "GET /api/v1/connections",
        "GET /api/v1/openapi.json",
        "DELETE /api/v1/tokens/{token_id}",
    } <= found
    assert all(route.kind == "api" for route in API_ROUTES)


@pytest.mark.parametrize("route", routes_where(API_ROUTES))
def test_every_api_route_is_public_or_declares_its_role(route: DeclaredRoute) -> None:
    assert route.public or route.role in ROLES, (
        f"{route.id} declares no role: give it ApiViewer, ApiEditor or ApiAdmin (webapp.api.auth)"
    )
    if route.public:
        assert route.method == "GET", f"{route.id}: nothing that writes is public"


@pytest.mark.parametrize("route", routes_where(API_ROUTES, unsafe=True))
def test_every_api_route_that_writes_needs_at_least_an_editor(route: DeclaredRoute) -> None:
    assert route.role in ("editor", "admin"), f"{route.id} lets a viewer's token write"


@pytest.mark.parametrize("route", routes_where(API_ROUTES, public=False))
def test_no_valid_token_is_refused_with_401_and_changes_nothing(
    world: World, route: DeclaredRoute
) -> None:
    # No token, an unknown one, a malformed one, a Floqer key.
    for token in (None, "wat_" + "Z" * 43, "wat_not-a-token", "floq_test_0001"):
        with api_client(world, token) as client:
            refused(world, route, client, 401, "unauthorized")
    # The admin's browser session, with its CSRF token and from the app's own page: no use.
    with api_client(world, None, **{"X-CSRF-Token": ADMIN.csrf, "Origin": world.app.url}) as client:
        client.cookies.set("session", ADMIN.token)
        error = refused(world, route, client, 401, "unauthorized")
    assert "A browser's session does not sign in to the API" in error["message"]


def refused_for_role(world: World, route: DeclaredRoute, member: Member) -> None:
    with api_client(world, world.tokens[member.email]) as client:
        error = refused(world, route, client, 403, "forbidden")
    assert error["message"].startswith(f"This token acts as {member.role}; this needs {route.role}")


@pytest.mark.parametrize(
    "route", routes_where(API_ROUTES, role="editor") + routes_where(API_ROUTES, role="admin")
)
def test_a_viewer_token_is_refused_every_editor_and_admin_route(
    world: World, route: DeclaredRoute
) -> None:
    refused_for_role(world, route, VIEWER)


@pytest.mark.parametrize("route", routes_where(API_ROUTES, role="admin"))
def test_an_editor_token_is_refused_every_admin_route(world: World, route: DeclaredRoute) -> None:
    refused_for_role(world, route, EDITOR)


@pytest.mark.parametrize("route", routes_where(API_ROUTES, method="GET"))
def test_a_viewer_token_reads_every_viewer_route_and_reading_changes_nothing(
    world: World, route: DeclaredRoute
) -> None:
    member = VIEWER if route.role in (None, "viewer") else ADMIN
    before = snapshot(world.app)
    with api_client(world, world.tokens[member.email]) as client:
        response = client.get(route.url(world.params))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()
    after = snapshot(world.app)
    # What a read may add: the note that the token was used.
    new_events = after["audit_events"] - before["audit_events"]
    assert {dict(row)["action"] for row in new_events} <= {"api token used"}
    after["audit_events"] = before["audit_events"]
    assert_nothing_changed(before, after, f"GET {route.path}")
