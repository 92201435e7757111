"""Failures on demand: the API key picks which Floqer failure a caller meets.

The sandbox's fault keys (webapp/sandbox/faults.py): three that break only the calls Floqer
makes against Salesforce (options, configure of the upsert step, running it), four that
break every call but who-am-I, and one that is merely slow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import API_KEY, ClientFor
from tests.sandbox.flows import (
    INBOUND,
    configure,
    data,
    enrich_step_id,
    upsert_inputs,
    upsert_step,
    workflow_id,
)
from tests.support import TLS

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
SALESFORCE_FAULTS = {
    "floq_sandbox_424": (424, "Failed Dependency", "CONNECTION_OWNED_BY_ANOTHER_USER"),
    "floq_sandbox_502": (502, "Bad Gateway", "INVALID_SESSION_ID"),
    "floq_sandbox_noconnection": (400, "Bad Request", "SALESFORCE_NOT_CONNECTED"),
}
EVERYTHING_FAULTS = {
    "floq_sandbox_403": (403, "Forbidden", "FORBIDDEN"),
    "floq_sandbox_429": (429, "Too Many Requests", "RATE_LIMITED"),
    "floq_sandbox_500": (500, "Internal Server Error", "INTERNAL_ERROR"),
}
SLOW = "floq_sandbox_slow"
REVOKED = "floq_sandbox_revoked"
# Runs that take time: tested in test_run_views.py.
RUN_FAULTS = {"floq_sandbox_slowrun", "floq_sandbox_stuckrun"}
ALL_FAULT_KEYS = {*SALESFORCE_FAULTS, *EVERYTHING_FAULTS, SLOW, REVOKED, *RUN_FAULTS}
CONTACT = upsert_inputs(
    "Contact",
    "Email",
    {"Email": "{{input.email}}", "LastName": "{{input.last_name}}"},
)
ROW = {"email": "nora.quinn@wayne.example", "last_name": "Quinn"}

Call = Callable[[httpx.Client], httpx.Response]


def assert_floqer_error(response: httpx.Response, status: int, error: str, code: str) -> Any:
    """Floqer's single-error envelope (status, error, message) plus the sandbox's `code`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert body["error"] == error
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["code"] == code
    assert "data" not in body
    assert "Traceback" not in response.text
    for header in RATE_HEADERS:
        assert header in response.headers
    return body


def options_call(step: str) -> Call:
    return lambda c: c.post(f"{step}/options/salesforce_object", json={})


def configure_call(step: str) -> Call:
    return lambda c: configure(c, step, **CONTACT)


def sheet_of(step: str) -> str:
    return step.rsplit("/actions/", 1)[0]


def run_row(client: httpx.Client, step: str) -> tuple[dict[str, Any], list[str]]:
    """Add ROW with run_after_add through `client`; the upsert cell and the row ids."""
    sheet = sheet_of(step)
    added = data(client.post(f"{sheet}/rows", json={"rows": [ROW], "run_after_add": "first_10"}))
    assert added["rows_queued_for_run"] == 1
    listed = data(client.post(f"{sheet}/rows/list", json={"row_ids": added["row_ids"]}))
    cell: dict[str, Any] = listed["rows"][0]["cells"][step.rsplit("/", 1)[1]]
    return cell, added["row_ids"]


def contacts_with_email(sandbox_url: str, email: str) -> list[dict[str, Any]]:
    found = data(httpx.get(f"{sandbox_url}/_sandbox/objects/Contact/records", verify=TLS))
    return [r for r in found if r.get("Email") == email]


# --- Salesforce-scoped faults: 424, 502, not connected --------------------------------------


@pytest.mark.parametrize("key", sorted(SALESFORCE_FAULTS))
def test_salesforce_faults_refuse_options_and_configure_of_the_upsert_step(
    api: httpx.Client, client_for: ClientFor, key: str
) -> None:
    status, error, code = SALESFORCE_FAULTS[key]
    step = upsert_step(api)
    faulty = client_for(key)
    for call in (options_call(step), configure_call(step)):
        assert_floqer_error(call(faulty), status, error, code)
    on_object = faulty.post(
        f"{step}/options/salesforce_external_id_field",
        json={"context": {"salesforce_object": "Contact"}},
    )
    assert_floqer_error(on_object, status, error, code)
    # The refused configure changed nothing: the step is still unconfigured.
    assert all("value" not in i for i in data(api.get(step))["inputs"])


