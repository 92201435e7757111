"""The pre-flight check, rule by rule: each one's trigger and a near case that must stay quiet."""

from __future__ import annotations

from typing import Any

from webapp.floqer.models import FieldOption
from webapp.preflight import OrgFacts, Problem, Report, check
from webapp.upsert_form import FieldRow, UpsertConfig

KEY = "Floqer_Id__c"
KEY_ROW = FieldRow(KEY, "{{input.id}}")


def option(name: str, label: str | None = None, **extras: Any) -> FieldOption:
    return FieldOption(value=name, label=label or name, extras=extras)


def key_option(**extras: Any) -> FieldOption:
    defaults: dict[str, Any] = {"type": "string", "length": 255, "externalId": True}
    return option(KEY, "Floqer ID", **(defaults | extras))


def facts(
    *fields: FieldOption,
    object_name: str = "Lead",
    external_ids: list[FieldOption] | None = None,
    references: frozenset[str] | None = None,
    object_names: list[str] | None = None,
) -> OrgFacts:
    key = key_option()
    ids = [key] if external_ids is None else external_ids
    return OrgFacts(object_name, [key, *fields], ids, references, object_names)


def config(
    *rows: FieldRow,
    salesforce_object: str = "Lead",
    external_id: str = KEY,
    key_row: bool = True,
    ignore_empty: bool = True,
    assignment_rules: bool = True,
) -> UpsertConfig:
    toggles = (
        ("force_update_on_collision", False),
        ("ignore_empty_values", ignore_empty),
        ("run_salesforce_assignment_rules", assignment_rules),
    )
    all_rows = (KEY_ROW, *rows) if key_row else rows
    return UpsertConfig(salesforce_object, external_id, all_rows, toggles)


def only(report: Report, code: str) -> Problem:
    found = [p for p in report.problems if p.code == code]
    assert len(found) == 1, report.problems
    return found[0]


def codes(report: Report) -> list[str]:
    return [p.code for p in report.problems]


def value_codes(field: FieldOption, value: str) -> list[str]:
    return codes(check(config(FieldRow(field.value, value)), facts(field)))


# -- facts and the report -------------------------------------------------------------------


def test_without_metadata_nothing_is_checked_and_nothing_is_ready() -> None:
    report = check(config(FieldRow("Anything", "at all")), None)
    assert report == Report((), checked=False)
    assert not report.ready


def test_a_clean_configuration_is_ready() -> None:
    report = check(config(FieldRow("Company", "Acme")), facts(option("Company", type="string")))
    assert report.problems == ()
    assert report.ready


def test_facts_about_another_object_check_nothing() -> None:
    report = check(config(FieldRow("Nope", "x")), facts(object_name="Contact"))
    assert report.problems == ()
    assert not report.checked


def test_problems_come_form_first_then_by_row_with_errors_before_warnings() -> None:
    owner = option("OwnerId", "Owner ID", type="reference")
    report = check(
        config(FieldRow("Nope", "x"), FieldRow("OwnerId", "bad id")),
        facts(owner, option("LastName", required=True)),
    )
    assert [(p.row, p.code) for p in report.problems] == [
        (None, "required_missing"),
        (1, "unknown_field"),
        (2, "not_an_id"),
        (2, "owner_overridden"),
    ]
    assert [p.code for p in report.for_row(2)] == ["not_an_id", "owner_overridden"]
    assert [p.code for p in report.warnings] == ["owner_overridden"]
    assert len(report.errors) == 3


# -- the object and the External ID -----------------------------------------------------------


def test_a_configuration_without_an_object_is_an_error() -> None:
    problem = only(check(config(salesforce_object=" "), facts()), "no_object")
    assert problem.control == "salesforce_object"


def test_an_object_the_org_does_not_have_is_an_error_with_a_suggestion() -> None:
    report = check(config(salesforce_object="Leed"), facts(object_names=["Account", "Lead"]))
    problem = only(report, "unknown_object")
    assert (problem.control, problem.suggestion) == ("salesforce_object", "Lead")
    assert codes(report) == ["unknown_object"]


