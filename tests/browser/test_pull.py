"""Pull from Floqer, read into the page without leaving it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import object_input, open_configuration, step_path, violations
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def test_pull_from_floqer_can_be_pressed_again_after_a_pull(page: Page, app: RunningApp) -> None:
    open_configuration(page, app)
    expect(object_input(page)).to_be_visible()
    pull = page.get_by_role("button", name="Pull from Floqer")
    pull.click()
    expect(page.get_by_text("No difference")).to_be_visible()

    # Someone configures the step in Floqer meanwhile; pulling again must show it.
    with app.sandbox_api() as api:
        answer = api.patch(
            step_path(page),
            json={
                "inputs": {
                    "salesforce_object": "Lead",
                    "salesforce_external_id_field": "Email",
                    "add_fields_and_their_values": [
                        {"name": "LastName", "value": "{{input.last_name}}"},
                        {"name": "Company", "value": "{{input.company_name}}"},
                    ],
                }
            },
        )
    assert answer.status_code == 200, answer.text

    # The submit guard set aria-disabled synchronously when the first pull was sent.
    assert pull.get_attribute("aria-disabled") is None
    pull.click()
    differences = page.get_by_role("table").filter(has_text="difference(s)")
    expect(differences).to_contain_text("Lead")
    assert violations(page) == [], "the pull's differences"
