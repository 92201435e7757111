"""A double click on Push pushes once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import CONTACT_ROWS
from tests.browser.conftest import (
    choose_object,
    configure_patches,
    external_id,
    fields_loaded_for,
    fill_rows,
    open_configuration,
    step_path,
)
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def test_a_double_click_on_push_pushes_once(page: Page, app: RunningApp) -> None:
    open_configuration(page, app)
    choose_object(page, "Contact")
    external_id(page).select_option("Email")
    fill_rows(page, CONTACT_ROWS)
    assert configure_patches(app) == {}
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    page.get_by_role("button", name="Push to Floqer").dblclick()

    expect(page.get_by_text("Pushed to Floqer")).to_be_visible()
    fields_loaded_for(page, "Contact")
    history = page.get_by_role("region", name="Push history")
    expect(history.get_by_role("row")).to_have_count(2)  # the header row and one push
    expect(history.get_by_role("row").nth(1)).to_contain_text("Pushed")
    assert configure_patches(app) == {f"PATCH /api/v1{step_path(page)}": 1}
    pushes = [url.removeprefix(app.url) for url in posts if not url.endswith("/preflight")]
    assert pushes == ["/configurations/1/push"]
