"""The rows the form offers without typing: essentials, suggestions, pasted lines, and what an
object change keeps; plus the Undo state that comes back through the browser."""

from __future__ import annotations

import json

import pytest

from webapp.floqer.models import FieldOption
from webapp.services.browse import ReferenceChoice
from webapp.services.mapping_help import (
    PasteProblem,
    essential_rows,
    keep_for_object,
    merge_rows,
    parse_lines,
    suggest,
    undo_state,
    undone,
)
from webapp.upsert_form import MAX_ROWS, FieldRow, UpsertConfig


def option(value: str, label: str = "", **extras: object) -> FieldOption:
    return FieldOption(value=value, label=label or value, extras=extras)


ACCOUNT = [
    option("Id", "Account ID", createable=False, updateable=False),
    option("Name", "Account Name", required=True),
    option("Website", "Website", type="url"),
    option("Domain__c", "Domain"),
    option("NumberOfEmployees", "Employees", type="int"),
    option("CreatedDate", "Created Date", required=True, createable=False, updateable=False),
]
KEYS = [option("Domain__c", "Domain")]
INPUTS = [
    ReferenceChoice("{{input.company_name}}", "company_name", "Input columns"),
    ReferenceChoice("{{input.domain}}", "domain", "Input columns"),
    ReferenceChoice("{{input.employee_count}}", "employee_count", "Input columns"),
    ReferenceChoice("{{abc.company_name}}", "Company name", "Enrich company"),
    ReferenceChoice("{{abc.technologies.name}}", "Technologies / name", "Enrich company"),
]


def test_a_new_mapping_starts_with_the_external_id_and_the_writable_required_fields() -> None:
    assert essential_rows(ACCOUNT, "") == [FieldRow("Name", "")]
    assert essential_rows(ACCOUNT, "Domain__c") == [FieldRow("Domain__c", ""), FieldRow("Name", "")]


def test_suggestions_match_names_labels_and_usual_aliases_input_columns_first() -> None:
    found = suggest(ACCOUNT, KEYS, INPUTS, UpsertConfig("Account", "", (FieldRow("Name", ""),)))
    by_field = {s.field: s for s in found.rows}
    assert by_field["Name"].value == "{{input.company_name}}"  # not the enrichment's twin
    assert by_field["Name"].fills_row
    assert by_field["Website"].value == "{{input.domain}}"
    assert by_field["Domain__c"].value == "{{input.domain}}"
    assert by_field["NumberOfEmployees"].value == "{{input.employee_count}}"
    assert by_field["Website"].source == "Input columns › domain"
    assert "Id" not in by_field  # read-only fields are never suggested
    assert found.external_id == "Domain__c"
    assert by_field["Domain__c"].line == "Domain__c={{input.domain}}"


def test_suggestions_leave_mapped_fields_and_a_chosen_external_id_alone() -> None:
    draft = UpsertConfig("Account", "Domain__c", (FieldRow("Name", "Acme"),))
    found = suggest(ACCOUNT, KEYS, INPUTS, draft)
    assert "Name" not in {s.field for s in found.rows}
    assert found.external_id == ""


def test_no_source_matches_gives_no_suggestion() -> None:
    found = suggest(
        ACCOUNT, KEYS, [ReferenceChoice("{{input.zzz}}", "zzz", "Input")], UpsertConfig()
    )
    assert found.rows == []
    assert found.external_id == ""


def test_pasted_lines_take_equals_tabs_labels_and_a_header() -> None:
    text = "Field\tValue\nAccount Name = Acme\n\nwebsite\thttps://{{input.domain}}\nNope=1\n"
    assert parse_lines(text, ACCOUNT) == [
        FieldRow("Name", "Acme"),
        FieldRow("Website", "https://{{input.domain}}"),
        FieldRow("Nope", "1"),  # kept as typed: the pre-flight check points at it
    ]
    assert parse_lines("Website=a=b", ACCOUNT) == [FieldRow("Website", "a=b")]


def test_a_pasted_line_without_separator_names_the_line() -> None:
    with pytest.raises(PasteProblem, match=r"Line 2 .*just words"):
        parse_lines("Name=Acme\njust words", ACCOUNT)


def test_merging_fills_existing_rows_adds_the_rest_and_sets_an_empty_external_id() -> None:
    draft = UpsertConfig("Account", "", (FieldRow("Name", ""), FieldRow("", "")))
    merged = merge_rows(
        draft, [FieldRow("name", "Acme"), FieldRow("Website", "x")], external_id="Domain__c"
    )
    assert merged.config.rows == (FieldRow("Name", "Acme"), FieldRow("Website", "x"))
    assert (merged.added, merged.filled) == (1, 1)
    assert merged.config.external_id_field == "Domain__c"
    kept = merge_rows(UpsertConfig("Account", "Other__c"), [], external_id="Domain__c")
    assert kept.config.external_id_field == "Other__c"


def test_merging_stops_at_the_row_limit() -> None:
    many = [FieldRow(f"F{i}__c", "v") for i in range(MAX_ROWS + 20)]
    assert len(merge_rows(UpsertConfig(), many).config.rows) == MAX_ROWS


def test_an_object_change_keeps_the_rows_the_new_object_has_under_its_spelling() -> None:
    rows = [FieldRow("name", "Acme"), FieldRow("Email", "x"), FieldRow("", "")]
    kept, aside = keep_for_object(rows, ACCOUNT)
    assert kept == [FieldRow("Name", "Acme")]
    assert aside == [FieldRow("Email", "x")]


def test_undo_state_round_trips_and_anything_else_is_refused() -> None:
    draft = UpsertConfig("Lead", "Email", (FieldRow("Email", "{{input.email}}"),))
    assert undone(undo_state(draft), UpsertConfig()) == UpsertConfig(
        "Lead", "Email", (FieldRow("Email", "{{input.email}}"),)
    )
    for bad in [
        "not json",
        "[]",
        json.dumps({"object": 1, "external_id": "", "rows": []}),
        json.dumps({"object": "Lead", "external_id": "", "rows": [["a"]]}),
        json.dumps({"object": "Lead", "external_id": "", "rows": [[1, 2]]}),
        json.dumps({"object": "Lead", "external_id": "", "rows": [["a", "b"]] * (MAX_ROWS + 1)}),
        json.dumps({"object": "L" * 300, "external_id": "", "rows": []}),
    ]:
        assert undone(bad, UpsertConfig()) is None, bad
