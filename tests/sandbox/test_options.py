"""Get Action Field Options: objects, external-ID fields and all fields, read from the org."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.flows import ACCOUNT_SYNC, data, upsert_step


def options(api: httpx.Client, step: str, field: str, **context: str) -> list[dict[str, Any]]:
    body = {"context": context} if context else {}
    result: list[dict[str, Any]] = data(api.post(f"{step}/options/{field}", json=body))["options"]
    return result


def test_objects_lists_standard_and_custom_objects(api: httpx.Client) -> None:
    objects = options(api, upsert_step(api), "salesforce_object")
    by_value = {o["value"]: o for o in objects}
    assert {"Account", "Contact", "Lead", "Opportunity", "Case"} <= set(by_value)
    assert {"Subscription__c", "Product_Usage_Event__c"} <= set(by_value)
    assert by_value["Account"]["label"] == "Account"
    assert by_value["Account"]["extras"]["keyPrefix"] == "001"
    assert by_value["Subscription__c"]["extras"]["custom"] is True
    labels = [o["label"].lower() for o in objects]
    assert labels == sorted(labels)


def test_external_id_fields_follow_the_object(api: httpx.Client) -> None:
    step = upsert_step(api)

    def keys(obj: str) -> list[str]:
        return [
            o["value"]
            for o in options(api, step, "salesforce_external_id_field", salesforce_object=obj)
        ]

    assert keys("Account") == ["Domain__c"]
    assert sorted(keys("Contact")) == ["Email", "External_Id__c"]
    assert sorted(keys("Lead")) == ["Email", "Floqer_Id__c"]
    assert keys("Case") == []
    assert keys("Subscription__c") == ["Subscription_Key__c"]


def test_all_fields_carry_salesforce_metadata_in_extras(api: httpx.Client) -> None:
    fields = options(
        api, upsert_step(api), "add_fields_and_their_values", salesforce_object="Account"
    )
    assert len(fields) >= 68
    by_name = {f["value"]: f for f in fields}
    name = by_name["Name"]["extras"]
    assert name["type"] == "string"
    assert name["length"] == 255
    assert name["required"] is True
    assert by_name["Domain__c"]["extras"]["externalId"] is True
    assert by_name["Domain__c"]["extras"]["unique"] is False
    tier = by_name["Tier__c"]["extras"]
    assert tier["restrictedPicklist"] is True
    assert [p["value"] for p in tier["picklistValues"]] == ["Tier 1", "Tier 2", "Tier 3"]
    formula = by_name["Health_Score__c"]["extras"]
    assert formula["calculated"] is True
    assert formula["createable"] is False
    assert by_name["Id"]["extras"]["createable"] is False


def test_required_on_create_matches_salesforce(api: httpx.Client) -> None:
    step = upsert_step(api)

    def required(obj: str) -> set[str]:
        fields = options(api, step, "add_fields_and_their_values", salesforce_object=obj)
        return {f["value"] for f in fields if f["extras"]["required"]}

    assert required("Account") == {"Name"}
    assert required("Contact") == {"LastName"}
    assert required("Lead") == {"LastName", "Company"}
    assert required("Opportunity") == {"Name", "StageName", "CloseDate"}


def test_context_defaults_to_the_configured_object(api: httpx.Client) -> None:
    keys = options(api, upsert_step(api, ACCOUNT_SYNC), "salesforce_external_id_field")
    assert [k["value"] for k in keys] == ["Domain__c"]


def test_missing_or_unknown_object_in_context_is_a_400_naming_it(api: httpx.Client) -> None:
    step = upsert_step(api)
    missing = api.post(f"{step}/options/salesforce_external_id_field", json={})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "context.salesforce_object"
    unknown = api.post(
        f"{step}/options/add_fields_and_their_values",
        json={"context": {"salesforce_object": "Nope__c"}},
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["code"] == "unknown_object"


def test_a_field_without_options_or_unknown_field_is_refused(api: httpx.Client) -> None:
    step = upsert_step(api)
    radio = api.post(f"{step}/options/ignore_empty_values", json={})
    assert radio.status_code == 400
    assert radio.json()["errors"][0]["code"] == "no_options"
    assert api.post(f"{step}/options/not_a_field", json={}).status_code == 404


def test_options_answer_without_a_body_as_with_an_empty_one(api: httpx.Client) -> None:
    step = upsert_step(api)
    bare = data(api.post(f"{step}/options/salesforce_object"))
    assert bare == data(api.post(f"{step}/options/salesforce_object", json={}))


def test_context_must_be_an_object(api: httpx.Client) -> None:
    response = api.post(
        f"{upsert_step(api)}/options/salesforce_external_id_field", json={"context": "Account"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "context"
