"""Small walks through the sandbox's API that many tests need: find a workflow, a step."""

from __future__ import annotations

from typing import Any

import httpx

INBOUND = "Inbound leads → Salesforce"
ACCOUNT_SYNC = "Account sync from product DB"
EVENT_CLEANUP = "Event list cleanup"


def data(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == 200
    return body["data"]


def workflow_id(api: httpx.Client, name: str) -> str:
    workflows = data(api.get("/workflows/"))
    return str(next(w["workflow_id"] for w in workflows if w["name"] == name))


def upsert_step(api: httpx.Client, name: str = INBOUND) -> str:
    """`/workflows/{wid}/sheets/{sid}/actions/{aiid}` of the main sheet's upsert step."""
    wid = workflow_id(api, name)
    chain = data(api.get(f"/workflows/{wid}/sheets/{wid}/actions"))
    aiid = next(
        n["action_instance_id"] for n in chain if n["action_id"] == "salesforce_upsert_record"
    )
    return f"/workflows/{wid}/sheets/{wid}/actions/{aiid}"


def enrich_step_id(api: httpx.Client) -> str:
    wid = workflow_id(api, INBOUND)
    chain = data(api.get(f"/workflows/{wid}/sheets/{wid}/actions"))
    return str(next(n["action_instance_id"] for n in chain if n["action_id"] == "enrich_company"))


def configure(api: httpx.Client, step: str, **inputs: Any) -> httpx.Response:
    return api.patch(step, json={"inputs": inputs})


def upsert_inputs(obj: str, key: str, fields: dict[str, Any], **flags: bool) -> dict[str, Any]:
    return {
        "salesforce_object": obj,
        "salesforce_external_id_field": key,
        "add_fields_and_their_values": [{"name": n, "value": v} for n, v in fields.items()],
        **flags,
    }


def run_one(api: httpx.Client, step: str, row: dict[str, Any]) -> dict[str, Any]:
    """Add `row` to the step's sheet with run_after_add, and return the step's cell."""
    sheet = step.rsplit("/actions/", 1)[0]
    aiid = step.rsplit("/", 1)[1]
    added = data(api.post(f"{sheet}/rows", json={"rows": [row], "run_after_add": "first_10"}))
    assert added["rejected"] == [], added
    listed = data(api.post(f"{sheet}/rows/list", json={"row_ids": added["row_ids"]}))
    cell: dict[str, Any] = listed["rows"][0]["cells"][aiid]
    return cell
