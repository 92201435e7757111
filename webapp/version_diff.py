"""What changed between two bodies of the upsert step, in the words the versions pages use.

Pure: knows nothing of the database or Floqer. `summary` is a version's one line in the list
("Object Account → Contact; Website added; Ignore empty values off"), `compare` its
field-by-field table, `problem_lines` Floqer's refusal named as the form names its controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from webapp.upsert_form import EXTERNAL_ID, FIELDS, OBJECT, TOGGLES, FieldRow, UpsertConfig

SUMMARY_PARTS = 6  # changes named in a one-line summary before "and N more"


# --- what changed between two bodies ----------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    """One setting of two versions side by side; `change` is same, changed, added or removed."""

    what: str
    a: str
    b: str
    change: str


def compare(a: UpsertConfig, b: UpsertConfig) -> list[CompareRow]:
    """Every setting of `a` and `b`, in the form's order: object, External ID field, the
    three options, then one row per mapped field (a field mapped twice is two rows)."""
    rows = [
        _setting("Salesforce object", a.salesforce_object, b.salesforce_object),
        _setting("External ID field", a.external_id_field, b.external_id_field),
    ]
    rows += [
        _setting(label, _on_off(a.toggle(name)), _on_off(b.toggle(name)))
        for name, label, _, _ in TOGGLES
    ]
    mine, theirs = keyed(a.rows), keyed(b.rows)
    for key in dict.fromkeys([*mine, *theirs]):
        old, new = mine.get(key), theirs.get(key)
        if old is None:
            change = "added"
        elif new is None:
            change = "removed"
        else:
            change = "same" if old == new else "changed"
        rows.append(CompareRow(f"Field {key}", describe(old), describe(new), change))
    return rows


def _setting(what: str, a: str, b: str) -> CompareRow:
    return CompareRow(what, a or "(empty)", b or "(empty)", "same" if a == b else "changed")


def keyed(rows: Sequence[FieldRow]) -> dict[str, FieldRow]:
    """Rows by field name; the same field mapped twice stays two rows ("Name (#2)")."""
    found: dict[str, FieldRow] = {}
    for row in rows:
        key, n = row.name, 1
        while key in found:
            n += 1
            key = f"{row.name} (#{n})"
        found[key] = row
    return found


def describe(row: FieldRow | None) -> str:
    if row is None:
        return "(not mapped)"
    extra = "".join(f" [{k}: {v}]" for k, v in row.extra)
    return f"{row.value}{extra}" if row.value else f"(empty){extra}"


def _on_off(value: bool) -> str:
    return "On" if value else "Off"


def summary(before: UpsertConfig | None, after: UpsertConfig) -> str:
    """One line of what `after` changed from `before`: "Object Account → Contact; External
    ID field Domain__c; Website added; Name changed; Ignore empty values off"."""
    if before is None:
        return _first_summary(after)
    parts: list[str] = []
    if before.salesforce_object != after.salesforce_object:
        parts.append(f"Object {_arrow(before.salesforce_object, after.salesforce_object)}")
    if before.external_id_field != after.external_id_field:
        parts.append(
            f"External ID field {_arrow(before.external_id_field, after.external_id_field)}"
        )
    old, new = keyed(before.rows), keyed(after.rows)
    parts += [f"{key} added" for key in new if key not in old]
    parts += [f"{key} removed" for key in old if key not in new]
    changed = [f"{key} changed" for key in new if key in old and old[key] != new[key]]
    parts += changed
    if not changed and list(old) != list(new) and set(old) == set(new):
        parts.append("Fields reordered")
    parts += [
        f"{label} {_on_off(after.toggle(name)).lower()}"
        for name, label, _, _ in TOGGLES
        if before.toggle(name) != after.toggle(name)
    ]
    if not parts:
        return "No change"
    if len(parts) > SUMMARY_PARTS:
        parts = [*parts[:SUMMARY_PARTS], f"and {len(parts) - SUMMARY_PARTS} more"]
    return "; ".join(parts)


def _first_summary(after: UpsertConfig) -> str:
    what = after.salesforce_object or "no object yet"
    key = f" matched by {after.external_id_field}" if after.external_id_field else ""
    return f"First version: {what}{key}, {len(after.rows)} field(s) mapped"


def _arrow(old: str, new: str) -> str:
    if not old:
        return new
    return f"{old} → {new or '(none)'}"


_PLACES = {
    f"inputs.{OBJECT}": "Salesforce object",
    f"inputs.{EXTERNAL_ID}": "External ID field",
    f"inputs.{FIELDS}": "Fields and their values",
    **{f"inputs.{name}": label for name, label, _, _ in TOGGLES},
}


@dataclass(frozen=True)
class ProblemLine:
    where: str
    message: str


def problem_lines(problems: Sequence[dict[str, str]]) -> list[ProblemLine]:
    """Floqer's `errors` of a refused push, each named as the form names its control
    ("Field row 4 · name" for inputs.add_fields_and_their_values[3].name)."""
    lines = []
    for problem in problems[:50]:
        path = str(problem.get("field", ""))
        message = str(problem.get("message", "")) or str(problem.get("code", "")) or "Invalid"
        lines.append(ProblemLine(_place(path), message))
    return lines


def _place(path: str) -> str:
    if path in _PLACES:
        return _PLACES[path]
    prefix = f"inputs.{FIELDS}["
    if path.startswith(prefix) and "]" in path:
        index, _, rest = path[len(prefix) :].partition("]")
        if index.isdigit():
            part = rest.removeprefix(".")
            return f"Field row {int(index) + 1}" + (f" · {part}" if part else "")
    return path or "The configuration"
