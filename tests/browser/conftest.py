"""Browser fixtures: one chromium for the session, a fresh context per test that fails the test
on any console error or uncaught page error, and walks through the app shared by the tests."""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.app.flows import INBOUND, add_connection, start_configuration
from tests.conftest import SESSION_TOKEN, RunningApp

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"  # gitignored
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Auto-waiting assertions wait up to 10 s: the app calls the sandbox behind every fragment.
expect.set_options(timeout=10_000)

# Console errors that never mean the app is broken. Each entry: (pattern, why it is harmless).
# Kept empty on purpose: every page of the app loads without a single console error, so any
# error is news. A test that provokes an error answer on purpose lists what it expects with
# `console.expect(...)` instead (see ConsoleWatch).
KNOWN_HARMLESS: list[tuple[re.Pattern[str], str]] = []

# What is logged when a fragment is answered with an error status on purpose (the app answers
# a failed Floqer call with its error block and status 502): htmx 2 reports every error
# answer (responseHandling "[45]..", error: true) with console.error, as "Response Status
# Error Code 502 from /…", before it swaps the error block in as the app asks; chromium logs
# the same answer as a failed resource (it may or may not reach us before the test ends).
FRAGMENT = r"/configurations/\d+/fragments/"
ERROR_ANSWER_LOGS = (
    rf"^Response Status Error Code \d{{3}} from {FRAGMENT}",
    rf"^Failed to load resource: the server responded with a status of \d{{3}} .*"
    rf"\(http://127\.0\.0\.1:\d+{FRAGMENT}[^)]*\)$",
)


@dataclass
class ConsoleWatch:
    """Console errors and uncaught page errors of one test."""

    errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    expected: list[re.Pattern[str]] = field(default_factory=list)
    # Set when the test body has ended: what the page logs afterwards comes from fixtures
    # tearing down (the app server stops before the tab closes, so a request still in flight,
    # e.g. a debounced pre-flight check, fails to connect), not from the app.
    closed: bool = False

    def expect(self, *patterns: str) -> None:
        """Errors this test provokes on purpose (say why where it is called)."""
        self.expected += [re.compile(p) for p in patterns]

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not self.closed:
            where = message.location.get("url", "")
            self.errors.append(f"{message.text} ({where})" if where else message.text)

    def on_page_error(self, error: Error) -> None:
        if not self.closed:
            self.page_errors.append(f"{error.name}: {error.message}")

    def unexpected(self) -> list[str]:
        allowed = [p for p, _ in KNOWN_HARMLESS] + self.expected
        console = [e for e in self.errors if not any(p.search(e) for p in allowed)]
        return [f"console error: {e}" for e in console] + [
            f"uncaught page error: {e}" for e in self.page_errors
        ]


REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so `page` knows at teardown if the test failed;
    once the test body has ended, its console watch stops listening."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    funcargs = getattr(item, "funcargs", {})
    watch, tab = funcargs.get("console"), funcargs.get("page")
    if report.when == "call" and isinstance(watch, ConsoleWatch):
        if isinstance(tab, Page):
            with suppress(Error):  # one round trip delivers what the page logged until now
                tab.evaluate("0")
        watch.closed = True
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


def _artifact_name(item: pytest.Item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)[:120]


@pytest.fixture
def page(browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest) -> Iterator[Page]:
    # Signed in as the admin of every app the test starts (see tests/conftest.py).
    with signed_in_tab(browser, console, request, SESSION_TOKEN) as tab:
        yield tab


@contextmanager
def signed_in_tab(
    browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest, token: str
) -> Iterator[Page]:
    """A tab in a context of its own (a separate browser, as far as the app can tell) with
    the session `token`; on failure it leaves a screenshot, and console errors fail the test."""
    context = signed_in_context(browser, token)
    try:
        with watched(context.new_page(), console, request, token) as tab:
            yield tab
    finally:
        context.close()


def signed_in_context(browser: Browser, token: str) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "session", "value": token, "domain": "127.0.0.1", "path": "/"}])
    return context


