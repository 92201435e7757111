"""The configuration page with the keyboard alone, and a label on every control."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import (
    external_id,
    field_inputs,
    field_rows,
    fields_loaded_for,
    object_input,
    open_configuration,
    sandbox_inputs,
    step_path,
    tab_to,
    value_inputs,
)
from tests.browser.test_full_path import EXPECTED_ROWS
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser

# The first line of a control's aria snapshot: `- role "accessible name"…`.
ROLE_AND_NAME = re.compile(r'^- (?P<role>[\w-]+)(?: "(?P<name>(?:[^"\\]|\\.)*)")?')
CONTROLS = "input:visible, select:visible, textarea:visible, button:visible"


def accessible_names_problems(page: Page) -> list[str]:
    """Every visible control without a name, or whose name is not its own <label>'s text.
    A part of the page redrawn while it is read (the pre-flight panel checks again 300 ms
    after a change) can take a control away under the reading: then it is read again."""
    for _ in range(2):
        try:
            return _names_problems(page, timeout=3_000)
        except PlaywrightTimeout:
            continue
    return _names_problems(page, timeout=10_000)


def _names_problems(page: Page, timeout: float) -> list[str]:
    problems = []
    controls = page.locator(CONTROLS)
    for i in range(controls.count()):
        control = controls.nth(i)
        match = ROLE_AND_NAME.match(control.aria_snapshot(timeout=timeout))
        name = (match.group("name") or "") if match else ""
        described = control.evaluate(
            """el => ({
                tag: el.tagName.toLowerCase(),
                id: el.id,
                ariaLabel: el.getAttribute("aria-label"),
                labels: el.labels ? Array.from(el.labels, l => l.textContent.trim()) : [],
                text: el.textContent.trim(),
            })""",
            timeout=timeout,
        )
        what = f"{described['tag']}#{described['id']} ({match and match.group('role')})"
        if not name.strip():
            problems.append(f"{what} has no accessible name")
        elif described["tag"] == "button":
            if name != described["text"]:
                problems.append(f"{what} is named {name!r}, not by its text")
        elif described["ariaLabel"] is not None or described["labels"] != [name]:
            problems.append(f"{what} is named {name!r}, not by one <label>: {described}")
    return problems


def test_the_whole_path_from_the_configuration_page_on_works_with_the_keyboard_alone(
    page: Page, app: RunningApp
) -> None:
    open_configuration(page, app)
    expect(object_input(page)).to_be_visible()

    tab_to(page, object_input(page))
    page.keyboard.type("Contact")
    page.keyboard.press("Tab")  # leaving the input fires `change`: the fields load
    fields_loaded_for(page, "Contact")

    tab_to(page, external_id(page))
    page.keyboard.type("Em")  # type-ahead on the closed select
    expect(external_id(page)).to_have_value("Email")

    tab_to(page, field_inputs(page).nth(0))
    page.keyboard.type("Email")
    page.keyboard.press("Tab")
    expect(value_inputs(page).nth(0)).to_be_focused()
    page.keyboard.type("{{input.email}}")

    add_field = page.get_by_role("button", name="Add field")
    tab_to(page, add_field)
    page.keyboard.press("Enter")
    expect(field_inputs(page)).to_have_count(2)
    tab_to(page, field_inputs(page).nth(1))
    page.keyboard.type("LastName")
    page.keyboard.press("Tab")
    expect(value_inputs(page).nth(1)).to_be_focused()
    tab_to(page, field_rows(page).nth(1).get_by_role("button", name="Insert reference"))
    page.keyboard.press("Enter")  # the menu opens on its first item
    expect(page.get_by_role("menuitem").first).to_be_focused()
    page.keyboard.press("l")  # type-ahead: the first item starting with "l" is last_name
    expect(page.get_by_role("menuitem", name="last_name", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(value_inputs(page).nth(1)).to_have_value("{{input.last_name}}")
    expect(value_inputs(page).nth(1)).to_be_focused()

    tab_to(page, add_field)
    page.keyboard.press("Space")
    expect(field_inputs(page)).to_have_count(3)
    tab_to(page, field_inputs(page).nth(2))
    page.keyboard.type("FirstName")
    page.keyboard.press("Tab")
    page.keyboard.type("Dr. ")
    tab_to(page, field_rows(page).nth(2).get_by_role("button", name="Insert reference"))
    page.keyboard.press("Enter")
    page.keyboard.press("f")  # first_name
    page.keyboard.press("Enter")
    expect(value_inputs(page).nth(2)).to_have_value("Dr. {{input.first_name}}")

    force = page.get_by_label("Force update on collision")
    tab_to(page, force)
    with page.expect_response(re.compile(r"/fragments/preflight$")):  # the check it starts
        page.keyboard.press("Space")
    expect(force).to_be_checked()

    assert accessible_names_problems(page) == []

    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    fields_loaded_for(page, "Contact")
    expect(field_inputs(page)).to_have_count(3)

    tab_to(page, page.get_by_role("button", name="Push to Floqer"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Pushed to Floqer")).to_be_visible()
    fields_loaded_for(page, "Contact")
    assert accessible_names_problems(page) == []

    tab_to(page, page.get_by_role("button", name="Pull from Floqer"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("No difference")).to_be_visible()

    assert sandbox_inputs(app, step_path(page)) == {
        "salesforce_object": "Contact",
        "salesforce_external_id_field": "Email",
        "add_fields_and_their_values": EXPECTED_ROWS,
        "force_update_on_collision": True,
        "ignore_empty_values": True,
        "run_salesforce_assignment_rules": True,
    }
