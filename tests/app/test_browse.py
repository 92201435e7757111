"""Finding the step: workflows, sheets (main first), upsert steps, adding one."""

from __future__ import annotations

import httpx
from bs4 import Tag

from tests.app.flows import (
    ACCOUNT_SYNC,
    EVENT_CLEANUP,
    INBOUND,
    add_connection,
    configure_forms,
    curl_path,
    form_fields,
    soup,
    start_configuration,
    text_of,
    workflow_url,
)
from tests.conftest import RunningApp


def columns_of(section: Tag) -> list[tuple[str, str]]:
    """The (column, type) lines of a sheet's input columns table."""
    table = section.select_one("table.columns")
    assert table is not None
    cells = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in table.select("tbody tr")
    ]
    return [(cell[0], cell[1]) for cell in cells]


def chain_of(section: Tag) -> list[tuple[str, str, bool]]:
    """The steps of a sheet's chain as listed: (name, type, highlighted as an upsert)."""
    return [
        (
            step.select_one(".step-name").get_text(strip=True),  # type: ignore[union-attr]
            step.select_one(".step-head code").get_text(strip=True),  # type: ignore[union-attr]
            "upsert" in (step.get("class") or []),
        )
        for step in section.select("ol.chain > li")
    ]


def sheets(response: httpx.Response) -> list[Tag]:
    return list(soup(response).select("section.sheet"))


def upsert_state(section: Tag, index: int = 0) -> str:
    """What an upsert step's line says of its configuration here, then of Floqer's."""
    step = section.select("li.upsert")[index]
    lines = step.select(".step-state, .step-floqer")
    return " | ".join(" ".join(line.get_text(" ").split()) for line in lines)


def test_workflow_page_shows_each_sheets_columns_and_whole_chain_main_first(
    web: httpx.Client,
) -> None:
    connection = add_connection(web)
    page = web.get(workflow_url(web, connection, INBOUND))
    headings = [h.get_text(" ", strip=True) for h in soup(page).find_all("h2")]
    assert headings == ["Inbound leads main sheet", "Webinar attendees"]
    main, webinar = sheets(page)
    assert columns_of(main) == [
        ("email", "string"),
        ("first_name", "string"),
        ("last_name", "string"),
        ("company_name", "string"),
        ("domain", "string"),
        ("employee_count", "number"),
    ]
    assert "{{input.employee_count}}" in main.get_text()
    assert chain_of(main) == [
        ("Enrich company", "enrich_company", False),
        ("Upsert to Salesforce", "salesforce_upsert_record", True),
    ]
    assert ("attended_at", "date") in columns_of(webinar)
    assert chain_of(webinar) == [
        ("Clean domain", "clean_domain", False),
        ("Upsert attendee as Lead", "salesforce_upsert_record", True),
    ]
    assert upsert_state(main) == "Not configured here | Not configured in Floqer"


def test_each_upsert_step_says_whether_it_is_configured_here_or_changed_in_floqer(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    url = workflow_url(web, connection, ACCOUNT_SYNC)
    [sheet] = sheets(web.get(url))
    assert upsert_state(sheet) == "Not configured here | In Floqer: Account by Domain__c"

    config = start_configuration(web, connection, ACCOUNT_SYNC)
    [sheet] = sheets(web.get(url))
    assert upsert_state(sheet).startswith("Configured here Account sync from product DB")
    assert "In Floqer: this version (version 1 saved here)" in upsert_state(sheet)
    link = sheet.select_one("li.upsert .step-state a")
    assert link is not None
    assert link["href"] == f"/configurations/{config}"

    saved = web.post(
        f"/configurations/{config}/save",
        data=form_fields("Accounts", "Account", "Domain__c", [("Name", "{{input.company_name}}")]),
    )
    assert saved.status_code == 303
    [sheet] = sheets(web.get(url))
    assert "In Floqer: v1 (older) (version 2 saved here)" in upsert_state(sheet)

    with app.sandbox_api() as api:  # someone edits the step in Floqer itself
        step = curl_path(web.get(f"/configurations/{config}"))
        edited = api.patch(step, json={"inputs": {"ignore_empty_values": False}})
        assert edited.status_code == 200
    [sheet] = sheets(web.get(url))
    assert upsert_state(sheet) == (
        "Changed in Floqer Accounts · Floqer's step matches none of the versions saved here"
        " | In Floqer: Account by Domain__c"
    )
    review = sheet.find("a", string="Review the differences")
    assert isinstance(review, Tag)
    assert review["href"] == f"/configurations/{config}/versions/compare?a=2&b=floqer"
    # What the workflow page saw is remembered: the configuration's state says it too.
    [(seen_version,)] = app.query(
        "SELECT floqer_seen_version FROM configurations WHERE id = :id", id=config
    )
    assert seen_version is None


def test_the_workflow_page_reads_each_sheets_chain_once(app: RunningApp, web: httpx.Client) -> None:
    connection = add_connection(web)
    url = workflow_url(web, connection, INBOUND)
    before = app.sandbox_calls()["by_call"]
    web.get(url).raise_for_status()
    after = app.sandbox_calls()["by_call"]
    made = {call: n - before.get(call, 0) for call, n in after.items() if n != before.get(call)}
    chains = [call for call in made if call.endswith("/actions")]
    assert len(chains) == 2, made
    assert all(made[call] == 1 for call in chains), made
    assert sum(made.values()) == 3, made  # the overview and one chain per sheet


def test_a_sheet_without_upsert_step_offers_to_add_one(web: httpx.Client) -> None:
    connection = add_connection(web)
    url = workflow_url(web, connection, EVENT_CLEANUP)
    assert configure_forms(web, url) == []
    page = soup(web.get(url))
    button = page.find("button", string="Add upsert step")
    assert isinstance(button, Tag)
    form = button.find_parent("form")
    assert isinstance(form, Tag)
    after = form.find("input", attrs={"name": "after"})
    assert isinstance(after, Tag)
    assert after["value"]
    added = web.post(str(form["action"]), data={"after": str(after["value"])})
    assert added.status_code == 303
    assert len(configure_forms(web, url)) == 1
    assert "Add upsert step" not in text_of(web.get(url))


def test_configured_steps_show_their_object_and_saved_configurations_link(
    web: httpx.Client,
) -> None:
    from tests.app.flows import ACCOUNT_SYNC, start_configuration

    connection = add_connection(web)
    config = start_configuration(web, connection, ACCOUNT_SYNC)
    page = soup(web.get(workflow_url(web, connection, ACCOUNT_SYNC)))
    assert "Account by Domain__c" in page.get_text(" ")
    link = page.find("a", string="Open its configuration")
    assert isinstance(link, Tag)
    assert link["href"] == f"/configurations/{config}"
    # One configuration per step: a configured step offers no second one.
    assert "Configure this step" not in page.get_text(" ")


def test_an_unknown_workflow_is_a_plain_message_not_a_crash(web: httpx.Client) -> None:
    connection = add_connection(web)
    response = web.get(f"/connections/{connection}/workflows/no-such-workflow")
    assert response.status_code == 404
    assert "Floqer has no workflow with the id no-such-workflow" in text_of(response)


def test_an_unknown_connection_is_404(web: httpx.Client) -> None:
    response = web.get("/connections/999/workflows")
    assert response.status_code == 404
    assert "That Floqer connection does not exist." in text_of(response)
