"""A configuration's versions: listed with what each changed, compared field by field, restored.

Every save already keeps its whole body (ConfigurationVersion); this module reads them back.
A restore never rewrites history: the old body is saved again as the next version, through
save_version, so a stale page meets the same VersionConflict as a stale form.
"""

from __future__ import annotations

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
from webapp.services.floqer_state import observe, pushed_versions
from webapp.upsert_form import UpsertConfig
from webapp.version_diff import CompareRow, ProblemLine, compare, problem_lines, summary

PAGE_SIZE = 50  # versions per page of the list
CHOICES = 200  # versions offered in the compare form's selects (older ones: their own page)
RECORDS = 20  # pushes and test runs shown on one version's page
FLOQER = "floqer"  # the compare parameter that stands for Floqer's step now


def upsert_of(version: ConfigurationVersion) -> UpsertConfig:
    return UpsertConfig.from_inputs(version.body.get("inputs", {}))


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
    pushed = pushed_versions(session, [config.id])[config.id]
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
            floqer = UpsertConfig.from_inputs(node.inputs)
            sides[FLOQER] = Side("Floqer's step now", floqer)
            observe(session, config, floqer)  # the state line says what was just read
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
        audit.record_on(session, author, "version restored", config, detail=detail)
    return saved


# --- Floqer's answer to a push, as the push history shows it -----------------------------------


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


def seen_at(config: SavedConfiguration) -> datetime | None:
    """When the app last read the step's body from Floqer, if it kept one."""
    return config.floqer_seen_at if config.floqer_seen_body is not None else None