@contextmanager
def watched(
    tab: Page, console: ConsoleWatch, request: pytest.FixtureRequest, token: str
) -> Iterator[Page]:
    """`tab` for one test: its console errors and uncaught errors fail the test, and a failed
    test leaves a screenshot of it."""
    tab.on("console", console.on_console)
    tab.on("pageerror", console.on_page_error)
    try:
        yield tab
    finally:
        tab.remove_listener("console", console.on_console)
        tab.remove_listener("pageerror", console.on_page_error)
    reports = request.node.stash.get(REPORTS, {})
    if any(report.failed for report in reports.values()):
        ARTIFACTS.mkdir(exist_ok=True)
        with suppress(Error):  # the page may be gone; the failure itself says what happened
            name = f"{_artifact_name(request.node)}-{token[:6]}.png"
            tab.screenshot(path=ARTIFACTS / name, full_page=True)
    problems = console.unexpected()
    if problems:
        pytest.fail("the page logged errors:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def module_tab(browser: Browser) -> Iterator[Page]:
    """One signed-in tab for a whole module, for tests that each open a page of their own and
    share nothing else (a new tab costs chromium a renderer process, ~0.5 s of CPU). A module
    opts in by overriding `page` with `shared_page` (see test_preflight_rules.py)."""
    context = signed_in_context(browser, SESSION_TOKEN)
    yield context.new_page()
    context.close()


@contextmanager
def shared_page(tab: Page, console: ConsoleWatch, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The module's tab for one test, watched as a tab of its own would be; left on a blank
    page afterwards, so nothing of this test's page (a debounced request) reaches the next."""
    with watched(tab, console, request, SESSION_TOKEN):
        yield tab
    with suppress(Error):
        tab.goto("about:blank")


def snapshot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/screens/, to look at by eye."""
    path = ARTIFACTS / "screens" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret leaves style="" on every input, which htmx then copies
    # onto the swapped-in rows, and the strict CSP reports it as an inline style.
    page.screenshot(path=path, full_page=True, caret="initial")
    return path


def violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


# --- walks through the app -------------------------------------------------------------------


def open_configuration(
    page: Page, app: RunningApp, key: str = "floq_browser_0001", workflow: str = INBOUND
) -> int:
    """Add a connection and start a configuration over HTTP, then open its page."""
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web, key), workflow)
    page.goto(f"{app.url}/configurations/{config}")
    return config


def object_input(page: Page) -> Locator:
    return page.get_by_label("Salesforce object")


def external_id(page: Page) -> Locator:
    return page.get_by_label("External ID field")


def field_inputs(page: Page) -> Locator:
    return page.get_by_label("Field", exact=True)


def value_inputs(page: Page) -> Locator:
    return page.get_by_label("Value", exact=True)


def field_rows(page: Page) -> Locator:
    """Each field mapping is a fieldset whose (visually hidden) legend is "Field mapping"."""
    return page.get_by_role("group", name="Field mapping", exact=True)


def fields_loaded_for(page: Page, obj: str) -> None:
    expect(page.locator("#fields-help")).to_contain_text(f"Each row sets one {obj} field")


def choose_object(page: Page, obj: str) -> None:
    """Type the object into the datalist input; leaving it fires `change`, which loads fields."""
    box = object_input(page)
    box.fill(obj)
    box.press("Tab")
    fields_loaded_for(page, obj)


def add_row(page: Page) -> None:
    count = field_inputs(page).count()
    button = page.get_by_role("button", name="Add field")
    try:
        with page.expect_response(re.compile(r"/fragments/field-row$"), timeout=5_000):
            button.click()
    except PlaywrightTimeout:
        # Seen once on a loaded machine: the click reached no handler and no request went
        # out. A second click is what a person would do; a real failure still fails below.
        button.click()
    expect(field_inputs(page)).to_have_count(count + 1)
    # The app moves focus to the new row once it has settled: typing before that would go
    # to the button (seen on a loaded machine).
    expect(field_inputs(page).nth(count)).to_be_focused()


def fill_rows(page: Page, rows: list[tuple[str, str]]) -> None:
    """Fill the rows in order, adding a row with "Add field" whenever one is missing."""
    for i, (name, value) in enumerate(rows):
        if field_inputs(page).count() <= i:
            add_row(page)
        field_inputs(page).nth(i).fill(name)
        value_inputs(page).nth(i).fill(value)


def push_anyway(page: Page) -> None:
    """Push past the pre-flight check's errors, as a user who knows better does: open
    "Push anyway…" and confirm (for tests about what Floqer itself answers)."""
    expect(page.get_by_role("button", name="Push to Floqer")).to_be_disabled()
    confirm = page.get_by_role("button", name="Push anyway, with the problems")
    # A re-check still on its way after the last keystroke may redraw the bar while the click
    # is landing (seen once on a loaded machine): a person clicks again, so does the test.
    for _ in range(3):
        if confirm.is_visible():
            break
        page.get_by_text("Push anyway…").click()
        try:
            expect(confirm).to_be_visible(timeout=3_000)
        except AssertionError:
            continue
    confirm.click()


def step_path(page: Page) -> str:
    """The Floqer path of the step the configuration page is about, read off its curl command."""
    curl = page.locator("#curl-command").inner_text()
    match = re.search(r"/api/v1(/workflows/\S+?)'? \\", curl)
    assert match, curl
    return match.group(1)


def sandbox_inputs(app: RunningApp, path: str) -> dict[str, Any]:
    """The inputs (name → configured value) the sandbox holds for the step at `path`."""
    with app.sandbox_api() as api:
        action = api.get(path).json()["data"]
    return {i["name"]: i["value"] for i in action["inputs"] if "value" in i}


def configure_patches(app: RunningApp) -> dict[str, int]:
    calls: dict[str, int] = app.sandbox_calls()["by_call"]
    return {call: n for call, n in calls.items() if call.startswith("PATCH ")}


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Move the focus to `target` with Tab (or Shift+Tab when it lies behind the focus) only."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        behind = target.evaluate(
            """el => {
                const now = document.activeElement;
                if (!now || now === document.body) return false;
                return !!(el.compareDocumentPosition(now) & Node.DOCUMENT_POSITION_FOLLOWING);
            }"""
        )
        page.keyboard.press("Shift+Tab" if behind else "Tab")
    raise AssertionError(f"{target} cannot be reached with the keyboard")
