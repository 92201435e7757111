"""Your own password changed on the Account page (the current one required, your other
sessions ended), and an admin's reset that the user completes at the next sign-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from bs4 import Tag

from tests.app.flows import soup
from tests.conftest import TEST_PASSWORD, RunningApp
from tests.security.helpers import EDITOR, hidden_csrf, page_text, sign_in
from tests.support import TLS

NEW_PASSWORD = "a brand new passphrase 42"
Browser = Callable[[], httpx.Client]


@pytest.fixture
def editor(app: RunningApp) -> RunningApp:
    app.add_user(EDITOR.email, "editor", EDITOR.token, EDITOR.csrf)
    return app


@pytest.fixture
def browser(editor: RunningApp) -> Iterator[Browser]:
    """New browsers (cookie jars) on the app, closed after the test."""
    opened: list[httpx.Client] = []

    def open_one() -> httpx.Client:
        opened.append(httpx.Client(base_url=editor.url, timeout=30, verify=TLS))
        return opened[-1]

    yield open_one
    for client in opened:
        client.close()


def signed_in(browser: Browser, password: str = TEST_PASSWORD) -> httpx.Client:
    """A browser signed in as the editor through the form."""
    client = browser()
    answer = sign_in(client, EDITOR.email, password)
    assert answer.status_code == 303, page_text(answer)
    return client


def sign_in_status(browser: Browser, password: str) -> int:
    return sign_in(browser(), EDITOR.email, password).status_code


def change(client: httpx.Client, current: str, new: str, again: str = "") -> httpx.Response:
    page = client.get("/account")
    fields = {"current_password": current, "password": new, "password_again": again or new}
    return client.post("/account/password", data={"csrf_token": hidden_csrf(page), **fields})


def test_changing_your_password_ends_your_other_sessions_and_keeps_this_one(
    editor: RunningApp, browser: Browser
) -> None:
    here, elsewhere = signed_in(browser), signed_in(browser)
    assert elsewhere.get("/account").status_code == 200

    answer = change(here, TEST_PASSWORD, NEW_PASSWORD)
    assert answer.status_code == 303
    page = here.get(answer.headers["location"])
    # The other browser and the fixture's own session for the editor.
    assert "Password changed. Signed out of 2 other sessions." in page_text(page)
    assert elsewhere.get("/account").status_code == 303  # to the sign-in page
    assert sign_in_status(browser, TEST_PASSWORD) == 401
    assert signed_in(browser, NEW_PASSWORD).get("/").status_code == 200
    events = editor.query(
        "SELECT actor, detail FROM audit_events WHERE action = 'password changed'"
    )
    assert [tuple(e) for e in events] == [(EDITOR.email, "2 other session(s) ended")]


@pytest.mark.parametrize(
    ("current", "new", "again", "said"),
    [
        ("not my password", NEW_PASSWORD, "", "The current password is not right."),
        (TEST_PASSWORD, "short", "", "A password needs 12 to 256 characters"),
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "The two new passwords differ."),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(
    browser: Browser, current: str, new: str, again: str, said: str
) -> None:
    here = signed_in(browser)
    answer = change(here, current, new, again)
    assert answer.status_code == 422
    alert = soup(answer).select_one("#password-title ~ form [role=alert]")
    assert isinstance(alert, Tag)
    assert said in alert.get_text()
    assert "not my password" not in answer.text
    assert NEW_PASSWORD not in answer.text
    assert here.get("/account").status_code == 200  # still signed in
    assert sign_in_status(browser, TEST_PASSWORD) == 303


def test_an_admins_reset_signs_out_and_the_next_sign_in_asks_for_a_new_password(
    editor: RunningApp, web: httpx.Client, browser: Browser
) -> None:
    victim = signed_in(browser)
    user_id = editor.query("SELECT id FROM users WHERE email = :e", e=EDITOR.email)[0][0]
    assert "Require a new password" in page_text(web.get("/users"))
    reset = web.post(f"/users/{user_id}/require-new-password")
    assert reset.status_code == 303
    listed = page_text(web.get(reset.headers["location"]))
    assert "the next sign-in asks for a new password" in listed
    assert "new password required" in listed
    assert victim.get("/").status_code == 303  # every session of theirs ended

    client = browser()
    stopped = sign_in(client, EDITOR.email)  # the old password still proves who they are
    assert stopped.status_code == 200
    assert "Choose a new password" in page_text(stopped)
    assert "session" not in client.cookies  # no session until the new password is chosen
    ticket = soup(stopped).select_one("input[name=ticket]")
    assert isinstance(ticket, Tag)
    fields = {"csrf_token": hidden_csrf(stopped), "ticket": str(ticket["value"])}

    short = {**fields, "password": "x" * 5, "password_again": "x" * 5}
    refused = client.post("/login/new-password", data=short)
    assert refused.status_code == 422
    assert "A password needs 12 to 256 characters" in page_text(refused)
    assert "session" not in client.cookies
    chosen = {**fields, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    done = client.post("/login/new-password", data=chosen)
    assert done.status_code == 303
    assert client.get("/").status_code == 200  # signed in now
    # The ticket served once: the password it was made for is gone.
    again = client.post("/login/new-password", data=chosen)
    assert "This form has expired" in page_text(again)
    assert sign_in_status(browser, TEST_PASSWORD) == 401
    assert sign_in_status(browser, NEW_PASSWORD) == 303
    actions = [row[0] for row in editor.query("SELECT action FROM audit_events ORDER BY id")]
    assert "password reset required" in actions
    assert "password changed" in actions


def test_a_forged_or_stale_ticket_is_refused(
    editor: RunningApp, web: httpx.Client, browser: Browser
) -> None:
    user_id = editor.query("SELECT id FROM users WHERE email = :e", e=EDITOR.email)[0][0]
    web.post(f"/users/{user_id}/require-new-password")
    client = browser()
    csrf = hidden_csrf(sign_in(client, EDITOR.email))
    chosen = {"csrf_token": csrf, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    forged = [f"{user_id}.9999999999.{'0' * 64}", "1.2.3", "", "x" * 500, f"{user_id}.1.abc"]
    for ticket in forged:
        answer = client.post("/login/new-password", data={**chosen, "ticket": ticket})
        assert answer.status_code == 401, ticket
        assert "This form has expired" in page_text(answer)
    assert sign_in_status(browser, NEW_PASSWORD) == 401
