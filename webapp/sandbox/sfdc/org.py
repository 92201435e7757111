"""A running org: the records behind the metadata, and Salesforce's upsert by external ID.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from webapp.sandbox.sfdc.ids import make_id
from webapp.sandbox.sfdc.model import Field, OrgSpec, SObject
from webapp.sandbox.sfdc.values import SalesforceError, coerce, is_empty

ASSIGNABLE = frozenset({"account", "case", "lead"})


@dataclass(frozen=True)
class UpsertRequest:
    object_name: str
    external_id_field: str
    values: tuple[tuple[str, Any], ...]
    ignore_empty_values: bool = True
    run_assignment_rules: bool = True
    allow_save_on_duplicates: bool = False


@dataclass(frozen=True)
class UpsertResult:
    record_id: str
    created: bool


class Org:
    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec
        self._objects = {o.name.lower(): o for o in spec.objects}
        self._by_prefix = {o.key_prefix: o for o in spec.objects}
        self._records: dict[str, dict[str, dict[str, Any]]] = {o.name: {} for o in spec.objects}
        self._counters: dict[str, int] = {}
        for object_name, record in spec.seed_records:
            self._store(self._objects[object_name.lower()], dict(record))

    @property
    def objects(self) -> tuple[SObject, ...]:
        return self.spec.objects

    def object(self, name: str) -> SObject | None:
        return self._objects.get(name.lower())

    def change_object(self, changed: SObject, *, dropped: str | None = None) -> None:
        """Describe `changed` from now on in place of its object (sfdc/setup.py); the values
        of a `dropped` field leave its records, as they do when an admin deletes it."""
        old = self._objects[changed.name.lower()]
        objects = tuple(changed if o is old else o for o in self.spec.objects)
        self.spec = replace(self.spec, objects=objects)
        self._objects[changed.name.lower()] = changed
        self._by_prefix[changed.key_prefix] = changed
        if dropped is not None:
            for record in self._records[changed.name].values():
                record.pop(dropped, None)

    def record(self, record_id: str) -> tuple[SObject, dict[str, Any]] | None:
        obj = self._by_prefix.get(record_id[:3])
        if obj is None:
            return None
        for rid, record in self._records[obj.name].items():
            if rid[:15] == record_id[:15]:
                return obj, copy.deepcopy(record)
        return None

    def records(self, object_name: str) -> list[dict[str, Any]]:
        obj = self.object(object_name)
        return [] if obj is None else [copy.deepcopy(r) for r in self._records[obj.name].values()]

    def upsert(self, request: UpsertRequest) -> UpsertResult:
        obj = self.object(request.object_name)
        if obj is None or not (obj.createable or obj.updateable):
            raise SalesforceError(
                "INVALID_TYPE", f"sObject type '{request.object_name}' is not supported."
            )
        key = self._key_field(obj, request.external_id_field)
        values = self._coerced(obj, request)
        match_value = values.get(key.name)
        if is_empty(match_value):
            raise SalesforceError(
                "MISSING_EXTERNAL_ID",
                f"No value for the External ID field {key.name}: the row cannot be matched.",
                (key.name,),
            )
        matches = self._matching(obj, key, match_value)
        if len(matches) > 1:
            ids = ", ".join(r["Id"] for r in matches)
            raise SalesforceError(
                "MULTIPLE_CHOICES",
                f"More than one record found for external id field {key.name}: [{ids}]",
                (key.name,),
            )
        if matches:
            return self._update(obj, matches[0], values, request)
        return self._insert(obj, values, request)

    # -- the steps of an upsert -------------------------------------------------------------

    def _key_field(self, obj: SObject, name: str) -> Field:
        key = obj.field(name)
        if key is None or key not in obj.external_id_fields():
            raise SalesforceError(
                "INVALID_FIELD",
                f"Provided external ID field does not exist or is not accessible: {name}",
            )
        return key

    def _coerced(self, obj: SObject, request: UpsertRequest) -> dict[str, Any]:
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for name, raw in request.values:
            f = obj.field(name)
            if f is None:
                raise SalesforceError(
                    "INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}"
                )
            if f.name in seen:
                # Salesforce's JSON parser refuses a record that names one field twice.
                raise SalesforceError(
                    "JSON_PARSER_ERROR", f"Duplicate field selected: {f.name}", (f.name,)
                )
            seen.add(f.name)
            if is_empty(raw):
                if not request.ignore_empty_values:
                    values[f.name] = None
                continue
            values[f.name] = coerce(f, raw)
            if f.type == "reference":
                self._check_reference(f, values[f.name])
        return values

    def _check_reference(self, f: Field, record_id: str) -> None:
        owners = {o.id[:15] for o in self.spec.owners}
        found = self.record(record_id)
        if record_id[:15] in owners:
            return
        if found is None or found[0].name not in f.reference_to:
            raise SalesforceError(
                "INVALID_CROSS_REFERENCE_KEY",
                f"{f.label}: id value of incorrect type: {record_id}",
                (f.name,),
            )

    def _matching(self, obj: SObject, key: Field, value: Any) -> list[dict[str, Any]]:
        wanted = str(value).lower()
        return [
            r
            for r in self._records[obj.name].values()
            if r.get(key.name) is not None and str(r[key.name]).lower() == wanted
        ]

    def _insert(self, obj: SObject, values: dict[str, Any], request: UpsertRequest) -> UpsertResult:
        self._check_writable(obj, values, "createable")
        missing = [
            f.name for f in obj.fields if f.required_on_create and is_empty(values.get(f.name))
        ]
        if missing:
            raise SalesforceError(
                "REQUIRED_FIELD_MISSING",
                f"Required fields are missing: [{', '.join(missing)}]",
                tuple(missing),
            )
        record = {k: v for k, v in values.items() if v is not None}
        self._check_duplicates(obj, record, None, request)
        if obj.field("OwnerId") is not None:
            record.setdefault("OwnerId", self.spec.api_user_id)
        self._assign(obj, record, request)
        record_id = self._store(obj, record)
        return UpsertResult(record_id, created=True)

    def _update(
        self,
        obj: SObject,
        existing: dict[str, Any],
        values: dict[str, Any],
        request: UpsertRequest,
    ) -> UpsertResult:
        self._check_writable(obj, values, "updateable")
        cleared = [
            name for name, v in values.items() if v is None and not self._field(obj, name).nillable
        ]
        if cleared:
            raise SalesforceError(
                "REQUIRED_FIELD_MISSING",
                f"Required fields are missing: [{', '.join(cleared)}]",
                tuple(cleared),
            )
        merged = {**existing, **values}
        self._check_duplicates(obj, merged, existing["Id"], request)
        self._assign(obj, merged, request)
        merged["LastModifiedDate"] = _now()
        merged["LastModifiedById"] = self.spec.api_user_id
        existing.clear()
        existing.update({k: v for k, v in merged.items() if v is not None})
        return UpsertResult(existing["Id"], created=False)

    def _check_writable(self, obj: SObject, values: dict[str, Any], flag: str) -> None:
        refused = [n for n in values if not getattr(self._field(obj, n), flag)]
        if refused:
            raise SalesforceError(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                f"Unable to create/update fields: {', '.join(refused)}. Please check the "
                "security settings of this field and verify that it is read/write for your "
                "profile or permission set.",
                tuple(refused),
            )

    def _check_duplicates(
        self,
        obj: SObject,
        record: dict[str, Any],
        own_id: str | None,
        request: UpsertRequest,
    ) -> None:
        for rule in self.spec.duplicate_rules:
            if rule.object.lower() != obj.name.lower():
                continue
            if any(is_empty(record.get(f)) for f in rule.match_fields):
                continue
            wanted = [str(record[f]).lower() for f in rule.match_fields]
            for other in self._records[obj.name].values():
                if other["Id"] == own_id:
                    continue
                if [str(other.get(f, "")).lower() for f in rule.match_fields] != wanted:
                    continue
                if rule.action == "alert" and request.allow_save_on_duplicates:
                    break
                raise SalesforceError(
                    "DUPLICATES_DETECTED",
                    f"Use one of these records? Duplicate rule '{rule.name}' "
                    f"({rule.action}) matched {other['Id']}.",
                    rule.match_fields,
                )

    def _assign(self, obj: SObject, record: dict[str, Any], request: UpsertRequest) -> None:
        # Sforce-Auto-Assign is TRUE when absent and only touches Account, Case and Lead.
        if not request.run_assignment_rules or obj.name.lower() not in ASSIGNABLE:
            return
        for rule in self.spec.assignment_rules:
            if rule.object.lower() != obj.name.lower():
                continue
            owner = rule.default_owner_id
            for entry in rule.entries:
                value = str(record.get(entry.field) or "").lower()
                if value in {v.lower() for v in entry.values}:
                    owner = entry.owner_id
                    break
            record["OwnerId"] = owner

    def _store(self, obj: SObject, record: dict[str, Any]) -> str:
        number = self._counters.get(obj.name, 0) + 1
        self._counters[obj.name] = number
        record_id = record.get("Id") or make_id(obj.key_prefix, 1000 + number)
        now = _now()
        record["Id"] = record_id
        for stamp in ("CreatedDate", "LastModifiedDate", "SystemModstamp"):
            record.setdefault(stamp, now)
        for who in ("CreatedById", "LastModifiedById"):
            record.setdefault(who, self.spec.api_user_id)
        for f in obj.fields:
            if f.auto_number and f.name not in record:
                record[f.name] = f"{number:08d}"
            elif f.type == "boolean" and f.name not in record and f.defaulted_on_create:
                record[f.name] = False
            elif f.picklist_values and f.name not in record and f.defaulted_on_create:
                default = next((p.value for p in f.picklist_values if p.default), None)
                if default is not None:
                    record[f.name] = default
        self._records[obj.name][record_id] = record
        return record_id

    @staticmethod
    def _field(obj: SObject, name: str) -> Field:
        f = obj.field(name)
        assert f is not None  # values were built from obj's own fields
        return f


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
