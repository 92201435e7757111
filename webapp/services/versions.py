"""A configuration's versions: listed with what each changed, compared field by field, restored.

Every save already keeps its whole body (ConfigurationVersion); this module reads them back.
A restore never rewrites history: the old body is saved again as the next version, through
save_version, so a stale page meets the same VersionConflict as a stale form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db import ConfigurationVersion, PushRecord, SavedConfiguration, TestRun
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerBadRequest, FloqerError
from webapp.services import NotFound, audit
from webapp.services.browse import step_node
from webapp.services.configurations import Saved, save_version
from webapp.upsert_form import EXTERNAL_ID, FIELDS, OBJECT, TOGGLES, FieldRow, UpsertConfig

PAGE_SIZE = 50  # versions per page of the list
CHOICES = 200  # versions offered in the compare form's selects (older ones: their own page)
RECORDS = 20  # pushes and test runs shown on one version's page
SUMMARY_PARTS = 6  # changes named in a one-line summary before "and N more"
FLOQER = "floqer"  # the compare parameter that stands for Floqer's step now


def upsert_of(version: ConfigurationVersion) -> UpsertConfig:
    return UpsertConfig.from_inputs(version.body.get("inputs", {}))


# --- what changed between two bodies ----------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    """One setting of two versions side by side; `change` is same, changed, added or removed."""

    what: str
    a: str
    b: str
    change: str


def compare(a: UpsertConfig, b: UpsertConfig) -> list[CompareRow]:
    """Every setting of `a` and `b`, in the form's order: object, External ID field, the
    three options, then one row per mapped field (a field mapped twice is two rows)."""
    rows = [
        _setting("Salesforce object", a.salesforce_object, b.salesforce_object),
        _setting("External ID field", a.external_id_field, b.external_id_field),
    ]
    rows += [
        _setting(label, _on_off(a.toggle(name)), _on_off(b.toggle(name)))
        for name, label, _, _ in TOGGLES
    ]
    mine, theirs = keyed(a.rows), keyed(b.rows)
    for key in dict.fromkeys([*mine, *theirs]):
        old, new = mine.get(key), theirs.get(key)
        if old is None:
            change = "added"
        elif new is None:
            change = "removed"
        else:
            change = "same" if old == new else "changed"
        rows.append(CompareRow(f"Field {key}", describe(old), describe(new), change))
    return rows


def _setting(what: str, a: str, b: str) -> CompareRow:
    return CompareRow(what, a or "(empty)", b or "(empty)", "same" if a == b else "changed")


def keyed(rows: Sequence[FieldRow]) -> dict[str, FieldRow]:
    """Rows by field name; the same field mapped twice stays two rows ("Name (#2)")."""
    found: dict[str, FieldRow] = {}
    for row in rows:
        key, n = row.name, 1
        while key in found:
            n += 1
            key = f"{row.name} (#{n})"
        found[key] = row
    return found


def describe(row: FieldRow | None) -> str:
    if row is None:
        return "(not mapped)"
    extra = "".join(f" [{k}: {v}]" for k, v in row.extra)
    return f"{row.value}{extra}" if row.value else f"(empty){extra}"


def _on_off(value: bool) -> str:
    return "On" if value else "Off"


def summary(before: UpsertConfig | None, after: UpsertConfig) -> str:
    """One line of what `after` changed from `before`: "Object Account → Contact; External
    ID field Domain__c; Website added; Name changed; Ignore empty values off"."""
    if before is None:
        return _first_summary(after)
    parts: list[str] = []
    if before.salesforce_object != after.salesforce_object:
        parts.append(f"Object {_arrow(before.salesforce_object, after.salesforce_object)}")
    if before.external_id_field != after.external_id_field:
        parts.append(
            f"External ID field {_arrow(before.external_id_field, after.external_id_field)}"
        )
    old, new = keyed(before.rows), keyed(after.rows)
    parts += [f"{key} added" for key in new if key not in old]
    parts += [f"{key} removed" for key in old if key not in new]
    changed = [f"{key} changed" for key in new if key in old and old[key] != new[key]]
    parts += changed
    if not changed and list(old) != list(new) and set(old) == set(new):
        parts.append("Fields reordered")
    parts += [
        f"{label} {_on_off(after.toggle(name)).lower()}"
        for name, label, _, _ in TOGGLES
        if before.toggle(name) != after.toggle(name)
    ]
    if not parts:
        return "No change"
    if len(parts) > SUMMARY_PARTS:
        parts = [*parts[:SUMMARY_PARTS], f"and {len(parts) - SUMMARY_PARTS} more"]
    return "; ".join(parts)


def _first_summary(after: UpsertConfig) -> str:
    what = after.salesforce_object or "no object yet"
    key = f" matched by {after.external_id_field}" if after.external_id_field else ""
    return f"First version: {what}{key}, {len(after.rows)} field(s) mapped"