@pytest.mark.parametrize("key", sorted(SALESFORCE_FAULTS))
def test_salesforce_faults_leave_who_am_i_and_the_workspace_readable(
    api: httpx.Client, client_for: ClientFor, key: str
) -> None:
    faulty = client_for(key)
    me = data(faulty.get("/user/"))
    assert set(me) == {"email", "first_name", "last_name", "role"}
    assert [w["name"] for w in data(faulty.get("/workflows/"))] == [
        w["name"] for w in data(api.get("/workflows/"))
    ]
    wid = workflow_id(faulty, INBOUND)
    assert data(faulty.get(f"/workflows/{wid}"))["workflow_id"] == wid
    chain = data(faulty.get(f"/workflows/{wid}/sheets/{wid}/actions"))
    assert [n["action_id"] for n in chain] == [
        "input",
        "enrich_company",
        "salesforce_upsert_record",
    ]
    step = upsert_step(faulty)
    assert data(faulty.get(step))["action_id"] == "salesforce_upsert_record"


@pytest.mark.parametrize("key", sorted(SALESFORCE_FAULTS))
def test_salesforce_faults_still_let_a_non_salesforce_step_be_configured(
    api: httpx.Client, client_for: ClientFor, key: str
) -> None:
    wid = workflow_id(api, INBOUND)
    enrich = f"/workflows/{wid}/sheets/{wid}/actions/{enrich_step_id(api)}"
    action = data(configure(client_for(key), enrich, domain="{{input.email}}"))
    assert action["inputs"][0]["value"] == "{{input.email}}"
    assert data(api.get(enrich))["inputs"][0]["value"] == "{{input.email}}"


@pytest.mark.parametrize("key", sorted(SALESFORCE_FAULTS))
def test_salesforce_faults_fail_the_upsert_cell_of_a_run_with_their_code(
    api: httpx.Client, client_for: ClientFor, sandbox_url: str, key: str
) -> None:
    _, _, code = SALESFORCE_FAULTS[key]
    step = upsert_step(api)
    data(configure(api, step, **CONTACT))  # configured with a working key
    cell, _ = run_row(client_for(key), step)
    assert cell["status"] == "failed"
    assert cell["error"]["code"] == code
    assert cell["error"]["message"]
    assert "outputs" not in cell
    assert contacts_with_email(sandbox_url, ROW["email"]) == []


def test_the_same_row_run_with_a_working_key_then_succeeds(
    api: httpx.Client, client_for: ClientFor, sandbox_url: str
) -> None:
    step = upsert_step(api)
    data(configure(api, step, **CONTACT))
    cell, row_ids = run_row(client_for("floq_sandbox_424"), step)
    assert cell["status"] == "failed"
    ran = data(api.post(f"{sheet_of(step)}/rows/run", json={"row_ids": row_ids}))
    assert ran["rows_queued_for_run"] == 1
    listed = data(api.post(f"{sheet_of(step)}/rows/list", json={"row_ids": row_ids}))
    cell = listed["rows"][0]["cells"][step.rsplit("/", 1)[1]]
    assert cell["status"] == "complete"
    assert cell["outputs"]["operation_type"] == "Insert"
    (record,) = contacts_with_email(sandbox_url, ROW["email"])
    assert record["Id"] == cell["outputs"]["record_id"]


def test_424_tells_to_use_the_key_of_the_member_who_owns_the_connection(
    api: httpx.Client, client_for: ClientFor
) -> None:
    response = options_call(upsert_step(api))(client_for("floq_sandbox_424"))
    body = assert_floqer_error(
        response, 424, "Failed Dependency", "CONNECTION_OWNED_BY_ANOTHER_USER"
    )
    assert "another team member" in body["message"]
    assert "API key" in body["message"]


