"""Rows a person does not have to type: the essentials of a new object, mappings suggested
from the sheet's names, and `Field=value` lines pasted in bulk.

Pure functions over the org's field options and the sheet's references. Nothing here is
saved: each returns rows for the form, which the person sees and can still change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from webapp.floqer.models import FieldOption
from webapp.services.browse import ReferenceChoice
from webapp.services.per_list import per_list
from webapp.upsert_form import MAX_NAME, MAX_ROWS, MAX_VALUE, FieldRow, UpsertConfig

# Names a sheet uses for a Salesforce field's name or label (both squeezed: lower case, no
# separators, no __c). The field's own name always matches itself; these add the usual others.
ALIASES: dict[str, frozenset[str]] = {
    key: frozenset(values)
    for key, values in {
        "companyname": {"company", "name", "accountname"},
        "company": {"companyname", "name", "accountname"},
        "accountname": {"name", "company"},
        "organization": {"company", "name"},
        "domain": {"website", "domain", "companydomain"},
        "companydomain": {"website", "domain"},
        "website": {"website", "domain", "url"},
        "url": {"website"},
        "employeecount": {"numberofemployees", "employees"},
        "employees": {"numberofemployees"},
        "headcount": {"numberofemployees"},
        "companysize": {"numberofemployees"},
        "workemail": {"email"},
        "emailaddress": {"email"},
        "phonenumber": {"phone"},
        "mobile": {"mobilephone"},
        "jobtitle": {"title"},
        "revenue": {"annualrevenue"},
        "foundedyear": {"yearstarted"},
        "country": {"billingcountry", "mailingcountry"},
        "city": {"billingcity", "mailingcity"},
        "state": {"billingstate", "mailingstate"},
        "linkedin": {"linkedinurl", "linkedinprofile"},
    }.items()
}


def squeeze(name: str) -> str:
    """A name reduced to what matters for matching: "Company_Name__c" → "companyname"."""
    name = re.sub(r"__c$", "", name.strip(), flags=re.IGNORECASE)
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def writable(option: FieldOption) -> bool:
    """Whether a row can set this field at all (metadata read defensively: unknown is yes)."""
    extras = option.extras
    return not (extras.get("createable") is False and extras.get("updateable") is False)


def _is_required(option: FieldOption) -> bool:
    return option.extras.get("required") is True


def essential_rows(fields: Sequence[FieldOption], external_id: str) -> list[FieldRow]:
    """The rows a new mapping of this object starts with: the fields Salesforce needs to
    create a record, and the External ID field rows are matched on."""
    required = per_list.get(
        fields,
        "required writable",
        lambda: [f.value for f in fields if _is_required(f) and writable(f)],
    )
    names = list(required)
    if external_id and external_id not in names:
        names.insert(0, external_id)
    return [FieldRow(name, "") for name in names]


@dataclass(frozen=True)
class Suggestion:
    field: str  # the field's API name
    field_label: str
    value: str  # the {{token}}, verbatim
    source: str  # what the token reads as: "Input columns › domain"
    fills_row: bool  # a row for this field exists, with no value yet

    @property
    def line(self) -> str:
        """The suggestion as a `Field=value` line: what the form posts back to accept it."""
        return f"{self.field}={self.value}"


@dataclass(frozen=True)
class Suggestions:
    rows: list[Suggestion]
    external_id: str  # set the External ID field to this ("" to leave it)


def _source_key(choice: ReferenceChoice) -> str:
    """The name a reference has in its sheet: the token's last part, or its label."""
    inner = choice.token.strip().removeprefix("{{").removesuffix("}}")
    return squeeze(inner.rsplit(".", 1)[-1]) or squeeze(choice.label)


def _score(source: str, targets: set[str]) -> int:
    if source in targets:
        return 2
    if ALIASES.get(source, frozenset()) & targets:
        return 1
    return 0


def suggest(
    fields: Sequence[FieldOption],
    external_ids: Sequence[FieldOption],
    references: Sequence[ReferenceChoice],
    draft: UpsertConfig,
) -> Suggestions:
    """Fields the sheet's columns and upstream outputs probably fill, by name and label.

    Each field gets at most one source (the closest name; on a tie, the one that runs first,
    so input columns before outputs); fields a row already sets are left alone. List columns
    (a label with "/") are not offered: a list rarely fits one field. When no External ID
    field is chosen yet, the first one that a suggestion fills is proposed.
    """
    sources = [(c, _source_key(c)) for c in references if "/" not in c.label]
    mapped = {row.name.casefold() for row in draft.rows if row.value.strip()}
    empty = {row.name.casefold() for row in draft.rows if not row.value.strip()}
    found: list[Suggestion] = []
    for option in fields:
        if not writable(option) or option.value.casefold() in mapped:
            continue
        best, best_score = None, 0
        targets = {squeeze(option.value), squeeze(option.label)} - {""}
        for choice, key in sources:
            score = _score(key, targets)
            if score > best_score:
                best, best_score = choice, score
        if best is not None:
            source = f"{best.group} › {best.label}"
            fills = option.value.casefold() in empty
            found.append(
                Suggestion(option.value, option.label or option.value, best.token, source, fills)
            )
    external_id = ""
    if not draft.external_id_field:
        suggested = {s.field for s in found} | mapped_names(draft)
        external_id = next((o.value for o in external_ids if o.value in suggested), "")
    return Suggestions(found[:MAX_ROWS], external_id)


def mapped_names(draft: UpsertConfig) -> set[str]:
    return {row.name for row in draft.rows if row.value.strip()}


