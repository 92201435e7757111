"""Two people editing one configuration in two browsers: the second save meets the 409 page,
sees who changed what, and keeps their draft or takes the other's."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.flows import ACCOUNT_SYNC
from tests.browser.conftest import (
    ConsoleWatch,
    field_inputs,
    fields_loaded_for,
    open_configuration,
    signed_in_tab,
    snapshot,
    value_inputs,
    violations,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser

EDITOR = ("sam.editor@acme.example", "sam-editor-session-token-0123456789ab")


@pytest.fixture
def other_page(
    browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest, app: RunningApp
) -> Iterator[Page]:
    app.add_user(EDITOR[0], "editor", EDITOR[1])
    with signed_in_tab(browser, console, request, EDITOR[1]) as tab:
        yield tab


def test_the_second_of_two_editors_gets_the_conflict_page_and_loses_nothing(
    page: Page, other_page: Page, app: RunningApp, console: ConsoleWatch
) -> None:
    # The conflict page is answered with 409, which chromium logs as a failed load.
    console.expect(
        r"status of 409 \(Conflict\) \(http://127\.0\.0\.1:\d+/configurations/\d+/save\)$"
    )
    config = open_configuration(page, app, workflow=ACCOUNT_SYNC)
    other_page.goto(f"{app.url}/configurations/{config}")
    for tab in (page, other_page):
        fields_loaded_for(tab, "Account")

    # Sam changes the Name mapping and saves first.
    value_inputs(other_page).nth(1).fill("{{input.company_name}} (Sam)")
    other_page.get_by_role("button", name="Save", exact=True).click()
    expect(other_page.get_by_text("Saved as version 2.")).to_be_visible()

    # The admin, still on version 1, changes the Website mapping and saves.
    value_inputs(page).nth(2).fill("https://www.{{input.domain}}")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Changed since you opened it")).to_be_visible()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text(f"was changed by {EDITOR[0]} at")
    expect(warning).to_contain_text("it is now at version 2, and you started from version 1")
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("Field Name"))).to_contain_text(
        "{{input.company_name}} (Sam)"
    )
    expect(table.get_by_role("row", name=re.compile("Field Website"))).to_contain_text(
        "https://www.{{input.domain}}"
    )
    snapshot(page, "conflict")
    assert violations(page) == [], "conflict"

    page.get_by_role("button", name="Keep mine as version 3").click()
    expect(page.get_by_text("Saved as version 3.")).to_be_visible()
    fields_loaded_for(page, "Account")
    expect(value_inputs(page).nth(2)).to_have_value("https://www.{{input.domain}}")
    expect(value_inputs(page).nth(1)).to_have_value("{{input.company_name}}")  # the admin's

    # Sam, now behind, takes theirs: the page at version 3, Sam's draft dropped on purpose.
    value_inputs(other_page).nth(0).fill("{{input.domain}} (again)")
    other_page.get_by_role("button", name="Save", exact=True).click()
    other_page.get_by_role("link", name="Take theirs: open version 3").click()
    fields_loaded_for(other_page, "Account")
    expect(other_page.get_by_text(re.compile(r"^v3 · "))).to_be_visible()
    expect(field_inputs(other_page)).to_have_count(4)
    expect(value_inputs(other_page).nth(0)).to_have_value("{{input.domain}}")
