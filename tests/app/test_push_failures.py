"""Every way a push can fail ends in a plain message, a recorded push and a safe draft."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.app.flows import (
    CONTACT_ROWS,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import AppFactory, RunningApp
from tests.support import TLS

FIELDS = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)


def switch_to(web: httpx.Client, config: int, key: str) -> None:
    connection = add_connection(web, key, label="Other key")
    response = web.post(f"/configurations/{config}/connection", data={"connection_id": connection})
    assert response.status_code == 303


def push_with(web: httpx.Client, key: str) -> tuple[int, str]:
    config = start_configuration(web, add_connection(web))
    switch_to(web, config, key)
    response = web.post(f"/configurations/{config}/push", data=FIELDS)
    assert response.status_code == 303
    return config, text_of(web.get(f"/configurations/{config}"))


@pytest.mark.parametrize(
    ("key", "status", "message"),
    [
        ("floq_sandbox_403", "403", "not allowed to open or change this"),
        ("floq_sandbox_424", "424", "Use an API key of the team member who owns the Salesforce"),
        ("floq_sandbox_429", "429", "Wait 30 seconds, then try again"),
        ("floq_sandbox_502", "502", "Reconnect Salesforce in Floqer"),
        ("floq_sandbox_noconnection", "400", "connect Salesforce in Floqer's own app"),
        ("floq_sandbox_500", "500", "Floqer had a problem on its side"),
    ],
)
def test_each_floqer_failure_reads_plainly_and_keeps_the_draft(
    web: httpx.Client, key: str, status: str, message: str
) -> None:
    config, page = push_with(web, key)
    assert "Push failed" in page
    assert f"Floqer answered {status}" in page
    assert message in page
    assert "Your draft is saved" in page
    assert '"salesforce_object": "Contact"' in page
    assert key not in page
    history = soup(web.get(f"/configurations/{config}")).find(id="history-title")
    assert history is not None
    assert "Failed" in history.find_next("table").get_text()  # type: ignore[union-attr]


def test_a_key_revoked_after_it_was_added_reads_plainly(app: RunningApp, web: httpx.Client) -> None:
    key = "floq_soon_revoked_0042"
    config = start_configuration(web, add_connection(web, key))
    assert app.sandbox_url
    httpx.post(f"{app.sandbox_url}/_sandbox/revoked-keys", json={"api_key": key}, verify=TLS)
    web.post(f"/configurations/{config}/push", data=FIELDS)
    page = text_of(web.get(f"/configurations/{config}"))
    assert "Floqer answered 401" in page
    assert "Floqer did not accept this API key" in page
    assert key not in page


def test_a_timeout_is_a_plain_message(start_app: AppFactory) -> None:
    app = start_app(floqer_timeout_seconds=2.0, sandbox={"slow_key_seconds": 3.0})
    with app.signed_in() as web:
        _, page = push_with(web, "floq_sandbox_slow")
    assert "Floqer took too long to answer" in page


def test_an_unreachable_floqer_is_a_plain_message(start_app: AppFactory) -> None:
    from webapp.sandbox import create_sandbox_app
    from webapp.serving import BackgroundServer

    sandbox = BackgroundServer(create_sandbox_app()).start()
    app = start_app(floqer_base_url=f"{sandbox.url}/api/v1")
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web))
        sandbox.stop()
        web.post(f"/configurations/{config}/push", data=FIELDS)
        page = text_of(web.get(f"/configurations/{config}"))
        assert "could not reach Floqer" in page
        workflows = web.get("/connections/1/workflows")
        assert workflows.status_code == 502
        assert "could not reach Floqer" in text_of(workflows)


def test_the_same_form_submitted_twice_pushes_once(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    page = web.get(f"/configurations/{config}").text
    nonce = re.search(r'name="push_nonce" value="([0-9a-f]+)"', page)
    assert nonce
    fields = {**FIELDS, "push_nonce": nonce.group(1)}
    for _ in range(3):
        web.post(f"/configurations/{config}/push", data=fields)
    configure_calls = [
        n for call, n in app.sandbox_calls()["by_call"].items() if call.startswith("PATCH ")
    ]
    assert configure_calls == [1]
    rows = soup(web.get(f"/configurations/{config}")).select("#history-title ~ table tbody tr")
    assert len(rows) == 1


def test_a_new_form_pushes_again(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    for _ in range(2):
        page = web.get(f"/configurations/{config}").text
        nonce = re.search(r'name="push_nonce" value="([0-9a-f]+)"', page)
        assert nonce
        web.post(f"/configurations/{config}/push", data={**FIELDS, "push_nonce": nonce.group(1)})
    calls = app.sandbox_calls()["by_call"]
    assert sum(n for call, n in calls.items() if call.startswith("PATCH ")) == 2


def test_a_refused_push_of_an_older_version_still_names_its_problems(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    rows = [*CONTACT_ROWS, ("Shoe_Size__c", "42")]
    refused = {**form_fields("Contacts", "Contact", "Email", rows), "push_anyway": "1"}
    web.post(f"/configurations/{config}/push", data=refused)
    # Fixed and saved as version 3: nothing of the form is marked any more, so the box of
    # the last push names Floqer's problems itself instead of pointing at marks below.
    web.post(
        f"/configurations/{config}/save",
        data=form_fields("Contacts", "Contact", "Email", CONTACT_ROWS, version=2),
    )
    box = soup(web.get(f"/configurations/{config}")).find(id="push-result")
    assert box is not None
    text = " ".join(box.get_text(" ").split())
    assert "Push failed" in text
    assert "Floqer did not accept version 2. It named these problems:" in text
    assert "Contact has no field 'Shoe_Size__c'" in text
    assert "marked below" not in text
