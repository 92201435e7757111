"""Connections: a key checked with Floqer, stored encrypted, never shown again."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from tests.app.flows import add_connection, soup, text_of
from tests.conftest import TEST_SECRET, AppFactory, RunningApp, SandboxFactory
from tests.floqer_double import FloqerDouble
from tests.support import Servers

SECRET_KEY = "floq_live_Secret_Key_9f8e7d"


def test_added_connection_shows_its_user_and_only_the_keys_last_four(
    app: RunningApp, web: httpx.Client
) -> None:
    add_connection(web, SECRET_KEY, label="RevOps production")
    page = web.get("/connections")
    text = text_of(page)
    assert "RevOps production" in text
    assert "floq_…8e7d" in text
    assert "Alex Morgan" in text
    assert SECRET_KEY not in page.text
    [row] = app.query("SELECT key_ciphertext, key_hint FROM connections")
    assert SECRET_KEY.encode() not in row[0]
    assert row[1] == "floq_…8e7d"


def test_new_connection_leads_to_its_workflows(web: httpx.Client) -> None:
    connection = add_connection(web)
    page = text_of(web.get(f"/connections/{connection}/workflows"))
    for name in (
        "Inbound leads → Salesforce",
        "Account sync from product DB",
        "Event list cleanup",
    ):
        assert name in page


def test_a_malformed_key_is_refused_with_a_hint_and_keeps_the_label(web: httpx.Client) -> None:
    response = web.post("/connections", data={"label": "Prod", "api_key": "sk_live_abc"})
    assert response.status_code == 422
    page = soup(response)
    assert "starts with floq_" in page.get_text()
    label = page.find(id="label")
    assert label is not None
    assert label.get("value") == "Prod"
    key = page.find(id="api_key")
    assert key is not None
    assert key.get("value") == ""
    assert "sk_live_abc" not in response.text


def test_a_key_floqer_rejects_is_not_stored(web: httpx.Client) -> None:
    response = web.post(
        "/connections", data={"label": "Old key", "api_key": "floq_sandbox_revoked"}
    )
    assert response.status_code == 422
    assert "Floqer did not accept this API key" in text_of(response)
    assert "floq_sandbox_revoked" not in response.text
    assert "Old key" not in text_of(web.get("/connections")).split("Add a connection")[0]


def test_an_empty_label_is_refused(web: httpx.Client) -> None:
    response = web.post("/connections", data={"label": "  ", "api_key": "floq_abcdef"})
    assert response.status_code == 422
    assert "label of 1 to 100 characters" in text_of(response)


def test_sandbox_mode_starts_with_a_working_sandbox_connection(start_app: AppFactory) -> None:
    app = start_app(embedded=True)
    with app.signed_in() as web:
        page = text_of(web.get("/connections"))
        assert "Sandbox (demo org)" in page
        assert "Sandbox mode" in page
        workflows = text_of(web.get("/connections/1/workflows"))
        assert "Inbound leads → Salesforce" in workflows


def test_a_connection_in_use_cannot_be_deleted_but_an_unused_one_can(web: httpx.Client) -> None:
    from tests.app.flows import start_configuration

    used = add_connection(web, label="Used")
    unused = add_connection(web, "floq_test_0002", label="Unused")
    start_configuration(web, used)
    refused = web.post(f"/connections/{used}/delete")
    assert refused.status_code == 409
    assert "1 saved configuration(s) use this connection" in text_of(refused)
    assert web.post(f"/connections/{unused}/delete").status_code == 303
    remaining = text_of(web.get("/connections"))
    assert "Used" in remaining
    assert "Unused" not in remaining


def test_a_floqer_user_with_an_overlong_name_and_email_is_kept_cut_to_size(
    start_app: AppFactory, start_sandbox: SandboxFactory
) -> None:
    def overlong(method: str, path: str, answer: Any) -> Any:
        if path.endswith("/user/"):
            user = {"email": "a" * 400 + "@acme.example", "first_name": "N" * 300}
            return {**answer, "data": {**answer["data"], **user}}
        return answer

    floqer = FloqerDouble(start_sandbox(), lambda m, p: "reshape", reshape=overlong).start()
    try:
        app = start_app(floqer_base_url=floqer.url)
        with app.signed_in() as web:
            add_connection(web, label="Odd org")  # not a 500: Postgres enforces the columns
            page = text_of(web.get("/connections"))
    finally:
        floqer.stop()
    [(email, name)] = app.query("SELECT floqer_user_email, floqer_user_name FROM connections")
    assert (email, name) == ("a" * 320, "N" * 200)
    assert "N" * 200 in page


def key_digest(key: str, secret: str = TEST_SECRET) -> str:
    """HMAC-SHA256 of the key under the app's secret, as the app keeps it (never the key)."""
    hmac_key = hashlib.sha256(("floqer-key-digest:" + secret).encode()).digest()
    return hmac.new(hmac_key, key.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("typed", [SECRET_KEY, f"  {SECRET_KEY}\t\n"])
def test_the_same_key_cannot_be_added_twice_whatever_the_label(
    app: RunningApp, web: httpx.Client, typed: str
) -> None:
    add_connection(web, SECRET_KEY, label="RevOps production")
    who_am_i = app.sandbox_calls()["by_call"]["GET /api/v1/user/"]
    again = web.post("/connections", data={"label": "Another label", "api_key": typed})
    assert again.status_code == 422
    assert (
        "This API key is already the connection “RevOps production”: a key is added once."
        in text_of(again)
    )
    assert SECRET_KEY not in again.text
    label = soup(again).find(id="label")
    assert label is not None
    assert label.get("value") == "Another label"
    assert app.query("SELECT label FROM connections") == [("RevOps production",)]
    # Refused before Floqer is asked.
    assert app.sandbox_calls()["by_call"]["GET /api/v1/user/"] == who_am_i


def test_the_key_is_recognised_by_a_keyed_digest_that_the_database_keeps_unique(
    app: RunningApp, web: httpx.Client
) -> None:
    add_connection(web, SECRET_KEY)
    [(digest,)] = app.query("SELECT key_digest FROM connections")
    assert digest == key_digest(SECRET_KEY)
    assert digest != hashlib.sha256(SECRET_KEY.encode()).hexdigest()  # keyed: not guessable
    # Two replicas adding the key at once: the database lets only one row hold its digest.
    with pytest.raises(IntegrityError):
        app.query(
            "INSERT INTO connections (label, key_ciphertext, key_hint, floqer_user_email, "
            "floqer_user_name, is_sandbox, created_at, key_digest, health_state, "
            "health_detail) VALUES ('Twin', :blob, 'floq_…8e7d', '', '', false, "
            "'2026-12-01 00:00:00', :digest, '', '')",
            blob=b"x",
            digest=digest,
        )


def test_start_fills_in_missing_digests_and_re_keys_them_after_a_secret_rotation(
    app: RunningApp, web: httpx.Client, servers: Servers
) -> None:
    add_connection(web, SECRET_KEY)
    app.query("UPDATE connections SET key_digest = NULL")  # as stored before digests existed
    servers.app(app.settings)  # the app starts again on the same database
    [(digest,)] = app.query("SELECT key_digest FROM connections")
    assert digest == key_digest(SECRET_KEY)

    new_secret = "a-new-secret-for-the-rotation-0123456789abcdef"
    rotated = replace(app.settings, secret_key=new_secret, previous_secret_keys=(TEST_SECRET,))
    url = servers.app(rotated).url
    [(digest,)] = app.query("SELECT key_digest FROM connections")
    assert digest == key_digest(SECRET_KEY, new_secret)
    # A row another replica has not re-keyed yet (its digest under the old secret) is
    # recognised too: the digest under every secret the app knows is looked for.
    app.query("UPDATE connections SET key_digest = :d", d=key_digest(SECRET_KEY))
    with RunningApp(url, rotated, app.sandbox_url).signed_in() as after:
        for typed in (SECRET_KEY, f" {SECRET_KEY} "):
            again = after.post("/connections", data={"label": "Again", "api_key": typed})
            assert again.status_code == 422
            assert "already the connection “Production”" in text_of(again)
