"""Connections show their health in the browser, Check now works by keyboard, and the workflow
page shows the sheet on a phone: no horizontal scroll, no axe-core violation."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import INBOUND, add_connection, workflow_url
from tests.browser.conftest import snapshot, tab_to, violations
from tests.conftest import RunningApp
from tests.support import TLS

pytestmark = pytest.mark.browser

KEY = "floq_browser_health_0001"


def fits_the_window(page: Page) -> bool:
    wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return bool(wide <= window)


def test_check_now_by_keyboard_says_the_new_state_where_it_is_announced(
    page: Page, app: RunningApp
) -> None:
    with app.signed_in() as web:
        connection = add_connection(web, KEY, label="RevOps production")
    page.goto(f"{app.url}/connections")
    health = page.locator(f"#health-{connection}")
    expect(health).to_have_attribute("aria-live", "polite")
    # Never checked: the page checks it after it has loaded.
    expect(health).to_contain_text("Working")
    expect(health).to_contain_text("Floqer user Alex Morgan (alex.morgan@acme.example)")
    assert violations(page) == []

    httpx.post(f"{app.sandbox_url}/_sandbox/revoked-keys", json={"api_key": KEY}, verify=TLS)
    button = page.locator(f"#connection-{connection}").get_by_role("button", name="Check now")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(health).to_contain_text("Key refused")
    expect(health).to_contain_text("the key was revoked or lacks access")
    expect(button).to_be_focused()  # the focus stays where the person pressed
    snapshot(page, "connections-key-refused")
    assert violations(page) == []
    assert KEY not in page.content()


@pytest.mark.parametrize("width", [390, 1366])
def test_the_workflow_page_shows_columns_and_chain_and_fits_the_window(
    page: Page, app: RunningApp, width: int
) -> None:
    with app.signed_in() as web:
        url = workflow_url(web, add_connection(web, KEY), INBOUND)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.goto(app.url + url)
    main_sheet = page.locator("section.sheet").first
    columns = main_sheet.get_by_role("table")
    expect(columns.get_by_role("row")).to_have_count(7)  # the head and six columns
    expect(columns).to_contain_text("employee_count")
    steps = main_sheet.locator("ol.chain > li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("Enrich company")
    expect(steps.nth(1)).to_contain_text("Upsert to Salesforce")
    expect(steps.nth(1)).to_contain_text("Not configured here")
    expect(steps.nth(1).get_by_role("button", name="Configure this step")).to_be_visible()
    assert fits_the_window(page), f"wider than {width} px"
    snapshot(page, f"workflow-{width}px")
    assert violations(page) == []


def test_the_connections_page_fits_a_phone_with_its_health_and_check_now(
    page: Page, app: RunningApp
) -> None:
    with app.signed_in() as web:
        add_connection(web, KEY, label="A label long enough to wrap on a phone, and then some")
        add_connection(web, "floq_sandbox_noconnection", label="No Salesforce")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app.url}/connections")
    expect(page.locator(".health").nth(1)).to_contain_text("Salesforce not connected in Floqer")
    expect(page.get_by_role("button", name="Check now")).to_have_count(2)
    assert fits_the_window(page)
    snapshot(page, "connections-390px")
    assert violations(page) == []
