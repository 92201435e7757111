"""Salesforce metadata as the sandbox's org describes it: objects, fields, rules and owners.

The shapes follow Salesforce's describe results (DescribeSObjectResult / Field) closely
enough that `extras` on Floqer's field options can carry them as real Floqer does.
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FieldType = Literal[
    "id",
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
    "combobox",
    "reference",
    "address",
    "location",
]

NUMERIC_TYPES = frozenset({"double", "currency", "percent", "int"})


@dataclass(frozen=True)
class PicklistValue:
    value: str
    label: str
    active: bool = True
    default: bool = False


@dataclass(frozen=True)
class Field:
    """One field of an object, with the describe flags that decide what a write may do."""

    name: str
    label: str
    type: FieldType
    length: int = 0
    precision: int = 0
    scale: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    external_id: bool = False
    unique: bool = False
    id_lookup: bool = False
    calculated: bool = False
    auto_number: bool = False
    custom: bool = False
    compound_field_name: str | None = None
    picklist_values: tuple[PicklistValue, ...] = ()
    restricted_picklist: bool = False
    reference_to: tuple[str, ...] = ()
    help_text: str | None = None

    @property
    def required_on_create(self) -> bool:
        # Salesforce's own rule for "required": createable, not nillable, not defaulted.
        return self.createable and not self.nillable and not self.defaulted_on_create

    @property
    def writable(self) -> bool:
        return self.createable or self.updateable

    def extras(self) -> dict[str, Any]:
        """The field metadata carried in `extras` of a field option."""
        extras: dict[str, Any] = {
            "type": self.type,
            "length": self.length,
            "required": self.required_on_create,
            "nillable": self.nillable,
            "createable": self.createable,
            "updateable": self.updateable,
            "defaultedOnCreate": self.defaulted_on_create,
            "externalId": self.external_id,
            "unique": self.unique,
            "idLookup": self.id_lookup,
            "calculated": self.calculated,
            "autoNumber": self.auto_number,
            "custom": self.custom,
        }
        if self.type in NUMERIC_TYPES:
            extras["precision"] = self.precision
            extras["scale"] = self.scale
        if self.picklist_values:
            extras["picklistValues"] = [
                {"value": p.value, "label": p.label, "active": p.active, "defaultValue": p.default}
                for p in self.picklist_values
            ]
            extras["restrictedPicklist"] = self.restricted_picklist
        if self.reference_to:
            extras["referenceTo"] = list(self.reference_to)
        if self.compound_field_name:
            extras["compoundFieldName"] = self.compound_field_name
        if self.help_text:
            extras["inlineHelpText"] = self.help_text
        return extras


@dataclass(frozen=True)
class SObject:
    """One object of the org. Field lookups are case-insensitive, as Salesforce's API is."""

    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: tuple[Field, ...]
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    _by_lower: dict[str, Field] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_lower", {f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> Field | None:
        return self._by_lower.get(name.lower())

    def external_id_fields(self) -> list[Field]:
        """Fields an upsert may match on.

        Salesforce accepts a field flagged External ID, or, on standard objects, an
        idLookup field (Contact.Email, Lead.Email). Id itself and auto-numbers are left
        out: they can never carry a value from outside.
        https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_upsert.htm
        """
        return [
            f
            for f in self.fields
            if f.external_id
            or (f.id_lookup and not self.custom and f.createable and f.type != "id")
        ]

    def extras(self) -> dict[str, Any]:
        return {
            "labelPlural": self.label_plural,
            "keyPrefix": self.key_prefix,
            "custom": self.custom,
            "createable": self.createable,
            "updateable": self.updateable,
            "fieldCount": len(self.fields),
        }


@dataclass(frozen=True)
class DuplicateRule:
    """A matching rule plus its action: `alert` can be saved past, `block` never."""

    name: str
    object: str
    match_fields: tuple[str, ...]
    action: Literal["alert", "block"]


@dataclass(frozen=True)
class AssignmentEntry:
    field: str
    values: tuple[str, ...]
    owner_id: str


@dataclass(frozen=True)
class AssignmentRule:
    """The active assignment rule of an object: first matching entry wins."""

    object: str
    entries: tuple[AssignmentEntry, ...]
    default_owner_id: str


@dataclass(frozen=True)
class Owner:
    id: str
    name: str
    kind: Literal["User", "Queue"]


