"""First run, signing in and out, and the roles, in the browser.

The `page` fixture's context carries the suite's admin session cookie. The sign-in tests need
a browser that has never signed in, so they open their own contexts (`fresh_page`), with the
same console watch the fixture has.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Locator, Page, Request, expect

from tests.app.flows import INBOUND, add_connection, form_fields, start_configuration
from tests.browser.conftest import (
    ARTIFACTS,
    REPORTS,
    ConsoleWatch,
    configure_patches,
    external_id,
    field_inputs,
    fields_loaded_for,
    object_input,
    snapshot,
)
from tests.browser.test_security_hostile import Watch
from tests.conftest import ADMIN_EMAIL, CSRF_TOKEN, TEST_PASSWORD, AppFactory

pytestmark = pytest.mark.browser

NEW_ADMIN = "first.admin@acme.example"
GOOD_PASSWORD = "a long enough passphrase"
REFUSED = "Wrong email or password, or too many attempts. Check them, or wait a few minutes."
VIEWER = "viewer@acme.example"
VIEWER_TOKEN = "test-viewer-session-token-not-a-secret-0123"


def status_log(status: int, path: str) -> str:
    """What chromium logs when a page is answered with an error status."""
    return (
        rf"^Failed to load resource: the server responded with a status of {status} "
        rf"\([^)]*\) \(http://127\.0\.0\.1:\d+{re.escape(path)}\)$"
    )


PageFactory = Callable[..., tuple[Page, ConsoleWatch]]


@pytest.fixture
def fresh_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    """Pages in new contexts without the suite's session cookie (`session=` gives one)."""
    opened: list[tuple[BrowserContext, Page, ConsoleWatch]] = []

    def open_page(session: str | None = None) -> tuple[Page, ConsoleWatch]:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        context.set_default_timeout(10_000)
        if session:
            context.add_cookies(
                [{"name": "session", "value": session, "domain": "127.0.0.1", "path": "/"}]
            )
        tab, watch = context.new_page(), ConsoleWatch()
        tab.on("console", watch.on_console)
        tab.on("pageerror", watch.on_page_error)
        opened.append((context, tab, watch))
        return tab, watch

    yield open_page
    failed = any(report.failed for report in request.node.stash.get(REPORTS, {}).values())
    problems = []
    for i, (context, tab, watch) in enumerate(opened):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            with suppress(Error):
                name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:120]
                tab.screenshot(path=ARTIFACTS / f"{name}-{i}.png", full_page=True)
        context.close()
        problems += watch.unexpected()
    if problems:
        pytest.fail("the page logged errors:\n" + "\n".join(problems), pytrace=False)


def posts(page: Page) -> list[str]:
    """The paths of the POSTs the page sends from now on."""
    sent: list[str] = []

    def record(request: Request) -> None:
        if request.method == "POST":
            sent.append(re.sub(r"^https?://[^/]+", "", request.url))

    page.on("request", record)
    return sent


def who(page: Page) -> Locator:
    return page.get_by_role("banner")


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


# --- first run -----------------------------------------------------------------------------