def test_object_names_compare_case_insensitively_and_unknown_names_skip_the_rule() -> None:
    assert check(config(salesforce_object="LEAD"), facts(object_names=["Lead"])).ready
    assert check(config(), facts(object_names=None)).ready


def test_a_configuration_without_an_external_id_field_is_an_error() -> None:
    problem = only(check(config(external_id=""), facts()), "no_external_id")
    assert problem.control == "salesforce_external_id_field"


def test_an_external_id_field_no_longer_flagged_external_id_is_an_error() -> None:
    report = check(config(), facts(external_ids=[option("Email", type="email")]))
    problem = only(report, "not_external_id")
    assert problem.control == "salesforce_external_id_field"
    assert "not an External ID field of Lead" in problem.message


def test_the_external_id_field_compares_case_insensitively() -> None:
    assert check(config(external_id="floqer_id__C"), facts()).ready


def test_an_unmapped_external_id_field_is_an_error_on_the_form() -> None:
    problem = only(check(config(key_row=False), facts()), "external_id_not_mapped")
    assert (problem.row, problem.control) == (None, "salesforce_external_id_field")


def test_an_external_id_mapped_to_an_empty_literal_is_an_error_on_its_row() -> None:
    report = check(config(FieldRow(KEY, "  "), key_row=False), facts())
    problem = only(report, "external_id_not_mapped")
    assert (problem.row, problem.part) == (0, "value")


def test_an_external_id_mapped_to_a_reference_can_match() -> None:
    assert check(config(), facts()).ready


def test_an_external_id_field_that_is_not_unique_is_a_warning() -> None:
    report = check(config(), facts(external_ids=[key_option(unique=False)]))
    problem = only(report, "external_id_not_unique")
    assert (problem.severity, problem.control) == ("warning", "salesforce_external_id_field")
    assert report.ready


def test_an_external_id_field_without_uniqueness_metadata_is_not_warned_about() -> None:
    assert check(config(), facts(external_ids=[key_option()])).problems == ()


# -- fields -----------------------------------------------------------------------------------


def test_required_fields_no_row_maps_are_one_form_error_naming_them() -> None:
    last = option("LastName", "Last Name", required=True)
    company = option("Company", "Company", required=True)
    problem = only(check(config(), facts(last, company)), "required_missing")
    assert (problem.row, problem.fields) == (None, ("LastName", "Company"))
    assert "Last Name (LastName)" in problem.message


def test_a_required_field_mapped_to_an_empty_value_is_still_missing() -> None:
    last = option("LastName", "Last Name", required=True)
    report = check(config(FieldRow("lastname", "")), facts(last))
    assert only(report, "required_missing").fields == ("LastName",)


def test_only_a_literal_true_makes_a_field_required() -> None:
    assert check(config(), facts(option("LastName", required="true"))).ready
    assert check(
        config(FieldRow("LastName", "Lovelace")), facts(option("LastName", required=True))
    ).ready


def test_a_label_used_as_the_field_name_suggests_the_api_name() -> None:
    report = check(config(FieldRow("Last Name", "x")), facts(option("LastName", "Last Name")))
    problem = only(report, "unknown_field")
    assert (problem.row, problem.part, problem.suggestion) == (1, "name", "LastName")
    assert problem.message == "“Last Name” is the label; the API name is LastName."


def test_a_mistyped_field_name_suggests_the_closest_one() -> None:
    report = check(config(FieldRow("Compny", "x")), facts(option("Company", "Company")))
    assert only(report, "unknown_field").suggestion == "Company"


def test_a_field_name_far_from_every_field_gets_no_suggestion() -> None:
    report = check(config(FieldRow("Zebra", "x")), facts(option("Company", "Company")))
    assert only(report, "unknown_field").suggestion is None


def test_field_names_compare_case_insensitively() -> None:
    assert check(config(FieldRow("COMPANY", "x")), facts(option("Company"))).ready


def test_a_row_without_a_field_name_is_an_error() -> None:
    problem = only(check(config(FieldRow("", "x")), facts()), "no_field")
    assert (problem.row, problem.part) == (1, "name")


