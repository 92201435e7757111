"""Test on one row in a browser: the warning and the confirmation, an insert, an update of the
same record, the record opened in the sandbox's record view, a picklist refusal on its row,
and a run that takes time (queued, running, Stop waiting)."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import CONTACT_ROWS, add_connection, form_fields, start_configuration
from tests.browser.conftest import snapshot, violations
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser

LEAD_ROWS = [
    ("Email", "{{input.email}}"),
    ("LastName", "{{input.last_name}}"),
    ("Company", "Analytical Engines"),
    # A reference, so the pre-flight check cannot know the value: Salesforce refuses it.
    ("Status", "{{input.company_name}}"),
]


def saved_configuration(web: httpx.Client, obj: str, rows: list[tuple[str, str]]) -> int:
    """A configuration saved (not pushed) with `rows`, matched by Email."""
    config = start_configuration(web, add_connection(web))
    fields = form_fields("One-row test", obj, "Email", rows)
    assert web.post(f"/configurations/{config}/save", data=fields).status_code == 303
    return config


def type_row(page: Page, **values: str) -> None:
    panel = page.get_by_role("region", name="Test on one row")
    for column, value in values.items():
        panel.get_by_label(column, exact=True).fill(value)


def run_confirmed(page: Page) -> None:
    panel = page.get_by_role("region", name="Test on one row")
    panel.get_by_label("I understand this writes to Salesforce").check()
    panel.get_by_role("button", name="Run on one row").click()


def result(page: Page) -> str:
    return "#test-run-result"


def fits_a_phone(page: Page, name: str) -> None:
    """The page as it stands, its preview and result tables included, fits a 390 px window
    (the responsive walk sees only pages as they load); then the window is as it was."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("document.documentElement.scrollWidth")
    snapshot(page, f"{name}-390px")
    assert wide <= 390, f"{wide} px wide in a 390 px window"
    if size is not None:
        page.set_viewport_size(size)


def test_a_run_inserts_then_updates_the_same_record_which_opens_in_the_record_view(
    page: Page, app: RunningApp
) -> None:
    with app.signed_in() as web:
        config = saved_configuration(web, "Contact", CONTACT_ROWS)
    page.goto(f"{app.url}/configurations/{config}")
    panel = page.get_by_role("region", name="Test on one row")
    expect(panel.get_by_role("note")).to_have_text(
        "This writes one record to the Salesforce org connected to Floqer for "
        "alex.morgan@acme.example (connection “Production”)."
    )
    type_row(page, email="ada@analytical.example", first_name="Ada", last_name="Lovelace")
    panel.get_by_role("button", name="Preview").click()
    preview = panel.get_by_role("table", name="What each mapped field will receive")
    expect(preview.get_by_role("row").filter(has_text="FirstName")).to_contain_text("Ada")

    # Without the confirmation nothing runs.
    panel.get_by_role("button", name="Run on one row").click()
    expect(panel.get_by_role("alert")).to_contain_text("Tick “I understand")
    expect(panel.get_by_role("table", name="Recent test runs")).to_have_count(0)

    run_confirmed(page)
    outcome = page.locator(result(page))
    expect(outcome).to_contain_text("Inserted")
    record = outcome.get_by_role("link", name=re.compile(r"^003"))
    record_id = record.inner_text()
    expect(outcome.get_by_role("link", name="v2")).to_have_attribute(
        "href", f"/configurations/{config}/versions/2"
    )
    written = outcome.get_by_role("table", name="Fields written")
    expect(written.get_by_role("row").filter(has_text="LastName")).to_contain_text("Lovelace")
    snapshot(page, "test-run-inserted")
    assert violations(page) == [], "the panel with a run's result"
    fits_a_phone(page, "test-run-inserted")

    type_row(page, first_name="Augusta")
    run_confirmed(page)
    expect(outcome).to_contain_text("Updated")
    expect(outcome.get_by_role("link", name=record_id)).to_be_visible()
    runs = panel.get_by_role("table", name="Recent test runs").get_by_role("row")
    expect(runs).to_have_count(3)  # the header row and two runs
    expect(runs.nth(1)).to_contain_text("Updated")
    expect(runs.nth(2)).to_contain_text("Inserted")

    # One of the sheet's recent rows runs again as it is: the same record, updated.
    panel.get_by_label(re.compile(r"first_name: Augusta")).check()
    panel.get_by_role("button", name="Preview").click()
    expect(preview.get_by_role("row").filter(has_text="FirstName")).to_contain_text("Augusta")
    run_confirmed(page)
    expect(runs).to_have_count(4)
    expect(runs.nth(1)).to_contain_text("Updated")
    expect(outcome).to_contain_text("an existing row")
    expect(panel.get_by_label(re.compile(r"first_name: Augusta"))).to_be_checked()

    with page.expect_popup() as opened:
        outcome.get_by_role("link", name=record_id).click()
    view = opened.value
    expect(view.get_by_role("heading", level=1)).to_have_text(f"Contact {record_id}")
    expect(view.get_by_role("row", name="FirstName")).to_contain_text("Augusta")
    view.close()


def test_a_picklist_refusal_is_shown_on_the_row_it_concerns(page: Page, app: RunningApp) -> None:
    with app.signed_in() as web:
        config = saved_configuration(web, "Lead", LEAD_ROWS)
    page.goto(f"{app.url}/configurations/{config}")
    type_row(page, email="grace@navy.example", last_name="Hopper", company_name="Hot lead")
    run_confirmed(page)
    outcome = page.locator(result(page))
    expect(outcome).to_contain_text("Refused by Salesforce")
    status = outcome.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Status"))
    expect(status).to_contain_text("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    expect(status).to_contain_text("Hot lead")
    snapshot(page, "test-run-refused")
    assert violations(page) == [], "the panel with a refusal"
    fits_a_phone(page, "test-run-refused")


def test_a_slow_run_shows_its_wait_and_stop_waiting_ends_it(page: Page, app: RunningApp) -> None:
    with app.signed_in() as web:
        config = saved_configuration(web, "Contact", CONTACT_ROWS)
        fields = form_fields("One-row test", "Contact", "Email", CONTACT_ROWS, version=2)
        assert web.post(f"/configurations/{config}/push", data=fields).status_code == 303
        connections = {
            key: add_connection(web, key, label=key.rsplit("_", 1)[1])
            for key in ("floq_sandbox_stuckrun", "floq_sandbox_slowrun")
        }
        web.post(
            f"/configurations/{config}/connection",
            data={"connection_id": connections["floq_sandbox_stuckrun"]},
        )
    page.goto(f"{app.url}/configurations/{config}")
    type_row(page, email="hedy@lamarr.example", last_name="Lamarr")
    run_confirmed(page)
    outcome = page.locator(result(page))
    expect(outcome).to_contain_text("Running in Floqer…")
    outcome.get_by_role("button", name="Stop waiting").click()
    expect(outcome).to_contain_text("You stopped waiting")
    runs = page.get_by_role("table", name="Recent test runs").get_by_role("row")
    expect(runs.nth(1)).to_contain_text("Stopped waiting")

    with app.signed_in() as web:
        web.post(
            f"/configurations/{config}/connection",
            data={"connection_id": connections["floq_sandbox_slowrun"]},
        )
    page.reload()
    type_row(page, email="hedy@lamarr.example", last_name="Lamarr")
    run_confirmed(page)
    expect(outcome.get_by_role("button", name="Stop waiting")).to_be_visible()
    expect(outcome).to_contain_text("Inserted")
    expect(runs.nth(1)).to_contain_text("Inserted")
