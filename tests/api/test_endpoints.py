"""The first endpoints (who am I, connections, configurations), the error envelope on every
kind of failure, and the OpenAPI document: exactly the API's routes, valid, every answer
described by a model."""

from __future__ import annotations

import json

import httpx
import pytest
from openapi_spec_validator import validate

from tests.api.helpers import api, envelope
from tests.app.flows import CONTACT_ROWS, add_connection, form_fields, start_configuration
from tests.security.helpers import ADMIN, API_ROUTES, create_api_token, page_text
from tests.support import RunningApp, stored_json
from webapp.upsert_form import UpsertConfig

SCAN_KEY = "floq_test_0001"


@pytest.fixture
def token(app: RunningApp) -> str:
    return create_api_token(app, ADMIN, "reader", "viewer")


def test_configurations_and_connections_read_as_the_pages_show_them_without_a_key(
    app: RunningApp, web: httpx.Client, token: str
) -> None:
    connection = add_connection(web)
    config = start_configuration(web, connection)
    saved = web.post(
        f"/configurations/{config}/save",
        data=form_fields("Contacts from the site", "Contact", "Email", CONTACT_ROWS),
    )
    assert saved.status_code == 303, page_text(saved)
    step = app.query(
        "SELECT workflow_id, workflow_name, sheet_id, sheet_name, step_id, step_name, body "
        "FROM configurations WHERE id = :id",
        id=config,
    )[0]._mapping

    with api(app, token) as client:
        connections = client.get("/api/v1/connections")
        listed = client.get("/api/v1/configurations")
        one = client.get(f"/api/v1/configurations/{config}")
    exported = web.get(f"/configurations/{config}/export")

    assert connections.status_code == 200
    assert [c["label"] for c in connections.json()["connections"]] == ["Production"]
    assert "floq_" not in connections.text
    assert listed.status_code == 200, listed.text
    [summary] = listed.json()["configurations"]
    assert summary["id"] == config
    assert summary["name"] == "Contacts from the site"
    assert summary["connection_id"] == connection
    assert summary["salesforce_object"] == "Contact"
    assert summary["version"] == 2
    assert summary["step"] == {key: step[key] for key in summary["step"]}
    assert set(summary["step"]) == {
        "workflow_id", "workflow_name", "sheet_id", "sheet_name", "step_id", "step_name"
    }  # fmt: skip
    assert summary["push"]["last_pushed_at"] is None
    assert summary["push"]["last_push_status"] is None
    assert summary["push"]["in_floqer"] in ("unchecked", "older", "changed", "empty", "this")
    assert one.status_code == 200
    detail = one.json()
    assert {k: v for k, v in detail.items() if k != "body"} == summary
    assert detail["body"] == json.loads(exported.text)["configurations"][0]["body"]
    assert detail["body"] == stored_json(step["body"])
    assert detail["body"] == UpsertConfig.from_inputs(detail["body"]["inputs"]).body()
    assert detail["body"]["inputs"]["salesforce_object"] == "Contact"


def error_cases(app: RunningApp, token: str) -> dict[str, httpx.Response]:
    with api(app, token) as client:
        return {
            "no such route": client.get("/api/v1/nowhere"),
            "no such configuration": client.get("/api/v1/configurations/9999"),
            "an id too large for a row": client.get(f"/api/v1/configurations/{2**70}"),
            "wrong method": client.post("/api/v1/me"),
            "not an id": client.get("/api/v1/configurations/first"),
            "a body over the cap": client.request(
                "DELETE", "/api/v1/tokens/1", content=b"x" * (1024 * 1024 + 1)
            ),
        }


