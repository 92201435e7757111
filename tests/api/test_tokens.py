"""Personal API tokens: made on the Account page, shown once, stored hashed, capped by role,
refused once revoked, expired, unknown or their user deleted, and audited when used."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.api.helpers import api, envelope
from tests.security.helpers import (
    ADMIN,
    EDITOR,
    VIEWER,
    Member,
    all_rows,
    create_api_token,
    one_row,
    page_text,
    problem_of,
    token_id,
    user_id,
)
from tests.support import RunningApp, db_time, stored_time
from webapp.services.api_tokens import MAX_LIVE_PER_USER

SECOND_ADMIN = Member("second@acme.example", "admin", "second-admin-session-0123456789", "c-2")


def account_text(app: RunningApp, member: Member = ADMIN) -> str:
    with app.signed_in(member.token, member.csrf) as client:
        page = client.get("/account")
    assert page.status_code == 200, page_text(page)
    return page.text


def me(app: RunningApp, token: str) -> httpx.Response:
    with api(app, token) as client:
        return client.get("/api/v1/me")


def test_a_token_is_shown_once_stored_hashed_and_reads_the_api_as_its_user(
    app: RunningApp, web: httpx.Client
) -> None:
    created = web.post(
        "/account/tokens", data={"name": "CI deploy", "role": "editor", "expiry": "30"}
    )
    assert created.status_code == 200, page_text(created)
    field = BeautifulSoup(created.text, "html.parser").select_one("input#new-token")
    assert field is not None
    assert field.has_attr("readonly")
    secret = str(field["value"])
    assert re.fullmatch(r"wat_[A-Za-z0-9_\-]{43}", secret)
    assert "shown only this once" in page_text(created)

    answer = me(app, secret)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "email": ADMIN.email,
        "role": "editor",
        "user_role": "admin",
        "token": {"id": token_id(app, secret), "name": "CI deploy"},
    }

    stored = one_row(app, "SELECT * FROM api_tokens")
    assert stored["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert stored["prefix"] == secret[:12]
    assert secret not in " ".join(str(value) for value in stored.values())
    lifetime = stored_time(stored["expires_at"]) - stored_time(stored["created_at"])
    assert lifetime == timedelta(days=30)

    # Never again: the Account page lists it by its prefix only.
    later = account_text(app)
    assert secret not in later
    assert secret[12:] not in later
    listed = page_text(web.get("/account"))
    assert f"CI deploy {secret[:12]}… editor" in listed
    assert "Active" in listed
    events = all_rows(app, "SELECT actor, action, target, detail FROM audit_events")
    assert {
        "actor": ADMIN.email,
        "action": "api token created",
        "target": f"token {stored['id']} “CI deploy” of {ADMIN.email}",
        "detail": "editor, expires in 30 days",
    } in events


def test_revoked_expired_unknown_and_malformed_tokens_are_refused_with_the_envelope(
    app: RunningApp, web: httpx.Client
) -> None:
    revoked = create_api_token(app, ADMIN, "revoked", "viewer")
    expired = create_api_token(app, ADMIN, "expired", "viewer", expiry="30")
    working = create_api_token(app, ADMIN, "working", "viewer")
    answer = web.post(f"/account/tokens/{token_id(app, revoked)}/revoke")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account?notice=revoked"
    expired_id = token_id(app, expired)
    made = one_row(app, "SELECT created_at FROM api_tokens WHERE id = :id", id=expired_id)
    a_second_old = stored_time(made["created_at"]) - timedelta(seconds=1)
    app.query(
        "UPDATE api_tokens SET expires_at = :at WHERE id = :id",
        at=db_time(a_second_old),
        id=expired_id,
    )
    assert me(app, working).status_code == 200  # the control

    assert "was revoked" in envelope(me(app, revoked), 401, "unauthorized")["message"]
    assert "has expired" in envelope(me(app, expired), 401, "unauthorized")["message"]
    unknown = "wat_" + "A" * 43
    assert "not known here" in envelope(me(app, unknown), 401, "unauthorized")["message"]
    for malformed in ("wat_short", working + "x", "floq_test_0001", working[4:], "wat_" + "!" * 43):
        assert "not an API token" in envelope(me(app, malformed), 401, "unauthorized")["message"]
    for header in ("", "Bearer", f"Basic {working}", working, f"Token {working}"):
        with api(app, None, Authorization=header) as client:
            refused = envelope(client.get("/api/v1/me"), 401, "unauthorized")
        assert "Authorization: Bearer wat_" in refused["message"], header
    listed = page_text(web.get("/account"))
    assert "revoked wat_" in listed
    assert "Revoked" in listed
    assert "expired wat_" in listed
    assert "Expired" in listed


def test_a_deleted_users_tokens_stop_working_at_once(app: RunningApp, web: httpx.Client) -> None:
    app.add_user(EDITOR.email, "editor", EDITOR.token, EDITOR.csrf)
    token = create_api_token(app, EDITOR, "theirs", "editor")
    assert me(app, token).json()["email"] == EDITOR.email

    assert web.post(f"/users/{user_id(app, EDITOR.email)}/delete").status_code == 303

    assert "not known here" in envelope(me(app, token), 401, "unauthorized")["message"]
    assert app.query("SELECT id FROM api_tokens") == []


def test_a_token_acts_with_its_role_capped_by_its_users_role_of_the_moment(
    app: RunningApp, web: httpx.Client
) -> None:
    lower = create_api_token(app, ADMIN, "read only", "viewer")
    with api(app, lower) as client:
        refused = envelope(client.get("/api/v1/tokens"), 403, "forbidden")
    assert refused["message"].startswith("This token acts as viewer; this needs admin.")

    app.add_user(SECOND_ADMIN.email, "admin", SECOND_ADMIN.token, SECOND_ADMIN.csrf)
    theirs = create_api_token(app, SECOND_ADMIN, "full", "admin")
    second = user_id(app, SECOND_ADMIN.email)
    with api(app, theirs) as client:
        assert client.get("/api/v1/tokens").status_code == 200
        assert web.post(f"/users/{second}/role", data={"role": "editor"}).status_code == 303
        assert client.get("/api/v1/me").json()["role"] == "editor"
        envelope(client.get("/api/v1/tokens"), 403, "forbidden")
        assert web.post(f"/users/{second}/role", data={"role": "admin"}).status_code == 303
        assert client.get("/api/v1/tokens").status_code == 200  # back to the token's own role


def test_nobody_gives_a_token_more_than_their_role_nor_goes_past_the_bounds(
    app: RunningApp,
) -> None:
    app.add_user(VIEWER.email, "viewer", VIEWER.token, VIEWER.csrf)
    with app.signed_in(VIEWER.token, VIEWER.csrf) as viewer:
        page = viewer.get("/account")
        roles = BeautifulSoup(page.text, "html.parser").select("#token-role option")
        assert [option.get_text() for option in roles] == ["Choose…", "Viewer"]
        refused = viewer.post(
            "/account/tokens", data={"name": "x", "role": "editor", "expiry": "never"}
        )
        assert refused.status_code == 422
        assert (
            problem_of(refused) == "A token can have your role (viewer) or a lower one, not editor."
        )
        too_long = viewer.post(
            "/account/tokens", data={"name": "n" * 101, "role": "viewer", "expiry": "never"}
        )
        assert "1 to 100 characters" in problem_of(too_long)
        for number in range(MAX_LIVE_PER_USER):
            made = viewer.post(
                "/account/tokens", data={"name": f"t{number}", "role": "viewer", "expiry": "never"}
            )
            assert made.status_code == 200, page_text(made)
        over = viewer.post(
            "/account/tokens", data={"name": "one more", "role": "viewer", "expiry": "never"}
        )
    assert over.status_code == 422
    assert f"You have {MAX_LIVE_PER_USER} live tokens" in problem_of(over)
    assert len(app.query("SELECT id FROM api_tokens")) == MAX_LIVE_PER_USER


def test_last_used_is_written_and_audited_at_most_once_a_minute(app: RunningApp) -> None:
    token = create_api_token(app, ADMIN, "busy script", "viewer")
    assert one_row(app, "SELECT last_used_at FROM api_tokens")["last_used_at"] is None
    with api(app, token) as client:
        for _ in range(3):
            assert client.get("/api/v1/configurations").status_code == 200
    first = one_row(app, "SELECT last_used_at FROM api_tokens")["last_used_at"]
    assert first is not None
    uses = "SELECT actor, target, outcome, detail FROM audit_events WHERE action = 'api token used'"
    assert all_rows(app, uses) == [
        {
            "actor": ADMIN.email,
            "target": f"token {token_id(app, token)} “busy script” of {ADMIN.email}",
            "outcome": "ok",
            "detail": "GET /api/v1/configurations",
        }
    ]

    a_minute_ago = stored_time(first) - timedelta(minutes=1, seconds=1)
    app.query("UPDATE api_tokens SET last_used_at = :at", at=db_time(a_minute_ago))
    with api(app, token) as client:
        envelope(client.get("/api/v1/tokens"), 403, "forbidden")
    later = stored_time(one_row(app, "SELECT last_used_at FROM api_tokens")["last_used_at"])
    assert later > a_minute_ago
    assert [row["outcome"] for row in all_rows(app, uses + " ORDER BY id")] == ["ok", "refused"]


def test_an_admin_sees_and_revokes_anyones_token_and_others_cannot(
    app: RunningApp, web: httpx.Client
) -> None:
    app.add_user(EDITOR.email, "editor", EDITOR.token, EDITOR.csrf)
    app.add_user(VIEWER.email, "viewer", VIEWER.token, VIEWER.csrf)
    editors = create_api_token(app, EDITOR, "editor's script", "editor")
    viewers = create_api_token(app, VIEWER, "viewer's script", "viewer")
    admins = create_api_token(app, ADMIN, "admin's script", "admin")

    everyone = page_text(web.get("/account"))
    assert "Every user's API tokens User Name" in everyone
    assert f"{EDITOR.email} editor's script {editors[:12]}… editor" in everyone
    assert (
        "Every user's API tokens"
        not in BeautifulSoup(account_text(app, EDITOR), "html.parser").get_text()
    )

    # Another's token is not theirs to revoke: as if it did not exist.
    with app.signed_in(EDITOR.token, EDITOR.csrf) as editor:
        refused = editor.post(f"/account/tokens/{token_id(app, admins)}/revoke")
    assert refused.status_code == 404
    assert me(app, admins).status_code == 200

    assert web.post(f"/account/tokens/{token_id(app, editors)}/revoke").status_code == 303
    envelope(me(app, editors), 401, "unauthorized")
    with api(app, admins) as client:
        revoked = client.delete(f"/api/v1/tokens/{token_id(app, viewers)}")
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["state"] == "revoked"
        assert revoked.json()["user_email"] == VIEWER.email
        listed = client.get("/api/v1/tokens").json()["tokens"]
    envelope(me(app, viewers), 401, "unauthorized")
    assert {(t["name"], t["state"]) for t in listed} == {
        ("editor's script", "revoked"),
        ("viewer's script", "revoked"),
        ("admin's script", "active"),
    }
    assert all(set(t) >= {"prefix", "user_email"} and "secret" not in str(t) for t in listed)
    revocations = all_rows(
        app, "SELECT actor, target FROM audit_events WHERE action = 'api token revoked' ORDER BY id"
    )
    assert [row["actor"] for row in revocations] == [ADMIN.email, ADMIN.email]
    assert "“editor's script” of editor@acme.example" in revocations[0]["target"]


@pytest.mark.parametrize("with_csrf", [False, True])
def test_a_browser_session_does_not_sign_in_to_the_api(
    app: RunningApp, web: httpx.Client, with_csrf: bool
) -> None:
    token = create_api_token(app, ADMIN, "kept", "admin")
    headers = {} if with_csrf else {"X-CSRF-Token": ""}
    for method, path in (
        ("GET", "/api/v1/me"),
        ("DELETE", f"/api/v1/tokens/{token_id(app, token)}"),
    ):
        answer = web.request(method, path, headers=headers)
        refused = envelope(answer, 401, "unauthorized")
        assert "A browser's session does not sign in to the API" in refused["message"]
    assert me(app, token).status_code == 200  # not revoked by the cookie's request
