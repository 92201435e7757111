"""Each row says what its field is and offers the editor its type calls for, references read
as names, and the form passes axe-core in its states (empty, loaded, with problems)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    choose_object,
    field_inputs,
    field_rows,
    fields_loaded_for,
    fill_rows,
    open_configuration,
    snapshot,
    value_inputs,
    violations,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def row(page: Page, n: int) -> Locator:
    return field_rows(page).nth(n)


def test_rows_describe_their_field_and_offer_the_editor_of_its_type(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Lead")
    fill_rows(
        page,
        [
            ("LastName", "{{input.last_name}}"),
            ("Company", "Acme {{ input.company_name }}"),
            ("Status", ""),
            ("NumberOfEmployees", ""),
            ("HasOptedOutOfEmail", ""),
            ("Name", ""),
            ("Title", "x" * 130),
        ],
    )
    # What each field is, by label, API name and type.
    expect(row(page, 0)).to_contain_text("Last Name · LastName · Text(80) · required")
    expect(row(page, 5)).to_contain_text("Full Name · Name · Text(121) · read-only")
    # References read as the column or output they name; the stored value stays the token.
    expect(row(page, 0).locator(".chip")).to_have_text("Input columns › last_name")
    expect(row(page, 1).locator(".value-chips")).to_contain_text("Acme")
    expect(row(page, 1).locator(".chip")).to_have_text("Input columns › company_name")
    expect(value_inputs(page).nth(1)).to_have_value("Acme {{ input.company_name }}")
    value_inputs(page).nth(0).fill("{{input.nope}}")
    expect(row(page, 0).locator(".chip.unknown")).to_contain_text("not a column or output")

    # A restricted picklist offers its values (a datalist), and says it takes no other.
    status = value_inputs(page).nth(2)
    expect(row(page, 2)).to_contain_text("One of its 4 values only")
    values = page.locator(f"datalist#{status.get_attribute('list')} option")
    assert values.evaluate_all("all => all.map(o => o.value)")[:2] == [
        "Open - Not Contacted",
        "Working - Contacted",
    ]
    # Numbers get a numeric keyboard, checkboxes true/false.
    expect(value_inputs(page).nth(3)).to_have_attribute("inputmode", "decimal")
    checkbox_list = value_inputs(page).nth(4).get_attribute("list")
    options = page.locator(f"datalist#{checkbox_list} option")
    assert options.evaluate_all("all => all.map(o => o.value)")[:2] == ["true", "false"]
    expect(value_inputs(page).nth(4)).to_have_accessible_description(re.compile("true or false"))
    # Text counts its characters against the field's length.
    expect(row(page, 6).locator(".value-count")).to_have_text("130 / 128 characters")
    expect(row(page, 6).locator(".value-count")).to_have_class(re.compile("over"))
    snapshot(page, "row-helpers")


def test_a_date_field_gets_a_date_picker_that_writes_salesforce_s_format(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Contact")
    fill_rows(page, [("LastName", "{{input.last_name}}"), ("Birthdate", "")])
    picker = row(page, 1).get_by_label("Pick a date")
    picker.fill("1990-04-30")
    expect(value_inputs(page).nth(1)).to_have_value("1990-04-30")
    # The Value still takes a reference instead.
    value_inputs(page).nth(1).fill("{{input.attended_at}}")
    expect(value_inputs(page).nth(1)).to_have_value("{{input.attended_at}}")


def test_the_form_has_no_axe_violations_empty_loaded_and_with_problems(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    ready = page.get_by_role("region", name="Ready to push?")
    expect(ready).not_to_contain_text("Checking")
    assert violations(page) == [], "empty form"

    choose_object(page, "Lead")
    page.get_by_role("button", name="Suggest mappings").click()
    expect(page.get_by_role("group", name="Suggested mappings")).to_be_visible()
    page.get_by_text("Paste mappings").click()
    assert violations(page) == [], "loaded, with suggestions and paste open"

    fill_rows(page, [("Status", "Hot lead"), ("NumberOfEmployees", "lots"), ("Nope__c", "1")])
    expect(ready).to_contain_text("Salesforce would refuse on every row")
    expect(row(page, 1).get_by_role("listitem").first).to_be_visible()
    row(page, 0).get_by_role("button", name="Insert reference").click()
    expect(page.get_by_role("menu", name="Columns and outputs")).to_be_visible()
    assert violations(page) == [], "with problems and the reference menu open"

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == [], "at 390 px"
    snapshot(page, "form-390px")


def test_labels_typed_for_an_object_or_a_field_become_their_api_names(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    box = page.get_by_label("Salesforce object")
    box.fill("product usage event")  # the label, in any case
    box.press("Tab")
    expect(box).to_have_value("Product_Usage_Event__c")
    fields_loaded_for(page, "Product_Usage_Event__c")
    expect(page.get_by_role("region", name="Ready to push?")).not_to_contain_text("no object")

    choose_object(page, "Lead")
    field = field_inputs(page).first
    field.fill("last name")  # the finder lists fields by label too: Enter takes the API name
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value("LastName")
    expect(row(page, 0)).to_contain_text("Last Name · LastName · Text(80)")


def test_a_multi_select_picklist_is_chosen_with_boxes_joined_by_semicolons(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Lead")
    fill_rows(page, [("Product_Interest__c", "{{input.plan}}")])
    last = row(page, 0)
    last.get_by_text("Choose values").click()
    last.get_by_label("Intent Signals", exact=True).check()
    last.get_by_label("Data Enrichment", exact=True).check()
    expect(value_inputs(page).nth(0)).to_have_value("Data Enrichment;Intent Signals;{{input.plan}}")
    last.get_by_label("Data Enrichment", exact=True).uncheck()
    expect(value_inputs(page).nth(0)).to_have_value("Intent Signals;{{input.plan}}")
