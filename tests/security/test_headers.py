"""Browser hardening headers on every answer: pages, fragments, error pages, static files."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from tests.app.flows import add_connection
from tests.security.conftest import Launcher
from tests.security.helpers import (
    ADMIN,
    VIEWER,
    DeclaredRoute,
    World,
    build_world,
    routes_where,
)
from tests.support import TLS
from webapp.resources import resource_dir

STATIC_FILES = sorted(
    str(path.relative_to(resource_dir("static")))
    for path in resource_dir("static").rglob("*")
    if path.is_file()
)
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


@dataclass(frozen=True)
class Scene:
    world: World
    failing_connection: int  # its key answers 403 to everything but who-am-I
    other_secret_url: str  # the same database served under another secret key
    sso_url: str  # an app that takes a trusted proxy's email header


@pytest.fixture(scope="module")
def scene(module_launch: Launcher) -> Scene:
    world = build_world(module_launch.app())
    with world.app.signed_in() as admin:
        failing = add_connection(admin, "floq_sandbox_403", label="Refused everywhere")
    other = module_launch.app(
        data_dir=world.app.settings.data_dir, secret_key="another-secret-entirely-0123456789abc"
    )
    sso = module_launch.app(
        auth_proxy_header="X-Forwarded-Email", trusted_proxies=("127.0.0.1/32",)
    )
    return Scene(world, failing, other.url, sso.url)


@pytest.fixture
def admin(scene: Scene) -> Iterator[httpx.Client]:
    with scene.world.client(ADMIN) as client:
        yield client


def assert_hardened(response: httpx.Response) -> None:
    headers = response.headers
    csp = headers.get("content-security-policy")
    assert csp, f"no Content-Security-Policy on {response.request.url} ({response.status_code})"
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in csp, csp
    assert "'unsafe-eval'" not in csp, csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert "default-src" in directives or "script-src" in directives, csp
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") in SAFE_REFERRER_POLICIES
    # The server's own time (a browser's network panel shows it; `make bench` reads it),
    # compression included; nothing else about the server.
    assert re.fullmatch(r"app;dur=\d+\.\d", headers.get("server-timing", "")), headers
    if "text/html" in headers.get("content-type", ""):
        assert_nothing_inline(response)


def assert_nothing_inline(response: httpx.Response) -> None:
    """What the policy would block must not be in the page: the page works under it."""
    page = BeautifulSoup(response.text, "html.parser")
    for script in page.find_all("script"):
        assert isinstance(script, Tag)
        assert script.has_attr("src"), f"inline script in {response.request.url}"
    assert not page.find_all("style"), f"a <style> element in {response.request.url}"
    for element in page.find_all(True):
        assert isinstance(element, Tag)
        for attribute in element.attrs:
            assert attribute != "style", f"a style attribute in {response.request.url}"
            assert not attribute.startswith("on"), f"{attribute} in {response.request.url}"
            assert not attribute.startswith("hx-on"), f"{attribute} in {response.request.url}"


@pytest.mark.parametrize("route", routes_where(method="GET", kind="api"))
def test_every_page_and_fragment_carries_the_security_headers(
    scene: Scene, admin: httpx.Client, route: DeclaredRoute
) -> None:
    response = admin.get(route.url(scene.world.params))
    assert response.status_code in (200, 303)
    assert_hardened(response)


@pytest.mark.parametrize("name", STATIC_FILES)
def test_every_static_file_carries_the_security_headers(scene: Scene, name: str) -> None:
    with scene.world.client() as anonymous:
        response = anonymous.get(f"/static/{name}")
    assert response.status_code == 200
    assert_hardened(response)


def fragment_of(scene: Scene) -> str:
    return f"/configurations/{scene.world.params['configuration_id']}/fragments/objects"


def ask(client: httpx.Client, path: str, **form: str) -> httpx.Response:
    with client:
        return client.post(path, data=form) if form else client.get(path)


ERRORS: dict[str, Callable[[Scene], httpx.Response]] = {
    "404 no such page": lambda s: ask(s.world.client(ADMIN), "/nowhere"),
    "404 no such configuration": lambda s: ask(s.world.client(ADMIN), "/configurations/9999"),
    "404 a fragment of nothing": lambda s: ask(
        s.world.client(ADMIN), "/configurations/9999/fragments/objects"
    ),
    "404 no such static file": lambda s: ask(s.world.client(), "/static/nowhere.js"),
    "405 wrong method": lambda s: ask(
        s.world.client(ADMIN), f"/configurations/{s.world.params['configuration_id']}/push"
    ),
    "404 an id that names nothing": lambda s: ask(s.world.client(ADMIN), "/configurations/abc"),
    "400 a foreign host": lambda s: ask(
        s.world.client(ADMIN, {"Host": "rebind.attacker.example"}), "/"
    ),
    "413 a body over the cap": lambda s: ask(
        s.world.client(ADMIN, {"X-CSRF-Token": ADMIN.csrf}), "/connections", label="x" * 2**21
    ),
    "401 signed out fragment": lambda s: ask(s.world.client(), fragment_of(s)),
    "303 signed out page": lambda s: ask(s.world.client(), "/connections"),
    "403 role": lambda s: ask(s.world.client(VIEWER), "/users"),
    "403 csrf": lambda s: ask(s.world.client(ADMIN), "/users/sso-role", role="admin"),
    "422 bad form": lambda s: ask(
        s.world.client(ADMIN, {"X-CSRF-Token": ADMIN.csrf}), "/connections", label=""
    ),
    "502 floqer refused": lambda s: ask(
        s.world.client(ADMIN), f"/connections/{s.failing_connection}/workflows"
    ),
    "500 a stored key sealed under another secret": lambda s: ask(
        httpx.Client(base_url=s.other_secret_url, cookies={"session": ADMIN.token}, verify=TLS),
        f"/connections/{s.world.params['connection_id']}/workflows",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_every_error_page_carries_the_security_headers(scene: Scene, case: str) -> None:
    response = ERRORS[case](scene)
    assert str(response.status_code) == case.split()[0], response.text
    assert_hardened(response)


def test_the_unexpected_failure_page_carries_the_security_headers(launch: Launcher) -> None:
    app = launch.app()
    app.query("DROP TABLE audit_events")  # a broken database: the app cannot know it
    with app.signed_in() as client:
        response = client.post("/logout")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert_hardened(response)
    assert response.headers.get("cache-control") == "no-store"


def test_pages_and_fragments_are_never_cached(scene: Scene, admin: httpx.Client) -> None:
    for path in ("/", "/users", "/audit.jsonl", fragment_of(scene), "/login"):
        assert admin.get(path).headers.get("cache-control") == "no-store", path
