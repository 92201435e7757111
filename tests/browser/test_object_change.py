"""What the form does when the Salesforce object changes under it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    choose_object,
    external_id,
    field_inputs,
    fill_rows,
    object_input,
    open_configuration,
    snapshot,
    value_inputs,
    violations,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def test_an_object_with_none_of_the_fields_sets_every_row_aside_and_starts_from_its_needs(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    fill_rows(page, [("Email", "{{input.email}}"), ("LastName", "{{input.last_name}}")])
    expect(field_inputs(page)).to_have_count(2)

    choose_object(page, "Account")

    expect(object_input(page)).to_have_value("Account")
    expect(external_id(page)).to_have_value("")  # Account has no External ID named Email
    options = external_id(page).locator("option")
    assert options.evaluate_all("all => all.map(o => o.value)") == ["", "Domain__c"]
    note = page.get_by_role("status").filter(has_text="set aside")
    expect(note).to_contain_text("Account has no field for 2 of your rows (Email, LastName)")
    # What Account needs to create a record is proposed in their place.
    expect(field_inputs(page)).to_have_count(1)
    expect(field_inputs(page)).to_have_value("Name")
    expect(value_inputs(page)).to_have_value("")
    expect(page.get_by_role("button", name="Undo the object change")).to_be_visible()
    snapshot(page, "configuration-object-changed")
    assert violations(page) == [], "configuration-object-changed"
