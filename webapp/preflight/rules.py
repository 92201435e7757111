"""The pre-flight check's rules for the whole form and each row, run once per check."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from webapp.preflight.drift import SavedFields, drift_hits
from webapp.preflight.fields import TOKEN, Hit, Meta, Suggestions, closest, is_empty
from webapp.preflight.report import (
    ASSIGNMENT_RULES,
    EXTERNAL_ID_CONTROL,
    IGNORE_EMPTY,
    OBJECT_CONTROL,
    OrgFacts,
    Part,
    Problem,
    Report,
)
from webapp.preflight.values import reference_hits, token_bodies, value_hits
from webapp.upsert_form import TOGGLES, FieldRow, UpsertConfig

# Sforce-Auto-Assign only touches these objects (contract section 4).
_ASSIGNABLE = frozenset({"lead", "account", "case"})
# Past this many unknown field names (a form set up for another object), stop suggesting.
_SUGGESTED_ROWS = 5


class Check:
    """One run of the check: lookups built once, then the form's and each row's rules."""

    def __init__(self, config: UpsertConfig, facts: OrgFacts) -> None:
        self.config = config
        self.facts = facts
        self.object = config.salesforce_object.strip()
        # Salesforce API names are case-insensitive; a field is wrapped only when a rule reads it.
        self.options = {str(o.value).lower(): o for o in facts.fields}
        self.metas: dict[str, Meta] = {}
        self.ignore_empty = _toggle(config, IGNORE_EMPTY)
        self.references = token_bodies(facts.references)
        self.unknown_names = 0

    def report(self) -> Report:
        problems = self._object_problems()
        if problems:  # without a known object there is nothing to check the rows against
            return _report(problems, checked=True)
        if self.object.lower() != str(self.facts.object_name).strip().lower():
            return _report([], checked=False)
        problems += self._external_id_problems()
        problems += self._required_missing()
        first_row: dict[str, int] = {}
        for index, row in enumerate(self.config.rows):
            problems += self._row_problems(index, row, first_row)
        return _report(problems, checked=True)

    def field(self, name: str) -> Meta | None:
        key = name.strip().lower()
        if key not in self.metas and key in self.options:
            self.metas[key] = Meta.of(self.options[key])
        return self.metas.get(key)

    # -- the whole form -------------------------------------------------------------------

    def _object_problems(self) -> list[Problem]:
        if not self.object:
            message = "Choose the Salesforce object to upsert into."
            return [Problem("error", "no_object", message, control=OBJECT_CONTROL)]
        names = self.facts.object_names
        if names is None or self.object in names:  # the usual case, without lower-casing 1,000
            return []
        known = {n.lower(): n for n in names if isinstance(n, str)}
        if self.object.lower() in known:
            return []
        message = f"The connected Salesforce org has no object “{self.object}”."
        guess = closest(self.object, known)
        return [Problem("error", "unknown_object", message, None, None, OBJECT_CONTROL, guess)]

    def _external_id_problems(self) -> list[Problem]:
        name = self.config.external_id_field.strip()
        if not name:
            message = "Choose the External ID field Salesforce matches records on."
            return [Problem("error", "no_external_id", message, control=EXTERNAL_ID_CONTROL)]
        ids = {m.name.lower(): m for m in map(Meta.of, self.facts.external_ids)}
        key = ids.get(name.lower())
        problems = []
        if key is None:
            message = f"“{name}” is not an External ID field of {self.object} (any more)."
            guess = closest(name, {k: m.name for k, m in ids.items()})
            problems.append(
                Problem("error", "not_external_id", message, None, None, EXTERNAL_ID_CONTROL, guess)
            )
        elif _explicitly_not_unique(key, self.field(name)):
            message = (
                f"{key.named} is not unique in Salesforce: when several {self.object} records "
                "share a value, Salesforce refuses that row (more than one record matches)."
            )
            problems.append(
                Problem("warning", "external_id_not_unique", message, control=EXTERNAL_ID_CONTROL)
            )
        return problems + self._external_id_unmapped(key.named if key else name)

    def _external_id_unmapped(self, named: str) -> list[Problem]:
        wanted = self.config.external_id_field.strip().lower()
        rows = [i for i, r in enumerate(self.config.rows) if r.name.strip().lower() == wanted]
        if not rows:
            message = (
                f"No row maps the External ID field {named}: Salesforce cannot match any "
                "record without it. Add a row for it."
            )
            return [
                Problem("error", "external_id_not_mapped", message, control=EXTERNAL_ID_CONTROL)
            ]
        if is_empty(self.config.rows[rows[0]].value):
            message = (
                f"The External ID field {named} is mapped to an empty value: Salesforce cannot "
                "match any record without it."
            )
            return [Problem("error", "external_id_not_mapped", message, rows[0], "value")]
        return []

    def _required_missing(self) -> list[Problem]:
        covered: set[str] = set()
        for row in self.config.rows:
            meta = self.field(row.name)
            # An empty value is left out (or, with ignore-empty off, refused on its own row).
            clears = not self.ignore_empty and meta is not None and meta.flag("nillable") is False
            if not is_empty(row.value) or clears:
                covered.add(row.name.strip().lower())
        missing = [
            meta
            for key, option in self.options.items()
            if key not in covered
            and isinstance(option.extras, Mapping)
            and option.extras.get("required") is True
            and (meta := self.field(key)) is not None
        ]
        if not missing:
            return []
        listed = ", ".join(m.named for m in missing)
        message = (
            f"To create a {self.object}, Salesforce needs a value for {listed}: add a row "
            f"{'for it' if len(missing) == 1 else 'for each'} with a value."
        )
        fields = tuple(m.name for m in missing)
        return [Problem("error", "required_missing", message, fields=fields)]

    # -- one row --------------------------------------------------------------------------

    def _row_problems(self, index: int, row: FieldRow, first_row: dict[str, int]) -> list[Problem]:
        problems = self._field_problems(index, row, first_row) + self._drifted(index, row.name)
        hits = reference_hits(row.value, self.references)
        return problems + [_on(index, "value", hit) for hit in hits]

    def _field_problems(
        self, index: int, row: FieldRow, first_row: dict[str, int]
    ) -> list[Problem]:
        name = row.name.strip()
        meta = self.field(name)
        if meta is None:
            return [_on(index, "name", self._unknown_field(name))]
        first = first_row.setdefault(name.lower(), index)
        if first != index:
            message = f"{meta.named} is already mapped on row {first + 1}; remove this row."
            return [Problem("error", "duplicate_field", message, index, "name")]
        problems = [_on(index, "name", hit) for hit in self._writability(meta)]
        problems += [_on(index, "value", hit) for hit in value_hits(meta, row.value)]
        problems += self._emptiness(index, meta, row.value)
        return problems + self._owner_overridden(index, meta)

    def _drifted(self, index: int, name: str) -> list[Problem]:
        """A field the draft's starting version knew, deleted or re-typed in the org since."""
        saved = self._saved_fields
        if saved is None or not self.options:  # no fields at all: nothing known, not deleted
            return []
        hits = drift_hits(saved, name, self.field(name), self.object)
        return [_on(index, "name", hit) for hit in hits]

    @cached_property
    def _saved_fields(self) -> SavedFields | None:
        """The starting version's fields, when they are of this object (not another's)."""
        saved = self.facts.saved_fields
        if not isinstance(saved, SavedFields) or saved.object_name is None:
            return None
        return saved if saved.object_name.strip().lower() == self.object.lower() else None

    def _unknown_field(self, name: str) -> Hit:
        if not name:
            return Hit("no_field", "Choose the Salesforce field this row sets.")
        by_label = self._labels.get(name.lower())
        if by_label is not None:
            message = f"“{name}” is the label; the API name is {by_label}."
            return Hit("unknown_field", message, suggestion=by_label)
        message = f"{self.object} has no field “{name}”."
        self.unknown_names += 1
        if self.unknown_names > _SUGGESTED_ROWS:
            return Hit("unknown_field", message)
        return Hit("unknown_field", message, suggestion=self._field_names.closest(name))

    @cached_property
    def _labels(self) -> dict[str, str]:
        """Lower-cased label -> API name (the first field wins a label two fields share)."""
        labels: dict[str, str] = {}
        for option in self.options.values():
            labels.setdefault(str(option.label).lower(), str(option.value))
        return labels

    @cached_property
    def _field_names(self) -> Suggestions:
        # API names win over labels that happen to read the same.
        names = {key: str(option.value) for key, option in self.options.items()}
        return Suggestions(self._labels | names)

    @cached_property
    def _compound_parts(self) -> dict[str, list[str]]:
        parts: dict[str, list[str]] = {}
        for option in self.options.values():
            extras = option.extras if isinstance(option.extras, Mapping) else {}
            compound = extras.get("compoundFieldName")
            if compound and isinstance(compound, str):
                parts.setdefault(compound.lower(), []).append(str(option.value))
        return parts

    def _writability(self, meta: Meta) -> list[Hit]:
        createable, updateable = meta.flag("createable"), meta.flag("updateable")
        if meta.flag("calculated") is True:
            why = "is a formula field: Salesforce computes it and refuses any value"
        elif meta.flag("autoNumber") is True:
            why = "is an auto-number: Salesforce numbers it and refuses any value"
        elif createable is False and updateable is False:
            why = "is read-only: Salesforce refuses any value for it"
            parts = self._compound_parts.get(meta.name.lower())
            why += f"; set {', '.join(parts)} instead" if parts else ""
        elif createable is True and updateable is False:
            message = (
                f"{meta.named} can only be set on new records: updating an existing record "
                "with it is refused."
            )
            return [Hit("insert_only", message, "warning")]
        elif createable is False and updateable is True:
            message = (
                f"{meta.named} can only be changed on existing records: creating a new record "
                "with it is refused."
            )
            return [Hit("update_only", message, "warning")]
        else:
            return []
        return [Hit("read_only", f"{meta.named} {why}. Remove this row.")]

    def _emptiness(self, index: int, meta: Meta, value: str) -> list[Problem]:
        if self.ignore_empty:
            return []
        nillable = meta.flag("nillable")
        if is_empty(value) and nillable is False:
            message = (
                f"{meta.named} cannot be empty in Salesforce, and with “Ignore empty values” off "
                "this empty value would clear it: give it a value or remove the row."
            )
            return [Problem("error", "clears_required", message, index, "value")]
        # An empty External ID leaves its row unmatched rather than clearing anything.
        is_key = meta.name.lower() == self.config.external_id_field.strip().lower()
        if nillable is not False and not is_key and TOKEN.search(value):
            message = (
                f"With “Ignore empty values” off, {meta.named} is cleared in Salesforce on "
                "every row where this value comes out empty."
            )
            return [Problem("warning", "empty_clears", message, index, "value")]
        return []

    def _owner_overridden(self, index: int, meta: Meta) -> list[Problem]:
        if meta.name.lower() != "ownerid" or self.object.lower() not in _ASSIGNABLE:
            return []
        if not _toggle(self.config, ASSIGNMENT_RULES):
            return []
        message = (
            f"“Run Salesforce assignment rules” is on: the {self.object} assignment rules may "
            "replace the owner this row sets. Turn it off to keep this owner."
        )
        return [Problem("warning", "owner_overridden", message, index, "name", ASSIGNMENT_RULES)]


def _report(problems: list[Problem], *, checked: bool) -> Report:
    # Form-level first, then by row; errors before warnings (the sort is stable).
    def order(p: Problem) -> tuple[int, int]:
        return (-1 if p.row is None else p.row, 0 if p.severity == "error" else 1)

    return Report(tuple(sorted(problems, key=order)), checked)


def _on(index: int, part: Part, hit: Hit) -> Problem:
    return Problem(hit.severity, hit.code, hit.message, index, part, suggestion=hit.suggestion)


def _toggle(config: UpsertConfig, name: str) -> bool:
    for key, value in config.toggles:
        if key == name and isinstance(value, bool):
            return value
    return next(default for key, _, default, _ in TOGGLES if key == name)


def _explicitly_not_unique(key: Meta, field: Meta | None) -> bool:
    unique = key.flag("unique")
    if unique is None and field is not None:
        unique = field.flag("unique")
    return unique is False
