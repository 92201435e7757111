"""The sandbox's Setup control: an admin deletes or re-types a custom field between two opens."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import SandboxFactory
from tests.sandbox.flows import ACCOUNT_SYNC, data, upsert_step
from tests.support import TLS

FIELDS = "add_fields_and_their_values"


def account_fields(api: httpx.Client, field: str = FIELDS) -> dict[str, dict[str, Any]]:
    body = {"context": {"salesforce_object": "Account"}}
    step = upsert_step(api, ACCOUNT_SYNC)
    return {o["value"]: o for o in data(api.post(f"{step}/options/{field}", json=body))["options"]}


def change(sandbox_url: str, obj: str, field: str, **body: str) -> httpx.Response:
    return httpx.post(f"{sandbox_url}/_sandbox/objects/{obj}/fields/{field}", json=body, verify=TLS)


def test_a_deleted_field_is_gone_from_the_options_from_then_on(
    api: httpx.Client, sandbox_url: str
) -> None:
    assert "Tier__c" in account_fields(api)
    answer = change(sandbox_url, "account", "tier__c", action="delete")
    assert data(answer) == {"object": "Account", "field": "Tier__c", "deleted": True}
    fields = account_fields(api)
    assert "Tier__c" not in fields
    assert {"Name", "Domain__c", "ARR__c"} <= set(fields)  # the others stay


def test_a_deleted_external_id_field_leaves_the_external_id_choices_too(
    api: httpx.Client, sandbox_url: str
) -> None:
    data(change(sandbox_url, "Account", "Domain__c", action="delete"))
    assert account_fields(api, "salesforce_external_id_field") == {}


def test_a_re_typed_field_answers_with_its_new_type_and_metadata(
    api: httpx.Client, sandbox_url: str
) -> None:
    assert account_fields(api)["Tier__c"]["extras"]["type"] == "picklist"
    answer = change(sandbox_url, "Account", "Tier__c", action="retype", type="double")
    assert data(answer) == {"object": "Account", "field": "Tier__c", "type": "double"}
    tier = account_fields(api)["Tier__c"]
    assert tier["label"] == "Tier"
    assert tier["extras"]["type"] == "double"
    assert (tier["extras"]["precision"], tier["extras"]["scale"]) == (18, 0)
    assert "picklistValues" not in tier["extras"]


def test_standard_fields_cannot_be_deleted_or_re_typed(api: httpx.Client, sandbox_url: str) -> None:
    for body in ({"action": "delete"}, {"action": "retype", "type": "int"}):
        answer = change(sandbox_url, "Account", "Name", **body)
        assert answer.status_code == 400
        assert "custom fields only" in answer.json()["message"]
    assert account_fields(api)["Name"]["extras"]["type"] == "string"


def test_unknown_objects_fields_actions_and_types_are_refused_and_change_nothing(
    api: httpx.Client, sandbox_url: str
) -> None:
    assert change(sandbox_url, "Nope__c", "Tier__c", action="delete").status_code == 404
    assert change(sandbox_url, "Account", "Nope__c", action="delete").status_code == 404
    for body in ({"action": "rename"}, {"action": "retype", "type": "address"}, {}):
        answer = change(sandbox_url, "Account", "Tier__c", **body)
        assert answer.status_code == 400, body
        assert answer.json()["errors"], body
    assert change(sandbox_url, "Account", "x" * 300, action="delete").status_code == 400
    assert account_fields(api)["Tier__c"]["extras"]["type"] == "picklist"


def test_a_change_stays_in_its_own_sandbox(
    api: httpx.Client, sandbox_url: str, start_sandbox: SandboxFactory
) -> None:
    data(change(sandbox_url, "Account", "Tier__c", action="delete"))
    other = start_sandbox()
    with httpx.Client(
        base_url=f"{other}/api/v1", headers={"Authorization": "Bearer floq_test_0001"}, verify=TLS
    ) as fresh:
        assert "Tier__c" in account_fields(fresh)