def test_a_read_only_field_is_an_error_that_names_its_parts() -> None:
    name = option("Name", "Full Name", createable=False, updateable=False)
    last = option("LastName", "Last Name", compoundFieldName="Name")
    problem = only(check(config(FieldRow("Name", "Ada")), facts(name, last)), "read_only")
    assert (problem.row, problem.part) == (1, "name")
    assert "read-only" in problem.message
    assert "set LastName instead" in problem.message


def test_formula_and_auto_number_fields_are_read_only_and_say_so() -> None:
    formula = option("Score__c", "Score", calculated=True)
    number = option("Key__c", "Key", autoNumber=True)
    report = check(
        config(FieldRow("Score__c", "1"), FieldRow("Key__c", "2")), facts(formula, number)
    )
    messages = [p.message for p in report.problems if p.code == "read_only"]
    assert "formula" in messages[0]
    assert "auto-number" in messages[1]


def test_an_insert_only_field_is_a_warning() -> None:
    field = option("Parent__c", createable=True, updateable=False)
    report = check(config(FieldRow("Parent__c", "x")), facts(field))
    assert only(report, "insert_only").severity == "warning"
    assert report.ready


def test_an_update_only_field_is_a_warning() -> None:
    field = option("IsPartner", createable=False, updateable=True)
    report = check(config(FieldRow("IsPartner", "x")), facts(field))
    assert only(report, "update_only").severity == "warning"


def test_a_writable_field_or_one_without_writability_metadata_is_fine() -> None:
    assert check(
        config(FieldRow("A", "x")), facts(option("A", createable=True, updateable=True))
    ).ready
    assert check(config(FieldRow("A", "x")), facts(option("A", createable=False))).ready


def test_the_same_field_mapped_twice_is_an_error_on_the_later_rows() -> None:
    rows = (FieldRow("Company", "a"), FieldRow("company", "b"), FieldRow("COMPANY", "c"))
    report = check(config(*rows), facts(option("Company")))
    assert [(p.row, p.part) for p in report.problems] == [(2, "name"), (3, "name")]
    assert {p.code for p in report.problems} == {"duplicate_field"}
    assert "row 2" in report.problems[0].message


# -- values -----------------------------------------------------------------------------------


def test_a_whole_number_field_refuses_anything_but_digits() -> None:
    field = option("NumberOfEmployees", "Employees", type="int")
    assert value_codes(field, "lots") == ["not_a_number"]
    assert value_codes(field, "1.5") == ["not_a_number"]
    assert value_codes(field, " +42 ") == []


def test_a_decimal_field_takes_decimals_but_no_words_or_thousands_separators() -> None:
    field = option("Amount", type="currency")
    assert value_codes(field, "1,000") == ["not_a_number"]
    assert value_codes(field, "1e3") == ["not_a_number"]
    assert value_codes(field, "-12.50") == []
    assert value_codes(field, ".5") == []


def test_a_number_with_more_whole_digits_than_precision_minus_scale_is_out_of_range() -> None:
    field = option("Lead_Score__c", type="double", precision=5, scale=2)
    assert value_codes(field, "1234.5") == ["number_out_of_range"]
    assert value_codes(field, "00123.456") == []


def test_a_number_without_precision_and_scale_is_not_range_checked() -> None:
    assert value_codes(option("N", type="double", precision=3), "123456") == []


def test_a_checkbox_takes_only_true_or_false() -> None:
    field = option("HasOptedOutOfEmail", "Email Opt Out", type="boolean")
    assert value_codes(field, "yes") == ["not_a_boolean"]
    assert (
        "Salesforce takes true or false"
        in only(
            check(config(FieldRow("HasOptedOutOfEmail", "1")), facts(field)), "not_a_boolean"
        ).message
    )
    assert value_codes(field, "TRUE") == []


def test_a_date_must_be_a_real_yyyy_mm_dd_date() -> None:
    field = option("CloseDate", type="date")
    assert value_codes(field, "31/12/2024") == ["not_a_date"]
    assert value_codes(field, "2024-02-30") == ["not_a_date"]
    assert value_codes(field, "2024-02-29") == []