def _arrow(old: str, new: str) -> str:
    if not old:
        return new
    return f"{old} → {new or '(none)'}"


# --- the list, one version, and the records about it -------------------------------------------


@dataclass(frozen=True)
class VersionLine:
    """One version as the list shows it."""

    version: ConfigurationVersion
    summary: str
    pushed: bool  # a push of it succeeded at least once
    in_floqer: bool  # the last read of the step found exactly this version
    current: bool  # the configuration's head


@dataclass(frozen=True)
class VersionPage:
    lines: list[VersionLine]
    page: int
    pages: int
    total: int


def version_page(session: Session, config: SavedConfiguration, page: int) -> VersionPage:
    """Page `page` (from 1, newest first) of the versions, each with what it changed."""
    total = session.scalar(_versions_of(config, func.count(ConfigurationVersion.id))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    found = list(
        session.scalars(
            select(ConfigurationVersion)
            .where(ConfigurationVersion.configuration_id == config.id)
            .order_by(ConfigurationVersion.version.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)  # the one before the page's last, for its summary
        )
    )
    shown = found[:PAGE_SIZE]
    pushed = pushed_versions(session, config, [v.version for v in shown])
    lines = []
    for i, version in enumerate(shown):
        before = found[i + 1] if i + 1 < len(found) else None
        line = summary(upsert_of(before) if before else None, upsert_of(version))
        lines.append(
            VersionLine(
                version,
                line,
                version.version in pushed,
                version.version == config.floqer_seen_version,
                version.version == config.version,
            )
        )
    return VersionPage(lines, page, pages, total)


def _versions_of(config: SavedConfiguration, what: Any) -> Any:
    return select(what).where(ConfigurationVersion.configuration_id == config.id)


def pushed_versions(session: Session, config: SavedConfiguration, versions: list[int]) -> set[int]:
    """Which of `versions` Floqer accepted at least once."""
    return set(
        session.scalars(
            select(PushRecord.version)
            .where(
                PushRecord.configuration_id == config.id,
                PushRecord.outcome == "pushed",
                PushRecord.version.in_(versions),
            )
            .distinct()
        )
    )


def version_numbers(session: Session, config: SavedConfiguration) -> list[int]:
    """The newest versions, newest first, for the compare form's choices (bounded)."""
    return list(
        session.scalars(
            _versions_of(config, ConfigurationVersion.version)
            .order_by(ConfigurationVersion.version.desc())
            .limit(CHOICES)
        )
    )


def get_version(session: Session, config: SavedConfiguration, number: int) -> ConfigurationVersion:
    found = session.scalar(
        select(ConfigurationVersion).where(
            ConfigurationVersion.configuration_id == config.id,
            ConfigurationVersion.version == number,
        )
    )
    if found is None:
        raise NotFound(
            f"{config.name} has no version {number}: its versions are 1 to {config.version}."
        )
    return found


def previous_version(
    session: Session, config: SavedConfiguration, number: int
) -> ConfigurationVersion | None:
    return session.scalar(
        select(ConfigurationVersion)
        .where(
            ConfigurationVersion.configuration_id == config.id,
            ConfigurationVersion.version < number,
        )
        .order_by(ConfigurationVersion.version.desc())
        .limit(1)
    )


def pushes_of(session: Session, config: SavedConfiguration, number: int) -> list[PushRecord]:
    return list(
        session.scalars(
            select(PushRecord)
            .where(PushRecord.configuration_id == config.id, PushRecord.version == number)
            .order_by(PushRecord.id.desc())
            .limit(RECORDS)
        )
    )


def runs_of(session: Session, config: SavedConfiguration, number: int) -> list[TestRun]:
    """The test runs of version `number` (the newest few)."""
    return list(
        session.scalars(
            select(TestRun)
            .where(TestRun.configuration_id == config.id, TestRun.version == number)
            .order_by(TestRun.id.desc())
            .limit(RECORDS)
        )
    )


# --- comparing two versions, or a version with Floqer's step -----------------------------------


class CompareProblem(ValueError):
    """The compare page's parameters name nothing comparable; the message says what to do."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Side:
    label: str  # "Version 3", "Floqer's step now"
    upsert: UpsertConfig
    version: int | None = None  # None: Floqer's step


@dataclass(frozen=True)
class Comparison:
    a: Side | None
    b: Side | None
    floqer_failure: str | None = None  # Floqer could not be read; a side may be its last copy

    @property
    def rows(self) -> list[CompareRow]:
        return compare(self.a.upsert, self.b.upsert) if self.a and self.b else []

    @property
    def changed(self) -> list[CompareRow]:
        return [row for row in self.rows if row.change != "same"]

    @property
    def unchanged(self) -> list[CompareRow]:
        return [row for row in self.rows if row.change == "same"]


def chosen(raw: str) -> int | str:
    """A compare parameter: a version number, or "floqer" for Floqer's step now."""
    text = raw.strip().lower()
    if text == FLOQER:
        return FLOQER
    if not text:
        raise CompareProblem("Choose two versions to compare.")
    if not text.isdigit() or len(text) > 9:
        shown = raw.strip()[:40]
        raise CompareProblem(f"“{shown}” is not a version number: choose versions from the lists.")
    return int(text)


def comparison(
    session: Session, config: SavedConfiguration, a: str, b: str, client: FloqerClient
) -> Comparison:
    """Version `a` and `b` side by side (either may be "floqer", read from Floqer now).

    Raises CompareProblem for parameters that name no version. If Floqer cannot be read, the
    comparison says why and stands on the copy the app last read, when it kept one.
    """
    first, second = chosen(a), chosen(b)
    sides: dict[int | str, Side | None] = {}
    failure = None
    for choice in (first, second):
        if isinstance(choice, int) and choice not in sides:
            sides[choice] = Side(
                f"Version {choice}", upsert_of(_known(session, config, choice)), choice
            )
    if FLOQER in (first, second):
        try:
            node = step_node(client, config.workflow_id, config.sheet_id, config.step_id)
            sides[FLOQER] = Side("Floqer's step now", UpsertConfig.from_inputs(node.inputs))
        except FloqerError as exc:
            failure = f"Floqer's step could not be read just now. {exc.user_message}"
            sides[FLOQER] = _last_seen(config)
    return Comparison(sides[first], sides[second], failure)


def _known(session: Session, config: SavedConfiguration, number: int) -> ConfigurationVersion:
    try:
        return get_version(session, config, number)
    except NotFound as exc:
        raise CompareProblem(str(exc), status=404) from None


def _last_seen(config: SavedConfiguration) -> Side | None:
    when = seen_at(config)
    if when is None or config.floqer_seen_body is None:
        return None
    label = f"Floqer's step as of {when.strftime('%Y-%m-%d %H:%M UTC')} (last known copy)"
    body = config.floqer_seen_body
    return Side(label, UpsertConfig.from_inputs(body.get("inputs", body)))


# --- restore -----------------------------------------------------------------------------------


def restore(
    session: Session,
    config: SavedConfiguration,
    number: int,
    *,
    base_version: int,
    author: str,
    field_facts: dict[str, Any] | None = None,
) -> Saved:
    """Save version `number`'s body again as the next version, noted "restored from version
    n" (created False: it equals the head, nothing changed). Raises VersionConflict when
    someone saved since the page was opened at `base_version`, NotFound for no such version.
    """
    old = get_version(session, config, number)
    saved = save_version(
        session,
        config,
        base_version=base_version,
        upsert=upsert_of(old),
        author=author,
        note=f"restored from version {number}",
        field_facts=field_facts,
    )
    if saved.created:
        detail = f"version {number} restored as version {saved.version}"
        audit.record(session, author, "version restored", config.name, detail=detail)
    return saved


# --- Floqer's problems as the push history shows them -----------------------------------------

_PLACES = {
    f"inputs.{OBJECT}": "Salesforce object",
    f"inputs.{EXTERNAL_ID}": "External ID field",
    f"inputs.{FIELDS}": "Fields and their values",
    **{f"inputs.{name}": label for name, label, _, _ in TOGGLES},
}


@dataclass(frozen=True)
class ProblemLine:
    where: str
    message: str


@dataclass(frozen=True)
class PushAnswer:
    """Floqer's answer to one push as a history row tells it: the app's summary (without
    "marked below", which a row far from the form cannot keep) and Floqer's problems."""

    summary: str
    problems: list[ProblemLine]


def push_answer(record: PushRecord) -> PushAnswer:
    problems = problem_lines(record.problems)
    summary = record.summary
    if problems and summary == FloqerBadRequest.default_message:
        summary = f"Floqer did not accept version {record.version}. It named these problems:"
    return PushAnswer(summary, problems)


def problem_lines(problems: Sequence[dict[str, str]]) -> list[ProblemLine]:
    """Floqer's `errors` of a refused push, each named as the form names its control
    ("Field row 4 · name" for inputs.add_fields_and_their_values[3].name)."""
    lines = []
    for problem in problems[:50]:
        path = str(problem.get("field", ""))
        message = str(problem.get("message", "")) or str(problem.get("code", "")) or "Invalid"
        lines.append(ProblemLine(_place(path), message))
    return lines


def _place(path: str) -> str:
    if path in _PLACES:
        return _PLACES[path]
    prefix = f"inputs.{FIELDS}["
    if path.startswith(prefix) and "]" in path:
        index, _, rest = path[len(prefix) :].partition("]")
        if index.isdigit():
            part = rest.removeprefix(".")
            return f"Field row {int(index) + 1}" + (f" · {part}" if part else "")
    return path or "The configuration"


def seen_at(config: SavedConfiguration) -> datetime | None:
    """When the app last read the step's body from Floqer, if it kept one."""
    return config.floqer_seen_at if config.floqer_seen_body is not None else None
