"""One configuration per Floqer step: configuring a step again opens its configuration, and a
configuration is copied to another step only as a template, onto a step without one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.app.flows import (
    ACCOUNT_SYNC,
    CONTACT_ROWS,
    INBOUND,
    add_connection,
    configuration_id,
    configure_forms,
    form_fields,
    soup,
    start_configuration,
    text_of,
    workflow_url,
)
from tests.conftest import RunningApp


def configurations(app: RunningApp) -> list[tuple[int, str, int]]:
    rows = app.query("SELECT id, step_id, version FROM configurations ORDER BY id")
    return [(id_, step_id, version) for id_, step_id, version in rows]


def test_configuring_a_step_again_opens_its_configuration(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    action = configure_forms(web, workflow_url(web, connection, ACCOUNT_SYNC))[0]
    first = web.post(action)
    again = web.post(action)  # a second tab still showing the button
    assert configuration_id(again) == configuration_id(first)
    assert again.headers["location"].endswith("?notice=existing")
    assert "already has a configuration here" in text_of(web.get(again.headers["location"]))
    assert len(configurations(app)) == 1


def test_two_connections_configuring_one_step_share_its_configuration(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    action = configure_forms(web, workflow_url(web, connection, ACCOUNT_SYNC))[0]
    first = configuration_id(web.post(action))
    other = add_connection(web, "floq_test_0002", label="Second key")
    # The other connection's page offers no button any more; its address still answers.
    action = action.replace(f"/connections/{connection}/", f"/connections/{other}/")
    assert configuration_id(web.post(action)) == first
    assert len(configurations(app)) == 1


def test_simultaneous_configure_clicks_make_one_configuration(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    action = configure_forms(web, workflow_url(web, connection, INBOUND))[0]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: web.post(action), range(8)))
    assert {a.status_code for a in answers} == {303}
    assert len({configuration_id(a) for a in answers}) == 1
    assert len(configurations(app)) == 1


def test_a_configuration_is_used_as_a_template_for_a_step_without_one(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    template = start_configuration(web, connection, INBOUND)
    web.post(
        f"/configurations/{template}/save",
        data=form_fields("Inbound contacts", "Contact", "Email", CONTACT_ROWS),
    )
    page = soup(web.get(f"/configurations/{template}"))
    link = page.find("a", string="Use as template for another step")
    assert link is not None
    picking = web.get(str(link["href"]))
    assert "Choosing the step that starts from Inbound contacts" in text_of(picking)
    steps = soup(web.get(workflow_url(web, connection, INBOUND) + f"?template={template}"))
    buttons = [
        b.find_parent("form") for b in steps.find_all("button", string="Use the template here")
    ]
    # The template's own step is configured: only the other sheet's step is offered.
    assert len(buttons) == 1
    form = buttons[0]
    assert form is not None
    fields = {i["name"]: i["value"] for i in form.find_all("input")}
    assert fields["template_id"] == str(template)
    made = web.post(str(form["action"]), data={"template_id": str(template)})
    copy = configuration_id(made)
    assert copy != template
    assert made.headers["location"].endswith("?notice=template")
    body = text_of(web.get(f"/configurations/{copy}"))
    assert '"salesforce_object": "Contact"' in body
    assert '"value": "{{input.last_name}}"' in body
    note = app.query(
        "SELECT version, note FROM configuration_versions WHERE configuration_id = :copy",
        copy=copy,
    )
    expected = (1, "from the template “Inbound contacts” (its version 2)")
    assert [tuple(row) for row in note] == [expected]
    # Once configured, the step is offered no second configuration, template or not.
    steps = soup(web.get(workflow_url(web, connection, INBOUND) + f"?template={template}"))
    assert not steps.find_all("button", string="Use the template here")
    refused = web.post(str(form["action"]), data={"template_id": str(template)})
    assert configuration_id(refused) == copy
    assert refused.headers["location"].endswith("?notice=existing")


def test_an_unknown_template_is_a_404(web: httpx.Client) -> None:
    connection = add_connection(web)
    for template in ("999", str(2**64), "x"):
        answer = web.get(f"/connections/{connection}/workflows?template={template}")
        assert answer.status_code == 404, template
        assert "does not exist" in text_of(answer)
