"""What a test run's preview says each field receives, and how its answer is read back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.services.test_run_preview import (
    MAX_VALUE_LENGTH,
    RowContext,
    concerned_field,
    preview,
    record_link,
    typed_values,
)
from webapp.upsert_form import FieldRow, UpsertConfig

ENRICH = "enrich_1"
ROW = RowContext(
    values={"email": "ada@analytical.example", "domain": "", "employees": 42.0},
    outputs={},
    step_names={ENRICH: "Enrich company"},
)


def lead(*rows: tuple[str, str], key: str = "Email", ignore_empty: bool = True) -> UpsertConfig:
    toggles = (
        ("force_update_on_collision", False),
        ("ignore_empty_values", ignore_empty),
        ("run_salesforce_assignment_rules", True),
    )
    return UpsertConfig("Lead", key, tuple(FieldRow(n, v) for n, v in rows), toggles)


def received(config: UpsertConfig, row: RowContext = ROW) -> list[tuple[str, str, str, str]]:
    return [(f.name, f.resolved, f.action, f.note) for f in preview(config, row).fields]


def test_literals_and_input_tokens_resolve_from_the_row() -> None:
    config = lead(
        ("Email", "{{input.email}}"),
        ("LeadSource", "Floqer"),
        ("Description", "From {{ input.email }} ({{input.employees}} people)"),
    )
    assert received(config) == [
        ("Email", "ada@analytical.example", "send", ""),
        ("LeadSource", "Floqer", "send", ""),
        ("Description", "From ada@analytical.example (42 people)", "send", ""),
    ]


def test_an_earlier_steps_output_is_known_after_the_run_for_a_new_row() -> None:
    config = lead(("Email", "{{input.email}}"), ("Phone", "{{enrich_1.phone}}"))
    phone = received(config)[1]
    assert phone[2:] == ("later", "from Enrich company, known after the run")


def test_an_existing_row_gives_its_earlier_steps_outputs() -> None:
    ran = RowContext(
        ROW.values,
        {ENRICH: {"phone": "+44 20 7946 0000", "technologies": [{"name": "Go"}, {"name": "Rust"}]}},
        ROW.step_names,
    )
    config = lead(
        ("Phone", "{{enrich_1.phone}}"), ("Description", "{{enrich_1.technologies.name}}")
    )
    assert received(config, ran) == [
        ("Phone", "+44 20 7946 0000", "send", ""),
        ("Description", "Go, Rust", "send", ""),
    ]


@pytest.mark.parametrize(
    ("ignore_empty", "action", "note"),
    [
        (True, "skip", "skipped (Ignore empty values is on)"),
        (False, "clear", "cleared in Salesforce"),
    ],
)
def test_an_empty_value_is_skipped_or_clears_the_field(
    ignore_empty: bool, action: str, note: str
) -> None:
    config = lead(
        ("Email", "{{input.email}}"), ("Website", "{{input.domain}}"), ignore_empty=ignore_empty
    )
    assert received(config)[1] == ("Website", "", action, note)
    assert preview(config, ROW).key_problem is None


def test_an_empty_match_value_says_the_row_cannot_be_matched() -> None:
    shown = preview(lead(("Email", "{{input.domain}}")), ROW)
    assert shown.fields[0].is_key
    assert shown.key_problem == (
        "Email, the External ID field, is empty for this row: it cannot be matched."
    )
    unmapped = preview(lead(("LastName", "Lovelace")), ROW)
    assert unmapped.key_problem is not None
    assert "No row maps Email" in unmapped.key_problem


@pytest.mark.parametrize(
    ("account_url", "record_id", "link"),
    [
        ("https://acme.my.salesforce.com", "00Q1", "https://acme.my.salesforce.com/00Q1"),
        ("https://acme.my.salesforce.com/", "00Q1", "https://acme.my.salesforce.com/00Q1"),
        (
            "http://127.0.0.1:8100/_sandbox/records/00Q1",
            "00Q1",
            "http://127.0.0.1:8100/_sandbox/records/00Q1",
        ),
        ("javascript:alert(1)", "00Q1", ""),
        ("acme.my.salesforce.com", "00Q1", ""),
        ("https://acme.my.salesforce.com", "", ""),
        ("https://acme.my.salesforce.com", "a/b?c", "https://acme.my.salesforce.com/a%2Fb%3Fc"),
    ],
)
def test_the_record_link_is_built_from_account_url(
    account_url: str, record_id: str, link: str
) -> None:
    assert record_link(account_url, record_id) == link


def test_the_field_a_refusal_concerns() -> None:
    mapped = ["Email", "Status", "LastName"]
    assert concerned_field(["status"], "bad value", mapped) == "Status"
    assert concerned_field(["Tier__c"], "bad value", mapped) == "Tier__c"
    assert concerned_field([], "Required fields are missing: [LastName]", mapped) == "LastName"
    assert concerned_field([], "Something else went wrong", mapped) == ""


@given(st.text(max_size=200), st.booleans())
def test_the_preview_never_raises_and_keeps_every_row(value: str, ignore_empty: bool) -> None:
    config = lead(("Email", value), ("Title", value + "{{input.email}}"), ignore_empty=ignore_empty)
    shown = preview(config, ROW)
    assert [f.name for f in shown.fields] == ["Email", "Title"]
    assert all(f.action in ("send", "skip", "clear", "later") for f in shown.fields)


def test_typed_values_keep_the_sheets_columns_only_each_bounded() -> None:
    typed = typed_values(
        ["email", "domain"], ["email", "evil", "domain"], ["a" * 5000, "x", "acme.example"]
    )
    assert typed == {"email": "a" * MAX_VALUE_LENGTH, "domain": "acme.example"}
    assert typed_values(["email"], [], []) == {"email": ""}
