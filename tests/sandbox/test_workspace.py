"""Who-am-I, workflows, sheets, action chains and actions, as the contract shapes them."""

from __future__ import annotations

import httpx

from tests.sandbox.conftest import ClientFor
from tests.sandbox.flows import (
    ACCOUNT_SYNC,
    EVENT_CLEANUP,
    INBOUND,
    data,
    enrich_step_id,
    upsert_step,
    workflow_id,
)
from tests.support import TLS


def test_who_am_i_names_the_keys_user(api: httpx.Client, client_for: ClientFor) -> None:
    me = data(api.get("/user/"))
    assert set(me) == {"email", "first_name", "last_name", "role"}
    assert me["email"].endswith("@acme.example")
    other = data(client_for("floq_sandbox_424").get("/user/"))
    assert other["email"] != me["email"]


def test_workflows_list_the_three_seeded_ones(api: httpx.Client) -> None:
    workflows = data(api.get("/workflows/"))
    assert [w["name"] for w in workflows] == [INBOUND, ACCOUNT_SYNC, EVENT_CLEANUP]
    for w in workflows:
        assert set(w) == {"workflow_id", "name", "created_at", "updated_at", "last_run_at"}


def test_overview_puts_the_main_sheet_first_with_the_workflows_id(api: httpx.Client) -> None:
    wid = workflow_id(api, INBOUND)
    overview = data(api.get(f"/workflows/{wid}"))
    assert overview["is_owner"] is True
    assert overview["shared_users"] == []
    # Floqer's WorkflowOverview: the e-mails the workflow is shared with, as plain strings.
    shared = data(api.get(f"/workflows/{workflow_id(api, ACCOUNT_SYNC)}"))["shared_users"]
    assert shared == ["priya.raman@acme.example"]
    main, extra = overview["sheets"]
    assert main["is_main_sheet"] is True
    assert main["sheet_id"] == wid
    assert extra["is_main_sheet"] is False
    assert extra["name"] == "Webinar attendees"
    assert set(main) >= {"auto_run", "cache_enabled", "cache_since", "webhook_url"}


def test_action_chain_starts_with_the_input_node(api: httpx.Client) -> None:
    wid = workflow_id(api, INBOUND)
    chain = data(api.get(f"/workflows/{wid}/sheets/{wid}/actions"))
    inputs, enrich, upsert = chain
    assert inputs["action_id"] == "input"
    assert [o["name"] for o in inputs["outputs"]] == [
        "email",
        "first_name",
        "last_name",
        "company_name",
        "domain",
        "employee_count",
    ]
    assert inputs["outputs"][0]["reference"] == "{{input.email}}"
    assert inputs["next"] == [enrich["action_instance_id"]]
    assert enrich["next"] == [upsert["action_instance_id"]]
    assert upsert["next"] == []
    assert enrich["inputs"] == {"domain": "{{input.domain}}"}
    aiid = enrich["action_instance_id"]
    outputs = {o["name"]: o for o in enrich["outputs"]}
    assert outputs["industry"]["reference"] == f"{{{{{aiid}.industry}}}}"
    techs = outputs["technologies"]
    assert techs["type"] == "list"
    # Floqer's ActionOutput: a list column's token sits under structured_array_reference.
    column = techs["columns"][0]
    assert column["structured_array_reference"] == f"{{{{{aiid}.technologies.name}}}}"
    assert "inputs" not in inputs  # absent on the input node, as Floqer's docs say
    assert upsert["action_id"] == "salesforce_upsert_record"
    assert upsert["inputs"] == {}


def test_get_action_lists_every_input_of_the_upsert(api: httpx.Client) -> None:
    action = data(api.get(upsert_step(api)))
    assert action["action_id"] == "salesforce_upsert_record"
    names = [(i["name"], i["type"], i["required"]) for i in action["inputs"]]
    assert names == [
        ("salesforce_object", "dropdown", True),
        ("salesforce_external_id_field", "externalIdDropdown", True),
        ("add_fields_and_their_values", "jsonArray", True),
        ("force_update_on_collision", "radio", False),
        ("ignore_empty_values", "radio", False),
        ("run_salesforce_assignment_rules", "radio", False),
    ]
    assert all("value" not in i for i in action["inputs"])
    defaults = {i["name"]: i.get("default") for i in action["inputs"]}
    assert defaults["ignore_empty_values"] is True
    assert defaults["force_update_on_collision"] is False
    assert [o["name"] for o in action["outputs"]] == ["record_id", "operation_type", "account_url"]


def test_configured_step_of_account_sync_carries_its_values(api: httpx.Client) -> None:
    action = data(api.get(upsert_step(api, ACCOUNT_SYNC)))
    values = {i["name"]: i.get("value") for i in action["inputs"]}
    assert values["salesforce_object"] == "Account"
    assert values["salesforce_external_id_field"] == "Domain__c"
    assert values["add_fields_and_their_values"][0] == {
        "name": "Domain__c",
        "value": "{{input.domain}}",
        "label": "Domain__c",
    }


def test_add_action_appends_or_inserts_after_a_step(api: httpx.Client) -> None:
    wid = workflow_id(api, EVENT_CLEANUP)
    sheet = f"/workflows/{wid}/sheets/{wid}/actions"
    chain = data(api.get(sheet))
    assert all(n["action_id"] != "salesforce_upsert_record" for n in chain)
    added = data(api.post(sheet, json={"action_id": "salesforce_upsert_record"}))
    assert added["display_name"] == "Salesforce: Upsert Record"
    first = chain[1]["action_instance_id"]
    named = data(
        api.post(
            sheet,
            json={
                "action_id": "salesforce_upsert_record",
                "after": first,
                "name": "Upsert Lead",
            },
        )
    )
    ids = [n["action_instance_id"] for n in data(api.get(sheet))]
    assert ids == ["input", first, named["action_instance_id"], added["action_instance_id"]]
    assert data(api.get(f"{sheet}/{named['action_instance_id']}"))["display_name"] == "Upsert Lead"


def test_add_action_refuses_unknown_action_and_step_together(api: httpx.Client) -> None:
    wid = workflow_id(api, EVENT_CLEANUP)
    response = api.post(
        f"/workflows/{wid}/sheets/{wid}/actions", json={"action_id": "nope", "after": "missing"}
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"action_id", "after"}


def test_enrichment_step_is_readable_too(api: httpx.Client) -> None:
    wid = workflow_id(api, INBOUND)
    action = data(api.get(f"/workflows/{wid}/sheets/{wid}/actions/{enrich_step_id(api)}"))
    assert action["inputs"][0]["value"] == "{{input.domain}}"


def test_the_sandbox_counts_the_calls_it_receives(api: httpx.Client, sandbox_url: str) -> None:
    step = upsert_step(api)
    api.post(f"{step}/options/salesforce_object", json={})
    api.post(f"{step}/options/salesforce_object", json={})
    calls = data(httpx.get(f"{sandbox_url}/_sandbox/calls", verify=TLS))
    assert calls["options"] == 2
    assert calls["by_call"][f"POST /api/v1{step}/options/salesforce_object"] == 2
    assert calls["by_call"]["GET /api/v1/workflows/"] == 1
