"""The Account page with the keyboard alone: create a token, see it once, revoke it; axe-core
finds nothing; and the API docs page runs Swagger UI under the app's strict CSP."""

from __future__ import annotations

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.support import TLS, RunningApp


def violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def test_a_token_is_created_seen_once_and_revoked_with_the_keyboard(
    page: Page, app: RunningApp
) -> None:
    page.goto(f"{app.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Account", level=1)).to_be_visible()
    assert violations(page) == [], "no tokens yet"

    page.get_by_label("Name").focus()
    page.keyboard.type("CI deploy")
    page.keyboard.press("Tab")
    page.keyboard.press("End")  # the role list: admin, the highest the admin may give
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the expiry (in 90 days), to Create token
    expect(page.get_by_role("button", name="Create token")).to_be_focused()
    page.keyboard.press("Enter")

    shown = page.get_by_label("Token (admin)")
    expect(shown).to_be_focused()  # straight to the token, to copy it
    expect(page.get_by_text("shown only this once")).to_be_visible()
    secret = shown.input_value()
    assert secret.startswith("wat_")
    assert violations(page) == [], "with the new token shown"
    with httpx.Client(base_url=app.url, verify=TLS) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["token"]["name"] == "CI deploy"

    page.goto(f"{app.url}/account")  # the page again: the token is gone for good
    expect(page.get_by_label("Token (admin)")).to_have_count(0)
    assert secret not in page.content()
    row = page.get_by_role("row").filter(has_text="CI deploy").first
    expect(row).to_contain_text(secret[:12] + "…")
    expect(row).to_contain_text("Active")

    row.locator("summary").focus()
    page.keyboard.press("Enter")  # opens the confirmation
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Revoke for good").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Token revoked: it is refused from now on.")
    expect(page.get_by_role("row").filter(has_text="CI deploy").first).to_contain_text("Revoked")
    assert violations(page) == [], "after revoking"
    with httpx.Client(base_url=app.url, verify=TLS) as client:
        refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401


def test_the_api_docs_run_swagger_ui_under_the_strict_csp(page: Page, app: RunningApp) -> None:
    # Any CSP violation or script error is a console error, which fails the test (conftest).
    page.goto(f"{app.url}/api/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    path = page.get_by_text("/api/v1/configurations/{configuration_id}", exact=True)
    expect(path.first).to_be_visible()
    expect(page.get_by_role("button", name="Authorize").first).to_be_visible()
