"""Finding the step: workflows, sheets (main first), upsert steps, adding one."""

from __future__ import annotations

import httpx
from bs4 import Tag

from tests.app.flows import (
    EVENT_CLEANUP,
    INBOUND,
    add_connection,
    configure_forms,
    soup,
    text_of,
    workflow_url,
)


def test_workflow_page_lists_sheets_main_first_with_their_upsert_steps(web: httpx.Client) -> None:
    connection = add_connection(web)
    page = soup(web.get(workflow_url(web, connection, INBOUND)))
    headings = [h.get_text(" ", strip=True) for h in page.find_all("h2")]
    assert headings == ["Inbound leads main sheet", "Webinar attendees"]
    steps = [s.get_text(strip=True) for s in page.select(".step-name")]
    assert steps == ["Upsert to Salesforce", "Upsert attendee as Lead"]
    assert "not configured in Floqer" in page.get_text()


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