def test_not_connected_tells_to_connect_salesforce_in_floqer(
    api: httpx.Client, client_for: ClientFor
) -> None:
    step = upsert_step(api)
    faulty = client_for("floq_sandbox_noconnection")
    for call in (options_call(step), configure_call(step)):
        body = assert_floqer_error(call(faulty), 400, "Bad Request", "SALESFORCE_NOT_CONNECTED")
        assert "Connect it in Floqer" in body["message"]
        assert "Salesforce" in body["message"]


def test_502_names_invalid_session_id(api: httpx.Client, client_for: ClientFor) -> None:
    step = upsert_step(api)
    body = assert_floqer_error(
        configure_call(step)(client_for("floq_sandbox_502")),
        502,
        "Bad Gateway",
        "INVALID_SESSION_ID",
    )
    assert "INVALID_SESSION_ID" in body["message"]


# --- faults on every call: 403, 429, 500 ----------------------------------------------------


def every_call_but_who_am_i(api: httpx.Client) -> list[Call]:
    wid = workflow_id(api, INBOUND)
    sheet = f"/workflows/{wid}/sheets/{wid}"
    step = upsert_step(api)
    return [
        lambda c: c.get("/workflows/"),
        lambda c: c.get(f"/workflows/{wid}"),
        lambda c: c.get(f"{sheet}/actions"),
        lambda c: c.post(f"{sheet}/actions", json={"action_id": "salesforce_upsert_record"}),
        lambda c: c.get(step),
        options_call(step),
        configure_call(step),
        lambda c: c.post(f"{sheet}/rows", json={"rows": [ROW], "run_after_add": "first_10"}),
        lambda c: c.post(f"{sheet}/rows/list", json={}),
        lambda c: c.post(f"{sheet}/rows/run", json={"row_ids": ["r1"]}),
        lambda c: c.get("/no-such-path"),
    ]


@pytest.mark.parametrize("key", sorted(EVERYTHING_FAULTS))
def test_everything_faults_refuse_every_call_but_who_am_i(
    api: httpx.Client, client_for: ClientFor, sandbox_url: str, key: str
) -> None:
    status, error, code = EVERYTHING_FAULTS[key]
    faulty = client_for(key)
    for call in every_call_but_who_am_i(api):
        assert_floqer_error(call(faulty), status, error, code)
    me = data(faulty.get("/user/"))
    assert set(me) == {"email", "first_name", "last_name", "role"}
    # Nothing the refused calls carried reached the workspace or the org.
    wid = workflow_id(api, INBOUND)
    sheet = f"/workflows/{wid}/sheets/{wid}"
    assert data(api.post(f"{sheet}/rows/list", json={}))["total"] == 0
    assert len(data(api.get(f"{sheet}/actions"))) == 3
    assert all("value" not in i for i in data(api.get(upsert_step(api)))["inputs"])
    assert contacts_with_email(sandbox_url, ROW["email"]) == []


def test_403_on_every_call_except_who_am_i(client_for: ClientFor) -> None:
    faulty = client_for("floq_sandbox_403")
    assert data(faulty.get("/user/"))["email"].endswith("@acme.example")
    body = assert_floqer_error(faulty.get("/workflows/"), 403, "Forbidden", "FORBIDDEN")
    assert "access" in body["message"]


def test_429_fault_carries_retry_after_in_header_and_body(client_for: ClientFor) -> None:
    response = client_for("floq_sandbox_429").get("/workflows/")
    body = assert_floqer_error(response, 429, "Too Many Requests", "RATE_LIMITED")
    assert isinstance(body["retryAfter"], int)
    assert body["retryAfter"] > 0
    assert response.headers["Retry-After"] == str(body["retryAfter"])


def test_500_fault_is_an_envelope_without_a_traceback(client_for: ClientFor) -> None:
    response = client_for("floq_sandbox_500").get("/workflows/")
    body = assert_floqer_error(response, 500, "Internal Server Error", "INTERNAL_ERROR")
    assert set(body) == {"status", "error", "message", "code"}
    for leak in ("Traceback", 'File "', "Exception", "webapp/"):
        assert leak not in response.text


# --- slow, other keys, bad keys -------------------------------------------------------------


