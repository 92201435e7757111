"""Every page at a phone's width and a laptop's: nothing wider than the window, no axe-core
violation, and the header's links folded under a Menu button that works by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.flows import CONTACT_ROWS, form_fields
from tests.browser.conftest import ConsoleWatch, signed_in_context, snapshot, violations, watched
from tests.conftest import SESSION_TOKEN, RunningApp
from tests.security.helpers import ROUTES, World, build_world

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
NOT_PAGES = ("/healthz", "/fragments/empty", "/audit.jsonl", "/export")


@pytest.fixture
def world(app: RunningApp) -> World:
    """An app with a user of every role, a connection and a configuration that maps Contact
    (so its page shows rows), and an audit log with what that took."""
    world = build_world(app)
    config = world.params["configuration_id"]
    with app.signed_in() as web:
        fields = form_fields("Contacts from the inbound sheet", "Contact", "Email", CONTACT_ROWS)
        saved = web.post(f"/configurations/{config}/save", data=fields)
        assert saved.status_code == 303, saved.text
    return world


def page_urls(world: World) -> list[str]:
    """Every whole page a signed-in admin can open, with real ids in its path."""
    urls = [
        route.url(world.params)
        for route in ROUTES
        if route.method == "GET"
        and route.kind == "api"
        and not route.fragment
        and not route.path.endswith(NOT_PAGES)
    ]
    with world.app.signed_in() as web:
        answers = {url: web.get(url) for url in urls}
    # A whole page, not one of the fragments htmx asks for outside /fragments/ (a state
    # line, the test-run panel): those are checked inside the pages that load them.
    return [url for url, answer in answers.items() if answer.text.startswith("<!doctype html>")]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_window_and_passes_axe(
    browser: Browser,
    console: ConsoleWatch,
    request: pytest.FixtureRequest,
    world: World,
    width: int,
) -> None:
    urls = page_urls(world)
    assert len(urls) >= 10, urls  # the walk found the pages, not an empty list
    context = signed_in_context(browser, SESSION_TOKEN)
    try:
        with watched(context.new_page(), console, request, SESSION_TOKEN) as tab:
            tab.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
            problems = []
            for url in urls:
                tab.goto(world.app.url + url)
                tab.wait_for_load_state("networkidle")
                wide, window = tab.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth]"
                )
                if wide > window:
                    problems.append(f"{url}: {wide} px wide in a {window} px window")
                if url == "/api/docs":  # Swagger UI renders after the load
                    tab.locator(".opblock").first.wait_for()
                problems += [f"{url}: {v}" for v in violations(tab)]
                if url in ("/", "/users", "/audit"):
                    snapshot(tab, f"{url.strip('/') or 'home'}-{width}px")
            assert problems == [], "\n".join(problems)
    finally:
        context.close()


def test_the_menu_opens_and_closes_by_keyboard_on_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(world.app.url + "/")
    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(links).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.get_by_role("link", name="Connections")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.keyboard.press("Tab")  # into the menu: its first link
    expect(links.get_by_role("link", name="Configurations")).to_be_focused()

    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(links).to_be_hidden()

    page.keyboard.press("Enter")
    links.get_by_role("link", name="Connections").click()
    expect(page).to_have_url(world.app.url + "/connections")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_on_a_laptop_the_links_show_and_there_is_no_menu_button(page: Page, world: World) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(world.app.url + "/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Configurations", "Connections", "Users", "Audit log"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
