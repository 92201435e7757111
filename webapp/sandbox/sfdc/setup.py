"""What an admin does to the org's metadata in Setup: delete or re-type a custom field.

Salesforce lets an admin delete a custom field or change its type at any time, without
telling whoever maps it; every describe from then on answers without the field or with the
new type. Standard fields can be neither deleted nor re-typed. The sandbox's /_sandbox
extras use this to show the configurator's drift warning between two opens of a form.
https://help.salesforce.com/s/articleView?id=sf.custom_field_type_change.htm
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from webapp.sandbox.sfdc.model import NUMERIC_TYPES, Field, SObject

# The types a custom field can be changed to in Setup (compound and id types cannot).
RetypeTo = Literal[
    "string",
    "textarea",
    "email",
    "phone",
    "url",
    "boolean",
    "date",
    "datetime",
    "double",
    "currency",
    "percent",
    "int",
    "picklist",
    "multipicklist",
]
# The length Salesforce gives a field of each type when none is chosen (describe's `length`).
_LENGTHS = {
    "string": 255,
    "textarea": 32768,
    "email": 80,
    "phone": 40,
    "url": 255,
    "picklist": 255,
    "multipicklist": 4099,
}


class SetupRefused(ValueError):
    """Salesforce's Setup would not allow this change; the message says why."""


def custom_field(obj: SObject, name: str) -> Field | None:
    """The field `name` of `obj` (None if it has none); SetupRefused if it is standard."""
    found = obj.field(name)
    if found is not None and not found.custom:
        raise SetupRefused(
            f"{found.name} is a standard field of {obj.name}: Salesforce lets an admin delete "
            "or re-type custom fields only."
        )
    return found


def without_field(obj: SObject, field: Field) -> SObject:
    return replace(obj, fields=tuple(f for f in obj.fields if f is not field))


def with_type(obj: SObject, field: Field, kind: RetypeTo) -> SObject:
    numeric = kind in NUMERIC_TYPES
    checkbox = kind == "boolean"
    retyped = replace(
        field,
        type=kind,
        length=_LENGTHS.get(kind, 0),
        precision=18 if numeric else 0,
        scale=2 if kind in ("currency", "percent") else 0,
        # A checkbox is never empty: Salesforce defaults it to false.
        nillable=field.nillable and not checkbox,
        defaulted_on_create=field.defaulted_on_create or checkbox,
        picklist_values=field.picklist_values if "picklist" in kind else (),
        restricted_picklist=field.restricted_picklist and "picklist" in kind,
        external_id=field.external_id and kind in ("string", "email", "int", "double"),
        unique=field.unique and kind in ("string", "email", "int", "double"),
        reference_to=(),
    )
    return replace(obj, fields=tuple(retyped if f is field else f for f in obj.fields))
