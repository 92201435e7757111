"""Salesforce's checks on one field value: type, format, length and picklist membership.

Codes and messages are Salesforce's own, so a failed cell reads like a real org's answer.
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from webapp.sandbox.sfdc.ids import is_valid_id
from webapp.sandbox.sfdc.model import Field

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class SalesforceError(Exception):
    """A write Salesforce refused: its status code (e.g. REQUIRED_FIELD_MISSING) and message."""

    def __init__(self, code: str, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fields = fields


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def coerce(f: Field, value: Any) -> Any:
    """The stored form of a non-empty `value` for `f`, or SalesforceError as the org says it."""
    kind = f.type
    if kind == "boolean":
        return _boolean(f, value)
    if kind in ("int", "double", "currency", "percent"):
        return _number(f, value)
    text = _text(value)
    if kind == "date":
        return _checked(f, text, _DATE, date.fromisoformat)
    if kind == "datetime":
        return _checked(f, text, _DATETIME, _parse_datetime)
    if kind == "reference":
        if not is_valid_id(text):
            raise _wrong(f, "MALFORMED_ID", f"{f.label}: id value of incorrect type: {text}")
        return text
    if kind == "multipicklist":
        return _too_long(f, _multipicklist(f, text))
    if kind == "picklist":
        _restricted(f, [text])
    if kind == "email" and not _EMAIL.match(text):
        raise _wrong(f, "INVALID_EMAIL_ADDRESS", f"{f.label}: invalid email address: {text}")
    return _too_long(f, text)


def _too_long(f: Field, text: str) -> str:
    if f.length and len(text) > f.length:
        raise _wrong(
            f,
            "STRING_TOO_LONG",
            f"{f.label}: data value too large: {_clip(text)} (max length={f.length})",
        )
    return text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _boolean(f: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise _type_error(f, value)


def _number(f: Field, value: Any) -> int | float:
    if isinstance(value, bool):
        raise _type_error(f, value)
    text = _text(value).strip()
    pattern = _INTEGER if f.type == "int" else _DECIMAL
    if not pattern.match(text):
        raise _type_error(f, value)
    number: int | float = int(text) if f.type == "int" else float(text)
    whole_digits = len(text.lstrip("+-").split(".")[0].lstrip("0"))
    if f.precision and whole_digits > f.precision - f.scale:
        raise _wrong(
            f,
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{f.label}: value outside of valid range on numeric field: {text}",
        )
    return number


def _checked(f: Field, text: str, pattern: re.Pattern[str], parse: Any) -> str:
    try:
        if not pattern.match(text):
            raise ValueError(text)
        parse(text)
    except ValueError:
        raise _type_error(f, text) from None
    return text


def _parse_datetime(text: str) -> datetime:
    normalised = text.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", normalised):
        normalised = normalised[:-2] + ":" + normalised[-2:]
    return datetime.fromisoformat(normalised)


def _multipicklist(f: Field, text: str) -> str:
    values = [v.strip() for v in text.split(";") if v.strip()]
    _restricted(f, values)
    return ";".join(values)


def _restricted(f: Field, values: list[str]) -> None:
    if not f.restricted_picklist:
        return
    allowed = {p.value for p in f.picklist_values if p.active}
    for value in values:
        if value not in allowed:
            raise _wrong(
                f,
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"{f.label}: bad value for restricted picklist field: {value}",
            )


def _type_error(f: Field, value: Any) -> SalesforceError:
    return _wrong(
        f,
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        f"{f.label}: value not of required type: {_clip(_text(value))}",
    )


def _wrong(f: Field, code: str, message: str) -> SalesforceError:
    return SalesforceError(code, message, (f.name,))


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
