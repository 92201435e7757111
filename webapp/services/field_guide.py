"""What the browser needs to know of an object's fields to help with each row: one JSON
document per fields part (the field finder, the typed value editors, the readable
references all read it; webapp/preflight stays the judge of what is wrong).

Metadata is read defensively (Floqer sends `extras` "when present"): a key that is missing
or of another type is left out, and the editor falls back to plain text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from webapp.floqer.models import FieldOption
from webapp.services.browse import ReferenceChoice
from webapp.services.per_list import per_list

MAX_VALUES = 1000  # picklist values sent per field (Salesforce allows 1,000 active values)

# Salesforce's own words for its types, as Setup shows them.
TYPE_WORDS = {
    "string": "Text",
    "textarea": "Text Area",
    "int": "Number",
    "double": "Number",
    "currency": "Currency",
    "percent": "Percent",
    "boolean": "Checkbox",
    "date": "Date",
    "datetime": "Date/Time",
    "time": "Time",
    "email": "Email",
    "url": "URL",
    "phone": "Phone",
    "picklist": "Picklist",
    "multipicklist": "Picklist (Multi-Select)",
    "reference": "Lookup",
    "id": "Record ID",
    "encryptedstring": "Text (Encrypted)",
    "address": "Address",
    "location": "Geolocation",
}

# The editor a type gets (static/app.js): a type not listed gets plain text.
EDITORS = {
    "int": "number",
    "double": "number",
    "currency": "number",
    "percent": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "picklist": "picklist",
    "multipicklist": "multipicklist",
    "string": "text",
    "textarea": "text",
    "email": "text",
    "url": "text",
    "phone": "text",
    "encryptedstring": "text",
}


def _flag(extras: Mapping[str, Any], key: str) -> bool | None:
    value = extras.get(key)
    return value if isinstance(value, bool) else None


def _number(extras: Mapping[str, Any], key: str) -> int | None:
    value = extras.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value == int(value) else None


def type_summary(extras: Mapping[str, Any]) -> str:
    """The field's type as Setup writes it: "Text(80)", "Number(18, 0)", "Lookup(Account)"."""
    kind = extras.get("type")
    if not isinstance(kind, str) or not kind:
        return ""
    words = TYPE_WORDS.get(kind, kind.capitalize())
    length, precision = _number(extras, "length"), _number(extras, "precision")
    scale = _number(extras, "scale")
    if _flag(extras, "calculated"):
        return f"Formula ({words})"
    if _flag(extras, "autoNumber"):
        return "Auto Number"
    if kind in ("string", "textarea", "encryptedstring") and length:
        return f"{words}({length})"
    if kind in ("int", "double", "currency", "percent") and precision:
        return f"{words}({precision - (scale or 0)}, {scale or 0})"
    targets = extras.get("referenceTo")
    if kind == "reference" and isinstance(targets, list):
        names = [t for t in targets if isinstance(t, str)]
        return f"{words}({', '.join(names)})" if names else words
    return words


def locked_because(extras: Mapping[str, Any]) -> str:
    """Why no row can set the field ("" when one can), in the finder's words."""
    if _flag(extras, "calculated"):
        return "formula: Salesforce computes it"
    if _flag(extras, "autoNumber"):
        return "auto-number: Salesforce numbers it"
    if _flag(extras, "createable") is False and _flag(extras, "updateable") is False:
        return "read-only"
    return ""


def _values(extras: Mapping[str, Any]) -> list[str]:
    entries = extras.get("picklistValues")
    if not isinstance(entries, list):
        return []
    return [
        e["value"]
        for e in entries
        if isinstance(e, Mapping)
        and isinstance(e.get("value"), str)
        and e.get("active") is not False
    ][:MAX_VALUES]


def field_entry(option: FieldOption) -> dict[str, Any]:
    """One field for the page; keys at their default (text editor, not required, not
    custom, not locked) are left out, which halves a 900-field object's guide."""
    extras: Mapping[str, Any] = option.extras if isinstance(option.extras, Mapping) else {}
    kind = extras.get("type")
    entry: dict[str, Any] = {"name": option.value}
    if option.label and option.label != option.value:
        entry["label"] = option.label
    summary = type_summary(extras)
    if summary:
        entry["summary"] = summary
    editor = EDITORS.get(kind, "text") if isinstance(kind, str) else "text"
    if editor != "text":
        entry["editor"] = editor
    if _flag(extras, "required") is True:
        entry["required"] = True
    if _flag(extras, "custom") is True or option.value.endswith("__c"):
        entry["custom"] = True
    locked = locked_because(extras)
    if locked:
        entry["locked"] = locked
    length = _number(extras, "length")
    if length and editor == "text":
        entry["length"] = length
    values = _values(extras)
    if values:
        entry["values"] = values
        if _flag(extras, "restrictedPicklist") is True:
            entry["restricted"] = True
    return entry


def _escaped(text: str) -> str:
    # JSON put in an HTML element as it is: no <, > or & in the text.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def fields_json(fields: Sequence[FieldOption]) -> str:
    """The fields' part of the guide, made once per cached options list (15 ms otherwise)."""
    return per_list.get(
        fields,
        "guide",
        lambda: _escaped(json.dumps([field_entry(f) for f in fields], separators=(",", ":"))),
    )


def guide_json(
    object_name: str, fields: Sequence[FieldOption], references: Sequence[ReferenceChoice]
) -> str:
    """The guide as JSON to put in an HTML element as it is (static/rows.js reads it):
    {"object", "fields": [field_entry…], "references": [{token, label, group}…]}."""
    head = _escaped(json.dumps(object_name))
    refs = [{"token": c.token, "label": c.label, "group": c.group} for c in references]
    tail = _escaped(json.dumps(refs, separators=(",", ":")))
    return f'{{"object":{head},"fields":{fields_json(fields)},"references":{tail}}}'
