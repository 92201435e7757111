"""Save, push and pull through the real app and the real sandbox behind it."""

from __future__ import annotations

import httpx

from tests.app.flows import (
    CONTACT_ROWS,
    add_connection,
    form_fields,
    sandbox_step_values,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import RunningApp


def test_saved_draft_is_pushed_exactly_and_pull_then_finds_no_difference(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    fields = form_fields("Inbound contacts", "Contact", "Email", CONTACT_ROWS)
    pushed = web.post(f"/configurations/{config}/push", data=fields)
    assert pushed.status_code == 303
    page = web.get(f"/configurations/{config}")
    assert "Pushed to Floqer" in text_of(page)
    with app.sandbox_api() as api:
        values = sandbox_step_values(api, page)
    assert values["salesforce_object"] == "Contact"
    assert values["add_fields_and_their_values"] == [
        {"name": n, "value": v, "label": n} for n, v in CONTACT_ROWS
    ]
    pulled = web.post(f"/configurations/{config}/pull")
    assert "No difference" in text_of(pulled)


def test_a_400_from_floqer_is_shown_next_to_the_row_it_names(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    rows = [*CONTACT_ROWS, ("Shoe_Size__c", "42")]
    # The pre-flight check would stop this push; "Push anyway" sends it to Floqer all the same.
    draft = {**form_fields("x", "Contact", "Email", rows), "push_anyway": "1"}
    web.post(f"/configurations/{config}/push", data=draft)
    assert "Push failed" in text_of(web.get(f"/configurations/{config}"))
    fragment = soup(
        web.get(f"/configurations/{config}/fragments/object-fields?salesforce_object=Contact")
    )
    row = fragment.find(id="row-3")
    assert row is not None
    assert "Contact has no field 'Shoe_Size__c'" in row.get_text()
    first = fragment.find(id="row-0")
    assert first is not None
    assert "field-errors" not in str(first)
