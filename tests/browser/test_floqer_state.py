"""The state banner: what Floqer's step holds, checked in the background when the page opens."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import ACCOUNT_SYNC
from tests.browser.conftest import open_configuration, snapshot, step_path, violations
from tests.conftest import AppFactory, RunningApp

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app: AppFactory) -> RunningApp:
    return start_app(floqer_recheck_seconds=0)


def test_the_banner_tells_a_change_made_in_floqer_and_the_home_list_agrees(
    page: Page, app: RunningApp
) -> None:
    config = open_configuration(page, app, workflow=ACCOUNT_SYNC)
    banner = page.locator("#floqer-state")
    expect(banner).to_contain_text("In Floqer: this version")
    expect(banner).to_contain_text("Checked")

    with app.sandbox_api() as api:
        answer = api.patch(step_path(page), json={"inputs": {"ignore_empty_values": False}})
    assert answer.status_code == 200, answer.text

    page.reload()
    expect(banner).to_contain_text("Changed in Floqer since your last push — review")
    review = banner.get_by_role("link", name="Review the differences with Floqer's step")
    expect(review).to_have_attribute(
        "href", f"/configurations/{config}/versions/compare?a=1&b=floqer"
    )
    snapshot(page, "floqer-state-changed")
    assert violations(page) == [], "floqer-state-changed"

    page.goto(f"{app.url}/")
    expect(page.locator(f"#state-{config}")).to_contain_text("Changed in Floqer")
