"""What a test run of the app meets in the sandbox: the record view a browser opens from
`{account_url}/{record_id}`, Salesforce's field list on a refused cell, and runs that take
time (the slowrun and stuckrun keys), computed from the clock when rows are listed."""

from __future__ import annotations

import time
from typing import Any

import httpx
from bs4 import BeautifulSoup

from tests.sandbox.conftest import ClientFor
from tests.sandbox.flows import configure, data, run_one, upsert_inputs, upsert_step
from tests.support import TLS
from webapp.sandbox.faults import FAULTS, SLOW_RUN_QUEUED_SECONDS

LEAD = {
    "Floqer_Id__c": "F-{{input.email}}",
    "LastName": "{{input.last_name}}",
    "Company": "{{input.company_name}}",
}
ROW = {"email": "nora.quinn@wayne.example", "last_name": "Quinn", "company_name": "Wayne"}


def lead_step(api: httpx.Client, **extra: str) -> str:
    step = upsert_step(api)
    data(configure(api, step, **upsert_inputs("Lead", "Floqer_Id__c", {**LEAD, **extra})))
    return step


def test_a_browser_opening_the_record_link_sees_the_record_as_a_page(
    api: httpx.Client, sandbox_url: str
) -> None:
    outputs = run_one(api, lead_step(api), ROW)["outputs"]
    link = f"{outputs['account_url']}/{outputs['record_id']}"
    page = httpx.get(
        link, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, verify=TLS
    )
    assert page.headers["content-type"].startswith("text/html")
    html = BeautifulSoup(page.text, "html.parser")
    assert html.h1 is not None
    assert html.h1.get_text() == f"Lead {outputs['record_id']}"
    cells = {
        tr.th.get_text(): tr.td.get_text() for tr in html.select("tbody tr") if tr.th and tr.td
    }
    assert cells["Company"] == "Wayne"
    assert cells["Floqer_Id__c"] == "F-nora.quinn@wayne.example"
    # Anyone else still gets the JSON the sandbox's own tests read.
    assert data(httpx.get(link, verify=TLS))["record"]["LastName"] == "Quinn"


def test_an_unknown_record_is_a_readable_404_page(sandbox_url: str) -> None:
    page = httpx.get(
        f"{sandbox_url}/_sandbox/records/00Q000000000000<b>",
        headers={"Accept": "text/html"},
        verify=TLS,
    )
    assert page.status_code == 404
    assert "no record with the id 00Q000000000000&lt;b&gt;" in page.text


def test_a_refused_cell_names_the_field_it_concerns(api: httpx.Client) -> None:
    cell = run_one(api, lead_step(api, Status="Hot lead"), ROW)
    assert cell["status"] == "failed"
    error: dict[str, Any] = cell["error"]
    assert error["code"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert error["fields"] == ["Status"]
    assert "Hot lead" in error["message"]


def upsert_status(api: httpx.Client, step: str, row_id: str) -> dict[str, Any]:
    sheet, aiid = step.rsplit("/actions/", 1)
    [row] = data(api.post(f"{sheet}/rows/list", json={"row_ids": [row_id]}))["rows"]
    cell: dict[str, Any] = row["cells"][aiid]
    return cell


def add_one(client: httpx.Client, step: str) -> str:
    sheet = step.rsplit("/actions/", 1)[0]
    added = data(client.post(f"{sheet}/rows", json={"rows": [ROW], "run_after_add": "first_10"}))
    row_id: str = added["row_ids"][0]
    return row_id


def test_a_slow_run_is_queued_then_running_then_complete(
    api: httpx.Client, client_for: ClientFor, sandbox_url: str
) -> None:
    step = lead_step(api)
    slow = client_for("floq_sandbox_slowrun")
    leads_before = len(
        httpx.get(f"{sandbox_url}/_sandbox/objects/Lead/records", verify=TLS).json()["data"]
    )
    row_id = add_one(slow, step)
    seen: list[str] = []
    while (cell := upsert_status(slow, step, row_id))["status"] != "complete":
        seen.append(cell["status"])
        time.sleep(0.2)
    # Queued first, then running, never back: whatever the machine's speed.
    assert seen == sorted(seen, key=["queued", "running"].index)
    assert "running" in seen
    assert cell["outputs"]["operation_type"] == "Insert"
    leads = httpx.get(f"{sandbox_url}/_sandbox/objects/Lead/records", verify=TLS).json()["data"]
    assert len(leads) == leads_before + 1  # written when the run ended, not before


def test_a_stuck_run_stays_running(api: httpx.Client, client_for: ClientFor) -> None:
    step = lead_step(api)
    stuck = client_for("floq_sandbox_stuckrun")
    row_id = add_one(stuck, step)
    time.sleep(SLOW_RUN_QUEUED_SECONDS)
    assert upsert_status(stuck, step, row_id) == {"status": "running"}
    assert FAULTS["floq_sandbox_stuckrun"].run_seconds is None