def test_slow_key_times_out_a_one_second_client_while_who_am_i_answers(
    client_for: ClientFor,
) -> None:
    slow = client_for(SLOW)
    slow.timeout = httpx.Timeout(1.0)
    assert set(data(slow.get("/user/"))) == {"email", "first_name", "last_name", "role"}
    with pytest.raises(httpx.ReadTimeout):
        slow.get("/workflows/")
    assert set(data(slow.get("/user/"))) == {"email", "first_name", "last_name", "role"}


def test_slow_key_still_answers_correctly_when_the_client_waits(client_for: ClientFor) -> None:
    workflows = data(client_for(SLOW).get("/workflows/"))
    assert len(workflows) == 3


@pytest.mark.parametrize("key", ["floq_live_4f9a2c", "floq_sandbox_unknown", "floq_"])
def test_any_other_floq_key_works_end_to_end(
    client_for: ClientFor, sandbox_url: str, key: str
) -> None:
    client = client_for(key)
    assert data(client.get("/user/"))["email"] == "alex.morgan@acme.example"
    assert len(data(client.get("/workflows/"))) == 3
    step = upsert_step(client)
    options = data(options_call(step)(client))["options"]
    assert "Contact" in {o["value"] for o in options}
    configured = data(configure_call(step)(client))
    assert {i["name"]: i.get("value") for i in configured["inputs"]}["salesforce_object"] == (
        "Contact"
    )
    cell, _ = run_row(client, step)
    assert cell["status"] == "complete"
    (record,) = contacts_with_email(sandbox_url, ROW["email"])
    assert record["Id"] == cell["outputs"]["record_id"]


@pytest.mark.parametrize("key", ["sk_live_4f9a2c", "FLOQ_sandbox_403", "floq", "xfloq_abc"])
def test_a_key_not_starting_with_floq_is_401(client_for: ClientFor, key: str) -> None:
    client = client_for(key)
    for path in ("/user/", "/workflows/"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json() == {
            "status": 401,
            "error": "Unauthorized",
            "message": "Invalid API key",
        }
        assert key not in response.text


def test_the_sandbox_lists_exactly_the_fault_keys_tested_here(sandbox_url: str) -> None:
    listed = data(httpx.get(f"{sandbox_url}/", verify=TLS))["fault_keys"]
    assert set(listed) == ALL_FAULT_KEYS
    assert all(isinstance(text, str) and text for text in listed.values())


@pytest.mark.parametrize("key", sorted(ALL_FAULT_KEYS | {API_KEY, "sk_live_4f9a2c"}))
def test_no_answer_echoes_the_api_key(api: httpx.Client, client_for: ClientFor, key: str) -> None:
    step = upsert_step(api)
    client = client_for(key)
    calls: list[Call] = [lambda c: c.get("/user/"), lambda c: c.get("/workflows/")]
    if key != SLOW:  # each of its calls but who-am-I answers late
        wid = workflow_id(api, INBOUND)
        sheet = f"/workflows/{wid}/sheets/{wid}"
        calls += [
            options_call(step),
            configure_call(step),
            lambda c: c.post(f"{sheet}/rows", json={"rows": [ROW], "run_after_add": "first_10"}),
            lambda c: c.post(f"{sheet}/rows/list", json={}),
            lambda c: c.get("/no-such-path"),
        ]
    for call in calls:
        response = call(client)
        assert key not in response.text, (response.request.url, response.text)
        assert all(key not in value for value in response.headers.values())


def test_revoked_key_is_refused_everywhere_who_am_i_included(client_for: ClientFor) -> None:
    client = client_for(REVOKED)
    for response in (client.get("/user/"), client.get("/workflows/")):
        assert_floqer_error(response, 401, "Unauthorized", "INVALID_API_KEY")
        assert REVOKED not in response.text


def test_a_key_revoked_through_the_sandbox_is_refused_from_then_on(
    client_for: ClientFor, sandbox_url: str
) -> None:
    client = client_for("floq_to_be_revoked")
    assert client.get("/user/").status_code == 200
    httpx.post(
        f"{sandbox_url}/_sandbox/revoked-keys", json={"api_key": "floq_to_be_revoked"}, verify=TLS
    )
    response = client.get("/user/")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid API key"
    assert client_for("floq_still_fine").get("/user/").status_code == 200
