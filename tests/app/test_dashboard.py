"""The home list as a dashboard: search, filters by connection, object, workflow and state,
sorting by last change, last push or name, and an empty state that names the filters."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from bs4 import Tag

from tests.app.flows import (
    ACCOUNT_SYNC,
    CONTACT_ROWS,
    INBOUND,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import AppFactory
from webapp.sandbox.floqer.seed import stable_id

ACCOUNT_ROWS = [("Name", "{{input.company_name}}")]


@dataclass(frozen=True)
class Listed:
    contacts: int  # Contact by Email on Production, pushed
    accounts: int  # Account on Staging, saved, never pushed
    refused: int  # Contact on Production, its push refused by Floqer (a field it lacks)
    production: int
    staging: int


@pytest.fixture
def listed(web: httpx.Client) -> Listed:
    production = add_connection(web)
    staging = add_connection(web, "floq_test_0002", label="Staging")
    contacts = start_configuration(web, production, INBOUND)
    web.post(f"/configurations/{contacts}/rename", data={"name": "Contacts from webinars"})
    pushed = web.post(
        f"/configurations/{contacts}/push",
        data=form_fields("Contacts from webinars", "Contact", "Email", CONTACT_ROWS),
    )
    assert pushed.status_code == 303, text_of(pushed)
    accounts = start_configuration(web, staging, ACCOUNT_SYNC)
    saved = web.post(
        f"/configurations/{accounts}/save",
        data=form_fields("Product accounts", "Account", "", ACCOUNT_ROWS),
    )
    assert saved.status_code == 303, text_of(saved)
    inbound = stable_id("inbound")  # a second upsert step on the Inbound sheet, added here
    added = web.post(f"/connections/{production}/workflows/{inbound}/sheets/{inbound}/steps")
    assert added.status_code == 303, text_of(added)
    refused = start_configuration(web, production, INBOUND, index=1)
    rows = [*CONTACT_ROWS, ("Shoe_Size__c", "42")]
    broken = {**form_fields("Zebra contacts", "Contact", "Email", rows), "push_anyway": "1"}
    web.post(f"/configurations/{refused}/push", data=broken)
    return Listed(contacts, accounts, refused, production, staging)


def names(web: httpx.Client, query: str = "") -> list[str]:
    """The configurations the home list shows, in order, for the address's `query`."""
    table = soup(web.get(f"/{query}")).find("table", class_="configurations")
    if table is None:
        return []
    assert isinstance(table, Tag)
    return [str(row.find("a").get_text()) for row in table.find_all("tr")[1:]]  # type: ignore[union-attr]


def status_line(web: httpx.Client, query: str) -> str:
    line = soup(web.get(f"/{query}")).select_one("[role=status]")
    assert isinstance(line, Tag)
    return " ".join(line.get_text(" ").split())


def test_search_matches_every_word_in_names_objects_steps_and_connections(
    web: httpx.Client, listed: Listed
) -> None:
    assert sorted(names(web)) == ["Contacts from webinars", "Product accounts", "Zebra contacts"]
    assert sorted(names(web, "?q=CONTACT")) == ["Contacts from webinars", "Zebra contacts"]
    assert names(web, "?q=contact+webinars") == ["Contacts from webinars"]
    assert names(web, "?q=staging") == ["Product accounts"]  # the connection's label
    assert names(web, "?q=account+sync") == ["Product accounts"]  # the workflow's name
    assert status_line(web, "?q=staging") == "1 of 3 configurations matching “staging”."


def test_each_filter_keeps_what_it_names_and_they_combine(
    web: httpx.Client, listed: Listed
) -> None:
    page = soup(web.get("/"))
    offered = {str(option.get_text()) for option in page.select("#filter-connection option")}
    assert offered == {"Any", "Production", "Staging"}
    objects = {str(option.get_text()) for option in page.select("#filter-object option")}
    assert objects == {"Any", "Account", "Contact"}

    assert names(web, f"?connection={listed.staging}") == ["Product accounts"]
    assert sorted(names(web, "?object=Contact")) == ["Contacts from webinars", "Zebra contacts"]
    workflow = f"?workflow={ACCOUNT_SYNC.replace(' ', '+')}"
    assert names(web, workflow) == ["Product accounts"]
    assert names(web, "?state=failed") == ["Zebra contacts"]
    assert names(web, "?state=this") == ["Contacts from webinars"]
    both = f"?object=Contact&connection={listed.production}&q=zebra"
    assert names(web, both) == ["Zebra contacts"]
    assert status_line(web, both) == (
        "1 of 3 configurations matching “zebra”, on connection Production, for Contact."
    )
    # The chosen values are kept in the form, so the view can be changed step by step.
    page = soup(web.get(both))
    assert page.select_one("#filter-q")["value"] == "zebra"  # type: ignore[index]
    assert page.select_one("#filter-object option[selected]").get_text() == "Contact"  # type: ignore[union-attr]


def test_sorting_by_last_change_last_push_and_name(web: httpx.Client, listed: Listed) -> None:
    # The refused configuration changed last; the Account one is the only one never pushed.
    assert names(web) == ["Zebra contacts", "Product accounts", "Contacts from webinars"]
    by_push = names(web, "?sort=pushed")
    assert by_push[-1] == "Product accounts"  # never pushed: last
    assert by_push[:2] == ["Zebra contacts", "Contacts from webinars"]  # newest push first
    assert names(web, "?sort=name") == [
        "Contacts from webinars",
        "Product accounts",
        "Zebra contacts",
    ]
    assert status_line(web, "?sort=name") == "3 configurations, by name."


def test_a_filter_that_keeps_nothing_says_so_and_how_to_get_back(
    web: httpx.Client, listed: Listed
) -> None:
    page = text_of(web.get("/?q=nothing+like+this&state=changed"))
    assert (
        "0 of 3 configurations matching “nothing like this”, in state “Changed in Floqer”" in page
    )
    assert (
        "No configuration matching “nothing like this”, in state “Changed in Floqer”. Change "
        "the filters above, or clear them to see all 3." in page
    )
    assert "No saved configurations yet" not in page  # that is the first-run message


def test_values_the_list_does_not_offer_are_ignored_not_refused(
    web: httpx.Client, listed: Listed
) -> None:
    odd = "?state=exploded&sort=%3Cscript%3E&connection=99999&q=" + "x" * 5000
    response = web.get(odd)
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert names(web, "?state=exploded&sort=sideways") == names(web)  # ignored
    assert names(web, "?connection=99999") == []  # a connection that has none: nothing
    assert "x" * 201 not in response.text  # the search text is cut at 200 characters


def test_the_background_check_answers_only_the_cells_the_filtered_list_shows(
    start_app: AppFactory,
) -> None:
    app = start_app(floqer_recheck_seconds=0)  # every view checks Floqer again
    with app.signed_in() as web:
        connection = add_connection(web)
        start_configuration(web, connection, INBOUND)
        accounts = start_configuration(web, connection, ACCOUNT_SYNC)
        page = soup(web.get("/?q=account+sync"))
        probe = page.select_one("[hx-get][hx-trigger=load]")
        assert isinstance(probe, Tag)
        assert probe["hx-get"] == "/floqer-states?q=account+sync"
        cells = soup(web.get(str(probe["hx-get"]))).find_all("td")
    assert [cell["id"] for cell in cells] == [f"state-{accounts}"]
