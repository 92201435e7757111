"""The pure core of versions: the one-line summary, the field-by-field comparison, and how
Floqer's problem paths are named in the push history."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from webapp.upsert_form import TOGGLES, FieldRow, UpsertConfig
from webapp.version_diff import compare, problem_lines, summary

names = st.sampled_from(["Name", "Email", "Website", "Domain__c", "Phone"])
rows = st.lists(st.builds(FieldRow, names, st.sampled_from(["", "x", "{{input.a}}"])), max_size=6)
configs = st.builds(
    UpsertConfig,
    st.sampled_from(["", "Account", "Contact"]),
    st.sampled_from(["", "Email", "Domain__c"]),
    rows.map(tuple),
    st.tuples(*[st.tuples(st.just(t[0]), st.booleans()) for t in TOGGLES]),
)

ACCOUNT = UpsertConfig(
    "Account",
    "",
    (FieldRow("Name", "{{input.company}}"), FieldRow("Phone", "{{input.phone}}")),
)


def test_the_summary_names_each_kind_of_change_in_the_forms_order() -> None:
    contact = UpsertConfig(
        "Contact",
        "Domain__c",
        (
            FieldRow("Name", "{{input.company_name}}"),
            FieldRow("Website", "{{input.domain}}"),
        ),
        (
            ("force_update_on_collision", False),
            ("ignore_empty_values", False),
            ("run_salesforce_assignment_rules", True),
        ),
    )
    assert summary(ACCOUNT, contact) == (
        "Object Account → Contact; External ID field Domain__c; Website added; Phone removed; "
        "Name changed; Ignore empty values off"
    )
    assert summary(None, ACCOUNT) == "First version: Account, 2 field(s) mapped"


def test_a_long_summary_ends_with_how_many_more() -> None:
    many = UpsertConfig("Account", "", tuple(FieldRow(f"F{i}__c", "x") for i in range(9)))
    line = summary(UpsertConfig("Account"), many)
    assert line.endswith("F5__c added; and 3 more")


def test_rows_only_reordered_read_as_reordered() -> None:
    swapped = UpsertConfig("Account", "", tuple(reversed(ACCOUNT.rows)))
    assert summary(ACCOUNT, swapped) == "Fields reordered"


def test_a_field_mapped_twice_stays_two_rows() -> None:
    twice = UpsertConfig("Account", "", (*ACCOUNT.rows, FieldRow("Name", "again")))
    assert summary(ACCOUNT, twice) == "Name (#2) added"
    assert [r.what for r in compare(ACCOUNT, twice) if r.change == "added"] == ["Field Name (#2)"]


@given(configs)
def test_a_configuration_compared_with_itself_has_no_change(config: UpsertConfig) -> None:
    assert summary(config, config) == "No change"
    assert {row.change for row in compare(config, config)} == {"same"}


@given(configs, configs)
def test_compare_always_lists_the_five_settings_and_every_field_of_either(
    a: UpsertConfig, b: UpsertConfig
) -> None:
    found = compare(a, b)
    assert [row.what for row in found[:5]] == [
        "Salesforce object",
        "External ID field",
        *[t[1] for t in TOGGLES],
    ]
    assert len(found[5:]) >= max(len(a.rows), len(b.rows))
    assert (summary(a, b) == "No change") == (a == b)


def test_floqers_problem_paths_are_named_as_the_form_names_its_controls() -> None:
    problems = [
        {"field": "inputs.add_fields_and_their_values[3].name", "code": "x", "message": "No."},
        {"field": "inputs.salesforce_external_id_field", "code": "x", "message": "Not unique."},
        {"field": "inputs.ignore_empty_values", "code": "x", "message": "Bad."},
        {"field": "", "code": "UNKNOWN", "message": ""},
    ]
    assert [(p.where, p.message) for p in problem_lines(problems)] == [
        ("Field row 4 · name", "No."),
        ("External ID field", "Not unique."),
        ("Ignore empty values", "Bad."),
        ("The configuration", "UNKNOWN"),
    ]
