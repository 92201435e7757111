"""The first run (no user yet: set up the first admin) and single sign-on behind a proxy."""

from __future__ import annotations

import httpx

from tests.conftest import ADMIN_EMAIL, RunningApp
from tests.security.conftest import Launcher
from tests.security.helpers import (
    FOREIGN_ORIGIN,
    all_rows,
    hidden_csrf,
    htmx_csrf,
    page_text,
    problem_of,
    session_cookie,
    snapshot,
)
from tests.support import TLS

OWNER = "Owner@Acme.example"
PASSPHRASE = "the first admin's long passphrase"
SSO_HEADER = "X-Forwarded-Email"


def browser(app: RunningApp, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=app.url, timeout=30, headers=headers, verify=TLS)


def setup_form(client: httpx.Client, **fields: str) -> dict[str, str]:
    page = client.get("/setup")
    assert page.status_code == 200, page_text(page)
    form = {"email": OWNER, "password": PASSPHRASE, "password_again": PASSPHRASE}
    return {"csrf_token": hidden_csrf(page), **form, **fields}


def test_with_no_user_every_page_leads_to_setup_and_nothing_can_be_changed(
    launch: Launcher,
) -> None:
    app = launch.app(users=False)
    with browser(app) as client:
        for path in ("/", "/connections", "/users", "/audit", "/audit.jsonl", "/login"):
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/setup", path
        before = snapshot(app)
        refused = client.post("/connections", data={"label": "x", "api_key": "floq_x_0001"})
        assert refused.status_code == 409
        assert "Create the first admin first" in page_text(refused)
        assert snapshot(app) == before


def test_setup_creates_the_first_admin_signs_them_in_and_then_closes_for_good(
    launch: Launcher,
) -> None:
    app = launch.app(users=False)
    with browser(app) as client:
        # Another site's page cannot create the admin of a fresh install (login CSRF's cousin).
        with browser(app, Origin=FOREIGN_ORIGIN) as foreign:
            foreign.cookies.set("csrf", "t" * 43)
            forged = foreign.post("/setup", data=setup_form(client) | {"csrf_token": "t" * 43})
        assert forged.status_code == 403
        differ = client.post("/setup", data=setup_form(client, password_again="something else"))
        assert differ.status_code == 422
        assert "The two passwords differ" in problem_of(differ)
        short = client.post(
            "/setup", data=setup_form(client, password="short", password_again="short")
        )
        assert short.status_code == 422
        assert "12 to 256 characters" in problem_of(short)
        assert all_rows(app, "SELECT id FROM users") == []

        created = client.post("/setup", data=setup_form(client))
        home = client.get("/")

    assert created.status_code == 303
    assert created.headers["location"] == "/"
    assert session_cookie(created)
    assert home.status_code == 200
    assert "owner@acme.example admin" in page_text(home)
    users = all_rows(app, "SELECT email, role, password_hash FROM users")
    assert [(u["email"], u["role"]) for u in users] == [("owner@acme.example", "admin")]
    assert str(users[0]["password_hash"]).startswith("$argon2id$")

    with browser(app) as stranger:
        again = stranger.get("/setup")
        assert again.status_code == 303
        assert again.headers["location"] == "/login"
        page = stranger.get("/login")
        stranger.cookies.set("csrf", "t" * 43)
        second = stranger.post(
            "/setup",
            data={
                "csrf_token": "t" * 43,
                "email": "intruder@evil.example",
                "password": PASSPHRASE,
                "password_again": PASSPHRASE,
            },
        )
    assert page.status_code == 200
    assert second.status_code == 403
    assert "already set up" in page_text(second)
    assert [u["email"] for u in all_rows(app, "SELECT email FROM users")] == ["owner@acme.example"]


def test_a_trusted_proxy_signs_people_in_with_the_role_an_admin_chose(launch: Launcher) -> None:
    app = launch.app(auth_proxy_header=SSO_HEADER, trusted_proxies=("127.0.0.1/32",))
    with app.signed_in() as admin:
        chosen = admin.post("/users/sso-role", data={"role": "editor"})
    assert chosen.status_code == 303

    with browser(app, **{SSO_HEADER: "Sam.Proxy@Acme.example"}) as sso:
        home = sso.get("/")
        again = sso.get("/connections")
        admin_only = sso.get("/users")
        csrf = htmx_csrf(home)
        without_token = sso.post("/users/sso-role", data={"role": "admin"})
        wrong_role = sso.post("/users/sso-role", data={"role": "admin", "csrf_token": csrf})

    assert home.status_code == 200
    assert "sam.proxy@acme.example editor" in page_text(home)
    assert again.status_code == 200
    users = all_rows(app, "SELECT email, role, password_hash FROM users WHERE email LIKE 'sam%'")
    assert users == [{"email": "sam.proxy@acme.example", "role": "editor", "password_hash": None}]
    created = all_rows(app, "SELECT actor, detail FROM audit_events WHERE action = 'user created'")
    assert created == [{"actor": "sam.proxy@acme.example", "detail": "single sign-on"}]
    # A proxy-signed user is still held to roles and CSRF tokens.
    assert admin_only.status_code == 403
    assert without_token.status_code == 403
    assert wrong_role.status_code == 403
    assert "Your role (editor) cannot do this" in page_text(wrong_role)


def test_the_proxy_header_means_nothing_from_an_address_that_is_not_a_trusted_proxy(
    launch: Launcher,
) -> None:
    app = launch.app(auth_proxy_header=SSO_HEADER, trusted_proxies=("10.9.9.9/32",))
    before = all_rows(app, "SELECT email FROM users")
    for email in ("someone@acme.example", ADMIN_EMAIL):
        with browser(app, **{SSO_HEADER: email}) as client:
            home = client.get("/")
            post = client.post("/users/sso-role", data={"role": "admin"})
        assert home.status_code == 303
        assert home.headers["location"] == "/login?next=%2F"
        assert post.status_code == 401
    assert all_rows(app, "SELECT email FROM users") == before


def test_a_proxy_header_that_is_not_an_email_address_signs_nobody_in(launch: Launcher) -> None:
    app = launch.app(auth_proxy_header=SSO_HEADER, trusted_proxies=("127.0.0.1/32",))
    before = all_rows(app, "SELECT email FROM users")
    with browser(app, **{SSO_HEADER: "not an email"}) as client:
        answer = client.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2F"
    assert "not an email" not in page_text(answer)
    assert all_rows(app, "SELECT email FROM users") == before
