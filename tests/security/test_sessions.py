"""Sessions: cookies, sign-in and sign-out, expiry, throttling, and roles that apply at once."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.app.flows import CONTACT_ROWS, add_connection, form_fields, start_configuration
from tests.conftest import ADMIN_EMAIL, SESSION_TOKEN, TEST_PASSWORD, RunningApp
from tests.security.conftest import Launcher
from tests.security.helpers import (
    EDITOR,
    VIEWER,
    all_rows,
    hidden_csrf,
    one_row,
    page_text,
    problem_of,
    session_cookie,
    sign_in,
    user_id,
)
from tests.support import TLS, db_time, stored_time
from webapp.services.accounts import MAX_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES
from webapp.services.audit import REPEATS_LOGGED_ONE_BY_ONE

WRONG = "not the password at all"
REFUSED = "Wrong email or password, or too many attempts"


@pytest.fixture
def app(launch: Launcher) -> RunningApp:
    return launch.app()


def browser(app: RunningApp, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=app.url, timeout=30, headers=headers, verify=TLS)


def signed_in_as(app: RunningApp, token: str) -> httpx.Client:
    client = browser(app)
    client.cookies.set("session", token)
    return client


def sessions_of(app: RunningApp, email: str) -> list[dict[str, object]]:
    return all_rows(
        app,
        "SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = :email",
        email=email,
    )


def age_session(app: RunningApp, token: str, *, idle: timedelta, age: timedelta) -> None:
    now = datetime.now(UTC)
    digest = hashlib.sha256(token.encode()).hexdigest()
    changed = app.query(
        "UPDATE sessions SET created_at = :created, last_seen_at = :seen "
        "WHERE token_hash = :digest RETURNING id",
        created=db_time(now - age),
        seen=db_time(now - idle),
        digest=digest,
    )
    assert len(changed) == 1


def assert_signed_out(response: httpx.Response) -> None:
    assert response.status_code == 303, page_text(response)
    assert response.headers["location"].startswith("/login?next=")


# ---------------------------------------------------------------------------------------------
# Cookies


def test_signing_in_sets_an_httponly_lax_cookie_for_the_whole_site_not_secure_over_http(
    app: RunningApp,
) -> None:
    with browser(app) as client:
        login_page = client.get("/login")
        answer = sign_in(client, ADMIN_EMAIL)
        home = client.get("/")

    assert answer.status_code == 303
    for cookie in (session_cookie(answer), session_cookie(login_page, "csrf")):
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert "path=/" in attributes
        assert "secure" not in attributes
        assert not any(a.startswith("domain=") for a in attributes)
    assert home.status_code == 200
    assert ADMIN_EMAIL in page_text(home)


def test_over_https_the_session_cookie_is_a_secure_host_only_cookie(app: RunningApp) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1, as from a TLS-terminating proxy there.
    https = {"X-Forwarded-Proto": "https"}
    with browser(app, **https) as client:
        page = client.get("/login")
        csrf_cookie = session_cookie(page, "__Host-csrf")
        token = csrf_cookie.split(";")[0].split("=", 1)[1]
        answer = client.post(
            "/login",
            data={"csrf_token": hidden_csrf(page), "email": ADMIN_EMAIL, "password": TEST_PASSWORD},
            headers={"Cookie": f"__Host-csrf={token}"},
        )
        cookie = session_cookie(answer, "__Host-session")
        value = cookie.split(";")[0].split("=", 1)[1]
        home = client.get("/", headers={"Cookie": f"__Host-session={value}"})
        plain_name = client.get("/", headers={"Cookie": f"session={value}"})

    assert answer.status_code == 303, page_text(answer)
    for set_cookie in (csrf_cookie, cookie):
        attributes = [part.strip().lower() for part in set_cookie.split(";")[1:]]
        assert "secure" in attributes
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert "path=/" in attributes
        assert not any(a.startswith("domain=") for a in attributes)
    assert not any(c.startswith("session=") for c in answer.headers.get_list("set-cookie"))
    assert home.status_code == 200
    assert ADMIN_EMAIL in page_text(home)
    # Over https only the __Host- cookie counts: a plain one could be planted by a subdomain.
    assert_signed_out(plain_name)


def test_the_session_cookie_holds_a_fresh_token_that_is_stored_only_as_a_hash(
    app: RunningApp,
) -> None:
    planted = "a-token-an-attacker-planted-0123456789"
    with browser(app) as client:
        client.cookies.set("session", planted)
        answer = sign_in(client, ADMIN_EMAIL)
    value = session_cookie(answer).split(";")[0].split("=", 1)[1]

    assert value != planted  # no session fixation: signing in always issues a new token
    assert len(value) >= 32
    stored = [str(row["token_hash"]) for row in sessions_of(app, ADMIN_EMAIL)]
    assert hashlib.sha256(value.encode()).hexdigest() in stored
    assert value not in stored
    with signed_in_as(app, planted) as attacker:
        assert_signed_out(attacker.get("/"))


# ---------------------------------------------------------------------------------------------
# Signing out and expiry


def test_signing_out_ends_the_session_on_the_server_and_the_old_cookie_stops_working(
    app: RunningApp,
) -> None:
    with browser(app) as client:
        sign_in(client, ADMIN_EMAIL)
        value = str(client.cookies.get("session"))
        home = client.get("/")
        csrf = hidden_csrf(home)  # the sign-out form in the header carries it
        signed_in_sessions = len(sessions_of(app, ADMIN_EMAIL))
        answer = client.post("/logout", data={"csrf_token": csrf})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    removal = session_cookie(answer).lower()
    assert "max-age=0" in removal or "expires=thu, 01 jan 1970" in removal
    assert len(sessions_of(app, ADMIN_EMAIL)) == signed_in_sessions - 1
    digest = hashlib.sha256(value.encode()).hexdigest()
    assert digest not in [row["token_hash"] for row in sessions_of(app, ADMIN_EMAIL)]
    with signed_in_as(app, value) as replay:
        assert_signed_out(replay.get("/"))
        push = replay.post("/connections", data={"csrf_token": csrf, "label": "x", "api_key": "y"})
    assert push.status_code == 401
    assert "Your session has ended" in page_text(push)


def test_a_session_idle_for_more_than_30_minutes_is_signed_out_and_deleted(
    app: RunningApp,
) -> None:
    app.add_user(VIEWER.email, "viewer", VIEWER.token)
    age_session(app, VIEWER.token, idle=timedelta(minutes=31), age=timedelta(minutes=40))

    with signed_in_as(app, VIEWER.token) as client:
        assert_signed_out(client.get("/"))
    assert sessions_of(app, VIEWER.email) == []


def test_a_session_idle_for_29_minutes_still_works_and_counts_as_seen_again(
    app: RunningApp,
) -> None:
    app.add_user(VIEWER.email, "viewer", VIEWER.token)
    age_session(app, VIEWER.token, idle=timedelta(minutes=29), age=timedelta(minutes=40))
    before = sessions_of(app, VIEWER.email)[0]["last_seen_at"]

    with signed_in_as(app, VIEWER.token) as client:
        page = client.get("/")

    assert page.status_code == 200
    assert VIEWER.email in page_text(page)
    assert stored_time(sessions_of(app, VIEWER.email)[0]["last_seen_at"]) > stored_time(before)


def test_a_session_older_than_8_hours_is_signed_out_even_while_in_use(app: RunningApp) -> None:
    app.add_user(VIEWER.email, "viewer", VIEWER.token)
    app.add_user(EDITOR.email, "editor", EDITOR.token)
    age_session(app, VIEWER.token, idle=timedelta(minutes=1), age=timedelta(hours=8, minutes=1))
    age_session(app, EDITOR.token, idle=timedelta(minutes=1), age=timedelta(hours=7, minutes=50))

    with signed_in_as(app, VIEWER.token) as old, signed_in_as(app, EDITOR.token) as young:
        assert_signed_out(old.get("/"))
        assert young.get("/").status_code == 200
    assert sessions_of(app, VIEWER.email) == []
    assert len(sessions_of(app, EDITOR.email)) == 1


# ---------------------------------------------------------------------------------------------
# Sign-in: where it leads, throttling, and nothing that tells whether an account exists


@pytest.mark.parametrize(
    ("asked", "landing"),
    [
        ("/connections", "/connections"),
        ("/configurations/1?notice=x", "/configurations/1?notice=x"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_signing_in_leads_back_to_the_page_asked_for_but_never_to_another_site(
    app: RunningApp, asked: str, landing: str
) -> None:
    with browser(app) as client:
        answer = sign_in(client, ADMIN_EMAIL, next_url=asked)
    assert answer.status_code == 303
    assert answer.headers["location"] == landing


def test_the_sixth_attempt_for_an_account_is_refused_even_with_the_right_password(
    app: RunningApp,
) -> None:
    app.add_user(VIEWER.email, "viewer", VIEWER.token)
    sessions_before = len(all_rows(app, "SELECT id FROM sessions"))
    with browser(app) as client:
        wrong = [sign_in(client, ADMIN_EMAIL, WRONG) for _ in range(5)]
        sixth = sign_in(client, ADMIN_EMAIL, TEST_PASSWORD)
        other_account = sign_in(client, VIEWER.email, TEST_PASSWORD)

    for answer in wrong:
        assert answer.status_code == 401
        assert REFUSED in problem_of(answer)
    assert sixth.status_code == 401
    assert problem_of(sixth) == problem_of(wrong[0])
    assert not [c for c in sixth.headers.get_list("set-cookie") if c.startswith("session=")]
    # Only the other account's sign-in opened a session; the throttle is per account.
    assert other_account.status_code == 303
    assert len(all_rows(app, "SELECT id FROM sessions")) == sessions_before + 1


def test_twenty_failures_from_one_address_refuse_every_account_from_that_address(
    app: RunningApp,
) -> None:
    with browser(app) as client:
        # Four failures for each of five addresses: no account reaches its own limit of five.
        for n in range(20):
            answer = sign_in(client, f"nobody{n % 5}@acme.example", WRONG)
            assert answer.status_code == 401
        admin = sign_in(client, ADMIN_EMAIL, TEST_PASSWORD)

    assert admin.status_code == 401
    assert REFUSED in problem_of(admin)
    assert len(all_rows(app, "SELECT id FROM sessions")) == 1  # the fixture's own session


def test_failures_older_than_15_minutes_no_longer_count(app: RunningApp) -> None:
    with browser(app) as client:
        for _ in range(5):
            sign_in(client, ADMIN_EMAIL, WRONG)
        assert sign_in(client, ADMIN_EMAIL).status_code == 401  # throttled now
        app.query(
            "UPDATE login_failures SET failed_at = :at",
            at=db_time(datetime.now(UTC) - timedelta(minutes=16)),
        )
        answer = sign_in(client, ADMIN_EMAIL)
    assert answer.status_code == 303
    assert session_cookie(answer)


def test_parallel_guesses_are_all_counted_and_leave_the_account_throttled(
    app: RunningApp,
) -> None:
    def guess(n: int) -> int:
        with browser(app) as client:
            client.cookies.set("csrf", "t" * 43)
            form = {"csrf_token": "t" * 43, "email": ADMIN_EMAIL, "password": f"guess {n}"}
            return client.post("/login", data=form).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(guess, range(10)))

    assert answers == [401] * 10
    # Each attempt is counted before its password is checked, so parallel guesses see
    # each other and no burst gets more than five checks in; once over the limit, further
    # attempts are refused without being counted again (the table stays bounded).
    counted = all_rows(app, "SELECT id FROM login_failures WHERE subject LIKE 'account:%'")
    assert MAX_ACCOUNT_FAILURES + 1 <= len(counted) <= 10
    with browser(app) as client:
        assert sign_in(client, ADMIN_EMAIL).status_code == 401


def test_an_overlong_email_is_refused_and_counted_like_any_wrong_sign_in(app: RunningApp) -> None:
    overlong = "x" * 600 + "@acme.example"  # longer than any account's (320 at most)
    with browser(app) as client:
        answers = [sign_in(client, overlong, WRONG) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [401, 401]
    assert REFUSED in problem_of(answers[-1])
    counted = all_rows(app, "SELECT subject FROM login_failures WHERE subject LIKE 'account:%'")
    assert [row["subject"] for row in counted] == [f"account:{overlong[:320]}"] * 2
    [event, _] = all_rows(app, "SELECT actor, action FROM audit_events ORDER BY id")
    assert event == {"actor": overlong[:320], "action": "failed login"}


def test_the_answer_never_tells_whether_an_account_exists(app: RunningApp) -> None:
    def attempt(client: httpx.Client, email: str) -> tuple[int, str, str]:
        answer = sign_in(client, email, WRONG)
        return answer.status_code, problem_of(answer), page_text(answer).replace(email, "EMAIL")

    with browser(app) as client:
        existing = [attempt(client, ADMIN_EMAIL) for _ in range(6)]
        missing = [attempt(client, "nobody.here@acme.example") for _ in range(6)]

    # Wrong password, unknown account, and both once throttled: the same status and words.
    assert existing == missing
    assert len(set(existing)) == 1
    assert existing[0][0] == 401


def test_passwords_are_stored_as_argon2id_hashes(app: RunningApp) -> None:
    password = "a long passphrase nobody else knows"
    with app.signed_in() as admin:
        added = admin.post(
            "/users", data={"email": "new@acme.example", "role": "viewer", "password": password}
        )
    assert added.status_code == 303, page_text(added)

    stored = one_row(
        app, "SELECT password_hash FROM users WHERE email = :email", email="new@acme.example"
    )
    assert str(stored["password_hash"]).startswith("$argon2id$")
    assert password not in str(stored["password_hash"])
    for row in all_rows(app, "SELECT email, password_hash FROM users"):
        assert str(row["password_hash"]).startswith("$argon2id$"), row["email"]
    with browser(app) as client:
        assert sign_in(client, "new@acme.example", password).status_code == 303


# ---------------------------------------------------------------------------------------------
# Role changes and deletions apply to the very next request


def test_an_editor_demoted_to_viewer_is_refused_the_next_push_without_signing_in_again(
    app: RunningApp,
) -> None:
    app.add_user(EDITOR.email, "editor", EDITOR.token, EDITOR.csrf)
    fields = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
    with app.signed_in() as admin:
        config = start_configuration(admin, add_connection(admin))
    with app.signed_in(EDITOR.token, EDITOR.csrf) as editor:
        assert editor.post(f"/configurations/{config}/push", data=fields).status_code == 303
        with app.signed_in() as admin:
            demoted = admin.post(
                f"/users/{user_id(app, EDITOR.email)}/role", data={"role": "viewer"}
            )
        assert demoted.status_code == 303
        pushes = all_rows(app, "SELECT id FROM pushes ORDER BY id")
        calls = app.sandbox_calls()["total"]
        refused = editor.post(f"/configurations/{config}/push", data=fields)
        page = editor.get(f"/configurations/{config}")

    assert refused.status_code == 403
    assert "Your role (viewer) cannot do this; it needs editor" in page_text(refused)
    assert all_rows(app, "SELECT id FROM pushes ORDER BY id") == pushes
    assert app.sandbox_calls()["total"] == calls
    assert page.status_code == 200  # still signed in, now reading as a viewer
    assert "viewer" in page_text(page)


def test_a_deleted_user_is_signed_out_at_once(app: RunningApp) -> None:
    app.add_user(VIEWER.email, "viewer", VIEWER.token)
    with signed_in_as(app, VIEWER.token) as viewer:
        assert viewer.get("/").status_code == 200
        with app.signed_in() as admin:
            deleted = admin.post(f"/users/{user_id(app, VIEWER.email)}/delete")
        assert deleted.status_code == 303
        assert_signed_out(viewer.get("/"))
    assert all_rows(app, "SELECT id FROM users WHERE email = :email", email=VIEWER.email) == []
    assert sessions_of(app, VIEWER.email) == []
    assert len(all_rows(app, "SELECT id FROM sessions")) == 1  # the admin's, untouched
    with app.signed_in(SESSION_TOKEN) as admin:
        assert VIEWER.email not in page_text(admin.get("/users"))


def test_a_flood_of_failed_sign_ins_stays_bounded_and_leaves_real_events_on_the_log(
    app: RunningApp,
) -> None:
    with browser(app) as client:
        answers = {sign_in(client, f"guess{n}@acme.example", WRONG).status_code for n in range(60)}
    assert answers == {401}
    # Counted per address up to just past the limit, then refused without a new row.
    rows = all_rows(app, "SELECT subject FROM login_failures WHERE subject LIKE 'address:%'")
    assert len(rows) == MAX_ADDRESS_FAILURES + 1
    # The audit log keeps a few one by one, then one summary row that counts the rest.
    events = all_rows(
        app,
        "SELECT action, count, detail FROM audit_events WHERE action LIKE 'failed login%' "
        "ORDER BY id",
    )
    assert len(events) == REPEATS_LOGGED_ONE_BY_ONE + 1
    summary = events[-1]
    assert summary["action"] == "failed logins (repeated)"
    assert summary["count"] == 60 - REPEATS_LOGGED_ONE_BY_ONE
    assert "the latest as guess59@acme.example" in summary["detail"]


def test_failures_older_than_the_window_are_deleted_at_the_next_attempt(app: RunningApp) -> None:
    values = ", ".join(f"(:subject{n}, :old)" for n in range(500))
    app.query(
        f"INSERT INTO login_failures (subject, failed_at) VALUES {values}",  # noqa: S608
        old=db_time(datetime.now(UTC) - timedelta(hours=2)),
        **{f"subject{n}": f"address:10.0.0.{n}" for n in range(500)},
    )
    with browser(app) as client:
        assert sign_in(client, ADMIN_EMAIL, WRONG).status_code == 401
    left = all_rows(app, "SELECT subject FROM login_failures")
    assert sorted(r["subject"] for r in left) == [f"account:{ADMIN_EMAIL}", "address:127.0.0.1"]
