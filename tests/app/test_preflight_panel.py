"""The pre-flight check in the app: the "Ready to push?" panel for what the form holds, and
the same check on the server when a push is sent, with "Push anyway" as the way past it."""

from __future__ import annotations

from typing import Any

import httpx
from bs4 import Tag

from tests.app.flows import (
    BROKEN_LEAD,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import RunningApp

FIXED_LEAD = [
    ("Email", "{{input.email}}"),
    ("NumberOfEmployees", "250"),
    ("Status", "Working - Contacted"),
    ("HasOptedOutOfEmail", "false"),
    ("LastName", "{{input.last_name}}"),
    ("Company", "{{input.company_name}}"),
]


def lead_form(rows: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    fields = form_fields("Leads", "Lead", "Email", rows, **extra)
    fields["field_uid"] = [f"row-{n}" for n in range(len(rows))]
    return fields


def panel(web: httpx.Client, config: int, rows: list[tuple[str, str]]) -> httpx.Response:
    return web.post(f"/configurations/{config}/fragments/preflight", data=lead_form(rows))


def test_the_panel_names_every_problem_of_the_broken_lead_on_its_row(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    answer = panel(web, config, BROKEN_LEAD)
    page = soup(answer)
    text = " ".join(page.get_text(" ").split())
    assert "5 problems Salesforce would refuse on every row" in text
    by_row = {
        str(rows["data-row-checks"]): " ".join(rows.get_text(" ").split())
        for rows in page.select("[data-row-checks]")
    }
    assert "Full Name (Name) is read-only" in by_row["row-1"]
    assert "NumberOfEmployees" in by_row["row-2"]
    assert "lots" in by_row["row-2"]
    assert "Hot lead" in by_row["row-3"]
    assert "Working - Contacted" in by_row["row-3"]
    assert "true or false" in by_row["row-4"]
    assert "row-0" not in by_row  # Email is fine
    links = {str(a["href"]) for a in page.select("ul.checks a")}
    assert {"#row-1-name", "#row-2-value", "#row-3-value", "#row-4-value"} <= links
    add = page.find("button", string="Add missing rows")
    assert isinstance(add, Tag)
    assert str(add["hx-get"]).endswith("/fragments/field-row?field=LastName&field=Company")
    push = page.find(id="push-controls")
    assert isinstance(push, Tag)
    assert push.get("hx-swap-oob") == "true"
    # Push itself is not redrawn: app.js disables it from these (tests/browser/test_preflight.py).
    assert (push["data-push-blocked"], push["data-push-label"]) == ("yes", "Push to Floqer")
    assert push.find("button", string="Push anyway, with the problems") is not None


def test_a_fixed_lead_is_ready_to_push(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    text = text_of(panel(web, config, FIXED_LEAD))
    assert "problems Salesforce would refuse" not in text
    assert "Ready to push" in text or "warning" in text


def test_missing_rows_come_with_their_field_names_and_ask_for_a_recheck(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    answer = web.get(
        f"/configurations/{config}/fragments/field-row",
        params=[("field", "LastName"), ("field", "Company")],
    )
    assert answer.headers["HX-Trigger"] == "recheck"
    names = [str(i["value"]) for i in soup(answer).find_all("input", attrs={"name": "field_name"})]
    assert names == ["LastName", "Company"]
    uids = {str(i["value"]) for i in soup(answer).find_all("input", attrs={"name": "field_uid"})}
    assert len(uids) == 2


def test_an_unknown_reference_is_named_with_the_closest_known_one(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    rows = [*FIXED_LEAD[:-1], ("Company", "{{input.company_nmae}}")]
    text = text_of(panel(web, config, rows))
    assert "{{input.company_nmae}}" in text
    assert "{{input.company_name}}" in text


def test_the_server_refuses_a_push_the_check_refuses_unless_pushed_anyway(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    refused = web.post(f"/configurations/{config}/push", data=lead_form(BROKEN_LEAD))
    assert refused.headers["location"] == f"/configurations/{config}?notice=push-refused#preflight"
    assert "Saved, but not pushed" in text_of(web.get(refused.headers["location"]))
    assert not [c for c in app.sandbox_calls()["by_call"] if c.startswith("PATCH ")]
    anyway = lead_form(BROKEN_LEAD, version=2)
    anyway["push_anyway"] = "1"
    web.post(f"/configurations/{config}/push", data=anyway)
    assert [c for c in app.sandbox_calls()["by_call"] if c.startswith("PATCH ")]
    fixed = web.post(f"/configurations/{config}/push", data=lead_form(FIXED_LEAD, version=2))
    assert fixed.headers["location"].endswith("#push-result")
    assert "Pushed to Floqer" in text_of(web.get(f"/configurations/{config}"))


def test_a_form_the_check_cannot_read_is_said_in_the_panel(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    uneven = lead_form(FIXED_LEAD)
    uneven["field_value"] = uneven["field_value"][:-1]
    text = text_of(web.post(f"/configurations/{config}/fragments/preflight", data=uneven))
    assert "The field rows arrived incomplete" in text
    assert "Checking the mapping" not in text
