"""Saved configurations: the form's fragments, saving drafts, versions, rename, delete."""

from __future__ import annotations

import json

import httpx
from bs4 import Tag

from tests.app.flows import (
    ACCOUNT_SYNC,
    CONTACT_ROWS,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import RunningApp


def fragment(web: httpx.Client, config: int, name: str, **params: str) -> httpx.Response:
    return web.get(f"/configurations/{config}/fragments/{name}", params=params)


def test_a_configured_step_starts_from_what_floqer_holds(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    page = soup(web.get(f"/configurations/{config}"))
    body = page.find("pre", attrs={"aria-label": "Request body"})
    assert isinstance(body, Tag)
    assert '"salesforce_external_id_field": "Domain__c"' in body.get_text()
    fields = soup(fragment(web, config, "object-fields", salesforce_object="Account"))
    names = [i["value"] for i in fields.find_all("input", attrs={"name": "field_name"})]
    assert names == ["Domain__c", "Name", "Website", "Customer_Since__c"]
    key = fields.find("select", attrs={"name": "salesforce_external_id_field"})
    assert isinstance(key, Tag)
    selected = key.find("option", selected=True)
    assert isinstance(selected, Tag)
    assert selected["value"] == "Domain__c"


def test_object_picker_lists_every_object_in_one_datalist(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    picker = soup(fragment(web, config, "objects"))
    label = picker.find("label", attrs={"for": "salesforce_object"})
    assert isinstance(label, Tag)
    assert label.get_text() == "Salesforce object"
    options = picker.select("datalist#sf-objects option")
    assert len(options) == 47
    assert "47 objects in the connected org" in picker.get_text()


def test_fields_fragment_offers_one_shared_field_list_and_the_upstream_references(
    web: httpx.Client,
) -> None:
    config = start_configuration(web, add_connection(web))
    page = soup(fragment(web, config, "object-fields", salesforce_object="Lead"))
    keys = [o["value"] for o in page.select("select[name=salesforce_external_id_field] option")]
    assert keys == ["", "Email", "Floqer_Id__c"]
    guides = page.find_all("template", id="field-guide")
    assert len(guides) == 1
    assert len(json.loads(guides[0].decode_contents())["fields"]) == 59  # Lead_Grade__c included
    tokens = [str(o["value"]) for o in page.select("datalist#floqer-tokens option")]
    assert "{{input.email}}" in tokens
    assert any(t.endswith(".industry}}") for t in tokens)
    assert any(t.endswith(".technologies.name}}") for t in tokens)
    assert "Salesforce needs: LastName, Company" in " ".join(page.get_text(" ").split())
    # A mapping with no rows yet starts with the rows Salesforce needs to create a Lead.
    names = [i["value"] for i in page.find_all("input", attrs={"name": "field_name"})]
    assert names == ["LastName", "Company"]


def test_an_object_without_external_id_fields_says_what_an_admin_must_do(
    web: httpx.Client,
) -> None:
    config = start_configuration(web, add_connection(web))
    text = text_of(fragment(web, config, "object-fields", salesforce_object="Case"))
    assert "Case has no field flagged External ID" in text
    assert "Setup → Object Manager → Case → Fields" in text


def test_an_unknown_object_is_explained_in_the_fields_area(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    response = fragment(web, config, "object-fields", salesforce_object="Spaceship__c")
    assert response.status_code == 200
    assert "The connected org has no object “Spaceship__c”." in text_of(response)
    near = fragment(web, config, "object-fields", salesforce_object="Acount")
    assert "Did you mean Account?" in text_of(near)


def test_saving_stores_the_exact_body_and_counts_versions(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    fields = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS, ignore_empty_values=False)
    saved = web.post(f"/configurations/{config}/save", data=fields)
    assert saved.headers["location"] == f"/configurations/{config}?notice=saved-v2"
    page = text_of(web.get(saved.headers["location"]))
    assert "Saved as version 2." in page
    assert '"ignore_empty_values": false' in page
    again = web.post(f"/configurations/{config}/save", data=fields)
    assert again.headers["location"].endswith("notice=unchanged")
    home = text_of(web.get("/"))
    assert "Contacts" in home
    assert "Contact by Email" in home
    assert "never pushed from here" in home


def test_blank_rows_are_dropped_and_toggles_absent_are_off(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    rows = [("Email", "{{input.email}}"), ("", ""), ("LastName", "Doe")]
    fields = form_fields(
        "x",
        "Contact",
        "Email",
        rows,
        ignore_empty_values=False,
        run_salesforce_assignment_rules=False,
    )
    web.post(f"/configurations/{config}/save", data=fields)
    page = soup(fragment(web, config, "object-fields", salesforce_object="Contact"))
    assert [i["value"] for i in page.find_all("input", attrs={"name": "field_name"})] == [
        "Email",
        "LastName",
    ]
    text = text_of(web.get(f"/configurations/{config}"))
    assert '"run_salesforce_assignment_rules": false' in text


def test_parts_of_the_form_that_never_loaded_keep_their_saved_values(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    fields = form_fields("Renamed only", "", "", [], loaded=False)
    web.post(f"/configurations/{config}/save", data=fields)
    text = text_of(web.get(f"/configurations/{config}"))
    assert '"salesforce_object": "Account"' in text
    assert '"name": "Customer_Since__c"' in text
    assert "Renamed only" in text


def test_malformed_posts_get_a_plain_answer_and_lose_nothing(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    before = text_of(web.get(f"/configurations/{config}"))
    uneven = form_fields("x", "Account", "Domain__c", [("Name", "a")])
    uneven["field_value"] = ["a", "b"]
    doubled = form_fields("x", "Account", "Domain__c", [("Name", "a")])
    doubled["salesforce_object"] = ["Account", "Lead"]
    nameless = form_fields("", "Account", "Domain__c", [("Name", "a")])
    for data, status, message in (
        (uneven, 400, "The field rows arrived incomplete"),
        (doubled, 400, "The form sent salesforce_object more than once"),
        (nameless, 422, "Give the configuration a name"),
    ):
        response = web.post(f"/configurations/{config}/save", data=data)
        assert response.status_code == status
        assert message in text_of(response)
    assert text_of(web.get(f"/configurations/{config}")) == before


def test_a_draft_that_cannot_be_saved_comes_back_as_typed(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    rows = [("Email", "{{input.email}}"), ("LastName", "x" * 10_001)]
    draft = form_fields("Leads", "Contact", "Email", rows, force_update_on_collision=True)
    response = web.post(f"/configurations/{config}/push", data=draft)
    assert response.status_code == 422
    page = soup(response)
    assert "A value can be at most 10,000 characters long." in page.get_text(" ")
    names = [str(i["value"]) for i in page.find_all("input", attrs={"name": "field_name"})]
    values = [str(i["value"]) for i in page.find_all("input", attrs={"name": "field_value"})]
    assert names == ["Email", "LastName"]
    assert values == ["{{input.email}}", "x" * 10_001]
    assert page.find("input", attrs={"name": "salesforce_object"})["value"] == "Contact"  # type: ignore[index]
    assert page.find("input", attrs={"name": "force_update_on_collision"}).has_attr("checked")  # type: ignore[union-attr]
    assert page.find("input", attrs={"name": "base_version"})["value"] == "1"  # type: ignore[index]
    assert "Pushed" not in page.get_text(" ")


def test_a_form_that_is_not_a_form_is_a_400_page(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    response = web.post(
        f"/configurations/{config}/save",
        content=b"\x00\x01garbage",
        headers={"Content-Type": "multipart/form-data; boundary=nope"},
    )
    assert response.status_code == 400
    assert "could not be read" in text_of(response)


def test_rename_and_delete(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    web.post(f"/configurations/{config}/rename", data={"name": "Accounts nightly"})
    assert "Accounts nightly" in text_of(web.get(f"/configurations/{config}"))
    refused = web.post(f"/configurations/{config}/rename", data={"name": " "})
    assert refused.status_code == 422
    web.post(f"/configurations/{config}/delete")
    assert "No saved configurations yet." in text_of(web.get("/"))
    assert web.get(f"/configurations/{config}").status_code == 404


def test_home_page_lists_configurations_with_object_step_and_status(
    app: RunningApp, web: httpx.Client
) -> None:
    assert "No saved configurations yet." in text_of(web.get("/"))
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    web.post(
        f"/configurations/{config}/push",
        data=form_fields(
            "Accounts", "Account", "Domain__c", [("Domain__c", "{{input.domain}}"), ("Name", "x")]
        ),
    )
    row = soup(web.get("/")).find("a", string="Accounts")
    assert isinstance(row, Tag)
    cells = [td.get_text(" ", strip=True) for td in row.find_parent("tr").find_all("td")]  # type: ignore[union-attr]
    assert cells[1] == "Account by Domain__c"
    assert cells[2] == "Account sync from product DB › Accounts › Upsert Account by domain"
    assert "UTC" in cells[3]
    assert cells[4].startswith("In Floqer: this version v2")
