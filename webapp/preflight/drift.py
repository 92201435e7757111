"""What the org said about a version's mapped fields, kept with it, read back defensively.

Salesforce admins delete and re-type custom fields without telling whoever maps them, and a
mapping that worked last week then fails on every row with no hint why. So each saved
version keeps the label, type and length the app's cached field options gave for the fields
it maps (`snapshot`), and the check compares that with the org of today (rules.py, "drift").

The stored JSON comes back from the database as it was written, but it is read as untrusted
all the same (`SavedFields.known`): anything malformed reads as "not known", never a crash
or a guess. Its shape: {"object": "Account", "fields": {"Tier__c": {"label": "Tier",
"type": "picklist", "length": 255}}}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from webapp.floqer.models import FieldOption
from webapp.preflight.fields import Hit, Meta
from webapp.upsert_form import MAX_ROWS

# Bounds on what one version keeps: its rows and its External ID field, each short.
MAX_FIELDS = MAX_ROWS + 1
MAX_API_NAME = 255  # longer is no Salesforce name: left out rather than cut into another
MAX_LABEL = 80
MAX_TYPE = 40

# Salesforce's describe types in the words its Setup pages use, for the messages.
TYPE_WORDS = {
    "string": "text",
    "textarea": "long text",
    "encryptedstring": "encrypted text",
    "boolean": "checkbox",
    "int": "whole number",
    "double": "number",
    "datetime": "date/time",
    "multipicklist": "multi-select picklist",
    "reference": "lookup",
    "id": "record id",
}


def snapshot(
    object_name: str, options: Iterable[FieldOption], names: Iterable[str]
) -> dict[str, Any]:
    """What `options` (an object's field options) say of the fields called `names`."""
    wanted = {name.strip().lower() for name in names if name.strip()}
    fields: dict[str, dict[str, Any]] = {}
    for option in options:
        meta = Meta.of(option)
        if meta.name.lower() not in wanted or len(meta.name) > MAX_API_NAME:
            continue
        if len(fields) >= MAX_FIELDS:
            break
        entry: dict[str, Any] = {"label": meta.label[:MAX_LABEL]}
        kind, length = meta.text("type"), meta.number("length")
        if kind:
            entry["type"] = kind[:MAX_TYPE]
        if length is not None:
            entry["length"] = length
        fields[meta.name] = entry
    return {"object": object_name[:MAX_API_NAME], "fields": fields}


@dataclass(frozen=True)
class KnownField:
    """One field as a saved version knew it."""

    name: str
    label: str
    type: str | None

    @property
    def named(self) -> str:
        if not self.label or self.label == self.name:
            return self.name
        return f"{self.label} ({self.name})"


@dataclass(frozen=True)
class SavedFields:
    """The fields a saved version maps, as the org described them when it was saved."""

    version: int
    stored: Any  # the version's field_facts as the database gave them back

    @property
    def object_name(self) -> str | None:
        found = self.stored.get("object") if isinstance(self.stored, Mapping) else None
        return found if isinstance(found, str) else None

    def known(self, name: str) -> KnownField | None:
        """What the version knew of the field `name` (case-insensitive), if anything."""
        return self._by_lower.get(name.strip().lower())

    @cached_property
    def _by_lower(self) -> dict[str, KnownField]:
        fields = self.stored.get("fields") if isinstance(self.stored, Mapping) else None
        if not isinstance(fields, Mapping):
            return {}
        known: dict[str, KnownField] = {}
        for key, entry in fields.items():
            if isinstance(key, str) and isinstance(entry, Mapping):
                label, kind = entry.get("label"), entry.get("type")
                known.setdefault(
                    key.lower(),
                    KnownField(
                        key,
                        label if isinstance(label, str) else "",
                        kind if isinstance(kind, str) and kind else None,
                    ),
                )
        return known


def drift_hits(saved: SavedFields, name: str, now: Meta | None, object_name: str) -> list[Hit]:
    """Warnings for a row mapping `name` (`now`: the field in today's org, None if absent).

    The row's other rules say what Salesforce refuses (an unknown field, a value of the
    wrong type); this says why a mapping that was saved working broke.
    """
    known = saved.known(name)
    if known is None:
        return []
    since = f"since version {saved.version} was saved"
    if now is None:
        return [Hit("drift", f"{known.named} was deleted from {object_name} {since}.", "warning")]
    kind = now.text("type")
    if known.type is None or kind is None or known.type.lower() == kind.lower():
        return []
    message = (
        f"{known.named} changed from {type_words(known.type)} to {type_words(kind)} "
        f"in the org {since}."
    )
    return [Hit("drift", message, "warning")]


def type_words(kind: str) -> str:
    return TYPE_WORDS.get(kind.lower(), kind)
