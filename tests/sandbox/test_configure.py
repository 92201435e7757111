"""Configure Action: partial updates, lossless round trips, every problem at once."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.flows import (
    ACCOUNT_SYNC,
    INBOUND,
    configure,
    data,
    enrich_step_id,
    upsert_inputs,
    upsert_step,
    workflow_id,
)


def values(action: dict[str, Any]) -> dict[str, Any]:
    return {i["name"]: i["value"] for i in action["inputs"] if "value" in i}


def test_configure_stores_the_body_and_get_gives_it_back(api: httpx.Client) -> None:
    step = upsert_step(api)
    items = [
        {"name": "Email", "value": "{{input.email}}"},
        {"name": "LastName", "value": "{{input.last_name}}", "label": "Surname", "note": "kept"},
    ]
    body = {
        "salesforce_object": "Contact",
        "salesforce_external_id_field": "Email",
        "add_fields_and_their_values": items,
        "force_update_on_collision": True,
        "ignore_empty_values": False,
        "run_salesforce_assignment_rules": False,
    }
    answer = configure(api, step, **body)
    assert answer.json()["message"] == "Action configured"
    stored = values(data(api.get(step)))
    assert stored == {
        **body,
        "add_fields_and_their_values": [
            {"name": "Email", "value": "{{input.email}}", "label": "Email"},
            {
                "name": "LastName",
                "value": "{{input.last_name}}",
                "label": "Surname",
                "note": "kept",
            },
        ],
    }
    assert values(data(answer)) == stored


def test_configure_is_a_partial_update(api: httpx.Client) -> None:
    step = upsert_step(api, ACCOUNT_SYNC)
    before = values(data(api.get(step)))
    data(configure(api, step, ignore_empty_values=False))
    after = values(data(api.get(step)))
    assert after == {**before, "ignore_empty_values": False}


def test_first_configure_needs_the_three_required_inputs(api: httpx.Client) -> None:
    response = configure(api, upsert_step(api), force_update_on_collision=True)
    assert response.status_code == 400
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields == {
        "inputs.salesforce_object": "required",
        "inputs.salesforce_external_id_field": "required",
        "inputs.add_fields_and_their_values": "required",
    }


def test_every_problem_is_listed_at_once(api: httpx.Client) -> None:
    step = upsert_step(api)
    later = data(
        api.post(
            step.rsplit("/", 1)[0], json={"action_id": "enrich_company", "name": "Late enrichment"}
        )
    )["action_instance_id"]
    response = configure(
        api,
        step,
        salesforce_object="Contact",
        salesforce_external_id_field="LastName",
        add_fields_and_their_values=[
            {"name": "Email", "value": "{{input.email}}"},
            {"name": "Shoe_Size__c", "value": "42"},
            {"name": "FirstName", "value": "{{input.nickname}}"},
            {"name": "Title", "value": f"{{{{{later}.industry}}}}"},
            {"name": "Department", "value": "{{nobody.output}}"},
            {"value": "no name"},
            "not an item",
        ],
        ignore_empty_values="yes",
        sales_region="EMEA",
    )
    assert response.status_code == 400
    problems = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert problems == {
        ("inputs.salesforce_external_id_field", "not_external_id"),
        ("inputs.add_fields_and_their_values[1].name", "unknown_field"),
        ("inputs.add_fields_and_their_values[2].value", "unknown_reference"),
        ("inputs.add_fields_and_their_values[3].value", "reference_not_upstream"),
        ("inputs.add_fields_and_their_values[4].value", "unknown_reference"),
        ("inputs.add_fields_and_their_values[5].name", "required"),
        ("inputs.add_fields_and_their_values[6]", "invalid_item"),
        ("inputs.ignore_empty_values", "invalid_type"),
        ("inputs.sales_region", "unknown_input"),
    }
    assert all(e["message"] for e in response.json()["errors"])


def test_unknown_object_and_non_list_array_are_reported(api: httpx.Client) -> None:
    response = configure(
        api,
        upsert_step(api),
        salesforce_object="Spaceship__c",
        salesforce_external_id_field="Domain__c",
        add_fields_and_their_values={"Name": "x"},
    )
    problems = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert problems == {
        ("inputs.salesforce_object", "unknown_object"),
        ("inputs.add_fields_and_their_values", "invalid_type"),
    }


def test_changing_object_makes_a_stale_external_id_an_error(api: httpx.Client) -> None:
    response = configure(api, upsert_step(api, ACCOUNT_SYNC), salesforce_object="Lead")
    problems = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert ("inputs.salesforce_external_id_field", "unknown_field") in problems


def test_upstream_outputs_and_list_columns_can_be_referenced(api: httpx.Client) -> None:
    step = upsert_step(api)
    enrich = enrich_step_id(api)
    inputs = upsert_inputs(
        "Account",
        "Domain__c",
        {
            "Domain__c": "{{input.domain}}",
            "Name": "{{input.company_name}} ({{" + enrich + ".country}})",
            "Description": "Uses {{" + enrich + ".technologies.name}}",
        },
    )
    assert configure(api, step, **inputs).status_code == 200
    bad = upsert_inputs("Account", "Domain__c", {"Name": "{{" + enrich + ".technologies.price}}"})
    response = configure(api, step, **bad)
    assert response.json()["errors"][0]["code"] == "unknown_reference"


def test_field_names_are_matched_as_salesforce_does_ignoring_case(api: httpx.Client) -> None:
    inputs = upsert_inputs("account", "domain__c", {"name": "x", "DOMAIN__C": "y.example"})
    assert configure(api, upsert_step(api), **inputs).status_code == 200


def test_enrichment_step_inputs_are_checked_too(api: httpx.Client) -> None:
    wid = workflow_id(api, INBOUND)
    step = f"/workflows/{wid}/sheets/{wid}/actions/{enrich_step_id(api)}"
    response = configure(api, step, domain="{{input.website}}")
    assert response.json()["errors"][0] == {
        "field": "inputs.domain",
        "code": "unknown_reference",
        "message": "{{input.website}}: the sheet has no input column website",
    }
    assert (
        values(data(configure(api, step, domain="{{input.email}}")))["domain"] == "{{input.email}}"
    )
