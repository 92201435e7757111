"""The drift warning in the browser: a saved configuration, opened again after an admin
deleted one of its mapped fields in Salesforce, says which field went and since when."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import ACCOUNT_SYNC
from tests.browser.conftest import (
    field_rows,
    fields_loaded_for,
    open_configuration,
    snapshot,
    value_inputs,
    violations,
)
from tests.conftest import AppFactory
from tests.support import TLS

pytestmark = pytest.mark.browser

DELETED = "Customer Since (Customer_Since__c) was deleted from Account since version 2 was saved."


def test_a_saved_configuration_opened_after_a_mapped_field_was_deleted_says_so(
    page: Page, start_app: AppFactory
) -> None:
    app = start_app(options_cache_seconds=0)  # every open reads the org's metadata afresh
    config = open_configuration(page, app, workflow=ACCOUNT_SYNC)
    fields_loaded_for(page, "Account")
    value_inputs(page).nth(1).fill("{{input.company_name}} Inc.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    checks = page.get_by_role("region", name="Ready to push?")
    expect(checks).to_contain_text("Domain (Domain__c) is not unique")  # checked: no drift yet
    expect(checks).not_to_contain_text("was deleted")

    # An admin deletes the mapped custom field in Salesforce; the configuration is opened again.
    deleted = httpx.post(
        f"{app.sandbox_url}/_sandbox/objects/Account/fields/Customer_Since__c",
        json={"action": "delete"},
        verify=TLS,
    )
    assert deleted.json()["data"]["deleted"] is True
    page.goto(f"{app.url}/configurations/{config}")

    expect(checks).to_contain_text(DELETED)
    expect(checks).to_contain_text("Account has no field “Customer_Since__c”")
    expect(field_rows(page).nth(3)).to_contain_text(DELETED)
    snapshot(page, "drift-deleted-field")
    assert violations(page) == [], "drift-deleted-field"