class PasteProblem(ValueError):
    """Pasted lines that cannot be read; the message names the first one."""


def parse_lines(text: str, fields: Sequence[FieldOption]) -> list[FieldRow]:
    """`Field=value` lines, or two columns copied from a spreadsheet (tab between them).

    A field may be named by its API name or its label ("Last Name" is LastName); a name the
    object does not have is kept as typed, for the pre-flight check to point at. Blank lines
    and a "Field / Value" header are skipped. Raises PasteProblem for a line with neither a
    tab nor "=".
    """
    by_label: dict[str, str] = {}
    for option in fields:
        by_label.setdefault(option.label.casefold(), option.value)
    by_name = {option.value.casefold(): option.value for option in fields}
    rows: list[FieldRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        separator = "\t" if "\t" in line else "=" if "=" in line else None
        if separator is None:
            shown = line.strip()[:60]
            raise PasteProblem(
                f"Line {number} (“{shown}”) has no “=” and no tab between a field and its value: "
                "write one mapping per line, like LastName={{input.last_name}}."
            )
        name, value = (part.strip() for part in line.split(separator, 1))
        if (
            not rows
            and name.casefold() in ("field", "field name", "api name", "name")
            and (value.casefold() in ("value", "values", ""))
        ):
            continue  # a header row copied with the columns
        if len(name) > MAX_NAME or len(value) > MAX_VALUE:
            raise PasteProblem(f"Line {number} is longer than a field name or value can be.")
        folded = name.casefold()
        rows.append(FieldRow(by_name.get(folded) or by_label.get(folded) or name, value))
    return rows


@dataclass(frozen=True)
class Merged:
    config: UpsertConfig
    added: int
    filled: int  # rows that existed and took the new value


def merge_rows(draft: UpsertConfig, incoming: Iterable[FieldRow], external_id: str = "") -> Merged:
    """The draft with `incoming` rows: a field that already has a row gets the new value
    there (an empty row is filled); any other is added at the end. Rows with neither a field
    nor a value are dropped, as a save drops them."""
    rows = [row for row in draft.rows if row.name or row.value]
    where = {row.name.casefold(): i for i, row in enumerate(rows) if row.name}
    added = filled = 0
    for row in incoming:
        if not row.name:
            continue
        at = where.get(row.name.casefold())
        if at is None:
            if len(rows) >= MAX_ROWS:
                break
            where[row.name.casefold()] = len(rows)
            rows.append(row)
            added += 1
        elif rows[at].value != row.value:
            rows[at] = replace(rows[at], value=row.value)
            filled += 1
    config = replace(draft, rows=tuple(rows))
    if external_id and not draft.external_id_field:
        config = replace(config, external_id_field=external_id)
    return Merged(config, added, filled)


def keep_for_object(
    rows: Sequence[FieldRow], fields: Sequence[FieldOption]
) -> tuple[list[FieldRow], list[FieldRow]]:
    """Rows of one object, split for another: those whose field it has (under its own spelling
    of the API name), and those it has not."""
    names = {option.value.casefold(): option.value for option in fields}
    kept, dropped = [], []
    for row in rows:
        if not (row.name or row.value):
            continue
        name = names.get(row.name.casefold())
        if name is None:
            dropped.append(row)
        else:
            kept.append(replace(row, name=name))
    return kept, dropped


def added_notice(merged: Merged, source: str) -> str:
    """What adding rows did, in a sentence: "Added 3 rows and filled 1 from the suggestions."""
    parts = []
    if merged.added:
        parts.append(f"added {merged.added} row{'s' if merged.added != 1 else ''}")
    if merged.filled:
        parts.append(
            f"set the value of {merged.filled} existing row{'s' if merged.filled != 1 else ''}"
        )
    if not parts:
        return f"Nothing to add from the {source}: every one of them is already mapped."
    return f"From the {source}: {' and '.join(parts)}. Nothing is saved until you save."


def object_change_notice(object_name: str, kept: int, aside: Sequence[FieldRow]) -> str:
    if not aside:
        return f"{object_name} has a field for each of your {kept} rows: they are kept."
    names = ", ".join(row.name or "(no field)" for row in aside[:10])
    more = f" and {len(aside) - 10} more" if len(aside) > 10 else ""
    return (
        f"{object_name} has no field for {len(aside)} of your rows ({names}{more}): they are "
        f"set aside; {kept} row{'s' if kept != 1 else ''} kept."
    )


def undo_state(config: UpsertConfig) -> str:
    """The object part of a draft as one form value, for an Undo button to post back."""
    return json.dumps(
        {
            "object": config.salesforce_object,
            "external_id": config.external_id_field,
            "rows": [[row.name, row.value] for row in config.rows],
        }
    )


def undone(state: str, draft: UpsertConfig) -> UpsertConfig | None:
    """`draft` with the object part an Undo button posted back; None when it is not one this
    app wrote (read defensively: it came through the browser)."""
    try:
        data = json.loads(state)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    name, external_id, rows = data.get("object"), data.get("external_id"), data.get("rows")
    if not (isinstance(name, str) and isinstance(external_id, str) and isinstance(rows, list)):
        return None
    if len(rows) > MAX_ROWS or len(name) > MAX_NAME or len(external_id) > MAX_NAME:
        return None
    parsed = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) for x in row)):
            return None
        if len(row[0]) > MAX_NAME or len(row[1]) > MAX_VALUE:
            return None
        parsed.append(FieldRow(row[0], row[1]))
    return replace(draft, salesforce_object=name, external_id_field=external_id, rows=tuple(parsed))
