"""Bad input is a 4xx before anything else runs: ids out of range, oversized bodies, foreign
Host names; and single sign-on trusts only the address that connected (the proxy)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.app.flows import add_connection, start_configuration, text_of
from tests.conftest import ADMIN_EMAIL, RunningApp
from tests.security.conftest import Launcher
from tests.security.helpers import all_rows, snapshot
from tests.support import TLS

HUGE = 2**64
SSO_HEADER = "X-Forwarded-Email"


def test_ids_out_of_range_are_404_and_the_connection_keeps_working(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    config = start_configuration(web, connection)
    requests = [
        ("GET", f"/configurations/{HUGE}", None),
        ("GET", f"/configurations/{HUGE}/fragments/objects", None),
        ("GET", f"/connections/{HUGE}/workflows", None),
        ("GET", f"/connections/{-HUGE}/workflows", None),
        ("POST", f"/configurations/{HUGE}/save", {"name": "x"}),
        ("POST", f"/users/{HUGE}/role", {"role": "admin"}),
        ("POST", f"/configurations/{config}/connection", {"connection_id": str(HUGE)}),
        ("GET", f"/connections/{connection}/workflows?template={HUGE}", None),
    ]
    for method, path, form in requests:
        answer = web.request(method, path, data=form)
        assert answer.status_code == 404, (path, answer.status_code)
        assert "Traceback" not in answer.text
        assert "does not exist" in text_of(answer) or "no page at this address" in text_of(answer)
        # The same keep-alive connection answers the next request.
        assert web.get("/healthz").json() == {"status": "ok"}


def test_a_five_megabyte_body_is_refused_before_anything_reads_it(app: RunningApp) -> None:
    before = snapshot(app)
    with httpx.Client(base_url=app.url, verify=TLS) as anonymous:
        declared = anonymous.post("/login", data={"email": "a@b.c", "password": "x" * 5_000_000})

        def chunks() -> Iterator[bytes]:
            for _ in range(80):
                yield b"password=" + b"x" * 65_536

        chunked = anonymous.post(
            "/login",
            content=chunks(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    for answer in (declared, chunked):
        assert answer.status_code == 413
        assert "The form was too large to accept (the limit is 1 MB)" in text_of(answer)
    assert snapshot(app) == before  # refused before any sign-in was counted or audited


def test_the_body_cap_is_a_setting(launch: Launcher) -> None:
    app = launch.app(max_body_bytes=2048)
    with app.signed_in() as web:
        small = web.post("/connections", data={"label": "x" * 1000, "api_key": "floq_nope"})
        large = web.post("/connections", data={"label": "x" * 4000, "api_key": "floq_nope"})
    assert small.status_code == 422
    assert large.status_code == 413
    assert "the limit is 2 KB" in text_of(large)


def test_a_foreign_host_gets_400_even_on_a_fresh_install(launch: Launcher) -> None:
    app = launch.app(users=False)
    rebinding = {"Host": "rebind.attacker.example"}
    with httpx.Client(base_url=app.url, headers=rebinding, verify=TLS) as attacker:
        setup = attacker.get("/setup")
        post = attacker.post("/setup", data={"email": "evil@attacker.example"})
        health = attacker.get("/healthz")
    for answer in (setup, post):
        assert answer.status_code == 400
        assert "does not answer to the address “rebind.attacker.example”" in text_of(answer)
        assert "WEBAPP_ALLOWED_HOSTS" in text_of(answer)
    assert health.json() == {"status": "ok"}  # probes ask by address: exempt
    assert all_rows(app, "SELECT email FROM users") == []
    with httpx.Client(base_url=app.url, verify=TLS) as local:
        assert local.get("/setup").status_code == 200


def test_allowed_hosts_take_names_and_wildcards(launch: Launcher) -> None:
    app = launch.app(allowed_hosts=("configurator.acme.example", "*.ops.acme.example"))
    with app.signed_in() as web:
        for host, status in (
            ("configurator.acme.example", 200),
            ("CONFIGURATOR.acme.example:8443", 200),
            ("eu.ops.acme.example", 200),
            ("ops.acme.example", 400),
            ("127.0.0.1", 400),  # no longer in the list once the list is set
            ("evil.example", 400),
        ):
            assert web.get("/", headers={"Host": host}).status_code == status, host


def test_single_sign_on_works_behind_a_proxy_that_adds_x_forwarded_for(launch: Launcher) -> None:
    app = launch.app(auth_proxy_header=SSO_HEADER, trusted_proxies=("127.0.0.1/32",))
    proxied = {SSO_HEADER: "Sam.Proxy@Acme.example", "X-Forwarded-For": "203.0.113.7"}
    with httpx.Client(base_url=app.url, headers=proxied, verify=TLS) as through_proxy:
        home = through_proxy.get("/")
        sign_out_refused = through_proxy.post("/users/sso-role", data={"role": "admin"})
    assert home.status_code == 200, home.headers.get("location")
    assert "sam.proxy@acme.example" in text_of(home)
    assert sign_out_refused.status_code == 403  # still held to CSRF and roles
    # The forwarded client address is what the app records for the person.
    with httpx.Client(
        base_url=app.url, headers={"X-Forwarded-For": "203.0.113.7"}, verify=TLS
    ) as client:
        client.cookies.set("csrf", "t" * 43)
        client.post("/login", data={"csrf_token": "t" * 43, "email": ADMIN_EMAIL, "password": "x"})
    targets = all_rows(app, "SELECT target FROM audit_events WHERE action = 'failed login'")
    assert targets == [{"target": "203.0.113.7"}]


def test_a_forwarded_address_never_makes_a_request_trusted(launch: Launcher) -> None:
    app = launch.app(auth_proxy_header=SSO_HEADER, trusted_proxies=("10.9.9.9/32",))
    claims = {SSO_HEADER: ADMIN_EMAIL, "X-Forwarded-For": "10.9.9.9"}
    with httpx.Client(base_url=app.url, headers=claims, verify=TLS) as spoofing:
        answer = spoofing.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


@pytest.mark.parametrize("path", ["/", "/configurations/1", "/login"])
def test_a_malformed_host_header_is_refused(app: RunningApp, path: str) -> None:
    with httpx.Client(base_url=app.url, headers={"Host": "[::1"}, verify=TLS) as client:
        assert client.get(path).status_code == 400
