"""The options cache (three calls per form session, none on reopen) and pulling Floqer's version."""

from __future__ import annotations

import httpx

from tests.app.flows import (
    ACCOUNT_SYNC,
    CONTACT_ROWS,
    add_connection,
    curl_path,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import AppFactory, RunningApp


def open_form(web: httpx.Client, config: int, obj: str) -> None:
    """What the browser fetches when a form is opened and an object chosen."""
    web.get(f"/configurations/{config}").raise_for_status()
    web.get(f"/configurations/{config}/fragments/objects").raise_for_status()
    fields = web.get(
        f"/configurations/{config}/fragments/object-fields", params={"salesforce_object": obj}
    )
    fields.raise_for_status()


def test_a_form_session_costs_three_options_calls_and_a_reopen_none(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    before = app.sandbox_calls()["options"]
    open_form(web, config, "Contact")
    web.post(
        f"/configurations/{config}/save", data=form_fields("x", "Contact", "Email", CONTACT_ROWS)
    )
    assert app.sandbox_calls()["options"] - before == 3
    open_form(web, config, "Contact")
    assert app.sandbox_calls()["options"] - before == 3


def test_refresh_options_reads_them_again(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    open_form(web, config, "Lead")
    web.post(f"/configurations/{config}/refresh-options")
    before = app.sandbox_calls()["options"]
    open_form(web, config, "Lead")
    assert app.sandbox_calls()["options"] - before == 3


def test_options_expire_after_the_ttl(start_app: AppFactory) -> None:
    app = start_app(options_cache_seconds=0.001)
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web))
        open_form(web, config, "Lead")
        before = app.sandbox_calls()["options"]
        open_form(web, config, "Lead")
        assert app.sandbox_calls()["options"] - before == 3


def test_pull_shows_each_difference_and_takes_floqers_version(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    page = web.get(f"/configurations/{config}")
    with app.sandbox_api() as api:
        changed = api.put(
            curl_path(page),
            json={
                "inputs": {
                    "ignore_empty_values": False,
                    "add_fields_and_their_values": [
                        {"name": "Domain__c", "value": "{{input.domain}}"},
                        {"name": "Name", "value": "{{input.company_name}} Inc."},
                        {"name": "Phone", "value": "+1 555 0100", "label": "Main phone"},
                    ],
                }
            },
        )
        assert changed.status_code == 200
    pulled = soup(web.post(f"/configurations/{config}/pull"))
    rows = [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in pulled.select("table.diff tbody tr")
    ]
    assert rows == [
        ["Field Name", "{{input.company_name}}", "{{input.company_name}} Inc."],
        ["Field Website", "https://{{input.domain}}", "(not mapped)"],
        ["Field Customer_Since__c", "{{input.signup_date}}", "(not mapped)"],
        ["Field Phone", "(not mapped)", "+1 555 0100 [label: Main phone]"],
        ["Ignore empty values", "On", "Off"],
    ]
    taken = web.post(f"/configurations/{config}/take-floqer-version")
    assert taken.headers["location"].endswith("notice=took-floqer-v2")
    assert "No difference" in text_of(web.post(f"/configurations/{config}/pull"))
    assert '"label": "Main phone"' in text_of(web.get(f"/configurations/{config}"))


def test_pull_of_an_unknown_configuration_is_a_404_page(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    response = web.post(f"/configurations/{config + 100}/pull")
    assert response.status_code == 404
    assert "does not exist" in text_of(response)


def test_healthz_never_calls_floqer(app: RunningApp, web: httpx.Client) -> None:
    before = app.sandbox_calls()["total"]
    response = web.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert app.sandbox_calls()["total"] == before


def test_unknown_pages_and_methods_get_plain_pages(web: httpx.Client) -> None:
    missing = web.get("/nowhere")
    assert missing.status_code == 404
    assert "There is no page at this address." in text_of(missing)
    wrong = web.get("/configurations/1/push")
    assert wrong.status_code == 405
    bad_id = web.get("/configurations/abc")
    assert bad_id.status_code == 400
    assert "could not be read" in text_of(bad_id)
