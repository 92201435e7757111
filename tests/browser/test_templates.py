"""A configuration used as a template for another step, picked in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import CONTACT_ROWS, INBOUND
from tests.browser.conftest import (
    choose_object,
    external_id,
    field_inputs,
    fields_loaded_for,
    fill_rows,
    object_input,
    open_configuration,
    snapshot,
    value_inputs,
    violations,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def test_a_configuration_starts_another_steps_configuration_as_a_template(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    page.get_by_label("Configuration name").fill("Inbound contacts")
    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    fill_rows(page, CONTACT_ROWS)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()

    page.get_by_role("link", name="Use as template for another step").click()
    banner = page.get_by_role("status").filter(has_text="Choosing the step that starts from")
    expect(banner).to_contain_text("Inbound contacts (version 2)")
    page.get_by_role("link", name=INBOUND).click()
    expect(banner).to_be_visible()
    # Its own step already has a configuration; the other sheet's step is offered.
    main_sheet = page.get_by_role("region", name=re.compile("^Inbound leads"))
    expect(main_sheet.get_by_role("link", name="Open its configuration")).to_be_visible()
    expect(main_sheet.get_by_role("button", name="Use the template here")).to_have_count(0)
    webinar = page.get_by_role("region", name="Webinar attendees")
    snapshot(page, "template-pick")
    assert violations(page) == [], "template-pick"
    webinar.get_by_role("button", name="Use the template here").click()

    expect(page.get_by_text("Started from a template")).to_be_visible()
    fields_loaded_for(page, "Contact")
    expect(object_input(page)).to_have_value("Contact")
    expect(external_id(page)).to_have_value("Email")
    expect(field_inputs(page)).to_have_count(len(CONTACT_ROWS))
    for i, (name, value) in enumerate(CONTACT_ROWS):
        expect(field_inputs(page).nth(i)).to_have_value(name)
        expect(value_inputs(page).nth(i)).to_have_value(value)
    expect(page.get_by_text(re.compile(r"^v1 · .* › Webinar attendees › "))).to_be_visible()
