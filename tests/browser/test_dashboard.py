"""The home list's search and filters, with the keyboard alone, at a phone's width too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import ACCOUNT_SYNC, INBOUND, add_connection, start_configuration
from tests.browser.conftest import violations
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def test_search_filter_sort_and_clear_by_keyboard(page: Page, app: RunningApp) -> None:
    with app.signed_in() as web:
        production = add_connection(web)
        start_configuration(web, production, INBOUND)
        staging = add_connection(web, "floq_test_0002", label="Staging")
        start_configuration(web, staging, ACCOUNT_SYNC)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(app.url + "/")
    rows = page.locator("table.configurations tbody tr")
    expect(rows).to_have_count(2)
    status = page.get_by_role("status")
    expect(status).to_have_text("2 configurations.")

    search = page.get_by_label("Search")
    search.focus()
    page.keyboard.type("account sync")
    page.keyboard.press("Enter")  # submits the filters
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Account sync from product DB")
    expect(status).to_have_text("1 of 2 configurations matching “account sync”.")
    expect(page.get_by_label("Search")).to_have_value("account sync")

    page.get_by_label("Search").fill("")
    page.get_by_label("Connection").select_option(label="Production")
    page.get_by_label("Sort by").focus()
    page.keyboard.press("ArrowDown")  # Last change → Last push
    page.get_by_role("button", name="Show").press("Enter")
    expect(status).to_have_text("1 of 2 configurations on connection Production, by last push.")
    expect(rows.first).to_contain_text("Inbound leads")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == []

    page.get_by_role("link", name="Clear filters").press("Enter")
    expect(status).to_have_text("2 configurations.")
    expect(page).to_have_url(app.url + "/")
