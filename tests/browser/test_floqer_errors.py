"""Floqer's refusals, shown in the browser where they belong."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import ACCOUNT_SYNC
from tests.browser.conftest import (
    ConsoleWatch,
    choose_object,
    external_id,
    field_inputs,
    field_rows,
    fields_loaded_for,
    fill_rows,
    object_input,
    open_configuration,
    push_anyway,
    snapshot,
    value_inputs,
    violations,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser

OWNER_MESSAGE = "Use an API key of the team member who owns the Salesforce connection."
NO_SHOE_SIZE = "Contact has no field 'Shoe_Size__c'"
BAD_REQUEST = "Floqer did not accept these settings."
ROWS = [
    ("Email", "{{input.email}}"),
    ("Shoe_Size__c", "42"),
    ("FirstName", "Dr. {{input.first_name}}"),
]


def test_a_424_is_said_once_and_the_saved_configuration_stays_readable(
    page: Page, app: RunningApp, console: ConsoleWatch
) -> None:
    # Who-am-I and the action chain are not Salesforce calls, so the 424 key connects and
    # the step is configured; every options call answers 424. The picker keeps the saved
    # object, the fields part keeps the saved rows, and Floqer's refusal is said once.
    open_configuration(page, app, key="floq_sandbox_424", workflow=ACCOUNT_SYNC)

    status = page.locator("#floqer-status")
    expect(status.get_by_role("alert")).to_have_text(re.compile(re.escape(OWNER_MESSAGE)))
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(page.get_by_text(OWNER_MESSAGE)).to_have_count(1)
    expect(object_input(page)).to_have_value("Account")
    expect(object_input(page)).not_to_be_editable()
    expect(external_id(page)).to_have_value("Domain__c")
    expect(field_inputs(page)).to_have_count(4)  # Account sync's four saved rows
    expect(field_inputs(page).first).to_have_value("Domain__c")
    expect(field_inputs(page).first).to_be_editable()
    expect(page.get_by_text("Field details could not be loaded")).to_be_visible()
    snapshot(page, "configuration-424")
    assert violations(page) == [], "configuration-424"


def push_with_a_field_contact_lacks(page: Page, app: RunningApp) -> None:
    open_configuration(page, app)
    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    fill_rows(page, ROWS)
    page.get_by_label("Force update on collision").check()
    page.get_by_label("Ignore empty values").uncheck()
    # The pre-flight check knows Contact has no Shoe_Size__c and holds the push back;
    # "Push anyway" sends it, and Floqer's own 400 is what this test is about.
    push_anyway(page)
    expect(page.get_by_text("Push failed")).to_be_visible()
    fields_loaded_for(page, "Contact")


def test_a_400_is_shown_in_the_row_it_names(page: Page, app: RunningApp) -> None:
    push_with_a_field_contact_lacks(page, app)

    expect(page.get_by_role("alert").filter(has_text="Push failed")).to_contain_text(BAD_REQUEST)
    bad_field = field_inputs(page).nth(1)
    expect(bad_field).to_have_value("Shoe_Size__c")
    expect(bad_field).to_have_attribute("aria-invalid", "true")
    expect(bad_field).to_have_accessible_description(re.compile(re.escape(NO_SHOE_SIZE)))
    # The message sits with the Field input, inside row 2 only.
    row = field_rows(page).nth(1)
    field_control = row.locator(".control").filter(has=page.get_by_label("Field", exact=True))
    expect(field_control.get_by_role("alert")).to_have_text(NO_SHOE_SIZE)
    expect(row).to_contain_text(NO_SHOE_SIZE)
    expect(value_inputs(page).nth(1)).not_to_have_attribute("aria-invalid", "true")
    for other in (0, 2):
        row = field_rows(page).nth(other)
        expect(row.get_by_role("alert")).to_have_count(0)
        expect(row.locator("[aria-invalid]")).to_have_count(0)
    # Once in the form, on its row; the push history names it again, as its record.
    expect(page.locator("#config-form").get_by_text(NO_SHOE_SIZE)).to_have_count(1)
    history = page.get_by_role("table", name="Pushes of this configuration, newest first")
    expect(history).to_contain_text(f"Field row 2 · name: {NO_SHOE_SIZE}")
    snapshot(page, "configuration-push-failed-400")
    assert violations(page) == [], "configuration-push-failed-400"


def test_a_reload_after_a_failed_push_still_shows_the_draft(page: Page, app: RunningApp) -> None:
    push_with_a_field_contact_lacks(page, app)

    page.reload()
    fields_loaded_for(page, "Contact")
    expect(object_input(page)).to_have_value("Contact")
    expect(external_id(page)).to_have_value("Email")
    expect(field_inputs(page)).to_have_count(len(ROWS))
    for i, (name, value) in enumerate(ROWS):
        expect(field_inputs(page).nth(i)).to_have_value(name)
        expect(value_inputs(page).nth(i)).to_have_value(value)
    expect(page.get_by_label("Force update on collision")).to_be_checked()
    expect(page.get_by_label("Ignore empty values")).not_to_be_checked()
    expect(page.get_by_label("Run Salesforce assignment rules")).to_be_checked()
    result = page.get_by_role("alert").filter(has_text="Push failed")
    expect(result).to_contain_text(BAD_REQUEST)
    expect(result).to_contain_text("Your draft is saved; fix it below and push again.")
    expect(field_rows(page).nth(1)).to_contain_text(NO_SHOE_SIZE)
