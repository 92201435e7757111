"""The upsert step's configure body: built from the form, read back from Floqer, compared.

Knows nothing of FastAPI or the database. Floqer stores a jsonArray item without `label` as
`label = name` (contract section 3), so a label equal to its name is treated as absent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

OBJECT = "salesforce_object"
EXTERNAL_ID = "salesforce_external_id_field"
FIELDS = "add_fields_and_their_values"
TOGGLES: tuple[tuple[str, str, bool, str], ...] = (
    (
        "force_update_on_collision",
        "Force update on collision",
        False,
        "Save past Salesforce's alert duplicate rules (never block rules).",
    ),
    (
        "ignore_empty_values",
        "Ignore empty values",
        True,
        "An empty value never overwrites what Salesforce already has.",
    ),
    (
        "run_salesforce_assignment_rules",
        "Run Salesforce assignment rules",
        True,
        "Lead, Account and Case owners follow the org's assignment rules.",
    ),
)
# Hidden markers each lazily loaded part of the form carries: a part whose marker is
# missing never loaded, and its saved values stand.
OBJECT_LOADED = "object_picker_loaded"
FIELDS_LOADED = "object_fields_loaded"
MAX_NAME = 200
MAX_VALUE = 10_000
MAX_ROWS = 500


@dataclass(frozen=True)
class FieldRow:
    name: str
    value: str
    extra: tuple[tuple[str, Any], ...] = ()  # keys Floqer keeps as sent, other than name/value

    def item(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, **dict(self.extra)}


@dataclass(frozen=True)
class UpsertConfig:
    salesforce_object: str = ""
    external_id_field: str = ""
    rows: tuple[FieldRow, ...] = ()
    toggles: tuple[tuple[str, bool], ...] = tuple((t[0], t[2]) for t in TOGGLES)

    def toggle(self, name: str) -> bool:
        return dict(self.toggles)[name]

    def with_object_part_of(self, other: UpsertConfig) -> UpsertConfig:
        """This configuration with `other`'s object, external ID and field rows."""
        return replace(
            self,
            salesforce_object=other.salesforce_object,
            external_id_field=other.external_id_field,
            rows=other.rows,
        )

    def with_fields_part_of(self, other: UpsertConfig) -> UpsertConfig:
        """This configuration with `other`'s external ID and field rows."""
        return replace(self, external_id_field=other.external_id_field, rows=other.rows)

    def body(self) -> dict[str, Any]:
        """The exact configure body: `{"inputs": {...}}`."""
        return {
            "inputs": {
                OBJECT: self.salesforce_object,
                EXTERNAL_ID: self.external_id_field,
                FIELDS: [row.item() for row in self.rows],
                **dict(self.toggles),
            }
        }

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> UpsertConfig:
        """Tolerant reading of stored or pulled inputs: whatever is missing takes its default."""
        items = inputs.get(FIELDS)
        rows = (
            tuple(_row(item) for item in items if isinstance(item, dict))
            if isinstance(items, list)
            else ()
        )
        toggles = tuple(
            (name, value if isinstance(value := inputs.get(name), bool) else default)
            for name, _, default, _ in TOGGLES
        )
        return cls(_text(inputs.get(OBJECT)), _text(inputs.get(EXTERNAL_ID)), rows, toggles)


def _row(item: Mapping[str, Any]) -> FieldRow:
    name = _text(item.get("name"))
    extra = tuple(
        (k, v)
        for k, v in item.items()
        if k not in ("name", "value") and not (k == "label" and v == name)
    )
    return FieldRow(name, _text(item.get("value")), extra)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value)


class FormError(ValueError):
    """A form post the app cannot read at all; the message says what to do."""


@dataclass(frozen=True)
class ConfigurationForm:
    name: str
    config: UpsertConfig
    # What the person must fix before it can be saved (the draft is kept to show again).
    problem: str | None = None


