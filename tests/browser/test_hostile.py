"""Against the hostile org: every payload is shown as text, nothing runs, no dialog opens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.app.flows import add_connection
from tests.browser.conftest import (
    choose_object,
    external_id,
    field_inputs,
    fields_loaded_for,
    fill_rows,
    object_input,
    snapshot,
    value_inputs,
)
from tests.conftest import AppFactory

pytestmark = pytest.mark.browser

WORKFLOW = '<script>alert("workflow")</script> Inbound "leads" & more'
SHEET = "Sheet <img src=x onerror=alert('sheet')>"
STEP = "Upsert </textarea><svg onload=alert('step')>"
EVIL_OBJECT = 'Evil_"><img src=x onerror=alert(1)>__c'
EVIL_KEY = 'Evil_"><svg onload=alert(7)>__c'
EVIL_KEY_LABEL = 'Evil <script>alert("xss-label")</script> External ID'
SCRIPT_FIELD = 'Xss_<script>alert("xss-label")</script>__c'
NAME = "<img src=x onerror=alert('name')> {{7*7}}"
VALUE = "\"><svg onload=alert('value')> {{input.email}}"


def no_injected_markup(page: Page) -> None:
    """Only the app's three scripts; no element a payload could have smuggled in."""
    expect(page.locator("script")).to_have_count(3)
    expect(page.locator("body img, body svg, body style, body iframe")).to_have_count(0)


def test_hostile_names_labels_and_values_are_shown_as_text_and_never_run(
    page: Page, start_app: AppFactory
) -> None:
    app = start_app(sandbox={"org": "hostile"})
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", refuse)
    with app.signed_in() as web:
        connection = add_connection(web, "floq_browser_hostile")

    page.goto(f"{app.url}/connections/{connection}/workflows")
    expect(page.get_by_role("link", name=WORKFLOW)).to_be_visible()
    no_injected_markup(page)
    page.get_by_role("link", name=WORKFLOW).click()
    expect(page.get_by_role("heading", name=WORKFLOW, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(re.escape(SHEET)))).to_be_visible()
    expect(page.get_by_text(STEP, exact=True)).to_be_visible()
    no_injected_markup(page)
    main_sheet = page.get_by_role("region").filter(has_text="main sheet")
    main_sheet.get_by_role("button", name="Configure this step").click()

    meta = page.get_by_text(f"{WORKFLOW} › {SHEET} › {STEP}")
    expect(meta).to_be_visible()
    expect(page.get_by_text("<script>").first).to_be_visible()

    # An object whose API name and label are payloads, with an External ID named by one.
    choose_object(page, EVIL_OBJECT)
    expect(object_input(page)).to_have_value(EVIL_OBJECT)
    key_option = external_id(page).get_by_role("option", name="Tpl_{{ config.items() }}__c")
    expect(key_option).to_have_text("{{ config.items() }} (Tpl_{{ config.items() }}__c)")

    # The hostile Account: payload labels, a payload External ID, payload field names.
    choose_object(page, "Account")
    external_id(page).select_option(EVIL_KEY)
    expect(external_id(page).get_by_role("option", name=EVIL_KEY_LABEL)).to_have_count(1)
    rows = [
        (SCRIPT_FIELD, VALUE),
        ("Name", "{{input.company_name}}"),
        (EVIL_KEY, "{{input.domain}}"),
    ]
    fill_rows(page, rows)
    page.get_by_label("Configuration name").fill(NAME)
    no_injected_markup(page)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    fields_loaded_for(page, "Account")
    expect(external_id(page)).to_have_value(EVIL_KEY)
    expect(field_inputs(page).nth(0)).to_have_value(SCRIPT_FIELD)
    expect(value_inputs(page).nth(0)).to_have_value(VALUE)
    preview = page.get_by_role("region", name="What a push sends")
    expect(preview).to_contain_text(SCRIPT_FIELD.replace('"', '\\"'))
    no_injected_markup(page)
    snapshot(page, "configuration-hostile")

    page.get_by_role("button", name="Push to Floqer").click()
    expect(page.get_by_text("Pushed to Floqer")).to_be_visible()
    fields_loaded_for(page, "Account")
    page.get_by_role("button", name="Pull from Floqer").click()
    expect(page.get_by_text("No difference")).to_be_visible()
    no_injected_markup(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Configurations").click()
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    no_injected_markup(page)
    assert dialogs == []
