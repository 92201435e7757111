"""Export then import in a browser: the download, the upload, the review, the saved version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import ACCOUNT_SYNC, CONTACT_ROWS, form_fields
from tests.browser.conftest import open_configuration, snapshot, violations
from tests.conftest import RunningApp

pytestmark = pytest.mark.browser


def test_an_exported_file_imported_again_restores_the_body_after_a_review(
    page: Page, app: RunningApp, tmp_path: Path
) -> None:
    config = open_configuration(page, app, workflow=ACCOUNT_SYNC)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1.json")
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    original = json.loads(exported.read_text())["configurations"][0]["body"]

    # Someone maps the step to Contacts as version 2; the file still holds version 1.
    with app.signed_in() as web:
        changed = form_fields("Accounts", "Contact", "Email", CONTACT_ROWS)
        assert web.post(f"/configurations/{config}/save", data=changed).status_code == 303

    page.goto(app.url)
    snapshot(page, "home-import-export")
    page.get_by_role("link", name="Import", exact=True).click()
    assert violations(page) == [], "the first page"
    page.get_by_label("Exported file (.json)").set_input_files(exported)
    page.get_by_role("button", name="Read the document").click()

    target = page.get_by_label("Import onto")
    expect(target).to_have_value(f"config:{config}")  # the same step, chosen by default
    snapshot(page, "import-choose")
    assert violations(page) == [], "the choice"
    page.get_by_role("button", name="Review the import").click()

    expect(page.get_by_role("heading", name="Pre-flight check")).to_be_visible()
    expect(page.get_by_text("Domain (Domain__c) is not unique in Salesforce")).to_be_visible()
    diff = page.get_by_role("table", name="difference(s) from version 2")
    expect(diff.get_by_role("row", name="Salesforce object Contact Account")).to_be_visible()
    snapshot(page, "import-review")
    assert violations(page) == [], "the review"
    page.get_by_role("button", name="Save as version 3").click()

    expect(page.get_by_role("status").filter(has_text="Saved as version 3.")).to_be_visible()
    expect(page.get_by_text("Nothing was pushed to Floqer")).to_be_visible()
    snapshot(page, "import-done")
    page.get_by_role("link", name="Accounts").click()
    body = page.get_by_label("Request body")
    assert json.loads(body.inner_text()) == original
