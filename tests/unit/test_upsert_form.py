"""The configure body's rules: defaults, reading forms, comparing, placing Floqer's problems."""

from __future__ import annotations

import pytest

from webapp.upsert_form import (
    FieldRow,
    FormError,
    UpsertConfig,
    differences,
    parse_form,
    place_problems,
)


def test_a_new_configuration_has_the_contracts_defaults() -> None:
    inputs = UpsertConfig().body()["inputs"]
    assert inputs["force_update_on_collision"] is False
    assert inputs["ignore_empty_values"] is True
    assert inputs["run_salesforce_assignment_rules"] is True
    assert inputs["add_fields_and_their_values"] == []


def test_reading_stored_inputs_tolerates_missing_and_odd_values() -> None:
    config = UpsertConfig.from_inputs(
        {
            "salesforce_object": "Lead",
            "add_fields_and_their_values": [{"name": "Score", "value": 7}, "junk", {"value": None}],
            "ignore_empty_values": "yes",
        }
    )
    assert config.rows == (FieldRow("Score", "7"), FieldRow("", ""))
    assert config.toggle("ignore_empty_values") is True
    assert config.external_id_field == ""


def test_a_label_equal_to_the_name_is_floqers_default_and_not_a_difference() -> None:
    saved = UpsertConfig.from_inputs({"add_fields_and_their_values": [{"name": "A", "value": "1"}]})
    floqer = UpsertConfig.from_inputs(
        {"add_fields_and_their_values": [{"name": "A", "value": "1", "label": "A"}]}
    )
    assert differences(saved, floqer) == []


def test_only_an_order_change_is_reported_as_field_order() -> None:
    a = UpsertConfig(rows=(FieldRow("A", "1"), FieldRow("B", "2")))
    b = UpsertConfig(rows=(FieldRow("B", "2"), FieldRow("A", "1")))
    [difference] = differences(a, b)
    assert difference.what == "Field order"


def test_a_field_mapped_twice_stays_two_rows_in_the_comparison() -> None:
    a = UpsertConfig(rows=(FieldRow("A", "1"), FieldRow("A", "2")))
    b = UpsertConfig(rows=(FieldRow("A", "1"),))
    [difference] = differences(a, b)
    assert (difference.what, difference.saved, difference.floqer) == (
        "Field A (#2)",
        "2",
        "(not mapped)",
    )


def test_parse_form_keeps_extra_keys_of_a_field_it_had_before() -> None:
    previous = UpsertConfig(rows=(FieldRow("Phone", "x", (("label", "Main phone"),)),))
    form = {"name": ["n"], "field_name": ["Phone"], "field_value": ["y"]}
    parsed = parse_form(form, previous)
    assert parsed.config.rows == (FieldRow("Phone", "y", (("label", "Main phone"),)),)


@pytest.mark.parametrize(
    "form",
    [
        {"name": ["n"], "field_name": ["A"] * 501, "field_value": ["v"] * 501},
        {"name": ["n"], "field_name": ["A", "B"], "field_value": ["v"]},
        {"name": ["n", "m"]},
    ],
)
def test_parse_form_refuses_what_no_page_sends(form: dict[str, list[str]]) -> None:
    with pytest.raises(FormError):
        parse_form(form, UpsertConfig())


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"name": ["n"], "field_name": ["A"], "field_value": ["v" * 10_001]}, "10,000"),
        ({"name": ["n" * 201]}, "a name of 1 to 200"),
        ({"name": ["  "], "field_name": ["A"], "field_value": ["v"]}, "a name of 1 to 200"),
    ],
)
def test_a_mistake_a_person_can_make_comes_back_with_the_draft(
    form: dict[str, list[str]], problem: str
) -> None:
    parsed = parse_form(form, UpsertConfig())
    assert parsed.problem is not None
    assert problem in parsed.problem
    assert [row.name for row in parsed.config.rows] == form.get("field_name", [])


def test_problems_land_on_their_control_row_or_the_general_list() -> None:
    placed = place_problems(
        [
            {"field": "inputs.salesforce_object", "message": "unknown"},
            {"field": "inputs.add_fields_and_their_values[2].name", "message": "no field"},
            {"field": "inputs.add_fields_and_their_values[2].value", "message": "bad ref"},
            {"field": "inputs.add_fields_and_their_values[4]", "message": "not an item"},
            {"field": "inputs.sales_region", "message": "unknown input"},
        ]
    )
    assert placed.controls == {"salesforce_object": ["unknown"]}
    assert placed.rows == {
        2: {"name": ["no field"], "value": ["bad ref"]},
        4: {"row": ["not an item"]},
    }
    assert placed.general == ["inputs.sales_region: unknown input"]
