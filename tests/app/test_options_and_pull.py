"""The options cache (three calls per form session, none on reopen) and pulling Floqer's version."""

from __future__ import annotations

import json

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
from webapp.sandbox.floqer.seed import stable_id


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


def test_with_a_ttl_of_0_every_open_reads_the_options_again(start_app: AppFactory) -> None:
    # (Past a TTL above 0, what is kept is served while it is read again: test_org_cache.)
    app = start_app(options_cache_seconds=0)
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web))
        open_form(web, config, "Lead")
        before = app.sandbox_calls()["options"]
        open_form(web, config, "Lead")
        # Four: with everything expired, the fields part reads the object list again too
        # (it checks the chosen object against the org's own names).
        assert app.sandbox_calls()["options"] - before == 4


def test_pull_shows_each_difference_and_takes_floqers_version(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    page = web.get(f"/configurations/{config}")
    with app.sandbox_api() as api:
        changed = api.patch(
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
    taken = web.post(f"/configurations/{config}/take-floqer-version", data={"base_version": "1"})
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
    for bad_id in ("abc", str(2**64), "-1", "0"):
        answer = web.get(f"/configurations/{bad_id}")
        assert answer.status_code == 404, bad_id
        assert "Traceback" not in answer.text


def test_case_variants_of_an_object_share_one_cache_entry(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    open_form(web, config, "Account")
    before = app.sandbox_calls()["options"]
    for typed in ("account", "ACCOUNT", "aCcOuNt", "Account", "account "):
        page = soup(
            web.get(
                f"/configurations/{config}/fragments/object-fields",
                params={"salesforce_object": typed},
            )
        )
        assert "Each row sets one Account field" in page.get_text(" ")
    assert app.sandbox_calls()["options"] == before  # no new entry, no new call
    # A name the org does not have never reaches Floqer at all.
    for typed in (f"Nope{n}__c" for n in range(20)):
        web.get(
            f"/configurations/{config}/fragments/object-fields",
            params={"salesforce_object": typed},
        )
    assert app.sandbox_calls()["options"] == before


def test_when_floqer_is_down_the_form_keeps_the_last_good_metadata_with_its_age(
    start_app: AppFactory,
) -> None:
    from webapp.sandbox import create_sandbox_app
    from webapp.serving import BackgroundServer

    sandbox = BackgroundServer(create_sandbox_app()).start()
    app = start_app(floqer_base_url=f"{sandbox.url}/api/v1", options_cache_seconds=0)
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
        open_form(web, config, "Account")
        sandbox.stop()  # Floqer goes down; the cached lists are read on every use
        fields = soup(
            web.get(
                f"/configurations/{config}/fragments/object-fields",
                params={"salesforce_object": "Account"},
            )
        )
    text = " ".join(fields.get_text(" ").split())
    assert "Field details as of less than a minute ago: Floqer did not answer just now." in text
    assert [str(i["value"]) for i in fields.find_all("input", attrs={"name": "field_name"})] == [
        "Domain__c",
        "Name",
        "Website",
        "Customer_Since__c",
    ]
    guide = fields.select_one("template#field-guide")  # the field list is still offered
    assert guide is not None
    assert len(json.loads(guide.decode_contents())["fields"]) > 60
    status = fields.find(id="floqer-status")
    assert status is not None
    assert status.get("hx-swap-oob") == "true"
    assert "could not reach Floqer" in status.get_text(" ")
    assert text.count("could not reach Floqer") == 1


def test_adding_a_step_in_the_app_reads_the_sheets_chain_again(
    app: RunningApp, web: httpx.Client
) -> None:
    inbound = stable_id("inbound")
    chain = f"GET /api/v1/workflows/{inbound}/sheets/{inbound}/actions"

    def chain_reads() -> int:
        calls: dict[str, int] = app.sandbox_calls()["by_call"]
        return calls.get(chain, 0)

    connection = add_connection(web)
    config = start_configuration(web, connection)
    open_form(web, config, "Contact")
    before = chain_reads()
    open_form(web, config, "Contact")
    assert chain_reads() == before  # cached: the fields part reads no chain again
    sheet = f"/connections/{connection}/workflows/{inbound}/sheets/{inbound}/steps"
    assert web.post(sheet, data={}).status_code == 303
    after_add = chain_reads()
    open_form(web, config, "Contact")
    assert chain_reads() == after_add + 1  # the app's own change: read once more, then cached
    open_form(web, config, "Contact")
    assert chain_reads() == after_add + 1