def test_every_error_under_the_api_is_the_json_envelope_never_a_page(
    app: RunningApp, token: str
) -> None:
    answers = error_cases(app, token)
    assert "openapi.json" in envelope(answers["no such route"], 404, "not_found")["message"]
    assert (
        "does not exist" in envelope(answers["no such configuration"], 404, "not_found")["message"]
    )
    envelope(answers["an id too large for a row"], 404, "not_found")
    envelope(answers["wrong method"], 405, "method_not_allowed")
    invalid = envelope(answers["not an id"], 422, "invalid")
    assert [d["field"] for d in invalid["details"]] == ["path.configuration_id"]
    assert "integer" in invalid["details"][0]["message"]
    assert "1 MB" in envelope(answers["a body over the cap"], 413, "too_large")["message"]
    for response in answers.values():
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert response.headers["cache-control"] == "no-store"


def test_an_unexpected_failure_is_the_envelope_too(
    app: RunningApp, web: httpx.Client, token: str
) -> None:
    config = start_configuration(web, add_connection(web))
    # A stored body no version of the app writes: reading it fails in the app's own code.
    app.query("UPDATE configurations SET body = :body WHERE id = :id", body="[1]", id=config)
    with api(app, token) as client:
        broken = client.get(f"/api/v1/configurations/{config}")
        after = client.get("/api/v1/me")
    error = envelope(broken, 500, "internal_error")
    assert "unexpected problem" in error["message"]
    assert "Traceback" not in broken.text
    assert after.status_code == 200  # and the app carries on


def test_the_openapi_document_lists_exactly_the_api_routes_and_is_valid(
    app: RunningApp,
) -> None:
    answer = httpx.get(f"{app.url}/api/v1/openapi.json")  # no token: a public description
    assert answer.status_code == 200
    document = answer.json()
    validate(document)

    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    served = {(r.method, r.path) for r in API_ROUTES if r.path != "/api/v1/openapi.json"}
    assert documented == served
    assert all(path.startswith("/api/v1/") for _, path in documented)

    schemas = document["components"]["schemas"]
    assert schemas["ErrorEnvelope"]["properties"]["error"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert schemas["ErrorBody"]["required"] == ["code", "message"]
    assert "HTTPValidationError" not in schemas  # FastAPI's own 422 shape is never answered
    bearer = document["components"]["securitySchemes"]["apiToken"]
    assert bearer["type"] == "http"
    assert bearer["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["security"] == [{"apiToken": []}], where
            ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert ok.get("$ref", "").startswith("#/components/schemas/"), where
            for status in ("401", "403", "404", "422", "500"):
                error = operation["responses"][status]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}, (where, status)


def test_the_docs_page_serves_the_vendored_swagger_ui_without_inline_script(
    web: httpx.Client,
) -> None:
    page = web.get("/api/docs")
    assert page.status_code == 200
    assert "API documentation" in page_text(page)
    assert 'data-openapi-url="/api/v1/openapi.json"' in page.text
    scripts = [line for line in page.text.splitlines() if "<script" in line]
    assert all(" src=" in line for line in scripts), scripts
    assert any("vendor/swagger-ui-bundle-5.35.0." in line for line in scripts)
    assert page.headers["content-security-policy"].startswith(
        "default-src 'self'; script-src 'self'; style-src 'self';"
    )
    for asset in ("vendor/swagger-ui-bundle-5.35.0.js", "vendor/swagger-ui-5.35.0.css"):
        assert web.get(f"/static/{asset}").status_code == 200


def test_an_id_beyond_a_postgres_integer_is_not_found_on_either_database(
    app: RunningApp, web: httpx.Client, token: str
) -> None:
    # Found by Schemathesis on Postgres: ids are 32-bit INTEGER columns there, and a larger
    # one reached the query ("integer out of range", a 500).
    connection = add_connection(web)
    too_large = 2**31
    with api(app, token) as client:
        answers = [
            client.get(f"/api/v1/configurations/{too_large}"),
            client.get(f"/api/v1/connections/{too_large}/workflows"),
            client.get("/api/v1/export", params={"id": too_large}),
        ]
    for answer in answers:
        envelope(answer, 404, "not_found")
    assert web.get(f"/connections/{too_large}/workflows").status_code == 404
    assert web.get(f"/connections/{connection}/workflows").status_code == 200
