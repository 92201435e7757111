"""Apply this mapping to other steps, by keyboard on a phone-sized window: tick two steps,
save, read what happened; axe and no sideways scrolling on both pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.test_bulk_apply import MAIN, WEBINAR, page_url, setup, versions
from tests.browser.conftest import violations
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def fits(page: Page) -> None:
    wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= window, f"{wide} px wide in a {window} px window"
    assert violations(page) == []


def tab_to(page: Page, label: str) -> None:
    """Press Tab until the control labelled `label` (its label's start) has the focus."""
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText) || ''; })()"
        )
        if focused.strip().startswith(label):
            return
    pytest.fail(f"Tab never reached {label}")


def test_ticking_two_steps_by_keyboard_saves_both_and_says_so(page: Page, app: RunningApp) -> None:
    with app.signed_in() as web:
        source, contacts = setup(web)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(app.url + f"/configurations/{source}")
    tab_to(page, "Apply this mapping to other steps")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apply “Contacts by email”")
    fits(page)

    tab_to(page, MAIN)
    page.keyboard.press("Space")
    tab_to(page, WEBINAR)
    page.keyboard.press("Space")
    expect(page.get_by_label(MAIN, exact=False)).to_be_checked()
    expect(page.get_by_label(WEBINAR)).to_be_checked()
    tab_to(page, "Save to the ticked steps")
    page.keyboard.press("Enter")

    results = page.get_by_role("region", name="What happened").get_by_role("listitem")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("Saved as version 3.")
    expect(results.nth(1)).to_contain_text("Saved as version 1.")
    fits(page)
    assert [v["version"] for v in versions(app, contacts)] == [1, 2, 3]
    assert page.url.endswith(page_url(source))
