"""The field finder (static/finder.js): the object picker and every Field input are comboboxes
over one listbox popup, searched by label, API name and type, used with the keyboard alone
or the mouse, on the large org's 900 Account fields and 1,000+ objects."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    add_row,
    choose_object,
    external_id,
    field_inputs,
    fields_loaded_for,
    object_input,
    open_configuration,
    snapshot,
    tab_to,
    value_inputs,
    violations,
)
from tests.conftest import AppFactory, RunningApp

pytestmark = pytest.mark.browser

ACCOUNT_NAME = re.compile(r"^Account Name · Name · ")
HEALTH_SCORE = "Health Score · Health_Score__c · Formula (Number) · formula: Salesforce computes it"


def options(listbox: Locator) -> Locator:
    return listbox.get_by_role("option")


def option_texts(listbox: Locator) -> list[str]:
    texts: list[str] = options(listbox).all_inner_texts()
    return texts


def highlighted_is(box: Locator, option: Locator) -> None:
    """The option is the one the combobox points at, and the one that looks highlighted."""
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "-")


def test_an_object_and_one_of_900_account_fields_are_found_and_chosen_with_the_keyboard_alone(
    page: Page, start_app: AppFactory
) -> None:
    app = start_app(sandbox={"org": "large"})
    loads: list[str] = []  # the object's fields are loaded once per choice, not again on blur
    page.on("request", lambda r: loads.append(r.url) if "/object-fields" in r.url else None)
    open_configuration(page, app)
    picker = page.get_by_role("combobox", name="Salesforce object")
    expect(picker).to_have_attribute("aria-expanded", "false")
    tab_to(page, picker)

    # The object picker: searched by label, words in any order, over 1,000+ objects.
    objects = page.get_by_role("listbox", name="Objects of the connected org")
    page.keyboard.type("line invoice")
    expect(picker).to_have_attribute("aria-expanded", "true")
    invoice_line = objects.get_by_role("option", name="Invoice Line · Invoice_Line__c", exact=True)
    expect(invoice_line).to_have_count(1)
    for _ in range(option_texts(objects).index("Invoice Line · Invoice_Line__c") + 1):
        page.keyboard.press("ArrowDown")
    highlighted_is(picker, invoice_line)
    snapshot(page, "finder-objects")
    assert violations(page) == [], "finder-objects"
    page.keyboard.press("Enter")
    expect(picker).to_have_value("Invoice_Line__c")  # the label found it; the API name is kept
    fields_loaded_for(page, "Invoice_Line__c")

    # Then the 900-field Account, typed in full: the exact name comes first.
    tab_to(page, picker)
    page.keyboard.press("Control+a")
    page.keyboard.type("Account")
    expect(options(objects).first).to_have_text("Account · Account")
    page.keyboard.press("ArrowDown")
    highlighted_is(picker, options(objects).first)
    page.keyboard.press("Enter")
    expect(objects).to_be_hidden()
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(picker).to_have_value("Account")
    fields_loaded_for(page, "Account")

    # Match rows on an External ID no row maps yet: the pre-flight check says so.
    tab_to(page, external_id(page))
    page.keyboard.type("ERP")  # type-ahead on the closed select
    expect(external_id(page)).to_have_value("ERP_Customer_Number__c")
    checks = page.get_by_role("region", name="Ready to push?")
    expect(checks).to_contain_text("No row maps the External ID field ERP Customer Number")
    assert len(loads) == 2, loads

    # A new row's Field: part of a label, ArrowDown, Enter.
    assert field_inputs(page).evaluate_all("all => all.map(i => i.value)") == ["Name"]
    tab_to(page, page.get_by_role("button", name="Add field"))
    page.keyboard.press("Enter")
    expect(field_inputs(page)).to_have_count(2)
    field = page.get_by_role("combobox", name="Field", exact=True).nth(1)
    tab_to(page, field)  # where "Add field" puts the focus already
    expect(field).to_have_attribute("aria-controls", "finder-listbox")
    expect(field).to_have_accessible_description(re.compile("Alt\\+1 shows only required"))
    fields = page.get_by_role("listbox", name="Fields of Account")
    page.keyboard.type("erp cust")
    expect(options(fields).first).to_have_text(
        "ERP Customer Number · ERP_Customer_Number__c · Text(64)"
    )
    page.keyboard.press("ArrowDown")
    highlighted_is(field, options(fields).first)
    page.keyboard.press("Enter")
    expect(field).to_have_value("ERP_Customer_Number__c")
    expect(fields).to_be_hidden()
    expect(field).to_be_focused()
    # The choice reached the rest of the page: the check ran again on the new row.
    expect(checks).to_contain_text(
        "ERP Customer Number (ERP_Customer_Number__c) is mapped to an empty value"
    )
    expect(checks).not_to_contain_text("No row maps the External ID field")
    expect(page.get_by_text(re.compile(r"^Saved as version"))).to_have_count(0)  # Enter never saves

    # All 900 fields are there, 50 drawn at a time.
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    expect(options(fields)).to_have_count(50)
    expect(page.get_by_text("850 more: keep typing")).to_be_visible()

    # Required (Alt+1): only required fields; Unmapped (Alt+2): not the Name another row maps.
    page.keyboard.type("name")  # 51 fields
    expect(options(fields)).to_have_count(50)
    one_more = page.get_by_text("1 more: keep typing")
    expect(one_more).to_be_visible()
    expect(options(fields).filter(has_text=ACCOUNT_NAME)).to_have_count(1)
    required = page.get_by_role("button", name="Required")
    expect(required).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Alt+1")
    expect(required).to_have_attribute("aria-pressed", "true")
    expect(options(fields)).not_to_have_count(50)
    expect(options(fields).filter(has_text=ACCOUNT_NAME)).to_have_count(1)
    assert all(text.endswith(" · required") for text in option_texts(fields))
    page.keyboard.press("Alt+1")
    expect(required).to_have_attribute("aria-pressed", "false")
    expect(options(fields)).to_have_count(50)
    page.keyboard.press("Alt+2")
    expect(page.get_by_role("button", name="Unmapped")).to_have_attribute("aria-pressed", "true")
    expect(options(fields).filter(has_text=ACCOUNT_NAME)).to_have_count(0)
    expect(options(fields)).to_have_count(50)
    expect(one_more).to_be_hidden()  # the 50 unmapped ones all fit
    page.keyboard.press("Alt+2")
    page.keyboard.press("Alt+3")  # Custom: only fields an org added
    expect(page.get_by_role("button", name="Custom")).to_have_attribute("aria-pressed", "true")
    expect(options(fields).filter(has_text=ACCOUNT_NAME)).to_have_count(0)
    assert all("__c" in text for text in option_texts(fields))
    page.keyboard.press("Alt+3")
    snapshot(page, "finder-fields")
    assert violations(page) == [], "finder-fields"

    # A formula field is listed, greyed, with its reason; Enter on it chooses nothing.
    page.keyboard.press("Control+a")
    page.keyboard.type("health score")
    formula = options(fields).first
    expect(formula).to_have_text(HEALTH_SCORE)
    expect(formula).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("ArrowDown")
    highlighted_is(field, formula)
    page.keyboard.press("Enter")
    expect(field).to_have_value("health score")
    expect(fields).to_be_visible()

    # Escape closes; a second Escape leaves the text as typed.
    page.keyboard.press("Escape")
    expect(fields).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).not_to_have_attribute("aria-activedescendant", re.compile("."))
    page.keyboard.press("Escape")
    expect(field).to_have_value("health score")
    # Alt+ArrowDown opens the list without moving into it; Tab closes it, text as typed.
    page.keyboard.press("Alt+ArrowDown")
    expect(fields).to_be_visible()
    expect(field).not_to_have_attribute("aria-activedescendant", re.compile("."))
    page.keyboard.press("Tab")
    expect(fields).to_be_hidden()
    expect(value_inputs(page).nth(1)).to_be_focused()
    expect(field).to_have_value("health score")


def test_a_field_is_chosen_with_the_mouse_and_the_list_fits_a_phone(
    page: Page, app: RunningApp
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_configuration(page, app)
    choose_object(page, "Contact")
    add_row(page)
    field = field_inputs(page).nth(1)
    expect(field).to_be_focused()
    page.keyboard.type("name")
    fields = page.get_by_role("listbox", name="Fields of Contact")
    expect(fields).to_be_visible()
    box = page.locator(".finder-panel").bounding_box()
    assert box is not None
    assert 0 <= box["x"] <= box["x"] + box["width"] <= 390, box
    snapshot(page, "finder-phone")
    assert violations(page) == [], "finder-phone"

    page.get_by_role("button", name="Required").click()
    expect(page.get_by_role("button", name="Required")).to_have_attribute("aria-pressed", "true")
    expect(field).to_be_focused()  # the popup never takes the focus
    options(fields).filter(has_text=re.compile(r"^Last Name · LastName · ")).click()
    expect(field).to_have_value("LastName")
    expect(fields).to_be_hidden()
    expect(field).to_be_focused()
    # The proposed first row maps LastName already: the check, run again, says so.
    checks = page.get_by_role("region", name="Ready to push?")
    expect(checks).to_contain_text("Last Name (LastName) is already mapped on row 1")


def test_a_typed_api_name_is_kept_as_typed_when_tab_leaves_the_input(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Contact")  # typed in full, then Tab: the picker keeps it
    expect(object_input(page)).to_have_value("Contact")
    add_row(page)
    field = field_inputs(page).nth(1)
    page.keyboard.type("Email")
    fields = page.get_by_role("listbox", name="Fields of Contact")
    expect(options(fields).first).to_have_text(re.compile(r"^Email · Email · Email"))
    page.keyboard.press("Tab")
    expect(fields).to_be_hidden()
    expect(field).to_have_value("Email")
    expect(value_inputs(page).nth(1)).to_be_focused()

    # Part of a name is not completed for the user either.
    tab_to(page, field)
    page.keyboard.press("Control+a")
    page.keyboard.type("Birth")
    expect(options(fields).first).to_have_text(re.compile(r"^Birthdate · Birthdate"))
    page.keyboard.press("Tab")
    expect(field).to_have_value("Birth")

    # Enter with nothing highlighted takes the text as typed, as leaving the box does.
    picker = page.get_by_role("combobox", name="Salesforce object")
    tab_to(page, picker)
    page.keyboard.press("Control+a")
    page.keyboard.type("Lead")
    expect(page.get_by_role("listbox", name="Objects of the connected org")).to_be_visible()
    page.keyboard.press("Enter")
    fields_loaded_for(page, "Lead")
    expect(picker).to_have_value("Lead")