def test_a_datetime_needs_a_time_and_a_zone() -> None:
    field = option("Last_Enriched__c", type="datetime")
    assert value_codes(field, "2024-03-31 09:30:00") == ["not_a_datetime"]
    assert value_codes(field, "2024-03-31T09:30:00") == ["not_a_datetime"]
    assert value_codes(field, "2024-13-31T09:30:00Z") == ["not_a_datetime"]
    assert value_codes(field, "2024-03-31T09:30:00.123+0100") == []
    assert value_codes(field, "2024-03-31T09:30:00Z") == []


def test_an_email_field_refuses_what_is_not_an_address() -> None:
    field = option("Email", type="email")
    assert value_codes(field, "ada at example.com") == ["not_an_email"]
    assert value_codes(field, "ada@example") == ["not_an_email"]
    assert value_codes(field, "ada+crm@example.co.uk") == []


def test_a_reference_takes_a_15_or_18_character_record_id_with_a_valid_checksum() -> None:
    field = option("ReportsToId", type="reference")
    assert value_codes(field, "Priya Raman") == ["not_an_id"]
    assert value_codes(field, "0055g0000000001AAB") == ["not_an_id"]  # wrong checksum
    assert value_codes(field, "0055g0000000001AAA") == []
    assert value_codes(field, "0055g000000000H") == []


def test_a_restricted_picklist_value_outside_the_active_values_is_an_error() -> None:
    values = [
        {"value": "Tier 1", "label": "Tier 1", "active": True},
        {"value": "Tier 2", "label": "Tier 2", "active": True},
        {"value": "Legacy", "label": "Legacy", "active": False},
    ]
    field = option("Tier__c", type="picklist", picklistValues=values, restrictedPicklist=True)
    report = check(config(FieldRow("Tier__c", "tier 1")), facts(field))
    problem = only(report, "not_in_picklist")
    assert (problem.part, problem.suggestion) == ("value", "Tier 1")
    assert value_codes(field, "Legacy") == ["not_in_picklist"]
    assert value_codes(field, "Tier 2") == []


def test_a_multi_select_picklist_checks_each_of_its_values() -> None:
    values = [{"value": v, "active": True} for v in ("Slack", "Zoom")]
    field = option("Tech__c", type="multipicklist", picklistValues=values, restrictedPicklist=True)
    assert value_codes(field, "Slack; Zoom") == []
    report = check(config(FieldRow("Tech__c", "Slack;Zom")), facts(field))
    assert only(report, "not_in_picklist").suggestion == "Zoom"


def test_a_value_outside_an_unrestricted_picklist_is_a_warning() -> None:
    field = option("Status", type="picklist", picklistValues=[{"value": "Open", "active": True}])
    report = check(config(FieldRow("Status", "Hot lead")), facts(field))
    assert only(report, "new_picklist_value").severity == "warning"
    assert value_codes(field, "Open") == []


def test_a_value_longer_than_the_field_is_an_error() -> None:
    field = option("Phone", type="phone", length=40)
    assert value_codes(field, "1" * 41) == ["too_long"]
    assert value_codes(field, "1" * 40) == []
    assert value_codes(option("Phone", type="phone", length=0), "1" * 41) == []


def test_values_with_a_reference_or_nothing_at_all_are_not_type_checked() -> None:
    field = option("NumberOfEmployees", type="int")
    assert value_codes(field, "{{input.size}} people") == []
    assert value_codes(field, "   ") == []


# -- references -------------------------------------------------------------------------------


def test_a_reference_to_no_known_column_or_output_is_an_error_with_a_suggestion() -> None:
    known = frozenset({"{{input.id}}", "{{input.email}}"})
    report = check(config(FieldRow("Email", "{{ input.emial }}")), facts(references=known))
    problem = only(report, "unknown_reference")
    assert (problem.row, problem.part, problem.suggestion) == (1, "value", "{{input.email}}")


def test_references_are_not_checked_when_the_sheet_is_unknown() -> None:
    assert check(config(FieldRow("Email", "{{input.emial}}")), facts(option("Email"))).ready


