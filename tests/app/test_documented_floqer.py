"""The whole path against a Floqer that answers in the shapes its docs describe, not ours.

The sandbox's answers pass through a double that rewrites them: unknown keys of every shape
added at every level (outside configured values, which Floqer keeps as sent), optional keys
dropped, names null, the envelope's optional "message" added, and Configure answered with no
data at all (its answer is undocumented). Connection → workflow → step → form → save →
push → pull must work as it does on the sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.app.flows import (
    CONTACT_ROWS,
    INBOUND,
    add_connection,
    base_version,
    form_fields,
    soup,
    start_configuration,
    text_of,
    workflow_url,
)
from tests.client.documented import SURPRISES, with_surprises
from tests.conftest import AppFactory, RunningApp, SandboxFactory
from tests.floqer_double import FloqerDouble


def documented(method: str, path: str, answer: Any) -> Any:
    if not isinstance(answer, dict) or "data" not in answer:
        return answer  # errors pass as they are
    data = answer["data"]
    if path.endswith("/user/"):
        data = {**data, "first_name": None, "last_name": None}
    elif method == "PATCH":
        return {"status": 200, "message": "Action configured"}  # no data: undocumented
    return {**answer, "data": _reshaped(data), "message": "Optional success message"}


def _reshaped(value: Any, key: str = "") -> Any:
    if key == "inputs" and isinstance(value, dict):
        return value  # configured values come back exactly as sent
    if isinstance(value, dict):
        kept = {k: _reshaped(v, k) for k, v in value.items() if k not in ("label", "next")}
        return {**kept, **with_surprises(SURPRISES)}
    if isinstance(value, list):
        return [_reshaped(item, key) for item in value]
    return value


@pytest.fixture
def app(start_app: AppFactory, start_sandbox: SandboxFactory) -> Iterator[RunningApp]:
    floqer = FloqerDouble(start_sandbox(), lambda m, p: "reshape", reshape=documented).start()
    yield start_app(floqer_base_url=floqer.url)
    floqer.stop()


def test_the_whole_path_works_against_documented_answers(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    connections = text_of(web.get("/connections"))
    assert "Floqer user alex.morgan@acme.example" in connections

    workflow = web.get(workflow_url(web, connection, INBOUND))
    assert workflow.status_code == 200
    assert "Webinar attendees" in text_of(workflow)
    config = start_configuration(web, connection)

    page = web.get(f"/configurations/{config}")
    assert page.status_code == 200
    objects = soup(web.get(f"/configurations/{config}/fragments/objects"))
    assert "Contact" in [o["value"] for o in objects.select("datalist#sf-objects option")]
    fields = soup(
        web.get(
            f"/configurations/{config}/fragments/object-fields",
            params={"salesforce_object": "Contact"},
        )
    )
    assert "Email" in [
        o["value"] for o in fields.select("select#salesforce_external_id_field option")
    ]
    tokens = [str(o["value"]) for o in fields.select("datalist#floqer-tokens option")]
    assert "{{input.email}}" in tokens
    assert any(t.endswith(".technologies.name}}") for t in tokens)

    draft = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
    saved = web.post(f"/configurations/{config}/save", data=draft)
    assert saved.headers["location"].endswith("notice=saved-v2")
    draft["base_version"] = str(base_version(web, config))
    web.post(f"/configurations/{config}/push", data=draft)
    pushed = text_of(web.get(f"/configurations/{config}"))
    assert "Pushed to Floqer" in pushed
    assert "Floqer accepted version 2: Contact matched by Email, 3 field(s) mapped." in pushed
    pulled = text_of(web.post(f"/configurations/{config}/pull"))
    assert "No difference: Floqer holds exactly the saved configuration." in pulled
