"""The audit log: one row per action with who, when (UTC), what and how it ended; admins only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.app.flows import CONTACT_ROWS, add_connection, form_fields, start_configuration
from tests.conftest import ADMIN_EMAIL, RunningApp
from tests.security.conftest import Launcher
from tests.security.helpers import (
    EDITOR,
    VIEWER,
    all_rows,
    hidden_csrf,
    page_text,
    sign_in,
    user_id,
)
from tests.support import TLS, stored_time

VALID = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
REJECTED = form_fields(
    "Contacts", "Contact", "Email", [*CONTACT_ROWS, ("Shoe_Size__c", "42")], version=2
)


def events(app: RunningApp) -> list[dict[str, Any]]:
    return all_rows(app, "SELECT * FROM audit_events ORDER BY id")


def one_new_event(app: RunningApp, action: Callable[[], object]) -> dict[str, Any]:
    """Do `action`; exactly one audit row must appear, stamped with the time it happened."""
    before = len(events(app))
    started = datetime.now(UTC)
    action()
    finished = datetime.now(UTC)
    added = events(app)[before:]
    assert len(added) == 1, added
    event = added[0]
    at = stored_time(event["at"])
    slack = timedelta(seconds=1)  # microseconds are kept; the clocks are the same machine's
    assert started - slack <= at <= finished + slack, (started, at, finished)
    return event


def expect(event: dict[str, Any], actor: str, action: str, outcome: str = "ok") -> None:
    assert (event["actor"], event["action"], event["outcome"]) == (actor, action, outcome), event


def posted(
    client: httpx.Client, url: str, data: dict[str, Any] | None = None
) -> Callable[[], None]:
    def post() -> None:
        answer = client.post(url, data=data)
        assert answer.status_code in (200, 303), page_text(answer)

    return post


def test_every_action_leaves_exactly_one_row_saying_who_when_what_and_how_it_ended(
    launch: Launcher,
) -> None:
    app = launch.app()
    browser = httpx.Client(base_url=app.url, timeout=30, verify=TLS)
    admin = app.signed_in()
    with browser, admin:
        event = one_new_event(app, lambda: sign_in(browser, ADMIN_EMAIL))
        expect(event, ADMIN_EMAIL, "login")
        assert event["target"] == "127.0.0.1"

        event = one_new_event(app, lambda: sign_in(browser, "Someone@acme.example", "wrong pw"))
        expect(event, "someone@acme.example", "failed login", "refused")

        new_user = {"email": EDITOR.email, "role": "viewer", "password": "a long passphrase here"}
        event = one_new_event(app, posted(admin, "/users", new_user))
        expect(event, ADMIN_EMAIL, "user created")
        assert (event["target"], event["detail"]) == (EDITOR.email, "viewer")

        editor_id = user_id(app, EDITOR.email)
        event = one_new_event(app, posted(admin, f"/users/{editor_id}/role", {"role": "editor"}))
        expect(event, ADMIN_EMAIL, "user edited")
        assert (event["target"], event["detail"]) == (EDITOR.email, "role viewer → editor")

        connection: list[int] = []
        event = one_new_event(app, lambda: connection.append(add_connection(admin)))
        expect(event, ADMIN_EMAIL, "connection created")
        assert (event["target"], event["detail"]) == ("Production", "floq_…0001")

        config: list[int] = []
        event = one_new_event(app, lambda: config.append(start_configuration(admin, connection[0])))
        expect(event, ADMIN_EMAIL, "configuration created")
        page = f"/configurations/{config[0]}"

        event = one_new_event(app, posted(admin, f"{page}/save", VALID))
        expect(event, ADMIN_EMAIL, "configuration edited")
        assert event["target"] == "Contacts"

        event = one_new_event(app, posted(admin, f"{page}/push", VALID))
        expect(event, ADMIN_EMAIL, "push")
        assert "Floqer accepted" in event["detail"]

        # A push that changes the draft saves it first: an edit, then the push, which the
        # pre-flight check refuses (Contact has no Shoe_Size__c)…
        before = len(events(app))
        posted(admin, f"{page}/push", REJECTED)()
        edited, refused = events(app)[before:]
        expect(edited, ADMIN_EMAIL, "configuration edited")
        assert "saved before the push" in edited["detail"]
        expect(refused, ADMIN_EMAIL, "push", "refused")
        assert "(unknown_field)" in refused["detail"]
        # …and pushed anyway, Floqer refuses it too.
        anyway = form_fields(
            "Contacts", "Contact", "Email", [*CONTACT_ROWS, ("Shoe_Size__c", "42")], version=3
        )
        event = one_new_event(app, posted(admin, f"{page}/push", {**anyway, "push_anyway": "1"}))
        expect(event, ADMIN_EMAIL, "push", "failed")

        event = one_new_event(app, posted(admin, f"{page}/pull"))
        expect(event, ADMIN_EMAIL, "pull")

        event = one_new_event(app, posted(admin, f"{page}/delete"))
        expect(event, ADMIN_EMAIL, "configuration deleted")
        assert event["target"] == "Contacts"

        event = one_new_event(app, posted(admin, f"/connections/{connection[0]}/delete"))
        expect(event, ADMIN_EMAIL, "connection deleted")
        assert event["target"] == "Production"

        event = one_new_event(app, posted(admin, f"/users/{editor_id}/delete"))
        expect(event, ADMIN_EMAIL, "user deleted")
        assert event["target"] == EDITOR.email

        csrf = hidden_csrf(browser.get("/"))
        event = one_new_event(app, posted(browser, "/logout", {"csrf_token": csrf}))
        expect(event, ADMIN_EMAIL, "logout")


def test_a_failed_pull_is_recorded_as_failed(launch: Launcher) -> None:
    app = launch.app()
    with app.signed_in() as admin:
        config = start_configuration(admin, add_connection(admin, "floq_soon_revoked_0077"))
        assert app.sandbox_url
        httpx.post(
            f"{app.sandbox_url}/_sandbox/revoked-keys",
            json={"api_key": "floq_soon_revoked_0077"},
            verify=TLS,
        )
        event = one_new_event(app, lambda: admin.post(f"/configurations/{config}/pull"))
    expect(event, ADMIN_EMAIL, "pull", "failed")
    assert "floq_soon_revoked_0077" not in json.dumps(event, default=str)


@pytest.fixture
def audited_app(launch: Launcher) -> RunningApp:
    app = launch.app()
    app.add_user(VIEWER.email, "viewer", VIEWER.token, VIEWER.csrf)
    app.add_user(EDITOR.email, "editor", EDITOR.token, EDITOR.csrf)
    with app.signed_in() as admin:
        start_configuration(admin, add_connection(admin))
    return app


def test_an_admin_reads_the_audit_log_and_downloads_it_as_json_lines(
    audited_app: RunningApp,
) -> None:
    with audited_app.signed_in() as admin:
        page = admin.get("/audit")
        download = admin.get("/audit.jsonl")

    stored = events(audited_app)
    assert page.status_code == 200
    rows = page_text(page)
    assert "connection created" in rows
    assert "configuration created" in rows
    assert ADMIN_EMAIL in rows
    assert "UTC" in rows

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/x-ndjson")
    assert download.headers["content-disposition"].startswith("attachment")
    lines = download.text.splitlines()
    assert len(lines) == len(stored) > 0
    for line, row in zip(lines, stored, strict=True):
        record = json.loads(line)
        assert set(record) == {
            "id",
            "at",
            "actor",
            "action",
            "target",
            "outcome",
            "detail",
            "count",
            "configuration_id",
        }
        assert (record["id"], record["actor"], record["action"]) == (
            row["id"],
            row["actor"],
            row["action"],
        )
        assert record["configuration_id"] == row["configuration_id"]
        # An event about a configuration names it by id too (kept after a rename or delete).
        assert (record["configuration_id"] is not None) == (record["action"].startswith("conf"))
        assert datetime.fromisoformat(record["at"]).utcoffset() == timedelta(0)


@pytest.mark.parametrize("member", [VIEWER, EDITOR], ids=["viewer", "editor"])
@pytest.mark.parametrize("path", ["/audit", "/audit.jsonl"])
def test_viewers_and_editors_cannot_read_the_audit_log(
    audited_app: RunningApp, member: Any, path: str
) -> None:
    with audited_app.signed_in(member.token, member.csrf) as client:
        answer = client.get(path)
    assert answer.status_code == 403
    assert "it needs admin" in page_text(answer)
    assert "connection created" not in answer.text
    assert "application/x-ndjson" not in answer.headers["content-type"]


def test_hostile_text_typed_at_sign_in_is_shown_as_text_in_the_audit_log(
    launch: Launcher,
) -> None:
    app = launch.app()
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>@evil.example'
    with httpx.Client(base_url=app.url, timeout=30, verify=TLS) as client:
        refused = sign_in(client, hostile, "wrong password")
    with app.signed_in() as admin:
        page = admin.get("/audit")
        download = admin.get("/audit.jsonl")

    assert refused.status_code == 401
    for answer in (refused, page):
        assert "<script>alert(1)</script>" not in answer.text
        assert "<img src=x" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert json.loads(download.text.splitlines()[-1])["actor"] == hostile.lower()