def test_a_reference_with_unpaired_braces_is_an_error() -> None:
    report = check(config(FieldRow("Email", "{{input.email")), facts(option("Email")))
    assert only(report, "unclosed_reference").part == "value"
    assert codes(check(config(FieldRow("Email", "a }} b")), facts(option("Email")))) == [
        "unclosed_reference"
    ]
    assert check(config(FieldRow("Email", "{literal} braces")), facts(option("Email"))).ready


# -- empty values and toggles ------------------------------------------------------------------


def test_clearing_a_field_that_cannot_be_empty_is_an_error_when_empty_values_are_sent() -> None:
    field = option("Status", nillable=False)
    report = check(config(FieldRow("Status", ""), ignore_empty=False), facts(field))
    assert only(report, "clears_required").part == "value"
    assert check(config(FieldRow("Status", ""), ignore_empty=True), facts(field)).ready


def test_a_reference_that_may_come_out_empty_warns_that_it_clears_the_field() -> None:
    field = option("Title", nillable=True)
    report = check(config(FieldRow("Title", "{{input.title}}"), ignore_empty=False), facts(field))
    assert only(report, "empty_clears").severity == "warning"
    assert check(config(FieldRow("Title", "{{input.title}}")), facts(field)).problems == ()


def test_assignment_rules_may_replace_the_owner_a_row_sets() -> None:
    owner = option("OwnerId", type="reference")
    row = FieldRow("OwnerId", "0055g0000000001")
    problem = only(check(config(row), facts(owner)), "owner_overridden")
    assert (problem.row, problem.control) == (1, "run_salesforce_assignment_rules")
    assert check(config(row, assignment_rules=False), facts(owner)).problems == ()
    contact = facts(owner, object_name="Contact")
    assert check(config(row, salesforce_object="Contact"), contact).problems == ()


# -- the issue's example and missing metadata ---------------------------------------------------


def _lead_statuses() -> list[dict[str, Any]]:
    names = ["Open - Not Contacted", "Working - Contacted", "Closed - Converted"]
    names.append("Closed - Not Converted")
    return [{"value": n, "label": n, "active": True, "defaultValue": False} for n in names]


def test_the_issues_example_shows_every_mistake_before_the_push() -> None:
    fields = [
        option("Name", "Full Name", type="string", createable=False, updateable=False),
        option("NumberOfEmployees", "Employees", type="int", precision=8, scale=0),
        option("Status", type="picklist", picklistValues=_lead_statuses(), restrictedPicklist=True),
        option("HasOptedOutOfEmail", "Email Opt Out", type="boolean"),
        option("LastName", "Last Name", type="string", required=True),
        option("Company", type="string", required=True),
    ]
    rows = (
        FieldRow("Name", "Ada Lovelace"),
        FieldRow("NumberOfEmployees", "lots"),
        FieldRow("Status", "Hot lead"),
        FieldRow("HasOptedOutOfEmail", "yes"),
    )
    report = check(config(*rows), facts(*fields))
    assert [(p.row, p.code) for p in report.errors] == [
        (None, "required_missing"),
        (1, "read_only"),
        (2, "not_a_number"),
        (3, "not_in_picklist"),
        (4, "not_a_boolean"),
    ]
    assert only(report, "required_missing").fields == ("LastName", "Company")
    assert not report.ready


def test_fields_without_any_metadata_degrade_to_no_type_or_writability_problems() -> None:
    bare = [FieldOption(value=name, label=name) for name in ("Name", "Score", "Phone")]
    rows = (FieldRow("Name", "x" * 5000), FieldRow("Score", "lots"), FieldRow("Phone", ""))
    report = check(config(*rows, ignore_empty=False), facts(*bare))
    assert report.problems == ()
    assert report.ready


def test_metadata_of_unexpected_types_is_ignored() -> None:
    odd = option(
        "Status",
        type=["picklist"],
        length="40",
        required="yes",
        createable=1,
        picklistValues={"value": "Open"},
        precision=True,
    )
    also_odd = option("Score", type="int", precision=3.0, scale=None, picklistValues=[1, None])
    rows = (FieldRow("Status", "x" * 99), FieldRow("Score", "12345"))
    assert check(config(*rows), facts(odd, also_odd)).ready
