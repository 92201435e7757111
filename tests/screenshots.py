"""`make screenshots`: the README's pictures, taken from the sandbox so they stay current.

Starts the sandbox and the app on loopback (a throw-away database), walks a RevOps user's
path in Debian's chromium and writes docs/screenshots/*.png: the home list, the
configuration form with its pre-flight panel, the pull's differences, and the home list on
a phone with its menu open. `python -m tests.screenshots [DIR]` writes them elsewhere.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.app.flows import (
    ACCOUNT_SYNC,
    BROKEN_LEAD,
    CONTACT_ROWS,
    INBOUND,
    add_connection,
    form_fields,
    start_configuration,
)
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, choose_object, fill_rows, step_path
from tests.support import SESSION_TOKEN, Servers, launch_app, use_fast_password_hashing

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "screenshots"


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    use_fast_password_hashing()
    servers = Servers()
    written: list[Path] = []
    try:
        sandbox = servers.sandbox()
        app = launch_app(
            servers, Path(tempfile.mkdtemp()), f"{sandbox}/api/v1", sandbox_url=sandbox
        )
        with app.signed_in() as web:
            production = add_connection(web)
            staging = add_connection(web, "floq_test_0002", label="Staging")
            lead = start_configuration(web, production, INBOUND)
            accounts = start_configuration(web, staging, ACCOUNT_SYNC)
            web.post(
                f"/configurations/{accounts}/push",
                data=form_fields(
                    "Product accounts", "Account", "", [("Name", "{{input.company_name}}")]
                ),
            )
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies(
                [{"name": "session", "value": SESSION_TOKEN, "domain": "127.0.0.1", "path": "/"}]
            )
            page = context.new_page()

            def shot(name: str, full: bool = True) -> None:
                path = out / f"{name}.png"
                page.screenshot(path=path, full_page=full, caret="initial")
                written.append(path)

            # The form with a Lead that Salesforce would refuse: the panel says why, per row.
            page.goto(f"{app.url}/configurations/{lead}")
            choose_object(page, "Lead")
            page.get_by_label("External ID field").select_option("Email")
            fill_rows(page, BROKEN_LEAD)
            ready = page.get_by_role("region", name="Ready to push?")
            expect(ready).to_contain_text("HasOptedOutOfEmail")  # checked to the last row
            # The rows and the panel in one window-sized picture (a full-page one would
            # catch the sticky Save/Push bar halfway down).
            page.set_viewport_size({"width": 1366, "height": 2050})
            page.evaluate("window.scrollTo(0, 0)")
            shot("form-preflight", full=False)
            page.set_viewport_size({"width": 1366, "height": 900})

            # The pull's differences after someone changed the step in Floqer.
            with app.sandbox_api() as api:
                api.patch(
                    step_path(page),
                    json={
                        "inputs": {
                            "salesforce_object": "Contact",
                            "salesforce_external_id_field": "Email",
                            "add_fields_and_their_values": [
                                {"name": n, "value": v} for n, v in CONTACT_ROWS
                            ],
                        }
                    },
                ).raise_for_status()
            page.get_by_role("button", name="Pull from Floqer").click()
            differences = page.get_by_role("table").filter(has_text="difference(s)")
            expect(differences).to_be_visible()
            differences.scroll_into_view_if_needed()
            shot("pull-differences", full=False)

            page.goto(f"{app.url}/")
            expect(page.get_by_role("status")).to_contain_text("configurations")
            shot("home")
            page.set_viewport_size({"width": 390, "height": 844})
            page.get_by_role("button", name="Menu").click()
            shot("home-phone", full=False)
            browser.close()
    finally:
        servers.stop_all()
    return written


if __name__ == "__main__":
    for path in take(Path(sys.argv[1]) if len(sys.argv) > 1 else SHOTS):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
