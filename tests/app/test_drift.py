"""The drift warning through the real app and sandbox: each saved version keeps what the org
said of its mapped fields, and the pre-flight panel says what changed in the org since."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bs4 import Tag

from tests.app.flows import (
    ACCOUNT_SYNC,
    CONTACT_ROWS,
    INBOUND,
    add_connection,
    configuration_id,
    curl_path,
    form_fields,
    soup,
    start_configuration,
    text_of,
    workflow_url,
)
from tests.conftest import RunningApp
from tests.support import TLS, stored_json

FIELDS = "add_fields_and_their_values"
ROWS = [("Domain__c", "{{input.domain}}"), ("Name", "{{input.company_name}}"), ("Tier__c", "")]


def stored_facts(app: RunningApp, config: int) -> dict[int, Any]:
    """{version: its field_facts} as the database holds them."""
    rows = app.query(
        "SELECT version, field_facts FROM configuration_versions "
        "WHERE configuration_id = :config ORDER BY version",
        config=config,
    )
    return {version: stored_json(facts) for version, facts in rows}


def open_form(web: httpx.Client, config: int, obj: str) -> None:
    """What the browser fetches on opening the form: the page, the picker, the fields."""
    web.get(f"/configurations/{config}").raise_for_status()
    web.get(f"/configurations/{config}/fragments/objects").raise_for_status()
    fields = f"/configurations/{config}/fragments/object-fields"
    web.get(fields, params={"salesforce_object": obj}).raise_for_status()


def account_form(version: int) -> dict[str, Any]:
    fields = form_fields("Accounts", "Account", "Domain__c", ROWS, version=version)
    fields["field_uid"] = [f"row-{n}" for n in range(len(ROWS))]
    return fields


def saved_account_sync(web: httpx.Client) -> int:
    """Account sync's step, configured, opened and saved as version 2 mapping Tier__c."""
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    open_form(web, config, "Account")
    saved = web.post(f"/configurations/{config}/save", data=account_form(1))
    assert saved.headers["location"].endswith("notice=saved-v2")
    return config


def change_field(app: RunningApp, field: str, **body: str) -> None:
    url = f"{app.sandbox_url}/_sandbox/objects/Account/fields/{field}"
    assert httpx.post(url, json=body, verify=TLS).json()["data"]["field"] == field


def row_checks(web: httpx.Client, config: int, version: int) -> dict[str, str]:
    """The pre-flight panel for the form opened at `version`: each row's problems."""
    panel = soup(
        web.post(f"/configurations/{config}/fragments/preflight", data=account_form(version))
    )
    return {
        str(checks["data-row-checks"]): " ".join(checks.get_text(" ").split())
        for checks in panel.select("[data-row-checks]")
    }


def test_each_saved_version_keeps_the_label_and_type_of_the_fields_it_maps(
    app: RunningApp, web: httpx.Client
) -> None:
    config = saved_account_sync(web)
    facts = stored_facts(app, config)
    # Configure this step read the step's object's options: version 1 keeps its fields too.
    assert facts[1] is not None
    assert set(facts[1]["fields"]) == {"Domain__c", "Name", "Website", "Customer_Since__c"}
    assert facts[2] == {
        "object": "Account",
        "fields": {
            "Name": {"label": "Account Name", "type": "string", "length": 255},
            "Domain__c": {"label": "Domain", "type": "string", "length": 255},
            "Tier__c": {"label": "Tier", "type": "picklist", "length": 255},
        },
    }


def test_a_step_started_from_a_template_keeps_the_fields_of_the_templates_object(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    template = start_configuration(web, connection, INBOUND)
    contact = form_fields("Inbound contacts", "Contact", "Email", CONTACT_ROWS)
    web.post(f"/configurations/{template}/save", data=contact)
    web.post(f"/configurations/{template}/refresh-options")  # Configure reads them itself
    steps = soup(web.get(workflow_url(web, connection, INBOUND) + f"?template={template}"))
    [button] = steps.find_all("button", string="Use the template here")
    form = button.find_parent("form")
    assert isinstance(form, Tag)
    action = str(form["action"])
    copy = configuration_id(web.post(action, data={"template_id": str(template)}))
    facts = stored_facts(app, copy)[1]
    assert facts is not None
    assert facts["object"] == "Contact"
    assert facts["fields"]["LastName"] == {"label": "Last Name", "type": "string", "length": 80}
    assert set(facts["fields"]) == {"Email", "LastName", "FirstName"}


def test_a_save_without_the_metadata_at_hand_keeps_none_and_still_saves(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    web.post(f"/configurations/{config}/refresh-options")  # nothing cached any more
    contact = form_fields("Contacts", "Contact", "Email", [("Email", "{{input.email}}")])
    saved = web.post(f"/configurations/{config}/save", data=contact)
    assert "Saved as version 2." in text_of(web.get(saved.headers["location"]))
    assert stored_facts(app, config)[2] is None


@pytest.mark.parametrize(
    ("body", "warning"),
    [
        (
            {"action": "retype", "type": "double"},
            "Tier (Tier__c) changed from picklist to number in the org since version 2 was saved.",
        ),
        (
            {"action": "delete"},
            "Tier (Tier__c) was deleted from Account since version 2 was saved.",
        ),
    ],
)
def test_the_panel_says_a_mapped_field_changed_in_the_org_since_the_version_was_saved(
    app: RunningApp, web: httpx.Client, body: dict[str, str], warning: str
) -> None:
    config = saved_account_sync(web)
    assert "since version" not in " ".join(row_checks(web, config, 2).values())
    change_field(app, "Tier__c", **body)
    web.post(f"/configurations/{config}/refresh-options")
    checks = row_checks(web, config, 2)
    assert warning in checks["row-2"]
    assert "since version" not in checks.get("row-0", "") + checks.get("row-1", "")
    if body["action"] == "delete":  # Salesforce refuses the field: that error stays
        assert "Account has no field “Tier__c”" in checks["row-2"]


def test_a_push_and_taking_floqers_version_keep_the_fields_of_the_versions_they_save(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    open_form(web, config, "Account")
    web.post(f"/configurations/{config}/push", data=account_form(1))
    page = web.get(f"/configurations/{config}")
    assert "Pushed to Floqer" in text_of(page)
    # Someone maps Website in Floqer itself; the configuration takes Floqer's version.
    rows = [{"name": n, "value": v} for n, v in ROWS] + [{"name": "Website", "value": "x"}]
    with app.sandbox_api() as api:
        api.patch(curl_path(page), json={"inputs": {FIELDS: rows}}).raise_for_status()
    taken = web.post(f"/configurations/{config}/take-floqer-version", data={"base_version": "2"})
    assert taken.headers["location"].endswith("notice=took-floqer-v3")
    facts = stored_facts(app, config)
    assert facts[2] is not None
    assert facts[2]["fields"]["Tier__c"] == {"label": "Tier", "type": "picklist", "length": 255}
    assert facts[3] is not None
    assert set(facts[3]["fields"]) == {"Domain__c", "Name", "Tier__c", "Website"}
