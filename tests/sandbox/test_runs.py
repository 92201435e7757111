"""The upsert really runs: rows added with run_after_add write to the simulated org.

Every test configures the Inbound workflow's (unconfigured) upsert step over HTTP, adds
rows, reads the upsert cell back with rows/list and checks what the org stored through the
sandbox's own `/_sandbox` endpoints.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.flows import (
    configure,
    data,
    enrich_step_id,
    run_one,
    upsert_inputs,
    upsert_step,
)
from tests.support import TLS

# The default org's owners (webapp/sandbox/sfdc/orgs/default.py), as Salesforce ids.
API_USER_ID = "0055g0000000001AAA"  # Floqer Integration, the user Floqer writes as
EMEA_QUEUE_ID = "00G5g0000000002EAA"  # EMEA Sales Queue, owner of UK/DE/FR/IE leads

Record = dict[str, Any]


# --- helpers --------------------------------------------------------------------------------


def set_up_upsert(
    api: httpx.Client, obj: str, key: str, fields: dict[str, Any], **flags: bool
) -> str:
    """Configure the Inbound upsert step; its path comes back."""
    step = upsert_step(api)
    data(configure(api, step, **upsert_inputs(obj, key, fields, **flags)))
    return step


def sheet_of(step: str) -> str:
    return step.rsplit("/actions/", 1)[0]


def aiid_of(step: str) -> str:
    return step.rsplit("/", 1)[1]


def add_rows(api: httpx.Client, step: str, rows: list[Any], run_after_add: str) -> Any:
    body = {"rows": rows, "run_after_add": run_after_add}
    return data(api.post(f"{sheet_of(step)}/rows", json=body))


def listed_rows(api: httpx.Client, step: str, row_ids: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = data(
        api.post(f"{sheet_of(step)}/rows/list", json={"row_ids": row_ids})
    )["rows"]
    assert [r["row_id"] for r in rows] == row_ids
    return rows


def upsert_cells(api: httpx.Client, step: str, row_ids: list[str]) -> list[dict[str, Any]]:
    return [r["cells"][aiid_of(step)] for r in listed_rows(api, step, row_ids)]


def stored(sandbox_url: str, record_id: str) -> Record:
    answer = data(httpx.get(f"{sandbox_url}/_sandbox/records/{record_id}", verify=TLS))
    record: Record = answer["record"]
    assert record["Id"] == record_id
    return record


def records(sandbox_url: str, obj: str) -> list[Record]:
    found: list[Record] = data(
        httpx.get(f"{sandbox_url}/_sandbox/objects/{obj}/records", verify=TLS)
    )
    return found


def records_where(sandbox_url: str, obj: str, field: str, value: str) -> list[Record]:
    return [r for r in records(sandbox_url, obj) if str(r.get(field, "")).lower() == value.lower()]


def completed(cell: dict[str, Any], operation: str) -> dict[str, Any]:
    assert cell["status"] == "complete", cell
    assert "error" not in cell
    outputs: dict[str, Any] = cell["outputs"]
    assert outputs["operation_type"] == operation
    return outputs


def failed(cell: dict[str, Any], code: str) -> str:
    """The message of a cell that failed with `code`."""
    assert cell["status"] == "failed", cell
    assert "outputs" not in cell
    assert cell["error"]["code"] == code
    message: str = cell["error"]["message"]
    assert message
    return message


CONTACT_FIELDS = {
    "Email": "{{input.email}}",
    "FirstName": "{{input.first_name}}",
    "LastName": "{{input.last_name}}",
}


# --- insert and update ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "key", "fields", "prefix"),
    [
        pytest.param(
            "Contact",
            "Email",
            {**CONTACT_FIELDS, "Title": "Head of RevOps"},
            "003",
            id="contact",
        ),
        pytest.param(
            "Lead",
            "Floqer_Id__c",
            {
                "Floqer_Id__c": "F-{{input.email}}",
                **CONTACT_FIELDS,
                "Title": "Head of RevOps",
                "Company": "{{input.company_name}}",
            },
            "00Q",
            id="lead",
        ),
        pytest.param(
            "Account",
            "Domain__c",
            {"Domain__c": "{{input.domain}}", "Name": "{{input.company_name}}"},
            "001",
            id="account",
        ),
    ],
)
def test_first_run_inserts_a_record_the_sandbox_then_serves_at_account_url(
    api: httpx.Client,
    sandbox_url: str,
    obj: str,
    key: str,
    fields: dict[str, str],
    prefix: str,
) -> None:
    step = set_up_upsert(api, obj, key, fields)
    row = {
        "email": "nora.quinn@wayne.example",
        "first_name": "Nora",
        "last_name": "Quinn",
        "company_name": "Wayne Enterprises",
        "domain": "wayne.example",
    }
    outputs = completed(run_one(api, step, row), "Insert")
    record_id = outputs["record_id"]
    assert isinstance(record_id, str)
    assert len(record_id) == 18
    assert record_id.isalnum()
    assert record_id.startswith(prefix)
    # Salesforce's account_url is the org's base URL; the record is at {account_url}/{id}.
    assert outputs["account_url"] == f"{sandbox_url}/_sandbox/records"

    answer = data(httpx.get(f"{outputs['account_url']}/{record_id}", verify=TLS))
    assert answer["object"] == obj
    record = answer["record"]
    assert record["Id"] == record_id
    expected = {
        name: value.replace("{{input.email}}", row["email"])
        .replace("{{input.first_name}}", row["first_name"])
        .replace("{{input.last_name}}", row["last_name"])
        .replace("{{input.company_name}}", row["company_name"])
        .replace("{{input.domain}}", row["domain"])
        for name, value in fields.items()
    }
    assert {name: record.get(name) for name in expected} == expected
    assert record["CreatedById"] == API_USER_ID


def test_second_run_with_the_same_key_updates_the_same_record(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = set_up_upsert(api, "Contact", "Email", {**CONTACT_FIELDS, "Title": "{{input.domain}}"})
    row = {"email": "nora.quinn@wayne.example", "first_name": "Nora", "last_name": "Quinn"}
    first = completed(run_one(api, step, {**row, "domain": "Analyst"}), "Insert")
    second = completed(
        run_one(api, step, {**row, "first_name": "Eleanor", "domain": "Director"}), "Update"
    )
    assert second["record_id"] == first["record_id"]
    assert second["account_url"] == first["account_url"]
    record = stored(sandbox_url, first["record_id"])
    assert (record["FirstName"], record["LastName"], record["Title"]) == (
        "Eleanor",
        "Quinn",
        "Director",
    )
    assert len(records_where(sandbox_url, "Contact", "Email", row["email"])) == 1


def test_matching_a_seeded_record_updates_it_in_place(api: httpx.Client, sandbox_url: str) -> None:
    fields = {"External_Id__c": "C-1001", "Title": "{{input.company_name}}"}
    step = set_up_upsert(api, "Contact", "External_Id__c", fields)
    (before,) = records_where(sandbox_url, "Contact", "External_Id__c", "C-1001")
    outputs = completed(run_one(api, step, {"company_name": "Chief Executive"}), "Update")
    assert outputs["record_id"] == before["Id"]
    after = stored(sandbox_url, before["Id"])
    assert after["Title"] == "Chief Executive"
    assert after["LastName"] == before["LastName"] == "Okafor"
    assert after["Email"] == before["Email"]


# --- what Salesforce refuses ----------------------------------------------------------------


def test_a_key_matching_several_records_fails_with_multiple_choices(
    api: httpx.Client, sandbox_url: str
) -> None:
    initech = records_where(sandbox_url, "Account", "Domain__c", "initech.example")
    assert len(initech) == 2
    step = set_up_upsert(
        api, "Account", "Domain__c", {"Domain__c": "{{input.domain}}", "Name": "Initech Renamed"}
    )
    message = failed(run_one(api, step, {"domain": "initech.example"}), "MULTIPLE_CHOICES")
    assert all(r["Id"] in message for r in initech)
    assert records_where(sandbox_url, "Account", "Domain__c", "initech.example") == initech


def test_insert_without_a_required_field_fails_naming_it(
    api: httpx.Client, sandbox_url: str
) -> None:
    fields = {"Email": "{{input.email}}", "FirstName": "{{input.first_name}}"}
    step = set_up_upsert(api, "Contact", "Email", fields)
    row = {"email": "no.lastname@wayne.example", "first_name": "Nora"}
    message = failed(run_one(api, step, row), "REQUIRED_FIELD_MISSING")
    assert "LastName" in message
    assert records_where(sandbox_url, "Contact", "Email", row["email"]) == []


def test_an_update_needs_no_required_field(api: httpx.Client, sandbox_url: str) -> None:
    step = set_up_upsert(api, "Contact", "Email", {"Email": "{{input.email}}", "Title": "CFO"})
    outputs = completed(run_one(api, step, {"email": "mei.chen@hooli.example"}), "Update")
    record = stored(sandbox_url, outputs["record_id"])
    assert (record["LastName"], record["Title"]) == ("Chen", "CFO")


@pytest.mark.parametrize(
    ("obj", "key", "fields", "code", "mentions"),
    [
        pytest.param(
            "Contact",
            "Email",
            {"Email": "{{input.email}}", "LastName": "Quinn", "DoNotCall": "yes"},
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            "yes",
            id="boolean-yes",
        ),
        pytest.param(
            "Contact",
            "Email",
            {"Email": "{{input.email}}", "LastName": "Quinn", "Birthdate": "22/04/1979"},
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            "22/04/1979",
            id="date-day-first",
        ),
        pytest.param(
            "Contact",
            "Email",
            {"Email": "{{input.email}}", "LastName": "Quinn", "Birthdate": "1979-02-30"},
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            "1979-02-30",
            id="date-impossible",
        ),
        pytest.param(
            "Account",
            "Domain__c",
            {"Domain__c": "{{input.domain}}", "Name": "Gold Inc", "Tier__c": "Gold"},
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "Gold",
            id="restricted-picklist",
        ),
        pytest.param(
            "Contact",
            "Email",
            {"Email": "{{input.email}}", "LastName": "Quinn", "FirstName": "N" * 41},
            "STRING_TOO_LONG",
            "max length=40",
            id="first-name-41-chars",
        ),
        pytest.param(
            "Contact",
            "Email",
            {"Email": "{{input.email}}", "LastName": "Quinn", "Name": "Nora Quinn"},
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "Name",
            id="contact-name-compound",
        ),
        pytest.param(
            "Account",
            "Domain__c",
            {"Domain__c": "{{input.domain}}", "Name": "Gold Inc", "Health_Score__c": "90"},
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "Health_Score__c",
            id="account-formula",
        ),
    ],
)
def test_a_value_salesforce_refuses_fails_the_cell_and_stores_nothing(
    api: httpx.Client,
    sandbox_url: str,
    obj: str,
    key: str,
    fields: dict[str, str],
    code: str,
    mentions: str,
) -> None:
    step = set_up_upsert(api, obj, key, fields)
    row = {"email": "nora.quinn@wayne.example", "domain": "gold.example"}
    before = records(sandbox_url, obj)
    message = failed(run_one(api, step, row), code)
    assert mentions in message
    assert records(sandbox_url, obj) == before


def test_first_name_of_exactly_forty_characters_is_stored(
    api: httpx.Client, sandbox_url: str
) -> None:
    name = "N" * 40
    step = set_up_upsert(
        api, "Contact", "Email", {"Email": "{{input.email}}", "LastName": "Q", "FirstName": name}
    )
    outputs = completed(run_one(api, step, {"email": "n40@wayne.example"}), "Insert")
    assert stored(sandbox_url, outputs["record_id"])["FirstName"] == name


def test_refused_update_leaves_the_matched_record_unchanged(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = set_up_upsert(
        api, "Contact", "Email", {"Email": "{{input.email}}", "Title": "CFO", "DoNotCall": "yes"}
    )
    (before,) = records_where(sandbox_url, "Contact", "Email", "mei.chen@hooli.example")
    failed(
        run_one(api, step, {"email": "mei.chen@hooli.example"}), "INVALID_TYPE_ON_FIELD_IN_RECORD"
    )
    assert stored(sandbox_url, before["Id"]) == before


@pytest.mark.parametrize("match_value", ["", "   "])
def test_an_empty_match_value_fails_with_missing_external_id(
    api: httpx.Client, sandbox_url: str, match_value: str
) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS)
    before = records(sandbox_url, "Contact")
    row = {"email": match_value, "first_name": "Nora", "last_name": "Quinn"}
    message = failed(run_one(api, step, row), "MISSING_EXTERNAL_ID")
    assert "Email" in message
    assert records(sandbox_url, "Contact") == before


# --- the three switches ---------------------------------------------------------------------


def test_ignore_empty_values_keeps_a_value_and_turned_off_clears_it(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS)
    row = {"email": "nora.quinn@wayne.example", "first_name": "Nora", "last_name": "Quinn"}
    record_id = completed(run_one(api, step, row), "Insert")["record_id"]
    assert stored(sandbox_url, record_id)["FirstName"] == "Nora"

    # Default (on): the empty first name is left out of the write.
    kept = completed(run_one(api, step, {**row, "first_name": ""}), "Update")
    assert kept["record_id"] == record_id
    assert stored(sandbox_url, record_id)["FirstName"] == "Nora"

    # Off: the empty first name is sent, which clears the field.
    data(configure(api, step, ignore_empty_values=False))
    cleared = completed(run_one(api, step, {**row, "first_name": ""}), "Update")
    assert cleared["record_id"] == record_id
    record = stored(sandbox_url, record_id)
    assert record.get("FirstName") is None
    assert record["LastName"] == "Quinn"


def test_ignore_empty_values_off_cannot_clear_a_required_field(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS, ignore_empty_values=False)
    (before,) = records_where(sandbox_url, "Contact", "Email", "mei.chen@hooli.example")
    row = {"email": "mei.chen@hooli.example", "first_name": "Mei", "last_name": ""}
    message = failed(run_one(api, step, row), "REQUIRED_FIELD_MISSING")
    assert "LastName" in message
    assert stored(sandbox_url, before["Id"]) == before


@pytest.mark.parametrize(
    ("flags", "owner"),
    [
        pytest.param({}, EMEA_QUEUE_ID, id="default-on"),
        pytest.param({"run_salesforce_assignment_rules": True}, EMEA_QUEUE_ID, id="on"),
        pytest.param({"run_salesforce_assignment_rules": False}, API_USER_ID, id="off"),
    ],
)
def test_assignment_rules_route_a_uk_lead_to_the_emea_queue_only_when_on(
    api: httpx.Client, sandbox_url: str, flags: dict[str, bool], owner: str
) -> None:
    fields = {
        "Floqer_Id__c": "F-UK-1",
        "LastName": "{{input.last_name}}",
        "Company": "{{input.company_name}}",
        "Country": "United Kingdom",
    }
    step = set_up_upsert(api, "Lead", "Floqer_Id__c", fields, **flags)
    row = {"last_name": "Hughes", "company_name": "Thames Analytics"}
    outputs = completed(run_one(api, step, row), "Insert")
    record = stored(sandbox_url, outputs["record_id"])
    assert record["Country"] == "United Kingdom"
    assert record["OwnerId"] == owner
    # The seeded German lead shows which queue the org's rule routes EMEA leads to.
    (weber,) = records_where(sandbox_url, "Lead", "Floqer_Id__c", "L-0002")
    assert weber["OwnerId"] == EMEA_QUEUE_ID


def lead_like_dana_scully(api: httpx.Client, **flags: bool) -> str:
    fields = {
        "Floqer_Id__c": "F-NEW-7",
        "LastName": "Scully",
        "Company": "FBI",
        "Email": "dana.scully@fbi.example",
    }
    return set_up_upsert(api, "Lead", "Floqer_Id__c", fields, **flags)


@pytest.mark.parametrize("flags", [{}, {"force_update_on_collision": False}])
def test_an_alert_duplicate_rule_stops_the_insert_when_force_is_off(
    api: httpx.Client, sandbox_url: str, flags: dict[str, bool]
) -> None:
    step = lead_like_dana_scully(api, **flags)
    before = records(sandbox_url, "Lead")
    message = failed(run_one(api, step, {}), "DUPLICATES_DETECTED")
    assert "Standard Lead Duplicate Rule" in message
    assert records(sandbox_url, "Lead") == before
    assert records_where(sandbox_url, "Lead", "Floqer_Id__c", "F-NEW-7") == []


def test_force_update_on_collision_saves_past_an_alert_duplicate_rule(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = lead_like_dana_scully(api, force_update_on_collision=True)
    outputs = completed(run_one(api, step, {}), "Insert")
    record = stored(sandbox_url, outputs["record_id"])
    assert (record["Floqer_Id__c"], record["Email"]) == ("F-NEW-7", "dana.scully@fbi.example")
    scullys = records_where(sandbox_url, "Lead", "Email", "dana.scully@fbi.example")
    assert sorted(r["Floqer_Id__c"] for r in scullys) == ["F-NEW-7", "L-0001"]


@pytest.mark.parametrize("force", [False, True])
def test_the_contact_block_duplicate_rule_is_never_passed(
    api: httpx.Client, sandbox_url: str, force: bool
) -> None:
    fields = {
        "External_Id__c": "C-9001",
        "Email": "ada.okafor@umbrella.example",
        "LastName": "Okafor",
    }
    step = set_up_upsert(api, "Contact", "External_Id__c", fields, force_update_on_collision=force)
    before = records(sandbox_url, "Contact")
    message = failed(run_one(api, step, {}), "DUPLICATES_DETECTED")
    assert "Standard Contact Duplicate Rule" in message
    assert records(sandbox_url, "Contact") == before


# --- reference tokens -----------------------------------------------------------------------


def test_tokens_mixed_with_literal_text_resolve_from_the_row_and_the_enrichment(
    api: httpx.Client, sandbox_url: str
) -> None:
    enrich = enrich_step_id(api)
    fields = {
        "Domain__c": "{{input.domain}}",
        "Name": "{{input.company_name}} ({{ input.domain }})",
        "Website": "https://www.{{input.domain}}/about",
        "Industry": f"{{{{{enrich}.industry}}}}",
        "Description": f"Sector: {{{{{enrich}.industry}}}}; {{{{input.employee_count}}}} staff",
        "NumberOfEmployees": "{{input.employee_count}}",
    }
    step = set_up_upsert(api, "Account", "Domain__c", fields)
    row = {"domain": "wayne.example", "company_name": "Wayne Enterprises", "employee_count": 250}
    added = add_rows(api, step, [row], "first_10")
    (listed,) = listed_rows(api, step, added["row_ids"])
    industry = listed["cells"][enrich]["outputs"]["industry"]
    assert isinstance(industry, str)
    assert industry
    outputs = completed(listed["cells"][aiid_of(step)], "Insert")

    record = stored(sandbox_url, outputs["record_id"])
    assert record["Domain__c"] == "wayne.example"
    assert record["Name"] == "Wayne Enterprises (wayne.example)"
    assert record["Website"] == "https://www.wayne.example/about"
    assert record["Industry"] == industry
    assert record["Description"] == f"Sector: {industry}; 250 staff"
    assert record["NumberOfEmployees"] == 250


def test_a_list_column_token_resolves_to_text(api: httpx.Client, sandbox_url: str) -> None:
    enrich = enrich_step_id(api)
    fields = {
        "Domain__c": "{{input.domain}}",
        "Name": "{{input.company_name}}",
        "Description": f"Stack: {{{{{enrich}.technologies.name}}}}",
    }
    step = set_up_upsert(api, "Account", "Domain__c", fields)
    row = {"domain": "wayne.example", "company_name": "Wayne Enterprises"}
    added = add_rows(api, step, [row], "first_10")
    (listed,) = listed_rows(api, step, added["row_ids"])
    names = [t["name"] for t in listed["cells"][enrich]["outputs"]["technologies"]]
    assert len(names) >= 2  # several items, so joining them is exercised
    outputs = completed(listed["cells"][aiid_of(step)], "Insert")

    description = stored(sandbox_url, outputs["record_id"])["Description"]
    assert isinstance(description, str)
    assert description.startswith("Stack: ")
    text = description.removeprefix("Stack: ")
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
    assert not any(mark in text for mark in ("[", "{", "'", '"', "category"))


# --- adding rows and running them -----------------------------------------------------------


def contact_rows(count: int) -> list[dict[str, Any]]:
    return [
        {"email": f"person{n:02d}@wayne.example", "first_name": "P", "last_name": f"Person{n:02d}"}
        for n in range(count)
    ]


def test_first_10_runs_the_first_ten_rows_and_leaves_the_rest_not_run(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS)
    rows = contact_rows(12)
    added = add_rows(api, step, rows, "first_10")
    assert added["row_count"] == 12
    assert len(added["row_ids"]) == 12
    assert added["rejected"] == []
    assert added["rows_queued_for_run"] == 10

    cells = upsert_cells(api, step, added["row_ids"])
    for cell, row in zip(cells[:10], rows[:10], strict=True):
        record_id = completed(cell, "Insert")["record_id"]
        assert stored(sandbox_url, record_id)["Email"] == row["email"]
    for cell, row in zip(cells[10:], rows[10:], strict=True):
        assert cell == {"status": "not_run"}
        assert records_where(sandbox_url, "Contact", "Email", row["email"]) == []

    ran = data(api.post(f"{sheet_of(step)}/rows/run", json={"row_ids": added["row_ids"][10:]}))
    assert ran["rows_queued_for_run"] == 2
    later = upsert_cells(api, step, added["row_ids"][10:])
    for cell, row in zip(later, rows[10:], strict=True):
        record_id = completed(cell, "Insert")["record_id"]
        assert stored(sandbox_url, record_id)["Email"] == row["email"]


def test_run_after_add_none_runs_nothing_until_rows_run_is_called(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS)
    rows = contact_rows(3)
    added = add_rows(api, step, rows, "none")
    assert added["row_count"] == 3
    assert added["rows_queued_for_run"] == 0
    listed = listed_rows(api, step, added["row_ids"])
    assert [r["values"] for r in listed] == rows
    assert all(cell == {"status": "not_run"} for r in listed for cell in r["cells"].values())
    assert all(records_where(sandbox_url, "Contact", "Email", r["email"]) == [] for r in rows)

    ran = data(api.post(f"{sheet_of(step)}/rows/run", json={"row_ids": added["row_ids"]}))
    assert ran["rows_queued_for_run"] == 3
    for cell, row in zip(upsert_cells(api, step, added["row_ids"]), rows, strict=True):
        record = stored(sandbox_url, completed(cell, "Insert")["record_id"])
        assert (record["Email"], record["LastName"]) == (row["email"], row["last_name"])


def test_run_after_add_all_runs_every_row(api: httpx.Client) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS)
    added = add_rows(api, step, contact_rows(11), "all")
    assert added["rows_queued_for_run"] == 11
    cells = upsert_cells(api, step, added["row_ids"])
    assert [c["status"] for c in cells] == ["complete"] * 11


def test_running_an_unknown_row_is_404_and_runs_nothing(api: httpx.Client) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS)
    added = add_rows(api, step, contact_rows(1), "none")
    response = api.post(
        f"{sheet_of(step)}/rows/run", json={"row_ids": [*added["row_ids"], "no-such-row"]}
    )
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert "no-such-row" in response.json()["message"]
    assert upsert_cells(api, step, added["row_ids"]) == [{"status": "not_run"}]


def test_bad_rows_come_back_rejected_while_the_others_are_added(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = set_up_upsert(api, "Contact", "Email", CONTACT_FIELDS)
    good = contact_rows(2)
    rows: list[Any] = [
        good[0],
        {"email": "x@wayne.example", "favourite_colour": "blue"},
        "not a row",
        ["a", "list"],
        good[1],
        {"email": {"nested": "object"}},
    ]
    added = add_rows(api, step, rows, "first_10")
    assert added["row_count"] == 2
    assert len(added["row_ids"]) == 2
    assert added["rows_queued_for_run"] == 2
    rejected = {r["index"]: r["reason"] for r in added["rejected"]}
    assert sorted(rejected) == [1, 2, 3, 5]
    assert "favourite_colour" in rejected[1]
    assert all(isinstance(reason, str) and reason for reason in rejected.values())

    listing = data(api.post(f"{sheet_of(step)}/rows/list", json={}))
    assert listing["total"] == 2
    assert [r["values"] for r in listing["rows"]] == good
    assert records_where(sandbox_url, "Contact", "Email", "x@wayne.example") == []
    for cell in upsert_cells(api, step, added["row_ids"]):
        completed(cell, "Insert")


def test_an_unconfigured_upsert_step_errors_with_action_not_configured(
    api: httpx.Client, sandbox_url: str
) -> None:
    step = upsert_step(api)
    before = records(sandbox_url, "Contact")
    added = add_rows(api, step, contact_rows(1), "first_10")
    (listed,) = listed_rows(api, step, added["row_ids"])
    cell = listed["cells"][aiid_of(step)]
    assert cell["status"] == "error"
    assert cell["error"]["code"] == "ACTION_NOT_CONFIGURED"
    assert "outputs" not in cell
    # The enrichment before it still ran.
    assert listed["cells"][enrich_step_id(api)]["status"] == "complete"
    assert records(sandbox_url, "Contact") == before
