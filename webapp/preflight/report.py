"""What the pre-flight check tells (problems, a report) and what it is told (OrgFacts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from webapp.floqer.models import FieldOption
from webapp.upsert_form import EXTERNAL_ID, OBJECT, TOGGLES

if TYPE_CHECKING:  # drift.py reads metadata with fields.py, which imports this module
    from webapp.preflight.drift import SavedFields

Severity = Literal["error", "warning"]
Part = Literal["name", "value"]

# The form's own input names (webapp.upsert_form), which problems point at.
OBJECT_CONTROL = OBJECT
EXTERNAL_ID_CONTROL = EXTERNAL_ID
IGNORE_EMPTY = "ignore_empty_values"
ASSIGNMENT_RULES = "run_salesforce_assignment_rules"
# What a person calls each of those controls, where a problem is listed away from the form.
CONTROL_NAMES = {
    OBJECT_CONTROL: "Salesforce object",
    EXTERNAL_ID_CONTROL: "External ID field",
    **{name: label for name, label, _, _ in TOGGLES},
}


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    message: str  # plain language for a RevOps user; names the field by label and API name
    row: int | None = None  # index into config.rows; None for the whole form
    part: Part | None = None  # which control of that row it is about
    control: str | None = None  # a form control: OBJECT_CONTROL, EXTERNAL_ID_CONTROL, a toggle
    suggestion: str | None = None  # what the user probably meant ("did you mean")
    fields: tuple[str, ...] = ()  # required_missing: the API names to add rows for


@dataclass(frozen=True)
class OrgFacts:
    object_name: str
    fields: Sequence[FieldOption]
    external_ids: Sequence[FieldOption]
    # Every {{token}} a value may use (input columns, upstream outputs, list columns), with
    # or without the braces; None when unknown, which skips the reference rule.
    references: frozenset[str] | None
    object_names: Sequence[str] | None = None  # the org's objects, to say one does not exist
    # What the version the draft started from knew of its fields, to tell what changed in
    # the org since; None when unknown (not kept, or another object), which skips the rule.
    saved_fields: SavedFields | None = None


@dataclass(frozen=True)
class Report:
    problems: tuple[Problem, ...]
    checked: bool  # False when there was no metadata for this object: nothing was checked

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ready(self) -> bool:
        return self.checked and not self.errors

    def for_row(self, index: int) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.row == index)
