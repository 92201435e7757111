"""The drift warning: a mapped field the draft's starting version knew, deleted or re-typed in
the org since, and what a version keeps of its fields for it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.unit.test_preflight import KEY, config, facts, option
from webapp.floqer.models import FieldOption
from webapp.preflight import OrgFacts, Problem, Report, check
from webapp.preflight.drift import MAX_LABEL, SavedFields, snapshot
from webapp.upsert_form import FieldRow

TIER = option("Tier__c", "Tier", type="picklist", length=255)
SCORE = option("Lead_Score__c", "Lead Score", type="double", precision=3, scale=0)


def saved(*fields: FieldOption, version: int = 4, object_name: str = "Lead") -> SavedFields:
    return SavedFields(version, snapshot(object_name, fields, [str(f.value) for f in fields]))


def drift(report: Report) -> list[Problem]:
    return [p for p in report.problems if p.code == "drift"]


def checked(saved_fields: Any, *now: FieldOption, rows: tuple[FieldRow, ...] = ()) -> Report:
    rows = rows or (FieldRow("Tier__c", "Tier 1"), FieldRow("Lead_Score__c", "{{input.score}}"))
    return check(config(*rows), replace(facts(*now), saved_fields=saved_fields))


def test_a_field_deleted_since_the_version_was_saved_is_a_warning_on_its_row() -> None:
    report = checked(saved(TIER, SCORE), SCORE)
    [warning] = drift(report)
    assert warning.severity == "warning"
    assert warning.message == "Tier (Tier__c) was deleted from Lead since version 4 was saved."
    assert (warning.row, warning.part) == (1, "name")  # row 0 is the External ID's
    # Salesforce still refuses the field: the error stays, the warning says why.
    assert [p.code for p in report.for_row(1)] == ["unknown_field", "drift"]


def test_a_field_re_typed_since_the_version_was_saved_says_from_what_to_what() -> None:
    retyped = option("Tier__c", "Tier", type="double", precision=18, scale=0)
    [warning] = drift(checked(saved(TIER, SCORE), retyped, SCORE))
    assert warning.message == (
        "Tier (Tier__c) changed from picklist to number in the org since version 4 was saved."
    )
    assert (warning.row, warning.part) == (1, "name")


def test_unchanged_fields_and_a_changed_length_say_nothing() -> None:
    longer = option("Tier__c", "Tier", type="picklist", length=1000)
    assert drift(checked(saved(TIER, SCORE), TIER, SCORE)) == []
    assert drift(checked(saved(TIER, SCORE), longer, SCORE)) == []


def test_field_names_and_types_compare_case_insensitively() -> None:
    rows = (FieldRow("tier__C", "Tier 1"),)
    shouting = option("TIER__C", "Tier", type="PICKLIST")
    assert drift(checked(saved(TIER), shouting, rows=rows)) == []
    [gone] = drift(checked(saved(TIER), SCORE, rows=rows))
    assert "Tier (Tier__c) was deleted" in gone.message


def test_without_a_snapshot_nothing_is_said() -> None:
    assert drift(checked(None, SCORE)) == []


def test_a_snapshot_of_another_object_says_nothing() -> None:
    assert drift(checked(saved(TIER, object_name="Account"), SCORE)) == []


def test_fields_the_version_did_not_know_say_nothing() -> None:
    assert drift(checked(saved(SCORE), SCORE)) == []  # Tier__c was unknown then too


def test_facts_without_any_field_are_no_sign_of_deletion() -> None:
    empty = OrgFacts("Lead", [], [], None, saved_fields=saved(TIER))
    assert drift(check(config(FieldRow("Tier__c", "x")), empty)) == []
    assert facts().saved_fields is None  # every caller that does not pass one keeps working


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "not json",
        [],
        {"object": "Lead"},
        {"object": 7, "fields": {"Tier__c": {"type": "picklist"}}},
        {"object": "Lead", "fields": ["Tier__c"]},
        {"object": "Lead", "fields": {"Tier__c": "picklist"}},
        {"object": "Lead", "fields": {"Tier__c": {"label": 3, "type": ["picklist"]}}},
        {"object": "Lead", "fields": {"7": None, "Tier__c": {"type": ""}}},
    ],
)
def test_a_malformed_snapshot_never_raises_and_never_guesses_a_type(stored: Any) -> None:
    report = checked(SavedFields(4, stored), option("Tier__c", "Tier", type="double"), SCORE)
    assert drift(report) == []


def test_a_malformed_snapshot_that_names_a_deleted_field_still_tells_it_by_name() -> None:
    stored = {"object": "Lead", "fields": {"Tier__c": {"label": None}}}
    [warning] = drift(checked(SavedFields(2, stored), SCORE))
    assert warning.message == "Tier__c was deleted from Lead since version 2 was saved."


def test_a_snapshot_keeps_only_the_mapped_fields_label_type_and_length() -> None:
    long_label = option("Notes__c", "N" * 300, type="textarea")
    kept = snapshot(
        "Lead",
        [TIER, SCORE, option(KEY, "Floqer ID", type="string", length=255), long_label],
        ["tier__c", " Floqer_Id__c ", "Notes__c", "Gone__c"],
    )
    assert kept == {
        "object": "Lead",
        "fields": {
            "Tier__c": {"label": "Tier", "type": "picklist", "length": 255},
            KEY: {"label": "Floqer ID", "type": "string", "length": 255},
            "Notes__c": {"label": "N" * MAX_LABEL, "type": "textarea"},
        },
    }


def test_a_snapshot_reads_odd_metadata_as_absent() -> None:
    odd = FieldOption(value="Odd__c", label="Odd", extras={"type": 5, "length": "long"})
    assert snapshot("Lead", [odd], ["Odd__c"])["fields"] == {"Odd__c": {"label": "Odd"}}
