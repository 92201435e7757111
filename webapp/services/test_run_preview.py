"""What a one-row test run will send, and how to read what came back: pure functions.

The preview resolves Floqer's reference tokens (contract section 3) the way the step will:
`{{input.col}}` from the row's values, `{{aiid.output}}` (and `{{aiid.list.col}}`, joined
with ", ") from an earlier step's outputs, which exist only for a row that already ran.
An empty result is left out when `ignore_empty_values` is on, and clears the field when it
is off (contract section 4).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from webapp.floqer.models import ActionNode, SheetRow
from webapp.preflight.fields import TOKEN
from webapp.upsert_form import UpsertConfig

Action = Literal["send", "skip", "clear", "later"]
MAX_VALUE_LENGTH = 1000  # characters of one typed input value


@dataclass(frozen=True)
class FieldPreview:
    """One mapped field: its value as configured, and what it will receive."""

    name: str
    value: str
    resolved: str
    action: Action
    note: str  # what happens to it, in words
    is_key: bool = False  # the External ID field the row is matched on

    def stored(self) -> dict[str, Any]:
        """As TestRun.fields keeps it."""
        return {
            "name": self.name,
            "value": self.value,
            "resolved": self.resolved,
            "action": self.action,
            "note": self.note,
            "is_key": self.is_key,
        }


@dataclass(frozen=True)
class Preview:
    fields: list[FieldPreview]
    key_field: str
    # Why the row cannot be matched (no External ID field, or it resolves empty); None: fine.
    key_problem: str | None


@dataclass(frozen=True)
class RowContext:
    """What the tokens resolve from: the row's values, and, for a row that already ran, the
    outputs of its earlier steps; `step_names` names the steps for "known after the run"."""

    values: Mapping[str, Any]
    outputs: Mapping[str, Mapping[str, Any]]
    step_names: Mapping[str, str]


@dataclass(frozen=True)
class RowChoice:
    """The row to run: `row_id` of a row already in the sheet, or `values` typed for a new one."""

    row_id: str = ""
    values: Mapping[str, str] | None = None

    @property
    def existing(self) -> bool:
        return bool(self.row_id)


def input_columns(chain: Sequence[ActionNode]) -> list[str]:
    """The sheet's input columns: the outputs of the chain's input node."""
    node = next((n for n in chain if n.is_input), None)
    return [output.name for output in node.outputs] if node else []


def step_names(chain: Sequence[ActionNode]) -> dict[str, str]:
    return {n.action_instance_id: n.display_name or n.action_id for n in chain if not n.is_input}


def typed_values(
    columns: Sequence[str], names: Sequence[str], values: Sequence[str]
) -> dict[str, str]:
    """The values typed for each input column, bounded; columns the sheet has not are dropped."""
    typed = dict(zip(names, values, strict=False))
    return {column: typed.get(column, "")[:MAX_VALUE_LENGTH] for column in columns}


def row_context(
    chain: Sequence[ActionNode], step_id: str, values: Mapping[str, Any], row: SheetRow | None
) -> RowContext:
    """What the tokens resolve from; a row that ran gives its earlier steps' outputs."""
    outputs: dict[str, Mapping[str, Any]] = {}
    if row is not None:
        for aiid, cell in row.cells.items():
            if aiid != step_id and cell.status == "complete":
                outputs[aiid] = cell.outputs
    return RowContext(values, outputs, step_names(chain))


def preview(upsert: UpsertConfig, row: RowContext) -> Preview:
    ignore_empty = upsert.toggle("ignore_empty_values")
    key = upsert.external_id_field
    fields = [
        _field(item.name, item.value, row, ignore_empty, item.name == key) for item in upsert.rows
    ]
    return Preview(fields, key, _key_problem(key, fields))


def _field(
    name: str, value: str, row: RowContext, ignore_empty: bool, is_key: bool
) -> FieldPreview:
    waiting_on: list[str] = []

    def resolve(match: re.Match[str]) -> str:
        text, later = _resolve(match.group(1), row)
        if later is not None:
            waiting_on.append(later)
        return text

    resolved = TOKEN.sub(resolve, value)
    if waiting_on:
        steps = ", ".join(dict.fromkeys(waiting_on))
        note = f"from {steps}, known after the run"
        return FieldPreview(name, value, resolved, "later", note, is_key)
    if resolved.strip():
        return FieldPreview(name, value, resolved, "send", "", is_key)
    if ignore_empty:
        note = "skipped (Ignore empty values is on)"
        return FieldPreview(name, value, "", "skip", note, is_key)
    return FieldPreview(name, value, "", "clear", "cleared in Salesforce", is_key)


def _resolve(token: str, row: RowContext) -> tuple[str, str | None]:
    """The token's text, and the step it waits on when it is known only after the run."""
    source, _, rest = token.partition(".")
    if source == "input":
        return as_text(row.values.get(rest)), None
    output, _, column = rest.partition(".")
    outputs = row.outputs.get(source)
    if outputs is None:
        name = row.step_names.get(source, source)
        return f"[{name} › {rest}]", name
    value = outputs.get(output)
    if column and isinstance(value, list):
        return ", ".join(as_text(i.get(column)) for i in value if isinstance(i, dict)), None
    return as_text(value), None


def _key_problem(key: str, fields: Sequence[FieldPreview]) -> str | None:
    if not key:
        return "No External ID field is chosen, so the row cannot be matched."
    row = next((f for f in fields if f.is_key), None)
    if row is None:
        return f"No row maps {key}, the External ID field: the row cannot be matched."
    if row.action in ("skip", "clear"):
        return f"{key}, the External ID field, is empty for this row: it cannot be matched."
    return None


def as_text(value: Any) -> str:
    """A sheet value as the step sends it (as Floqer's sandbox renders it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def record_link(account_url: str, record_id: str) -> str:
    """The record's address: `account_url` is the org's base URL (contract section 3), so the
    record is `{account_url}/{record_id}`; a URL that already ends with the id is used as it
    is. Only http(s) links: anything else gives "" (the id is shown without a link)."""
    url = account_url.strip()
    parts = urlsplit(url)
    if not record_id or parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    if url.rstrip("/").endswith("/" + record_id):
        return url
    return url.rstrip("/") + "/" + quote(record_id, safe="")


def concerned_field(fields: Sequence[str], message: str, mapped: Sequence[str]) -> str:
    """The mapped field a refusal is about: Salesforce's own `fields` first, else a mapped
    field's API name named in the message (the longest that fits), else ""."""
    by_lower = {name.lower(): name for name in mapped if name}
    for name in fields:
        if name.lower() in by_lower:
            return by_lower[name.lower()]
    if fields:
        return fields[0]
    for name in sorted(by_lower.values(), key=len, reverse=True):
        if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", message):
            return name
    return ""
