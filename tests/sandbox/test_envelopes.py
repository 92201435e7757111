"""Every answer wears Floqer's envelope and rate headers, whatever went wrong."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import ClientFor
from tests.sandbox.flows import INBOUND, data, upsert_step, workflow_id
from tests.support import TLS

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def assert_error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert isinstance(body["error"], str)
    assert body["error"]
    assert isinstance(body["message"], str)
    assert body["message"]
    assert "Traceback" not in response.text
    for header in RATE_HEADERS:
        assert header in response.headers
    return body


def test_success_envelope_carries_data_and_rate_headers(api: httpx.Client) -> None:
    response = api.get("/workflows/")
    assert response.json()["status"] == 200
    assert isinstance(response.json()["data"], list)
    assert int(response.headers["X-RateLimit-Limit"]) == 200
    assert int(response.headers["X-RateLimit-Remaining"]) == 199


def test_missing_key_is_401_api_key_is_required(client_for: ClientFor) -> None:
    body = assert_error(client_for(None).get("/workflows/"), 401)
    assert body == {"status": 401, "error": "Unauthorized", "message": "API key is required"}


@pytest.mark.parametrize("header", ["Bearer sk_live_123", "Bearer", "Basic floq_abc", "floq_abc"])
def test_key_not_starting_with_floq_is_401(sandbox_url: str, header: str) -> None:
    response = httpx.get(
        f"{sandbox_url}/api/v1/workflows/", headers={"Authorization": header}, verify=TLS
    )
    body = assert_error(response, 401)
    assert body["message"] == "Invalid API key"
    assert "sk_live" not in response.text


def test_unknown_path_and_unknown_ids_are_404(api: httpx.Client) -> None:
    assert_error(api.get("/nothing-here"), 404)
    body = assert_error(api.get("/workflows/00000000-0000-0000-0000-000000000000"), 404)
    assert body["message"] == "Workflow not found"
    wid = workflow_id(api, INBOUND)
    assert_error(api.get(f"/workflows/{wid}/sheets/nope/actions"), 404)
    assert_error(api.get(f"/workflows/{wid}/sheets/{wid}/actions/nope"), 404)


def test_wrong_method_is_405_in_the_envelope(api: httpx.Client) -> None:
    assert_error(api.delete("/workflows/"), 405)


def test_malformed_json_is_400_naming_the_body(api: httpx.Client) -> None:
    step = upsert_step(api)
    response = api.patch(
        step, content=b'{"inputs": {', headers={"Content-Type": "application/json"}
    )
    body = assert_error(response, 400)
    assert body["message"] == "Malformed JSON body"
    assert body["errors"][0]["code"] == "json_invalid"  # type: ignore[index]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ([1, 2, 3], "body"),
        ({"inputs": "Account"}, "inputs"),
        ({}, "inputs"),
    ],
)
def test_wrong_body_types_are_400_with_the_field(
    api: httpx.Client, payload: object, field: str
) -> None:
    body = assert_error(api.patch(upsert_step(api), json=payload), 400)
    assert [e["field"] for e in body["errors"]] == [field]  # type: ignore[attr-defined]


def test_body_over_one_megabyte_is_413(api: httpx.Client) -> None:
    huge = b'{"inputs": {"salesforce_object": "' + b"A" * (1024 * 1024) + b'"}}'
    response = api.patch(
        upsert_step(api), content=huge, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 413)


def test_chunked_body_over_one_megabyte_is_413(api: httpx.Client) -> None:
    def chunks() -> object:
        yield b'{"rows": ["'
        for _ in range(40):
            yield b"x" * 32768
        yield b'"]}'

    wid = workflow_id(api, INBOUND)
    response = api.post(f"/workflows/{wid}/sheets/{wid}/rows", content=chunks())  # type: ignore[arg-type]
    assert_error(response, 413)


def test_a_refused_request_changes_nothing(api: httpx.Client) -> None:
    step = upsert_step(api)
    before = data(api.get(step))
    api.patch(step, json={"inputs": {"salesforce_object": "Nope", "ignore_empty_values": "yes"}})
    assert data(api.get(step)) == before
