"""The whole path in a browser: connect, find the step, map it, save, push, pull."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import INBOUND
from tests.browser.conftest import (
    choose_object,
    external_id,
    field_inputs,
    field_rows,
    fields_loaded_for,
    object_input,
    sandbox_inputs,
    snapshot,
    step_path,
    value_inputs,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser

KEY = "floq_browser_test"
EXPECTED_ROWS = [
    {"name": "Email", "value": "{{input.email}}", "label": "Email"},
    {"name": "LastName", "value": "{{input.last_name}}", "label": "LastName"},
    {"name": "FirstName", "value": "Dr. {{input.first_name}}", "label": "FirstName"},
]


def test_a_connection_added_in_the_browser_leads_to_a_pushed_step_that_floqer_holds_exactly(
    page: Page, app: RunningApp
) -> None:
    page.goto(app.url)
    expect(page.get_by_role("heading", name="Saved configurations")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Connections").click()

    page.get_by_label("Label").fill("Browser test")
    page.get_by_label("Floqer API key").fill(KEY)
    page.get_by_role("button", name="Check and add connection").click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    assert KEY not in page.content()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Connections").click()
    expect(page.get_by_role("link", name="Browser test")).to_be_visible()
    assert KEY not in page.content()
    page.get_by_role("link", name="Browser test").click()

    page.get_by_role("link", name=INBOUND).click()
    main_sheet = page.get_by_role("region").filter(has_text="main sheet")
    main_sheet.get_by_role("button", name="Configure this step").click()

    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    field_inputs(page).nth(0).fill("Email")
    value_inputs(page).nth(0).fill("{{input.email}}")

    page.get_by_role("button", name="Add field").click()
    field_inputs(page).nth(1).fill("LastName")
    value_inputs(page).nth(1).click()
    field_rows(page).nth(1).get_by_role("button", name="Insert reference").click()
    page.get_by_role("menu", name="Columns and outputs").get_by_role(
        "menuitem", name="last_name", exact=True
    ).click()
    expect(value_inputs(page).nth(1)).to_have_value("{{input.last_name}}")

    page.get_by_role("button", name="Add field").click()
    field_inputs(page).nth(2).fill("FirstName")
    value_inputs(page).nth(2).fill("Dr. ")
    field_rows(page).nth(2).get_by_role("button", name="Insert reference").click()
    page.get_by_role("menuitem", name="first_name", exact=True).click()
    expect(value_inputs(page).nth(2)).to_have_value("Dr. {{input.first_name}}")
    expect(value_inputs(page).nth(2)).to_be_focused()

    page.get_by_label("Force update on collision").check()
    snapshot(page, "configuration-filled")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()

    fields_loaded_for(page, "Contact")
    expect(object_input(page)).to_have_value("Contact")
    expect(field_inputs(page)).to_have_count(3)
    page.get_by_role("button", name="Push to Floqer").click()
    expect(page.get_by_text("Pushed to Floqer")).to_be_visible()
    fields_loaded_for(page, "Contact")
    snapshot(page, "configuration-pushed")

    assert sandbox_inputs(app, step_path(page)) == {
        "salesforce_object": "Contact",
        "salesforce_external_id_field": "Email",
        "add_fields_and_their_values": EXPECTED_ROWS,
        "force_update_on_collision": True,
        "ignore_empty_values": True,
        "run_salesforce_assignment_rules": True,
    }

    page.get_by_role("button", name="Pull from Floqer").click()
    expect(page.get_by_text("No difference")).to_be_visible()
    assert KEY not in page.content()
