"""The pre-flight check's rules for one value: its type, format, length, picklist, references.

They mirror Salesforce's own checks (contract section 4) as the sandbox's org applies them
(webapp/sandbox/sfdc/values.py), which the app never imports.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

from webapp.preflight.fields import TOKEN, VALUE_CUTOFF, Hit, Meta, clip, closest, is_empty

# Salesforce's value formats, exactly as the sandbox's org checks them (sfdc/values.py).
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$")
_OFFSET_WITHOUT_COLON = re.compile(r"[+-]\d{4}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# The 18-character id's suffix makes it case-insensitive: one letter per 5-character chunk.
_ID_SUFFIX = string.ascii_uppercase + "012345"
# Types whose length Salesforce enforces (describe's `length` counts characters).
_TEXT_LIKE = frozenset(
    {
        "string",
        "textarea",
        "email",
        "phone",
        "url",
        "picklist",
        "multipicklist",
        "combobox",
        "encryptedstring",
    }
)
_LISTED_VALUES = 10  # a restricted picklist's message lists its values up to this many


def value_hits(meta: Meta, value: str) -> list[Hit]:
    # A token is only known per row at run time, and an empty value is never typed.
    if is_empty(value) or TOKEN.search(value):
        return []
    kind = (meta.text("type") or "").lower()
    checker = _CHECKERS.get(kind)
    hits = checker(meta, value) if checker else []
    return hits + (_too_long(meta, value) if kind in _TEXT_LIKE else [])


def _too_long(meta: Meta, value: str) -> list[Hit]:
    length = meta.number("length")
    if length is None or length <= 0 or len(value) <= length:
        return []
    message = f"{meta.named} holds at most {length:,} characters; this value has {len(value):,}."
    return [Hit("too_long", message)]


def _integer(meta: Meta, value: str) -> list[Hit]:
    return _number(meta, value, _INTEGER, "a whole number (like 42)")


def _decimal(meta: Meta, value: str) -> list[Hit]:
    return _number(meta, value, _DECIMAL, "a number (like 42 or 3.5)")


def _number(meta: Meta, value: str, pattern: re.Pattern[str], kind: str) -> list[Hit]:
    text = value.strip()
    if not pattern.match(text):
        return [Hit("not_a_number", f"{meta.named} takes {kind}; “{clip(value)}” is not one.")]
    precision, scale = meta.number("precision"), meta.number("scale")
    if precision is None or scale is None or precision <= 0 or scale < 0:
        return []
    whole = len(text.lstrip("+-").split(".")[0].lstrip("0"))
    if whole <= precision - scale:
        return []
    allowed = max(precision - scale, 0)
    message = (
        f"{meta.named} holds at most {allowed} digits before the decimal point; "
        f"“{clip(text)}” has {whole}."
    )
    return [Hit("number_out_of_range", message)]


def _boolean(meta: Meta, value: str) -> list[Hit]:
    if value.strip().lower() in ("true", "false"):
        return []
    message = f"{meta.named} is a checkbox: Salesforce takes true or false, not “{clip(value)}”."
    return [Hit("not_a_boolean", message)]


def _date(meta: Meta, value: str) -> list[Hit]:
    if _DATE.match(value) and _parses(date.fromisoformat, value):
        return []
    message = (
        f"{meta.named} is a date: write it as yyyy-MM-dd (like 2024-03-31), not “{clip(value)}”."
    )
    return [Hit("not_a_date", message)]


def _datetime(meta: Meta, value: str) -> list[Hit]:
    if _DATETIME.match(value) and _parses(_parse_datetime, value):
        return []
    message = (
        f"{meta.named} is a date and time: write it like 2024-03-31T09:30:00Z or "
        f"2024-03-31T09:30:00+01:00, not “{clip(value)}”."
    )
    return [Hit("not_a_datetime", message)]


def _email(meta: Meta, value: str) -> list[Hit]:
    if _EMAIL.match(value):
        return []
    message = f"{meta.named} takes an email address; “{clip(value)}” is not one."
    return [Hit("not_an_email", message)]


def _record_id(meta: Meta, value: str) -> list[Hit]:
    if _is_record_id(value):
        return []
    message = (
        f"{meta.named} takes a Salesforce record id (15 or 18 letters and digits, as in "
        f"the record's address), not “{clip(value)}”."
    )
    return [Hit("not_an_id", message)]


def _picklist(meta: Meta, value: str) -> list[Hit]:
    return _membership(meta, [value])


def _multipicklist(meta: Meta, value: str) -> list[Hit]:
    # One string joined by ";" (contract section 4); Salesforce trims each value.
    return _membership(meta, [v.strip() for v in value.split(";") if v.strip()])


def _membership(meta: Meta, values: Iterable[str]) -> list[Hit]:
    allowed = _active_values(meta)
    if allowed is None:
        return []
    restricted = meta.flag("restrictedPicklist") is True
    hits: list[Hit] = []
    for value in values:
        if value in allowed:
            continue
        guess = next((a for a in allowed if a.lower() == value.lower()), None)
        guess = guess or closest(value, {a: a for a in allowed}, VALUE_CUTOFF)
        if restricted:
            listed = "; ".join(allowed) if len(allowed) <= _LISTED_VALUES else "its own values"
            message = f"{meta.named} only takes {listed}: “{clip(value)}” is not one of them."
            hits.append(Hit("not_in_picklist", message, "error", guess))
        else:
            message = (
                f"“{clip(value)}” is not one of the values of {meta.named}; Salesforce "
                "will store it as a value outside the list."
            )
            hits.append(Hit("new_picklist_value", message, "warning", guess))
    return hits


def _active_values(meta: Meta) -> list[str] | None:
    entries = meta.extras.get("picklistValues")
    if not isinstance(entries, list):
        return None
    return [
        e["value"]
        for e in entries
        # An entry without `active` counts as active: missing metadata never refuses a value.
        if isinstance(e, Mapping)
        and isinstance(e.get("value"), str)
        and e.get("active") is not False
    ]


_CHECKERS: Mapping[str, Callable[[Meta, str], list[Hit]]] = {
    "int": _integer,
    "double": _decimal,
    "currency": _decimal,
    "percent": _decimal,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "email": _email,
    "reference": _record_id,
    "id": _record_id,
    "picklist": _picklist,
    "multipicklist": _multipicklist,
}


# -- references ---------------------------------------------------------------------------


def reference_hits(value: str, known: frozenset[str] | None) -> list[Hit]:
    hits: list[Hit] = []
    if known is not None:
        for match in TOKEN.finditer(value):
            if match.group(1) in known:
                continue
            guess = closest(match.group(1), {r: r for r in known}, VALUE_CUTOFF)
            message = (
                f"{match.group(0)} is not an input column of this sheet nor an output of a "
                "step that runs before this one."
            )
            hits.append(Hit("unknown_reference", message, "error", guess and f"{{{{{guess}}}}}"))
    rest = TOKEN.sub("", value)
    if "{{" in rest or "}}" in rest:
        message = "A reference here is not closed: write it as {{input.column}}, braces paired."
        hits.append(Hit("unclosed_reference", message))
    return hits


def token_bodies(references: Iterable[str] | None) -> frozenset[str] | None:
    if references is None:
        return None
    bodies: set[str] = set()
    for reference in references:
        if isinstance(reference, str):
            match = TOKEN.fullmatch(reference.strip())
            bodies.add(match.group(1) if match else reference.strip())
    return frozenset(bodies)


def _parses(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except (ValueError, OverflowError):
        return False
    return True


def _parse_datetime(text: str) -> datetime:
    normalised = text.replace("Z", "+00:00")
    if _OFFSET_WITHOUT_COLON.search(normalised):
        normalised = normalised[:-2] + ":" + normalised[-2:]
    return datetime.fromisoformat(normalised)


def _is_record_id(value: str) -> bool:
    """A well-formed 15- or 18-character id; the 18-character suffix must match its checksum."""
    if len(value) not in (15, 18) or not value.isalnum() or not value.isascii():
        return False
    suffix = ""
    for chunk in (value[0:5], value[5:10], value[10:15]):
        suffix += _ID_SUFFIX[sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")]
    return len(value) == 15 or value[15:] == suffix
