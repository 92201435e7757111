"""The Floqer client against the real sandbox over loopback, and a faked network where it can't.

Every failure is checked the way a person meets it: the error type, its plain-language
`user_message`, and that no message ever shows the API key.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.client.conftest import FAKE_BASE_URL, Connect, MockedFloqer
from webapp.floqer import (
    ENDPOINTS,
    FloqerBadRequest,
    FloqerClient,
    FloqerConnectionOwnedElsewhere,
    FloqerError,
    FloqerForbidden,
    FloqerNotFound,
    FloqerRateLimited,
    FloqerSalesforceNotConnected,
    FloqerSalesforceSession,
    FloqerServerError,
    FloqerTimeout,
    FloqerUnauthorized,
    FloqerUnexpectedAnswer,
    FloqerUnreachable,
    build_http_client,
)

KEY = "floq_secret_TESTKEY_123"
INBOUND = "Inbound leads → Salesforce"
ACCOUNT_SYNC = "Account sync from product DB"
UPSERT = "salesforce_upsert_record"


@dataclass(frozen=True)
class Step:
    workflow_id: str
    sheet_id: str
    action_instance_id: str

    @property
    def ids(self) -> tuple[str, str, str]:
        return self.workflow_id, self.sheet_id, self.action_instance_id


@pytest.fixture
def floqer(connect: Connect) -> FloqerClient:
    return connect(KEY)


def upsert_step(floqer: FloqerClient, workflow_name: str = INBOUND) -> Step:
    """The upsert step on the main sheet of a seeded workflow, found through the client."""
    wid = next(w.workflow_id for w in floqer.list_workflows() if w.name == workflow_name)
    chain = floqer.action_chain(wid, wid)
    aiid = next(n.action_instance_id for n in chain if n.action_id == UPSERT)
    return Step(wid, wid, aiid)


def assert_keeps_secret(error: FloqerError, key: str) -> None:
    shown = [str(error), repr(error), error.user_message, error.floqer_message or ""]
    shown += [p.message for p in getattr(error, "problems", [])]
    assert all(key not in text for text in shown)


def answer(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)


# Every method against the sandbox


def test_who_am_i_names_the_user_behind_the_key(floqer: FloqerClient) -> None:
    user = floqer.who_am_i()
    assert (user.email, user.first_name, user.last_name) == (
        "alex.morgan@acme.example",
        "Alex",
        "Morgan",
    )


def test_list_workflows_returns_every_workflow_with_its_dates(floqer: FloqerClient) -> None:
    workflows = floqer.list_workflows()
    assert [w.name for w in workflows] == [INBOUND, ACCOUNT_SYNC, "Event list cleanup"]
    assert workflows[0].updated_at is not None
    assert workflows[0].updated_at.year == 2026
    assert workflows[2].last_run_at is None


def test_workflow_overview_puts_the_main_sheet_first(floqer: FloqerClient) -> None:
    wid = floqer.list_workflows()[0].workflow_id
    overview = floqer.workflow(wid)
    assert [s.name for s in overview.sheets] == ["Inbound leads", "Webinar attendees"]
    assert overview.main_sheet_id(wid) == wid


def test_action_chain_starts_with_the_input_node_then_steps_in_run_order(
    floqer: FloqerClient,
) -> None:
    wid = floqer.list_workflows()[0].workflow_id
    chain = floqer.action_chain(wid, wid)
    assert [n.action_id for n in chain] == ["input", "enrich_company", UPSERT]
    assert chain[0].is_input
    assert chain[0].outputs[0].reference == "{{input.email}}"
    technologies = next(o for o in chain[1].outputs if o.name == "technologies")
    assert [c.name for c in technologies.columns] == ["name", "category"]
    aiid = chain[1].action_instance_id
    assert technologies.columns[0].reference == f"{{{{{aiid}.technologies.name}}}}"


def test_the_chain_carries_each_steps_configuration(floqer: FloqerClient) -> None:
    fresh = floqer.action_chain(*upsert_step(floqer).ids[:2])[-1]
    assert fresh.inputs == {}
    step = upsert_step(floqer, ACCOUNT_SYNC)
    configured = floqer.action_chain(step.workflow_id, step.sheet_id)[-1]
    assert configured.inputs["salesforce_object"] == "Account"
    assert configured.inputs["salesforce_external_id_field"] == "Domain__c"
    assert configured.inputs["ignore_empty_values"] is True


def test_add_action_puts_a_named_upsert_step_after_the_chosen_step(floqer: FloqerClient) -> None:
    wid = next(w.workflow_id for w in floqer.list_workflows() if w.name == "Event list cleanup")
    first = floqer.action_chain(wid, wid)[1].action_instance_id
    added = floqer.add_action(wid, wid, UPSERT, after=first, name="Upsert badge scans")
    chain = floqer.action_chain(wid, wid)
    assert chain[-1].action_instance_id == added
    assert (chain[-1].action_id, chain[-1].display_name) == (UPSERT, "Upsert badge scans")


def test_field_options_list_objects_without_context_and_fields_with_it(
    floqer: FloqerClient,
) -> None:
    step = upsert_step(floqer)
    objects = floqer.field_options(*step.ids, "salesforce_object")
    account = next(o for o in objects if o.value == "Account")
    assert account.label == "Account"
    assert account.extras["createable"] is True
    keys = floqer.field_options(
        *step.ids, "salesforce_external_id_field", context={"salesforce_object": "Account"}
    )
    assert [o.value for o in keys] == ["Domain__c"]


def test_configure_saves_the_inputs_and_returns_them_unchanged(floqer: FloqerClient) -> None:
    step = upsert_step(floqer)
    fields = [{"name": "Name", "value": "{{input.company_name}}", "label": "Name"}]
    inputs = {
        "salesforce_object": "Account",
        "salesforce_external_id_field": "Domain__c",
        "add_fields_and_their_values": fields,
    }
    floqer.configure(*step.ids, inputs)
    assert floqer.action_chain(step.workflow_id, step.sheet_id)[-1].inputs == inputs


def test_a_row_added_with_a_run_comes_back_with_the_upsert_result(floqer: FloqerClient) -> None:
    step = upsert_step(floqer, ACCOUNT_SYNC)
    row = {
        "domain": "never-seen.example",
        "company_name": "Never Seen",
        "signup_date": "2026-01-05",
    }
    added = floqer.add_rows(step.workflow_id, step.sheet_id, [row], run_after_add="first_10")
    assert (len(added.row_ids), added.rows_queued_for_run) == (1, 1)
    [stored] = floqer.list_rows(step.workflow_id, step.sheet_id, added.row_ids)
    cell = stored.cells[step.action_instance_id]
    assert cell.status == "complete"
    assert cell.outputs is not None
    assert cell.outputs["operation_type"] == "Insert"


def test_recent_rows_come_newest_first_and_an_existing_row_runs_again(
    floqer: FloqerClient,
) -> None:
    step = upsert_step(floqer, ACCOUNT_SYNC)
    rows = [{"domain": f"d{n}.example", "company_name": f"Company {n}"} for n in range(5)]
    added = floqer.add_rows(step.workflow_id, step.sheet_id, rows, run_after_add="none")
    recent = floqer.recent_rows(step.workflow_id, step.sheet_id, limit=3)
    assert [r.row_id for r in recent] == added.row_ids[:1:-1]
    assert recent[0].values == rows[-1]
    assert recent[0].cells[step.action_instance_id].status == "not_run"
    assert floqer.run_rows(step.workflow_id, step.sheet_id, [recent[0].row_id]) == 1
    [ran] = floqer.list_rows(step.workflow_id, step.sheet_id, [recent[0].row_id])
    assert ran.cells[step.action_instance_id].status == "complete"


def test_each_call_logs_one_line_with_operation_path_and_status_but_no_key(
    floqer: FloqerClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    floqer.list_workflows()
    [line] = [r.getMessage() for r in caplog.records if r.name == "webapp.floqer"]
    assert re.fullmatch(r"floqer list_workflows: GET /workflows/ -> 200 in \d+ ms", line)
    assert caplog.records[0].levelno == logging.INFO


# Every error the sandbox can produce


def test_configuring_an_unknown_object_lists_every_problem(floqer: FloqerClient) -> None:
    step = upsert_step(floqer)
    with pytest.raises(FloqerBadRequest) as caught:
        floqer.configure(*step.ids, {"salesforce_object": "Nope__c"})
    problems = {p.field: p.code for p in caught.value.problems}
    assert problems["inputs.salesforce_object"] == "unknown_object"
    assert problems["inputs.salesforce_external_id_field"] == "required"
    assert "Check the fields marked below" in caught.value.user_message  # only on configure
    assert_keeps_secret(caught.value, KEY)


def test_a_key_floqer_refuses_says_the_key_was_not_accepted(connect: Connect) -> None:
    with pytest.raises(FloqerUnauthorized) as caught:
        connect("sk_nope").who_am_i()
    assert caught.value.status == 401
    assert caught.value.user_message.startswith("Floqer did not accept this API key")
    assert_keeps_secret(caught.value, "sk_nope")


def test_a_forbidden_workflow_explains_who_can_share_it(connect: Connect) -> None:
    with pytest.raises(FloqerForbidden) as caught:
        connect("floq_sandbox_403").list_workflows()
    assert caught.value.status == 403
    assert "Ask the workflow's owner" in caught.value.user_message
    assert_keeps_secret(caught.value, "floq_sandbox_403")


def test_an_unknown_workflow_says_it_no_longer_exists(floqer: FloqerClient) -> None:
    with pytest.raises(FloqerNotFound) as caught:
        floqer.workflow("00000000-0000-0000-0000-000000000000")
    assert caught.value.status == 404
    assert caught.value.user_message.startswith(
        "Floqer has no workflow with the id 00000000-0000-0000-0000-000000000000: it may have "
        "been deleted"
    )
    assert_keeps_secret(caught.value, KEY)


def test_a_base_url_without_api_v1_is_an_unexpected_answer_not_a_missing_workflow(
    connect: Connect, sandbox_url: str
) -> None:
    with pytest.raises(FloqerUnexpectedAnswer) as caught:
        connect(KEY, base_url=sandbox_url).who_am_i()
    assert "/api/v1" in caught.value.user_message


def test_a_connection_owned_by_someone_else_asks_for_the_owners_key(connect: Connect) -> None:
    floqer = connect("floq_sandbox_424")
    with pytest.raises(FloqerConnectionOwnedElsewhere) as caught:
        floqer.field_options(*upsert_step(floqer).ids, "salesforce_object")
    assert caught.value.status == 424
    assert "Use an API key of the team member who owns" in caught.value.user_message
    assert_keeps_secret(caught.value, "floq_sandbox_424")


def test_too_many_requests_says_how_long_to_wait(connect: Connect) -> None:
    with pytest.raises(FloqerRateLimited) as caught:
        connect("floq_sandbox_429").list_workflows()
    assert caught.value.retry_after == 30
    assert "Wait 30 seconds" in caught.value.user_message
    assert_keeps_secret(caught.value, "floq_sandbox_429")


def test_an_expired_salesforce_session_asks_to_reconnect_salesforce(connect: Connect) -> None:
    floqer = connect("floq_sandbox_502")
    with pytest.raises(FloqerSalesforceSession) as caught:
        floqer.field_options(*upsert_step(floqer).ids, "salesforce_object")
    assert (caught.value.status, caught.value.code) == (502, "INVALID_SESSION_ID")
    assert "Reconnect Salesforce in Floqer" in caught.value.user_message
    assert_keeps_secret(caught.value, "floq_sandbox_502")


def test_salesforce_not_connected_points_to_floqers_connections_page(connect: Connect) -> None:
    floqer = connect("floq_sandbox_noconnection")
    with pytest.raises(FloqerSalesforceNotConnected) as caught:
        floqer.field_options(*upsert_step(floqer).ids, "salesforce_object")
    assert "Connections → Salesforce" in caught.value.user_message
    assert caught.value.floqer_message is not None
    assert_keeps_secret(caught.value, "floq_sandbox_noconnection")


def test_configuring_without_a_salesforce_connection_says_so_too(connect: Connect) -> None:
    floqer = connect("floq_sandbox_noconnection")
    step = upsert_step(floqer)
    with pytest.raises(FloqerSalesforceNotConnected) as caught:
        floqer.configure(*step.ids, {"salesforce_object": "Account"})
    assert caught.value.code == "SALESFORCE_NOT_CONNECTED"


def test_a_floqer_crash_is_a_server_error_to_retry_later(connect: Connect) -> None:
    with pytest.raises(FloqerServerError) as caught:
        connect("floq_sandbox_500").list_workflows()
    assert caught.value.status == 500
    assert "Try again in a few minutes" in caught.value.user_message


def test_a_slow_floqer_times_out_with_a_plain_message(connect: Connect) -> None:
    with pytest.raises(FloqerTimeout) as caught:
        connect("floq_sandbox_slow", timeout_seconds=0.5).list_workflows()
    assert caught.value.__context__ is None  # no httpx exception rides along
    assert "took too long" in caught.value.user_message


def test_a_closed_port_is_unreachable(connect: Connect) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FloqerUnreachable) as caught:
        connect(KEY, base_url=f"http://127.0.0.1:{port}/api/v1").who_am_i()
    assert caught.value.__context__ is None
    assert "could not reach Floqer" in caught.value.user_message


# What the sandbox never answers: a faked network


def test_an_html_502_from_a_proxy_is_a_server_error_not_a_salesforce_session(
    mocked: MockedFloqer,
) -> None:
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    floqer = mocked(lambda _: httpx.Response(502, content=html), KEY)
    with pytest.raises(FloqerServerError) as caught:
        floqer.list_workflows()
    assert "(error 502)" in caught.value.user_message


def test_a_200_with_a_wrong_envelope_is_an_unexpected_answer(mocked: MockedFloqer) -> None:
    floqer = mocked(lambda _: answer(200, {"workflows": []}), KEY)
    with pytest.raises(FloqerUnexpectedAnswer) as caught:
        floqer.list_workflows()
    assert "does not understand" in caught.value.user_message


@pytest.mark.parametrize("body", [b"<html>hello</html>", b'{"status": 200, "data": {"a": 1}}'])
def test_a_200_that_is_not_json_or_not_the_expected_shape_is_unexpected(
    mocked: MockedFloqer, body: bytes
) -> None:
    floqer = mocked(lambda _: httpx.Response(200, content=body), KEY)
    with pytest.raises(FloqerUnexpectedAnswer) as caught:
        floqer.list_workflows()
    assert caught.value.__context__ is None


def test_a_redirect_is_never_followed_even_by_a_client_that_follows_redirects() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(302, headers={"Location": "https://elsewhere.example/steal"})

    transport = httpx.MockTransport(handler)
    http = httpx.Client(base_url=FAKE_BASE_URL, transport=transport, follow_redirects=True)
    with http, pytest.raises(FloqerUnexpectedAnswer) as caught:
        FloqerClient(http, KEY).who_am_i()
    assert [u.host for u in seen] == ["api.floqer.test"]
    assert "redirect" in caught.value.user_message


def test_a_503_with_retry_after_says_when_to_try_again(mocked: MockedFloqer) -> None:
    floqer = mocked(lambda _: httpx.Response(503, headers={"Retry-After": "120"}), KEY)
    with pytest.raises(FloqerServerError) as caught:
        floqer.list_workflows()
    assert caught.value.retry_after == 120
    assert "Try again in about 2 minutes" in caught.value.user_message


def test_a_429_without_the_header_takes_the_wait_from_the_body(mocked: MockedFloqer) -> None:
    body = {"status": 429, "error": "Too Many Requests", "message": "Slow down", "retryAfter": 42}
    floqer = mocked(lambda _: answer(429, body), KEY)
    with pytest.raises(FloqerRateLimited) as caught:
        floqer.list_workflows()
    assert caught.value.retry_after == 42


def test_a_400_that_only_says_salesforce_is_not_connected_is_recognised(
    mocked: MockedFloqer,
) -> None:
    body = {"status": 400, "error": "Bad Request", "message": "Salesforce is not connected"}
    floqer = mocked(lambda _: answer(400, body), KEY)
    with pytest.raises(FloqerSalesforceNotConnected):
        floqer.field_options("w", "w", "a", "salesforce_object")


def test_an_error_envelope_inside_a_200_is_believed(mocked: MockedFloqer) -> None:
    body = {"status": 401, "error": "Unauthorized", "message": "Invalid API key"}
    floqer = mocked(lambda _: answer(200, body), KEY)
    with pytest.raises(FloqerUnauthorized):
        floqer.who_am_i()


def test_floqers_message_is_scrubbed_of_anything_like_a_key(mocked: MockedFloqer) -> None:
    echoed = f"Key {KEY} cannot do that"
    problem = {"field": "inputs.x", "code": "bad", "message": echoed}
    body = {"status": 400, "message": echoed, "errors": [problem]}
    floqer = mocked(lambda _: answer(400, body), KEY)
    with pytest.raises(FloqerBadRequest) as caught:
        floqer.configure("w", "w", "a", {"x": 1})
    assert caught.value.floqer_message == "Key floq_… cannot do that"
    assert caught.value.problems[0].message == "Key floq_… cannot do that"
    assert_keeps_secret(caught.value, KEY)


def test_a_list_item_without_what_the_app_needs_is_dropped_not_fatal(
    mocked: MockedFloqer,
) -> None:
    workflows = [{"name": "no id"}, {"workflow_id": "w1", "name": "Kept", "surprise": [1]}]
    floqer = mocked(lambda _: answer(200, {"status": 200, "data": workflows}), KEY)
    assert [(w.workflow_id, w.name) for w in floqer.list_workflows()] == [("w1", "Kept")]


def test_an_option_without_label_or_extras_falls_back_to_its_value(
    mocked: MockedFloqer,
) -> None:
    data = {"options": [{"value": "Account", "extras": None}]}
    floqer = mocked(lambda _: answer(200, {"status": 200, "data": data}), KEY)
    [option] = floqer.field_options("w", "w", "a", "salesforce_object")
    assert (option.label, option.extras) == ("Account", {})


def test_path_parameters_are_quoted_into_one_segment_each(mocked: MockedFloqer) -> None:
    paths: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path)
        return answer(200, {"status": 200, "data": {"workflow_id": "x"}})

    mocked(handler, KEY).workflow("a/b?c#d")
    assert paths == [b"/api/v1/workflows/a%2Fb%3Fc%23d"]
    with pytest.raises(FloqerNotFound):
        mocked(handler, KEY).workflow("..")
    assert len(paths) == 1


def test_a_key_that_cannot_be_a_header_is_refused_without_a_call(mocked: MockedFloqer) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return answer(200, {"status": 200, "data": {"email": "x@example.com"}})

    floqer = mocked(handler, "floq_ü\nX-Evil: 1")
    with pytest.raises(FloqerUnauthorized):
        floqer.who_am_i()
    assert calls == []
    assert "floq_" not in repr(floqer)


def test_the_shared_http_client_has_explicit_timeouts_and_no_redirects() -> None:
    with build_http_client("https://api.floqer.com/api/v1", 12.5) as http:
        # Each one is the whole budget: the call's deadline clamps them to what is left.
        assert (http.timeout.connect, http.timeout.read, http.timeout.write) == (12.5, 12.5, 12.5)
        assert http.follow_redirects is False
        assert http.headers["User-Agent"].startswith("floqer-upsert-configurator/")


def test_the_endpoint_table_marks_every_guess_as_ours() -> None:
    assert set(ENDPOINTS) == {
        "who_am_i",
        "list_workflows",
        "workflow",
        "action_chain",
        "add_action",
        "configure",
        "field_options",
        "add_rows",
        "list_rows",
        "run_rows",
    }
    ours = {name for name, e in ENDPOINTS.items() if e.provenance == "ours"}
    assert ours == {"action_chain", "add_action", "run_rows"}
    # Floqer's action pages: "Configure Action body (PATCH /api/v1/workflows/…)".
    assert ENDPOINTS["configure"] == ("PATCH", ENDPOINTS["configure"].path, "doc")
    assert ENDPOINTS["who_am_i"].provenance == "third-party"


def test_an_unreadable_success_answer_to_configure_leaves_the_outcome_in_doubt(
    mocked: MockedFloqer,
) -> None:
    floqer = mocked(lambda _: httpx.Response(200, content=b"<html>OK</html>"), KEY)
    with pytest.raises(FloqerUnexpectedAnswer) as caught:
        floqer.configure("w", "w", "a", {"ignore_empty_values": True})
    assert caught.value.outcome_unknown  # Floqer may have applied it: a pull must settle it
    refused = mocked(lambda _: answer(400, {"status": 400, "message": "no"}), KEY)
    with pytest.raises(FloqerBadRequest) as said_no:
        refused.configure("w", "w", "a", {})
    assert not said_no.value.outcome_unknown