def test_first_run_creates_the_admin_signs_in_and_signs_out(
    page: Page, console: ConsoleWatch, start_app: AppFactory
) -> None:
    app = start_app(users=False, embedded=True)
    # The fixture's session cookie names a session this app's database has never held.
    cookie = [c for c in page.context.cookies() if c["name"] == "session"]
    assert len(cookie) == 1
    page.goto(f"{app.url}/")

    expect(page).to_have_url(f"{app.url}/setup")
    expect(page.get_by_role("heading", name="Welcome: create the first admin")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Sandbox mode")
    expect(main_nav(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    snapshot(page, "security-setup")
    sent = posts(page)
    email = page.get_by_label("Email")
    password = page.get_by_label("Password", exact=True)
    again = page.get_by_label("Password again")
    create = page.get_by_role("button", name="Create admin and sign in")

    # Under 12 characters: the app refuses in its own words, in an alert above the form (no
    # browser bubble over the field's help), and keeps the email. Six emoji are 12 UTF-16
    # code units but 6 characters as the app counts them: refused alike.
    console.expect(status_log(422, "/setup"))  # the app answers a refused form with 422
    for short in ("too short", "\U0001f511" * 6):
        email.fill(NEW_ADMIN)
        password.fill(short)
        again.fill(short)
        with page.expect_navigation():
            create.click()
        expect(page.get_by_role("alert")).to_have_text(
            "A password needs 12 to 256 characters; a passphrase of a few words is easiest."
        )
        expect(email).to_have_value(NEW_ADMIN)
        expect(password).to_have_value("")
    assert sent == ["/setup", "/setup"]

    password.fill(GOOD_PASSWORD)
    again.fill(GOOD_PASSWORD + "!")
    create.click()
    expect(page.get_by_role("alert")).to_have_text("The two passwords differ.")
    expect(email).to_have_value(NEW_ADMIN)

    password.fill(GOOD_PASSWORD)
    again.fill(GOOD_PASSWORD)
    create.click()
    expect(page).to_have_url(f"{app.url}/")
    expect(page.get_by_role("heading", name="Saved configurations", level=1)).to_be_visible()
    expect(who(page)).to_contain_text(NEW_ADMIN)
    expect(who(page).get_by_text("admin", exact=True)).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Users")).to_be_visible()
    session = [c for c in page.context.cookies() if c["name"] == "session"]
    assert len(session) == 1, session
    assert session[0]["value"] != cookie[0]["value"]
    assert session[0]["httpOnly"] is True, session
    assert session[0]["sameSite"] == "Lax", session

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{app.url}/login")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(main_nav(page)).to_have_count(0)
    assert [c for c in page.context.cookies() if c["name"] == "session"] == []
    page.goto(f"{app.url}/")
    expect(page).to_have_url(f"{app.url}/login?next=%2F")
    # The session ended on the server too: the old cookie, put back, signs nobody in.
    page.context.add_cookies(
        [{"name": "session", "value": session[0]["value"], "domain": "127.0.0.1", "path": "/"}]
    )
    page.goto(f"{app.url}/connections")
    expect(page).to_have_url(f"{app.url}/login?next=%2Fconnections")
    page.goto(f"{app.url}/setup")  # gone for good once the admin exists
    expect(page).to_have_url(f"{app.url}/login")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


# --- signing in ----------------------------------------------------------------------------


def test_sign_in_does_not_say_whether_the_account_exists_and_returns_to_the_page_asked_for(
    fresh_page: PageFactory, start_app: AppFactory
) -> None:
    app = start_app()
    page, console = fresh_page()
    console.expect(status_log(401, "/login"))  # a refused sign-in is answered with 401
    page.goto(f"{app.url}/connections")
    expect(page).to_have_url(f"{app.url}/login?next=%2Fconnections")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(main_nav(page)).to_have_count(0)
    snapshot(page, "security-sign-in")

    answers = []
    for email in (ADMIN_EMAIL, "nobody@acme.example"):
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("not the password at all")
        with page.expect_response(f"{app.url}/login") as answer:
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text(REFUSED)
        expect(page.get_by_label("Email")).to_have_value(email)
        expect(page.get_by_label("Password")).to_have_value("")
        main = page.get_by_role("main").inner_text()
        answers.append((answer.value.status, main.replace(email, "EMAIL")))
    snapshot(page, "security-sign-in-refused")
    assert answers[0] == answers[1], answers  # the same status and the same page

    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{app.url}/connections")
    expect(page.get_by_role("heading", name="Floqer connections", level=1)).to_be_visible()
    expect(who(page)).to_contain_text(ADMIN_EMAIL)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "javascript:alert(document.domain)",
    ],
)
def test_sign_in_never_sends_the_browser_to_another_site(
    fresh_page: PageFactory, start_app: AppFactory, target: str
) -> None:
    app = start_app()
    page, console = fresh_page()
    # "/\t/…" arrives as the local path "/%09/evil.example/", which does not exist.
    console.expect(status_log(404, "/%09/evil.example/"))
    watch = Watch(app.url)
    watch.attach(page)
    page.goto(f"{app.url}/login?next={quote(target, safe='')}")  # a crafted link
    expect(page.locator("input[name=next]")).to_have_value(target)
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.startswith(f"{app.url}/"), page.url
    assert [c["name"] for c in page.context.cookies()].count("session") == 1  # signed in
    watch.clean("signed in")


def test_the_sign_in_form_works_with_the_keyboard_alone(
    fresh_page: PageFactory, start_app: AppFactory
) -> None:
    app = start_app()
    page, console = fresh_page()
    console.expect(status_log(401, "/login"))  # the first, wrong password
    page.goto(f"{app.url}/login")
    email = page.get_by_label("Email")
    password = page.get_by_label("Password")
    expect(email).to_be_focused()  # autofocus

    page.keyboard.type(ADMIN_EMAIL)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type("a wrong password")
    page.keyboard.press("Enter")  # implicit submission from the last field
    expect(page.get_by_role("alert")).to_have_text(REFUSED)

    # The email is kept and the cursor waits in the password field.
    expect(email).to_have_value(ADMIN_EMAIL)
    expect(password).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Saved configurations", level=1)).to_be_visible()
    expect(who(page)).to_contain_text(ADMIN_EMAIL)


# --- roles ---------------------------------------------------------------------------------


def test_a_viewer_reads_everything_read_only_without_admin_links_and_the_server_refuses(
    fresh_page: PageFactory, start_app: AppFactory
) -> None:
    """The app hides every control a viewer cannot use; a POST sent anyway gets a plain 403."""
    app = start_app()
    with app.signed_in() as web:
        connection = add_connection(web, "floq_browser_viewer")
        config = start_configuration(web, connection)
        rows = [("Name", "{{input.company_name}}")]
        fields = form_fields("Accounts by domain", "Account", "Domain__c", rows)
        saved = web.post(f"/configurations/{config}/save", data=fields)
        assert saved.status_code == 303, saved.text
    app.add_user(VIEWER, "viewer", VIEWER_TOKEN)
    page, console = fresh_page(session=VIEWER_TOKEN)
    console.expect(status_log(403, "/users"), status_log(403, "/audit"))  # refused on purpose
    page_url = f"{app.url}/configurations/{config}"

    page.goto(page_url)
    expect(who(page)).to_contain_text(VIEWER)
    expect(who(page).get_by_text("viewer", exact=True)).to_be_visible()
    expect(main_nav(page).get_by_role("link")).to_have_text(
        ["Configurations", "Connections", "Account"]
    )
    read_only = page.get_by_role("status").filter(has_text="You can read this configuration")
    expect(read_only).to_have_text(
        "You can read this configuration; an editor or admin can change, push and pull it."
    )
    fields_loaded_for(page, "Account")
    for control in (page.get_by_label("Configuration name"), object_input(page), external_id(page)):
        expect(control).to_be_disabled()
    expect(external_id(page)).to_have_value("Domain__c")
    expect(field_inputs(page)).to_have_count(1)
    expect(field_inputs(page).first).to_be_disabled()
    expect(field_inputs(page).first).to_have_value("Name")
    expect(page.get_by_role("button", name="Add field")).to_be_disabled()
    expect(page.get_by_role("switch").first).to_be_disabled()
    for name in ("Save", "Push to Floqer", "Pull from Floqer", "Refresh options"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_label("Request body")).to_contain_text('"Domain__c"')  # reads it all
    snapshot(page, "security-viewer-configuration")

    # A POST sent anyway (the session's own CSRF token, no foreign origin) is refused.
    for action in ("save", "push", "pull", "delete"):
        answer = page.request.post(
            f"{page_url}/{action}", form={**fields, "csrf_token": CSRF_TOKEN, "name": "Mine"}
        )
        assert answer.status == 403, (action, answer.status)
        assert "Your role (viewer) cannot do this; it needs editor." in answer.text(), action
    page.reload()
    expect(page.get_by_role("heading", name="Accounts by domain", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^v2 · "))).to_be_visible()  # still the admin's v2
    assert configure_patches(app) == {}

    main_nav(page).get_by_role("link", name="Configurations").click()
    row = page.get_by_role("row").filter(has_text="Accounts by domain")
    expect(row.get_by_role("cell").last).to_have_text("read only")
    for name in ("Rename", "Use as template", "Delete", "New configuration"):
        expect(page.get_by_text(name, exact=True)).to_have_count(0)

    main_nav(page).get_by_role("link", name="Connections").click()
    expect(page.get_by_text("Only an admin can add or delete connections.")).to_be_visible()
    expect(page.get_by_label("Floqer API key")).to_have_count(0)
    expect(page.get_by_text("Delete connection", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Browse workflows").click()
    page.get_by_role("link", name=INBOUND).click()
    expect(page.get_by_role("link", name="Open its configuration")).to_be_visible()
    expect(page.get_by_role("button", name="Configure this step")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Add (another )?upsert step"))).to_have_count(
        0
    )

    for path in ("/users", "/audit"):
        page.goto(f"{app.url}{path}")
        expect(page.get_by_role("heading", name="Not allowed", level=1)).to_be_visible()
        expect(page.get_by_role("alert")).to_have_text(
            "Your role (viewer) cannot do this; it needs admin. An admin can change roles on "
            "the Users page."
        )
