"""The export document: built from saved configurations, read back strictly, every fault named."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from webapp.db import Connection, SavedConfiguration
from webapp.services.transfer import (
    FORMAT,
    FORMAT_VERSION,
    MAX_CONFIGURATIONS,
    MAX_DOCUMENT_BYTES,
    DocumentProblem,
    Target,
    export_document,
    export_filename,
    parse_document,
    parse_target,
    step_target,
)
from webapp.upsert_form import UpsertConfig

NOW = datetime(2026, 12, 1, 20, 30, 5, tzinfo=UTC)
BODY = {
    "inputs": {
        "salesforce_object": "Account",
        "salesforce_external_id_field": "Domain__c",
        "add_fields_and_their_values": [
            {"name": "Domain__c", "value": "{{input.domain}}"},
            {"name": "Name", "value": "{{input.company_name}}", "mapping_hint": "kept"},
        ],
        "force_update_on_collision": False,
        "ignore_empty_values": True,
        "run_salesforce_assignment_rules": False,
    }
}


def saved(name: str = "Accounts · nightly", version: int = 3) -> SavedConfiguration:
    connection = Connection(label="Production", key_hint="floq_…0001", key_ciphertext=b"secret")
    return SavedConfiguration(
        name=name,
        connection=connection,
        workflow_id="wf-1",
        workflow_name="Account sync",
        sheet_id="sh-1",
        sheet_name="Accounts",
        step_id="st-1",
        step_name="Upsert Account",
        body=BODY,
        version=version,
    )


def test_the_export_holds_the_body_and_step_and_nothing_of_the_key() -> None:
    document = export_document([saved()], "ann@acme.example", NOW)
    assert document == {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": "2026-12-01T20:30:05Z",
        "exported_by": "ann@acme.example",
        "configurations": [
            {
                "name": "Accounts · nightly",
                "version": 3,
                "connection": "Production",
                "step": {
                    "workflow_id": "wf-1",
                    "workflow_name": "Account sync",
                    "sheet_id": "sh-1",
                    "sheet_name": "Accounts",
                    "step_id": "st-1",
                    "step_name": "Upsert Account",
                },
                "body": BODY,
            }
        ],
    }
    text = json.dumps(document)
    assert "floq_" not in text
    assert "secret" not in text


def test_file_names_are_plain_ascii() -> None:
    assert export_filename([saved()], NOW) == "upsert-configuration-accounts-nightly-v3.json"
    assert export_filename([saved("«»")], NOW) == "upsert-configuration-untitled-v3.json"
    both = [saved(), saved()]
    assert export_filename(both, NOW) == "upsert-configurations-20261201-203005.json"


def test_an_export_reads_back_to_the_same_body() -> None:
    text = json.dumps(export_document([saved()], "ann@acme.example", NOW))
    document = parse_document(text)
    assert document.format_version == 1
    assert document.exported_at == "2026-12-01T20:30:05Z"
    assert document.source == "exported 2026-12-01T20:30:05Z"
    [imported] = document.configurations
    assert imported.upsert.body() == BODY
    assert imported.step.where == "Account sync › Accounts › Upsert Account"
    assert imported.version == 3
    assert imported.connection == "Production"
    assert imported.ignored == ()


def test_an_older_format_version_and_unknown_keys_are_read() -> None:
    document = minimal()
    document["unknown_top_level"] = {"anything": 1}
    document["configurations"][0]["body"]["inputs"]["new_floqer_setting"] = 5
    [imported] = parse_document(json.dumps(document)).configurations
    assert imported.ignored == ("new_floqer_setting",)
    assert imported.upsert == UpsertConfig.from_inputs({"salesforce_object": "Account"})


def minimal() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": 1,
        "configurations": [
            {
                "step": {"workflow_id": "w", "sheet_id": "s", "step_id": "x"},
                "body": {"inputs": {"salesforce_object": "Account"}},
            }
        ],
    }


def with_change(path: str, value: Any) -> str:
    """The minimal document with one value at a dotted path set (None: removed)."""
    document = minimal()
    *parents, key = path.split(".")
    holder: Any = document
    for part in parents:
        holder = holder[int(part)] if part.isdigit() else holder[part]
    if value is None:
        del holder[key]
    else:
        holder[key] = value
    return json.dumps(document)


ROWS = "configurations.0.body.inputs.add_fields_and_their_values"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Paste the exported JSON, or choose the exported file."),
        ("{nope", "This is not valid JSON (line 1, column 2"),
        ('"text"', "This is not an exported configuration"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (with_change("format", None), "it has no “format”"),
        (with_change("format", 3), "“format” is a number"),
        (with_change("format_version", None), "“format_version” should be a whole number"),
        (with_change("format_version", True), "“format_version” should be a whole number"),
        (with_change("format_version", 0), "“format_version” should be a whole number"),
        (with_change("format_version", 2), "format version 2); this app reads format version 1"),
        (with_change("exported_at", 5), "The document: “exported_at” should be text"),
        (with_change("configurations", None), "“configurations” should be a list"),
        (with_change("configurations", []), "holds no configurations"),
        (with_change("configurations", [7]), "Configuration 1 should be a JSON object."),
        (with_change("configurations.0.name", 7), "Configuration 1: “name” should be text"),
        (with_change("configurations.0.name", "n" * 201), "“name” is longer than 200"),
        (with_change("configurations.0.version", "3"), "“version” should be a whole number"),
        (with_change("configurations.0.step", None), "“step” is missing"),
        (with_change("configurations.0.step.step_id", None), "“step.step_id” is missing"),
        (with_change("configurations.0.step.sheet_id", 4), "“step.sheet_id” should be text"),
        (with_change("configurations.0.step.workflow_id", "w" * 201), "too long to be a Floqer"),
        (with_change("configurations.0.body", None), "“body” is missing"),
        (with_change("configurations.0.body", []), "“body” is missing"),
        (with_change("configurations.0.body.inputs", None), "“body.inputs” is missing"),
        (
            with_change("configurations.0.body.inputs.salesforce_object", ["Account"]),
            "“body.inputs.salesforce_object” should be text, not a list",
        ),
        (
            with_change("configurations.0.body.inputs.run_salesforce_assignment_rules", 1),
            "should be true or false, not a number",
        ),
        (with_change(ROWS, "Email"), "should be a list, not text"),
        (with_change(ROWS, ["Email"]), "field 1 of “body.inputs.add_fields_and_their_values” "),
        (with_change(ROWS, [{"name": "Email"}]), "“value” is missing"),
        (with_change(ROWS, [{"name": 1, "value": ""}]), "“name” should be text, not a number"),
        (with_change(ROWS, [{"name": "E", "value": "v" * 10_001}]), "longer than 10,000"),
        (with_change(ROWS, [{"name": "E", "value": ""}] * 501), "maps 501 fields; at most 500"),
    ],
)
def test_every_malformed_document_is_named(text: str, message: str) -> None:
    with pytest.raises(DocumentProblem) as raised:
        parse_document(text)
    assert message in str(raised.value)


def test_the_bounds_are_enforced() -> None:
    many = minimal()
    many["configurations"] = many["configurations"] * (MAX_CONFIGURATIONS + 1)
    with pytest.raises(DocumentProblem, match=f"holds {MAX_CONFIGURATIONS + 1} configurations"):
        parse_document(json.dumps(many))
    with pytest.raises(DocumentProblem, match="larger than 1 MB"):
        parse_document(" " * MAX_DOCUMENT_BYTES + "{}")


def test_targets_round_trip_and_forged_ones_name_nothing() -> None:
    step = step_target("wf/1", "sheet:2", "step 3")
    assert step.value == "step:wf%2F1/sheet%3A2/step%203"
    assert parse_target(step.value) == step
    assert parse_target("config:12") == Target("config", configuration_id=12)
    assert parse_target("skip") == Target("skip")
    for forged in ("", "config:", "config:x", "step:a/b", "step:a/b/c/d", "step:a//c", "other"):
        assert parse_target(forged) is None
