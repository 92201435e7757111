"""Rows the user does not type one by one: proposed essentials, Suggest mappings, Paste
mappings, and what the form keeps when the object changes (with Undo)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    choose_object,
    external_id,
    field_inputs,
    fill_rows,
    object_input,
    open_configuration,
    sandbox_inputs,
    snapshot,
    step_path,
    value_inputs,
    violations,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


class Actions:
    """Counts what the user does (a click, or typing into one box and leaving it)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def test_the_seed_example_is_built_with_suggest_mappings_and_pushed_in_at_most_8_actions(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)  # the unconfigured "Upsert to Salesforce" of Inbound leads
    act = Actions()

    act()
    choose_object(page, "Account")  # type "Account", leave the box
    # The object's essentials are proposed at once: Account needs a Name to be created.
    expect(field_inputs(page)).to_have_count(1)
    expect(field_inputs(page).nth(0)).to_have_value("Name")
    # Focus went on to the next thing to choose.
    expect(external_id(page)).to_be_focused()

    act()
    page.get_by_role("button", name="Suggest mappings").click()
    suggested = page.get_by_role("group", name="Suggested mappings")
    expect(suggested).to_be_focused()
    expect(suggested.get_by_label("Match rows on Domain__c (External ID field)")).to_be_checked()
    name = "Account Name (Name) ← Input columns › company_name · fills its empty row"
    expect(suggested.get_by_label(name, exact=True)).to_be_checked()
    expect(suggested.get_by_label("Website (Website) ← Input columns › domain")).to_be_checked()
    snapshot(page, "mapping-suggestions")
    assert violations(page) == [], "mapping-suggestions"

    act()
    page.get_by_role("button", name="Add the ticked mappings").click()
    expect(page.get_by_role("status").filter(has_text="From the suggestions")).to_be_focused()
    expect(external_id(page)).to_have_value("Domain__c")
    names = field_inputs(page).evaluate_all("all => all.map(i => i.value)")
    assert names[0] == "Name"
    assert {"Domain__c", "Website"} <= set(names)
    expect(value_inputs(page).nth(0)).to_have_value("{{input.company_name}}")
    # Nothing is saved yet: the preview shows the draft a push would send, marked so.
    draft = page.get_by_label("Draft request body, not saved")
    expect(draft).to_contain_text('"salesforce_external_id_field": "Domain__c"')
    ready = page.get_by_role("region", name="Ready to push?")
    expect(ready).to_contain_text("Nothing Salesforce would refuse on every row")
    push = page.get_by_role("button", name=re.compile("^Push to Floqer"))
    expect(push).to_be_enabled()

    act()
    push.click()
    expect(page.get_by_text("Pushed to Floqer")).to_be_visible()
    assert act.count <= 8

    held = sandbox_inputs(app, step_path(page))
    assert held["salesforce_object"] == "Account"
    assert held["salesforce_external_id_field"] == "Domain__c"
    values = {row["name"]: row["value"] for row in held["add_fields_and_their_values"]}
    assert values["Domain__c"] == "{{input.domain}}"
    assert values["Name"] == "{{input.company_name}}"
    assert values["Website"] == "{{input.domain}}"


def test_pasted_lines_become_rows_and_a_line_that_cannot_be_read_loses_nothing(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Lead")
    page.get_by_text("Paste mappings").click()
    box = page.get_by_label("Mappings to paste, one per line")
    text = "Last Name=Smith\nCompany\t{{input.company_name}}\njust a field\n"
    box.fill(text)
    page.get_by_role("button", name="Add pasted rows").click()

    expect(page.get_by_role("alert").filter(has_text="Line 3")).to_contain_text("just a field")
    expect(box).to_have_value(text)
    # Nothing was applied: the rows are the ones Lead proposed, still without values.
    assert field_inputs(page).evaluate_all("all => all.map(i => i.value)") == [
        "LastName",
        "Company",
    ]
    assert value_inputs(page).evaluate_all("all => all.map(i => i.value)") == ["", ""]

    box.fill(
        "Field\tValue\nLast Name=Smith\nCompany\t{{input.company_name}}\nEmail = {{input.email}}"
    )
    page.get_by_role("button", name="Add pasted rows").click()
    notice = page.get_by_role("status").filter(has_text="From the pasted lines")
    expect(notice).to_contain_text("added 1 row and set the value of 2 existing rows")
    rows = dict(
        zip(
            field_inputs(page).evaluate_all("all => all.map(i => i.value)"),
            value_inputs(page).evaluate_all("all => all.map(i => i.value)"),
            strict=True,
        )
    )
    assert rows["LastName"] == "Smith"  # the label was read as the field it names
    assert rows["Company"] == "{{input.company_name}}"
    assert rows["Email"] == "{{input.email}}"
    expect(page.get_by_label("Mappings to paste, one per line")).to_have_value("")


def test_changing_the_object_keeps_the_rows_it_can_and_undo_brings_back_the_rest(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    fill_rows(page, [("Email", "{{input.email}}"), ("Title", "VP"), ("Birthdate", "1990-01-01")])

    choose_object(page, "Lead")  # Lead has Email and Title, not Birthdate
    note = page.get_by_role("status").filter(has_text="set aside")
    expect(note).to_contain_text("Lead has no field for 1 of your rows (Birthdate)")
    assert field_inputs(page).evaluate_all("all => all.map(i => i.value)") == ["Email", "Title"]
    expect(external_id(page)).to_have_value("Email")  # Lead's Email is an External ID too
    snapshot(page, "object-changed-rows-set-aside")
    assert violations(page) == [], "object-changed-rows-set-aside"

    page.get_by_role("button", name="Undo the object change").click()
    expect(object_input(page)).to_have_value("Contact")
    expect(page.locator("#fields-help")).to_contain_text("Each row sets one Contact field")
    assert field_inputs(page).evaluate_all("all => all.map(i => i.value)") == [
        "Email",
        "Title",
        "Birthdate",
    ]
    expect(value_inputs(page).nth(2)).to_have_value("1990-01-01")
    expect(external_id(page)).to_have_value("Email")


def test_enter_in_a_value_never_saves_and_add_field_puts_the_cursor_in_the_new_row(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    choose_object(page, "Lead")
    value_inputs(page).nth(0).fill("Smith")
    value_inputs(page).nth(0).press("Enter")
    page.get_by_role("button", name="Add field").click()
    expect(field_inputs(page).last).to_be_focused()
    page.keyboard.type("Company")
    expect(field_inputs(page).last).to_have_value("Company")
    expect(page.get_by_text(re.compile(r"^Saved as version"))).to_have_count(0)
    expect(page.get_by_text("v1 ·", exact=False)).to_be_visible()