def parse_form(form: Mapping[str, Sequence[str]], previous: UpsertConfig) -> ConfigurationForm:
    """Read a posted configuration form; rows keep the extra keys their field had before.

    Raises FormError only for a post no page of the app sends (rows cut in half, fields
    sent twice, more rows than allowed); a mistake a person can make comes back as
    `problem`, with the draft as typed.
    """
    name = _single(form, "name").strip()
    names, values = list(form.get("field_name", [])), list(form.get("field_value", []))
    if len(names) != len(values):
        raise FormError("The field rows arrived incomplete; reload the page and try again.")
    if len(names) > MAX_ROWS:
        raise FormError(f"A configuration can map at most {MAX_ROWS} fields.")
    extras = {row.name: row.extra for row in previous.rows}
    rows = tuple(
        FieldRow(n.strip(), v, extras.get(n.strip(), ()))
        for n, v in zip(names, values, strict=True)
        if n.strip() or v.strip()
    )
    toggles = tuple((t[0], _single(form, t[0]) in ("on", "true", "1")) for t in TOGGLES)
    config = UpsertConfig(
        _single(form, OBJECT).strip(), _single(form, EXTERNAL_ID).strip(), rows, toggles
    )
    problem = None
    if not name or len(name) > MAX_NAME:
        problem = f"Give the configuration a name of 1 to {MAX_NAME} characters."
    elif any(len(v) > MAX_VALUE for v in values):
        problem = f"A value can be at most {MAX_VALUE:,} characters long."
    return ConfigurationForm(name, config, problem)


def _single(form: Mapping[str, Sequence[str]], key: str) -> str:
    values = form.get(key, [])
    if len(values) > 1:
        raise FormError(f"The form sent {key} more than once; reload the page and try again.")
    return values[0] if values else ""


@dataclass(frozen=True)
class Difference:
    what: str
    saved: str
    floqer: str


def differences(saved: UpsertConfig, floqer: UpsertConfig) -> list[Difference]:
    """What differs between the saved configuration and Floqer's, field by field."""
    found = []
    if saved.salesforce_object != floqer.salesforce_object:
        found.append(
            Difference("Salesforce object", saved.salesforce_object, floqer.salesforce_object)
        )
    if saved.external_id_field != floqer.external_id_field:
        found.append(
            Difference("External ID field", saved.external_id_field, floqer.external_id_field)
        )
    found += _row_differences(saved.rows, floqer.rows)
    for name, label, _, _ in TOGGLES:
        if saved.toggle(name) != floqer.toggle(name):
            found.append(
                Difference(label, _on_off(saved.toggle(name)), _on_off(floqer.toggle(name)))
            )
    return found


def _row_differences(saved: Sequence[FieldRow], floqer: Sequence[FieldRow]) -> list[Difference]:
    mine, theirs = _keyed(saved), _keyed(floqer)
    found = [
        Difference(f"Field {key}", _describe(mine.get(key)), _describe(theirs.get(key)))
        for key in dict.fromkeys([*mine, *theirs])
        if mine.get(key) != theirs.get(key)
    ]
    if not found and list(mine) != list(theirs):
        found.append(Difference("Field order", ", ".join(mine), ", ".join(theirs)))
    return found


def _keyed(rows: Sequence[FieldRow]) -> dict[str, FieldRow]:
    keyed: dict[str, FieldRow] = {}
    for row in rows:
        key, n = row.name, 1
        while key in keyed:  # the same field mapped twice stays two distinct rows
            n += 1
            key = f"{row.name} (#{n})"
        keyed[key] = row
    return keyed


def _describe(row: FieldRow | None) -> str:
    if row is None:
        return "(not mapped)"
    extra = "".join(f" [{k}: {_text(v)}]" for k, v in row.extra)
    return f"{row.value}{extra}" if row.value else f"(empty){extra}"


def _on_off(value: bool) -> str:
    return "On" if value else "Off"


_ROW_PATH = re.compile(r"^inputs\.add_fields_and_their_values\[(\d+)\](?:\.(\w+))?$")


@dataclass
class PlacedProblems:
    """Floqer's field problems, sorted to the control or field row each one names."""

    controls: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.controls or self.rows or self.general)


def place_problems(problems: Sequence[Mapping[str, str]]) -> PlacedProblems:
    placed = PlacedProblems()
    controls = {f"inputs.{OBJECT}", f"inputs.{EXTERNAL_ID}", f"inputs.{FIELDS}"}
    controls |= {f"inputs.{t[0]}" for t in TOGGLES}
    for problem in problems:
        path, message = problem.get("field", ""), problem.get("message", "") or "Invalid"
        match = _ROW_PATH.match(path)
        if match:
            part = match.group(2) if match.group(2) in ("name", "value") else "row"
            placed.rows.setdefault(int(match.group(1)), {}).setdefault(part, []).append(message)
        elif path in controls:
            placed.controls.setdefault(path.removeprefix("inputs."), []).append(message)
        else:
            placed.general.append(f"{path}: {message}" if path else message)
    return placed
