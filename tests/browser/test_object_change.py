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
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def test_changing_the_object_clears_the_external_id_field_and_the_field_rows(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    fill_rows(page, [("Email", "{{input.email}}"), ("LastName", "{{input.last_name}}")])
    expect(field_inputs(page)).to_have_count(2)

    choose_object(page, "Lead")

    expect(object_input(page)).to_have_value("Lead")
    expect(external_id(page)).to_have_value("")
    options = external_id(page).locator("option")
    assert options.evaluate_all("all => all.map(o => o.value)") == ["", "Email", "Floqer_Id__c"]
    expect(field_inputs(page)).to_have_count(1)
    expect(field_inputs(page)).to_have_value("")
    expect(value_inputs(page)).to_have_value("")
    snapshot(page, "configuration-object-changed")
