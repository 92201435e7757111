"""The client reads Floqer's answers as Floqer documents them, not only as our sandbox sends them.

Each answer the app reads is fed three ways through a faked network: the documented example
exactly; the example with unknown keys of every shape added at every depth; the example cut
down to what the app cannot do without. Each time the client must give the same values.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.client import documented as doc
from tests.client.conftest import MockedFloqer
from webapp.floqer import (
    FloqerBadRequest,
    FloqerRateLimited,
    FloqerSalesforceSession,
    FloqerUnauthorized,
)

KEY = "floq_documented_shapes_0001"
Shape = Callable[[Any], Any]
SHAPES: dict[str, Shape] = {
    "as documented": lambda data: data,
    "with unknown keys everywhere": doc.with_surprises,
}


def answering(mocked: MockedFloqer, body: Any, status: int = 200) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=json.dumps(body).encode())

    return mocked(handler, KEY)


@pytest.fixture(params=sorted(SHAPES))
def shape(request: pytest.FixtureRequest) -> Shape:
    return SHAPES[request.param]


def test_list_workflows(mocked: MockedFloqer, shape: Shape) -> None:
    [workflow] = answering(mocked, shape(doc.enveloped([doc.WORKFLOW]))).list_workflows()
    assert workflow.workflow_id == "00000000-0000-0000-0000-000000000000"
    assert workflow.name == "string"
    assert workflow.updated_at is not None
    assert workflow.updated_at.year == 1970
    assert workflow.last_run_at is None


def test_workflow_overview_with_shared_users_as_emails(mocked: MockedFloqer, shape: Shape) -> None:
    overview = answering(mocked, shape(doc.enveloped(doc.WORKFLOW_OVERVIEW))).workflow("w")
    assert overview.name == "string"
    assert [(s.sheet_id, s.name, s.is_main_sheet) for s in overview.sheets] == [
        ("00000000-0000-0000-0000-000000000000", "string", False)
    ]


@pytest.mark.parametrize(
    "shared_users",
    [[], ["a@example.com"], [{"email": "a@example.com", "role": "editor"}], None, "a@b.c", 7],
)
def test_fields_the_app_never_reads_never_fail_a_page(
    mocked: MockedFloqer, shared_users: Any
) -> None:
    overview = {
        **doc.WORKFLOW_OVERVIEW,
        "shared_users": shared_users,
        "is_owner": "yes",
        "created_at": 12,
        "cache_since": "2026-03-17",
    }
    parsed = answering(mocked, doc.enveloped(overview)).workflow("w")
    assert parsed.name == "string"
    assert len(parsed.sheets) == 1


def test_action_chain_as_the_graph_node_table_describes_it(
    mocked: MockedFloqer, shape: Shape
) -> None:
    chain = answering(mocked, shape(doc.enveloped(doc.ACTION_CHAIN))).action_chain("w", "w")
    assert [n.action_instance_id for n in chain] == [
        "input",
        "raw_to_structured_array_1",
        "http_api_call_1",
        "salesforce_upsert_record_1",
    ]
    assert chain[0].is_input
    assert chain[0].inputs == {}  # absent on the input node
    assert chain[2].outputs == []  # absent on an action without outputs
    [listed] = chain[1].outputs
    assert [(c.name, c.reference) for c in listed.columns] == [
        ("first_name", "{{raw_to_structured_array_1.list.first_name}}")
    ]
    upsert = chain[3].inputs
    assert upsert["salesforce_object"] == "Account"
    assert upsert["add_fields_and_their_values"][1]["value"] == "{{input.domain}}"


def test_missing_reference_tokens_are_written_as_floqer_writes_them(mocked: MockedFloqer) -> None:
    chain = doc.without(doc.ACTION_CHAIN, "reference", "structured_array_reference")
    nodes = answering(mocked, doc.enveloped(chain)).action_chain("w", "w")
    assert nodes[0].outputs[0].reference == "{{input.email}}"
    assert nodes[1].outputs[0].reference == "{{raw_to_structured_array_1.list}}"
    column = nodes[1].outputs[0].columns[0]
    assert column.reference == "{{raw_to_structured_array_1.list.first_name}}"


def test_add_action_gives_the_new_steps_id(mocked: MockedFloqer, shape: Shape) -> None:
    floqer = answering(mocked, shape(doc.enveloped(doc.ACTION_INSTANCE)))
    assert floqer.add_action("w", "w", "salesforce_upsert_record") == (
        "scrape_person_linkedin_profile_1"
    )


@pytest.mark.parametrize(
    "data",
    [None, {}, [], "Action configured", doc.ACTION_INSTANCE, doc.with_surprises({"ok": True})],
)
def test_configure_accepts_any_readable_success_answer(mocked: MockedFloqer, data: Any) -> None:
    answering(mocked, doc.enveloped(data)).configure("w", "w", "a", {"ignore_empty_values": True})
    answering(mocked, {"status": 200, "message": "Action configured"}).configure("w", "w", "a", {})


@pytest.mark.parametrize(
    "data",
    [
        {"options": [doc.OPTION_ITEM]},
        [doc.OPTION_ITEM],  # the wrapper is our guess: a bare list is read too
        {"options": [doc.OPTION_ITEM, {"label": "no value"}, "junk", {"value": None}]},
    ],
)
def test_field_options(mocked: MockedFloqer, shape: Shape, data: Any) -> None:
    floqer = answering(mocked, shape(doc.enveloped(data)))
    [option] = floqer.field_options("w", "w", "a", "salesforce_object")
    assert (option.value, option.label) == ("string", "string")
    assert set(option.extras) <= set(doc.SURPRISES)


def test_add_and_list_rows(mocked: MockedFloqer, shape: Shape) -> None:
    added = answering(mocked, shape(doc.enveloped(doc.ADD_ROWS))).add_rows(
        "w", "w", [{}], run_after_add="none"
    )
    assert added.row_ids == ["00000000-0000-0000-0000-000000000000"]
    assert added.rows_queued_for_run == 0
    [row] = answering(mocked, shape(doc.enveloped(doc.LIST_ROWS))).list_rows("w", "w", ["r"])
    assert row.values["email"] == "ada@example.com"
    assert row.created_at is not None
    assert row.created_at.year == 1970
    cell = row.cells["salesforce_upsert_record_1"]
    assert cell.status == "queued"
    assert cell.error is not None
    assert (cell.error.code, cell.error.message, cell.error.fields) == ("", "string", [])


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            "Required fields are missing: [LastName]",
            ("", "Required fields are missing: [LastName]", []),
        ),
        (
            {
                "code": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "message": "bad",
                "fields": ["Status"],
            },
            ("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "bad", ["Status"]),
        ),
        ({"message": "no code", "fields": "Status"}, ("", "no code", [])),
        (None, None),
        ("", None),
        (42, ("", "42", [])),
        ([1, 2], None),
    ],
)
def test_a_cell_error_as_text_or_object(mocked: MockedFloqer, error: Any, expected: Any) -> None:
    listed: dict[str, Any] = copy.deepcopy(doc.LIST_ROWS)
    listed["rows"][0]["cells"]["salesforce_upsert_record_1"] = {"status": "failed", "error": error}
    [row] = answering(mocked, doc.enveloped(listed)).list_rows("w", "w", ["r"])
    got = row.cells["salesforce_upsert_record_1"].error
    assert (None if got is None else (got.code, got.message, got.fields)) == expected


DOCUMENTED_ROW: dict[str, Any] = copy.deepcopy(doc.LIST_ROWS)["rows"][0]  # type: ignore[index]


def test_recent_rows_reads_the_documented_page_and_asks_for_the_last_one(
    mocked: MockedFloqer, shape: Shape
) -> None:
    """The first page says how many rows the sheet has (`total_count`, documented); when
    there are more than asked for, the last page is read, and rows come newest first."""
    bodies: list[Any] = []

    def row(n: int) -> dict[str, Any]:
        return {
            **DOCUMENTED_ROW,
            "row_id": f"r{n}",
            "created_at": f"2026-01-0{n}T00:00:00Z",
        }

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        rows = [row(n) for n in range(1, 10)][body["offset"] : body["offset"] + body["limit"]]
        page = {**doc.LIST_ROWS, "rows": rows, "total_count": 9}
        return httpx.Response(200, content=json.dumps(shape(doc.enveloped(page))).encode())

    recent = mocked(handler, KEY).recent_rows("w", "w", limit=3)
    assert [r.row_id for r in recent] == ["r9", "r8", "r7"]
    assert bodies == [{"limit": 3, "offset": 0}, {"limit": 3, "offset": 6}]


def test_run_rows_reads_how_many_were_queued(mocked: MockedFloqer, shape: Shape) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = shape(doc.enveloped({"rows_queued_for_run": 1}))
        return httpx.Response(200, content=json.dumps(body).encode())

    assert mocked(handler, KEY).run_rows("w", "s", ["r1"]) == 1
    assert (sent[0].method, sent[0].url.path) == ("POST", "/api/v1/workflows/w/sheets/s/rows/run")
    assert json.loads(sent[0].content) == {"row_ids": ["r1"]}


def test_who_am_i_with_null_names(mocked: MockedFloqer, shape: Shape) -> None:
    user = answering(mocked, shape(doc.enveloped(doc.USER))).who_am_i()
    assert (user.email, user.first_name, user.last_name) == ("ada@example.com", "", "")


MINIMAL: list[tuple[str, Any, Callable[[Any], Any]]] = [
    ("workflows", [{"workflow_id": "w1"}], lambda f: [w.name for w in f.list_workflows()]),
    ("overview", {"sheets": [{"sheet_id": "s1"}]}, lambda f: f.workflow("w").sheets[0].name),
    ("chain", [{"action_instance_id": "a1"}], lambda f: f.action_chain("w", "w")[0].outputs),
    (
        "options",
        {"options": [{"value": "Account"}]},
        lambda f: f.field_options("w", "w", "a", "x")[0].label,
    ),
    ("user", {}, lambda f: f.who_am_i().email),
]


@pytest.mark.parametrize(("what", "data", "read"), MINIMAL, ids=[m[0] for m in MINIMAL])
def test_answers_cut_to_the_bone_still_read(
    mocked: MockedFloqer, what: str, data: Any, read: Callable[[Any], Any]
) -> None:
    value = read(answering(mocked, doc.enveloped(copy.deepcopy(data))))
    assert value in ([""], "", [], "Account")


# Errors, as documented and as a third-party client has seen them


def test_the_documented_401_and_429(mocked: MockedFloqer) -> None:
    with pytest.raises(FloqerUnauthorized):
        answering(mocked, doc.ERROR_401, 401).list_workflows()
    with pytest.raises(FloqerRateLimited) as caught:
        answering(mocked, doc.ERROR_429, 429).list_workflows()
    assert caught.value.retry_after == 42


def test_an_error_whose_error_key_is_an_object(mocked: MockedFloqer) -> None:
    body = {"error": {"code": "UNKNOWN_QUERY_PARAM", "message": "bad param"}}
    with pytest.raises(FloqerBadRequest) as caught:
        answering(mocked, body, 400).list_workflows()
    assert caught.value.code == "UNKNOWN_QUERY_PARAM"
    assert caught.value.user_message == "Floqer did not accept this request: bad param"


@pytest.mark.parametrize(
    "body",
    [
        {"status": 502, "error": "Bad Gateway", "message": "Salesforce said INVALID_SESSION_ID"},
        {"status": 502, "error": "Bad Gateway", "message": "invalid_session_id: expired"},
        {"status": 502, "error": {"code": "INVALID_SESSION_ID", "message": "expired"}},
        {"status": 502, "code": "INVALID_SESSION_ID"},
    ],
)
def test_invalid_session_id_is_found_in_the_code_or_anywhere_in_the_message(
    mocked: MockedFloqer, body: dict[str, Any]
) -> None:
    with pytest.raises(FloqerSalesforceSession) as caught:
        answering(mocked, body, 502).field_options("w", "w", "a", "salesforce_object")
    assert "Reconnect Salesforce in Floqer" in caught.value.user_message


def test_a_400_outside_configure_never_points_at_fields_below(mocked: MockedFloqer) -> None:
    body = {"status": 400, "error": "Bad Request", "message": "row_ids and filters are exclusive"}
    with pytest.raises(FloqerBadRequest) as caught:
        answering(mocked, body, 400).list_workflows()
    assert "marked below" not in caught.value.user_message
    assert caught.value.user_message.endswith("row_ids and filters are exclusive")