@dataclass(frozen=True)
class OrgSpec:
    """Everything that makes up one simulated org before any write happens."""

    name: str
    instance_url: str
    objects: tuple[SObject, ...]
    owners: tuple[Owner, ...]
    api_user_id: str
    duplicate_rules: tuple[DuplicateRule, ...] = ()
    assignment_rules: tuple[AssignmentRule, ...] = ()
    seed_records: tuple[tuple[str, dict[str, Any]], ...] = ()


# Compact constructors for writing org data by hand. Every argument of Field stays available.


def text(name: str, label: str, length: int = 255, **kw: Any) -> Field:
    return Field(name, label, "string", length=length, **kw)


def textarea(name: str, label: str, length: int = 32000, **kw: Any) -> Field:
    return Field(name, label, "textarea", length=length, **kw)


def email(name: str, label: str, **kw: Any) -> Field:
    return Field(name, label, "email", length=80, **kw)


def phone(name: str, label: str, **kw: Any) -> Field:
    return Field(name, label, "phone", length=40, **kw)


def url(name: str, label: str, **kw: Any) -> Field:
    return Field(name, label, "url", length=255, **kw)


def checkbox(name: str, label: str, **kw: Any) -> Field:
    # Salesforce checkboxes are never nillable and always defaulted on create.
    kw.setdefault("nillable", False)
    kw.setdefault("defaulted_on_create", True)
    return Field(name, label, "boolean", **kw)


def date(name: str, label: str, **kw: Any) -> Field:
    return Field(name, label, "date", **kw)


def datetime_(name: str, label: str, **kw: Any) -> Field:
    return Field(name, label, "datetime", **kw)


def number(name: str, label: str, precision: int = 18, scale: int = 0, **kw: Any) -> Field:
    kind: FieldType = "int" if kw.pop("integer", False) else "double"
    return Field(name, label, kind, precision=precision, scale=scale, **kw)


def currency(name: str, label: str, precision: int = 18, scale: int = 2, **kw: Any) -> Field:
    return Field(name, label, "currency", precision=precision, scale=scale, **kw)


def percent(name: str, label: str, precision: int = 5, scale: int = 2, **kw: Any) -> Field:
    return Field(name, label, "percent", precision=precision, scale=scale, **kw)


def picklist(name: str, label: str, values: list[str], *, multi: bool = False, **kw: Any) -> Field:
    default = kw.pop("default", None)
    options = tuple(PicklistValue(v, v, default=(v == default)) for v in values)
    kind: FieldType = "multipicklist" if multi else "picklist"
    return Field(name, label, kind, length=4099 if multi else 255, picklist_values=options, **kw)


def reference(name: str, label: str, to: list[str], **kw: Any) -> Field:
    return Field(name, label, "reference", length=18, reference_to=tuple(to), **kw)


def readonly(f: Field, *, calculated: bool = False, auto_number: bool = False) -> Field:
    """The same field, not writable: formula, auto-number, system or compound."""
    from dataclasses import replace

    return replace(
        f, createable=False, updateable=False, calculated=calculated, auto_number=auto_number
    )


def system_fields(owner: bool = True) -> list[Field]:
    """The fields every object carries: Id, audit fields and (usually) OwnerId."""
    fields = [
        Field(
            "Id",
            "Record ID",
            "id",
            length=18,
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
            id_lookup=True,
        ),
        Field(
            "IsDeleted",
            "Deleted",
            "boolean",
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
        Field(
            "CreatedDate",
            "Created Date",
            "datetime",
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
        Field(
            "CreatedById",
            "Created By ID",
            "reference",
            length=18,
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
            reference_to=("User",),
        ),
        Field(
            "LastModifiedDate",
            "Last Modified Date",
            "datetime",
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
        Field(
            "LastModifiedById",
            "Last Modified By ID",
            "reference",
            length=18,
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
            reference_to=("User",),
        ),
        Field(
            "SystemModstamp",
            "System Modstamp",
            "datetime",
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
    ]
    if owner:
        fields.insert(
            1,
            Field(
                "OwnerId",
                "Owner ID",
                "reference",
                length=18,
                nillable=False,
                defaulted_on_create=True,
                reference_to=("User", "Group"),
            ),
        )
    return fields
