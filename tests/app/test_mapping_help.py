"""The form's bulk helpers over HTTP: the object change that keeps rows (and its Undo),
Suggest mappings, and Paste mappings, including posts no page of the app sends."""

from __future__ import annotations

from typing import Any

import httpx

from tests.app.flows import add_connection, form_fields, soup, start_configuration, text_of
from tests.conftest import RunningApp
from webapp.services.mapping_help import undo_state
from webapp.upsert_form import FieldRow, UpsertConfig

CONTACT_ROWS = [("Email", "{{input.email}}"), ("Title", "VP"), ("Birthdate", "1990-01-01")]


def post(web: httpx.Client, config: int, name: str, data: dict[str, Any]) -> httpx.Response:
    return web.post(f"/configurations/{config}/fragments/{name}", data=data)


def rows_of(answer: httpx.Response) -> list[tuple[str, str]]:
    page = soup(answer)
    names = [str(i["value"]) for i in page.select("input[name=field_name]")]
    values = [str(i["value"]) for i in page.select("input[name=field_value]")]
    return list(zip(names, values, strict=True))


def test_an_object_change_keeps_the_rows_the_new_object_has_and_undo_restores_all(
    web: httpx.Client,
) -> None:
    config = start_configuration(web, add_connection(web))
    form = form_fields("C", "Lead", "Email", CONTACT_ROWS) | {"fields_of": "Contact"}
    answer = post(web, config, "object-fields", form)
    assert rows_of(answer) == CONTACT_ROWS[:2]
    assert "Lead has no field for 1 of your rows (Birthdate)" in text_of(answer)
    assert answer.headers["HX-Trigger"] == "recheck"
    undo = soup(answer).find("button", string="Undo the object change")
    assert undo is not None
    state = undo["hx-vals"]
    assert isinstance(state, str)
    assert "Birthdate" in state

    back = post(
        web,
        config,
        "object-fields",
        form
        | {
            "undo": undo_state(
                UpsertConfig("Contact", "Email", tuple(FieldRow(n, v) for n, v in CONTACT_ROWS))
            )
        },
    )
    assert rows_of(back) == CONTACT_ROWS
    assert "Back to Contact, with its rows." in text_of(back)
    picker = soup(back).find(id="object-picker")
    assert picker is not None
    assert picker["hx-swap-oob"] == "true"
    box = picker.find("input", attrs={"name": "salesforce_object"})
    assert box is not None
    assert box["value"] == "Contact"


def test_posts_no_page_sends_leave_the_form_as_it_is_and_say_why(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    halved = form_fields("C", "Lead", "Email", CONTACT_ROWS)
    halved["field_value"] = halved["field_value"][:1]
    for name in ("object-fields", "suggestions", "mappings"):
        answer = post(web, config, name, halved)
        assert answer.headers["HX-Reswap"] == "none", name
        assert "The field rows arrived incomplete" in text_of(answer)
    forged = form_fields("C", "Lead", "Email", CONTACT_ROWS) | {"undo": '{"object": 5}'}
    answer = post(web, config, "object-fields", forged)
    assert answer.headers["HX-Reswap"] == "none"
    assert "That Undo no longer applies" in text_of(answer)


def test_suggestions_offer_the_sheet_s_names_and_ticked_ones_become_rows(
    web: httpx.Client,
) -> None:
    config = start_configuration(web, add_connection(web))
    form = form_fields("A", "Account", "", [("Name", "")])
    answer = post(web, config, "suggestions", form)
    boxes = {str(b["value"]) for b in soup(answer).select("input[name=mapping]")}
    assert {"Name={{input.company_name}}", "Domain__c={{input.domain}}"} <= boxes
    assert soup(answer).select_one("input[name=suggested_external_id]")["value"] == "Domain__c"  # type: ignore[index]

    chosen = form | {
        "apply": "suggestions",
        "mapping": ["Name={{input.company_name}}", "Domain__c={{input.domain}}"],
        "suggested_external_id": "Domain__c",
    }
    added = post(web, config, "mappings", chosen)
    assert rows_of(added) == [("Name", "{{input.company_name}}"), ("Domain__c", "{{input.domain}}")]
    key = soup(added).select_one("select[name=salesforce_external_id_field] option[selected]")
    assert key is not None
    assert key["value"] == "Domain__c"
    assert "added 1 row and set the value of 1 existing row" in text_of(added)


def test_pasted_lines_with_a_bad_line_apply_nothing_and_keep_the_text(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    form = form_fields("L", "Lead", "Email", [("Email", "{{input.email}}")])
    text = "Last Name=Smith\nno separator here"
    answer = post(web, config, "mappings", form | {"apply": "pasted", "pasted": text})
    assert rows_of(answer) == [("Email", "{{input.email}}")]
    box = soup(answer).find("textarea", attrs={"name": "pasted"})
    assert box is not None
    assert box.get_text() == text
    assert box["aria-invalid"] == "true"
    assert "Line 2 (“no separator here”)" in text_of(answer)

    fixed = post(web, config, "mappings", form | {"apply": "pasted", "pasted": "Last Name=Smith"})
    assert rows_of(fixed) == [("Email", "{{input.email}}"), ("LastName", "Smith")]


def test_a_viewer_cannot_use_the_bulk_helpers(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    app.add_user("viewer@acme.example", "viewer", "viewer-session-token-0123456789abcdef")
    form = form_fields("L", "Lead", "Email", [("Email", "{{input.email}}")])
    with app.signed_in("viewer-session-token-0123456789abcdef") as viewer:
        answer = post(viewer, config, "suggestions", form)
    assert answer.status_code == 403
    assert "Suggested mappings" not in answer.text


def test_the_panel_shows_the_draft_a_push_would_send_until_it_is_saved(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    saved = form_fields("Leads", "Lead", "Email", [("Email", "{{input.email}}")])
    assert web.post(f"/configurations/{config}/save", data=saved).status_code == 303
    same = post(web, config, "preflight", saved | {"base_version": "2"})
    assert "The form holds the saved version: nothing to save." in text_of(same)
    assert soup(same).find("pre", attrs={"aria-label": "Draft request body, not saved"}) is None

    edited = saved | {"base_version": "2", "field_value": ["{{input.email}} "]}
    answer = post(web, config, "preflight", edited)
    draft = soup(answer).find("pre", attrs={"aria-label": "Draft request body, not saved"})
    assert draft is not None
    assert '"value": "{{input.email}} "' in draft.get_text()
    assert "Saved version (v2)" in text_of(answer)


def test_an_object_named_by_its_label_is_loaded_and_the_form_takes_its_api_name(
    web: httpx.Client,
) -> None:
    config = start_configuration(web, add_connection(web))
    form = form_fields("P", "product usage event", "", [])
    answer = post(web, config, "object-fields", form)
    loaded = soup(answer).find("input", attrs={"name": "fields_of"})
    assert loaded is not None
    assert loaded["value"] == "Product_Usage_Event__c"
    picker = soup(answer).find(id="object-picker")
    assert picker is not None
    box = picker.find("input", attrs={"name": "salesforce_object"})
    assert box is not None
    assert box["value"] == "Product_Usage_Event__c"
    # An API name as the org spells it changes nothing in the picker.
    same = post(web, config, "object-fields", form_fields("P", "Lead", "", []))
    assert soup(same).find(id="object-picker") is None
