"""An admin's reset and the new password chosen at the next sign-in, then a change of your
own password, with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import tab_to, violations
from tests.conftest import TEST_PASSWORD, RunningApp

pytestmark = pytest.mark.browser

EDITOR = "editor@acme.example"
CHOSEN = "a new passphrase for the editor"
CHANGED = "and another one after that"


def test_a_reset_by_an_admin_then_a_change_on_the_account_page_by_keyboard(
    page: Page, app: RunningApp, browser: Browser
) -> None:
    app.add_user(EDITOR, "editor", "editor-token-not-a-secret-0123456789")
    page.goto(f"{app.url}/users")
    row = page.locator("tr", has_text=EDITOR)
    disclosure = row.get_by_text("Require a new password", exact=True)
    tab_to(page, disclosure)
    page.keyboard.press("Enter")
    button = row.get_by_role("button", name="Sign out and require a new password")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("the next sign-in asks for a new password")
    expect(page.locator("tr", has_text=EDITOR)).to_contain_text("new password required")

    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        tab = context.new_page()
        tab.goto(f"{app.url}/login")
        tab.get_by_label("Email").focus()
        tab.keyboard.type(EDITOR)
        tab.keyboard.press("Tab")
        tab.keyboard.type(TEST_PASSWORD)
        tab.keyboard.press("Enter")
        expect(tab.get_by_role("heading", name="Choose a new password")).to_be_visible()
        expect(tab.get_by_label("New password", exact=True)).to_be_focused()
        assert violations(tab) == []
        tab.keyboard.type("short")
        tab.keyboard.press("Tab")
        tab.keyboard.type("short")
        tab.keyboard.press("Enter")
        expect(tab.get_by_role("alert")).to_contain_text("A password needs 12 to 256 characters")
        tab.get_by_label("New password", exact=True).fill(CHOSEN)
        tab.get_by_label("New password again").fill(CHOSEN)
        tab.get_by_label("New password again").press("Enter")
        expect(tab).to_have_url(f"{app.url}/account?notice=password")
        expect(tab.get_by_role("status").first).to_contain_text("Password changed.")

        tab_to(tab, tab.get_by_label("Current password"))
        tab.keyboard.type(CHOSEN)
        tab.keyboard.press("Tab")
        tab.keyboard.type(CHANGED)
        tab.keyboard.press("Tab")
        expect(tab.get_by_label("New password again")).to_be_focused()
        tab.keyboard.type(CHANGED)
        tab.keyboard.press("Enter")
        expect(tab.get_by_role("status").first).to_contain_text("Password changed.")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        assert violations(tab) == []
    finally:
        context.close()
