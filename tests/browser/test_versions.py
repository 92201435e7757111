"""Versions in the browser: saved through the form, listed with what changed, compared with each
other and with Floqer's step, and an old one restored, all with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    choose_object,
    external_id,
    fields_loaded_for,
    fill_rows,
    open_configuration,
    snapshot,
    tab_to,
    value_inputs,
    violations,
)
from tests.browser.test_keyboard import accessible_names_problems
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def save(page: Page, version: int) -> None:
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Saved as version {version}.")).to_be_visible()
    fields_loaded_for(page, "Contact")


def cells(row: Locator) -> list[str]:
    return [" ".join(c.split()) for c in row.locator("th, td").all_inner_texts()]


def changed_rows(page: Page) -> list[list[str]]:
    rows = page.locator("table.compare tbody tr")
    return [cells(rows.nth(i)) for i in range(rows.count())]


def no_sideways_scroll(page: Page) -> None:
    """At a phone's width the page fits: nothing to scroll sideways."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at 390px"


def test_versions_are_compared_with_each_other_and_floqer_and_restored_by_keyboard(
    page: Page, app: RunningApp
) -> None:
    config = open_configuration(page, app)
    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    fill_rows(page, [("Email", "{{input.email}}"), ("LastName", "{{input.last_name}}")])
    save(page, 2)
    fill_rows(
        page,
        [
            ("Email", "{{input.email}}"),
            ("LastName", "{{input.last_name}}"),
            ("FirstName", "{{input.first_name}}"),
        ],
    )
    save(page, 3)
    tab_to(page, page.get_by_role("button", name="Push to Floqer"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Pushed to Floqer")).to_be_visible()
    fields_loaded_for(page, "Contact")
    value_inputs(page).nth(1).fill("Smith")
    tab_to(page, page.get_by_label("Ignore empty values"))
    page.keyboard.press("Space")
    save(page, 4)

    # The list: newest first, each with what it changed and whether it was pushed.
    tab_to(page, page.get_by_role("link", name="Versions (4)"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Versions of")).to_be_visible()
    versions = page.locator("table.versions tbody tr")
    expect(versions).to_have_count(4)
    assert cells(versions.nth(0))[0] == "Version 4 Current"
    assert cells(versions.nth(0))[4] == "LastName changed; Ignore empty values off"
    assert cells(versions.nth(1))[0] == "Version 3 Pushed In Floqer now"
    assert cells(versions.nth(1))[4] == "FirstName added"
    assert cells(versions.nth(2))[4] == (
        "Object Contact; External ID field Email; Email added; LastName added"
    )
    assert accessible_names_problems(page) == []
    snapshot(page, "versions-list")
    assert violations(page) == [], "versions-list"

    # Version 2 against version 4, chosen with the arrow keys (the form opens at 3 and 4).
    tab_to(page, page.get_by_label("First version"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("First version")).to_have_value("2")
    tab_to(page, page.get_by_role("button", name="Compare"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Version 2 and Version 4")).to_be_visible()
    assert changed_rows(page) == [
        ["Ignore empty values", "On", "Off", "Changed"],
        ["Field LastName", "{{input.last_name}}", "Smith", "Changed"],
        ["Field FirstName", "(not mapped)", "{{input.first_name}}", "Added"],
    ]
    unchanged = page.get_by_text("5 settings the same in both")
    tab_to(page, unchanged)
    page.keyboard.press("Enter")
    expect(page.locator("details.unchanged tbody tr").first).to_be_visible()
    snapshot(page, "versions-compare")
    assert violations(page) == [], "versions-compare"

    # Version 4 against what Floqer holds now: version 3, pushed.
    tab_to(page, page.get_by_label("First version"))
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("First version")).to_have_value("4")
    tab_to(page, page.get_by_label("Second version"))
    page.keyboard.type("F")  # type-ahead: the one choice starting with F
    expect(page.get_by_label("Second version")).to_have_value("floqer")
    tab_to(page, page.get_by_role("button", name="Compare"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Version 4 and Floqer's step now")).to_be_visible()
    assert changed_rows(page) == [
        ["Ignore empty values", "Off", "On", "Changed"],
        ["Field LastName", "Smith", "{{input.last_name}}", "Changed"],
    ]

    # Restore version 2: it becomes version 5, the same settings, and Floqer is untouched.
    page.goto(f"{app.url}/configurations/{config}/versions/2")
    assert accessible_names_problems(page) == []
    snapshot(page, "version-page")
    assert violations(page) == [], "version-page"
    tab_to(page, page.get_by_role("button", name="Restore this version"))
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Restored version 2 as version 5. It is not in Floqer until you push it.")
    ).to_be_visible()
    fields_loaded_for(page, "Contact")
    expect(value_inputs(page)).to_have_count(2)
    expect(page.get_by_label("Ignore empty values")).to_be_checked()
    page.goto(f"{app.url}/configurations/{config}/versions/compare?a=2&b=5")
    expect(
        page.get_by_text("No difference: the two hold exactly the same settings.")
    ).to_be_visible()
    page.goto(f"{app.url}/configurations/{config}/versions")
    assert cells(page.locator("table.versions tbody tr").first)[3] == "restored from version 2"

    # A phone's width: the list and the page's push history never scroll sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    no_sideways_scroll(page)
    page.goto(f"{app.url}/configurations/{config}")
    fields_loaded_for(page, "Contact")
    page.get_by_role("link", name="Version 3").scroll_into_view_if_needed()
    no_sideways_scroll(page)
    page.screenshot(path="/tmp/versions-history-390.png", full_page=True, caret="initial")
