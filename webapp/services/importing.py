"""An imported configuration, reviewed and saved: shared by the browser's import and the
command line's plan and apply (webapp.configs_cli).

A review says where the configuration goes, what it changes there (against the saved
version, or against the step in Floqer when the step has none here) and what the pre-flight
check finds against the target's org. A save stores it as the next version, or creates the
step's configuration as version 1, and commits each configuration on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db import Connection, SavedConfiguration
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerError
from webapp.metadata_cache import MetadataCache
from webapp.preflight import CONTROL_NAMES, Report, check
from webapp.services import NotFound, audit
from webapp.services.browse import locate_step
from webapp.services.configurations import (
    StepPlace,
    VersionConflict,
    configuration_of_step,
    create_for_step,
    get_configuration,
    rename,
    save_version,
)
from webapp.services.form_options import Step, field_facts, org_facts
from webapp.services.pushing import pull
from webapp.services.transfer import ImportedConfiguration, Target
from webapp.upsert_form import Difference, UpsertConfig, differences

IMPORTED = "configuration imported"


@dataclass(frozen=True)
class Reach:
    """What a review and a save need beyond the database: the org's metadata (cached) and a
    Floqer client for a connection."""

    metadata: MetadataCache
    client_for: Callable[[Connection], FloqerClient]


@dataclass
class Review:
    """One imported configuration: where it goes and what it changes."""

    index: int
    imported: ImportedConfiguration
    target: Target
    where: str
    config: SavedConfiguration | None  # the target's saved configuration, if it has one
    base_version: int  # the version the review was made against (0: none yet)
    diffs: list[Difference] = field(default_factory=list)
    # Against the step in Floqer: always for a new step; for a saved one when asked.
    floqer_diffs: list[Difference] | None = None
    report: Report | None = None
    problem: str | None = None  # Floqer could not be read for the check

    @property
    def unchanged(self) -> bool:
        return self.config is not None and not self.diffs


@dataclass(frozen=True)
class CheckLine:
    severity: str
    where: str
    message: str


def check_lines(review: Review) -> list[CheckLine]:
    """The pre-flight problems as a review lists them: where, then what."""
    if review.report is None:
        return []
    rows = review.imported.upsert.rows
    lines = []
    for problem in review.report.problems:
        if problem.row is not None and problem.row < len(rows):
            where = f"Row {problem.row + 1} · {rows[problem.row].name or '(no field)'}"
        elif problem.control:
            where = CONTROL_NAMES.get(problem.control, problem.control)
        else:
            where = "The mapping"
        lines.append(CheckLine(problem.severity, where, problem.message))
    return lines


def review(
    reach: Reach,
    session: Session,
    connection: Connection | None,
    index: int,
    imported: ImportedConfiguration,
    target: Target,
    *,
    against_floqer: bool = False,
) -> Review:
    """The review of `imported` going to `target` ("config" or "step"). Raises NotFound or
    FloqerError when the target cannot be read; a check that cannot be made sets `problem`.
    `against_floqer`: also compare a saved target's step in Floqer (one more call)."""
    upsert = imported.upsert
    if target.kind == "config":
        config = get_configuration(session, target.configuration_id)
        saved = UpsertConfig.from_inputs(config.inputs)
        found = Review(
            index,
            imported,
            target,
            saved_label(config),
            config,
            config.version,
            diffs=differences(saved, upsert),
        )
        checked_as, client = config, reach.client_for(config.connection)
        if against_floqer:
            found.floqer_diffs = differences(pull(session, config, client).floqer, upsert)
    else:
        if connection is None:
            raise NotFound("Choose the Floqer connection the step belongs to.")
        client = reach.client_for(connection)
        place, node = locate_step(client, target.workflow_id, target.sheet_id, target.step_id)
        existing = configuration_of_step(session, place)
        if existing is not None:  # configured since the choice was made: review against it
            again = Target("config", existing.id)
            return review(
                reach, session, connection, index, imported, again, against_floqer=against_floqer
            )
        found = Review(
            index,
            imported,
            target,
            place_label(place),
            None,
            0,
            floqer_diffs=differences(UpsertConfig.from_inputs(node.inputs), upsert),
        )
        checked_as = _unsaved(connection, place)
    try:
        found.report = check(upsert, org_facts(reach.metadata, client, checked_as, upsert))
    except FloqerError as exc:
        found.problem = exc.user_message
    return found


def saved_label(config: SavedConfiguration) -> str:
    where = f"{config.workflow_name} › {config.sheet_name} › {config.step_name}"
    return f"{config.name} — {where} (version {config.version})"


def place_label(place: StepPlace) -> str:
    return f"{place.workflow_name} › {place.sheet_name} › {place.step_name}"


def _unsaved(connection: Connection, place: StepPlace) -> SavedConfiguration:
    """A configuration of the step that is never added to the session: what the pre-flight
    check reads (connection and step ids) for a step that has none yet."""
    return SavedConfiguration(
        connection_id=connection.id,
        workflow_id=place.workflow_id,
        sheet_id=place.sheet_id,
        step_id=place.step_id,
        body={},
    )


@dataclass(frozen=True)
class Outcome:
    title: str
    message: str
    kind: str  # success, info, warning
    config: SavedConfiguration | None = None


@dataclass(frozen=True)
class Saving:
    """Who saves, how the version's note says it came, and what the audit record is."""

    author: str
    note: str
    action: str = IMPORTED
    # The imported name, given to the configuration (None: the name stays as it is here,
    # and a new step's configuration is named after its workflow and step).
    name: str | None = None


def save_imported(
    reach: Reach,
    session: Session,
    connection: Connection | None,
    imported: ImportedConfiguration,
    target: Target,
    base_version: int,
    saving: Saving,
) -> Outcome:
    """Save one reviewed configuration (committed on its own), and say what became of it.
    Raises NotFound or FloqerError when the target cannot be read."""
    if target.kind == "config":
        config = get_configuration(session, target.configuration_id)
        return _save_version(reach, session, config, imported, base_version, saving)
    if connection is None:
        raise NotFound("Choose the Floqer connection the step belongs to.")
    client = reach.client_for(connection)
    place, _ = locate_step(client, target.workflow_id, target.sheet_id, target.step_id)
    if configuration_of_step(session, place) is not None or base_version != 0:
        return _changed(imported, "someone configured this step since your review")
    step = Step(connection.id, place.workflow_id, place.sheet_id, place.step_id)
    facts = field_facts(reach.metadata, step, imported.upsert)
    try:
        config = create_for_step(
            session,
            connection,
            place,
            imported.upsert.body()["inputs"],
            saving.author,
            note=saving.note,
            field_facts=facts,
        )
    except IntegrityError:
        session.rollback()
        return _changed(imported, "someone configured this step since your review")
    if saving.name:
        rename(config, saving.name)
    _audit(session, saving, config, f"version 1 (created), {saving.note}")
    session.commit()
    message = "Created this step's configuration as version 1."
    return Outcome(config.name, message, "success", config)


def _save_version(
    reach: Reach,
    session: Session,
    config: SavedConfiguration,
    imported: ImportedConfiguration,
    base_version: int,
    saving: Saving,
) -> Outcome:
    facts = field_facts(reach.metadata, config, imported.upsert)
    try:
        saved = save_version(
            session,
            config,
            base_version=base_version,
            upsert=imported.upsert,
            author=saving.author,
            name=saving.name or None,
            note=saving.note,
            field_facts=facts,
        )
    except VersionConflict as exc:
        session.rollback()
        head = exc.head
        return _changed(
            imported,
            f"it was changed since your review (now version {head.version}, by "
            f"{head.author or 'someone'})",
            config,
        )
    if not saved.created and not saved.renamed:
        return Outcome(config.name, "No difference: nothing to save.", "info", config)
    if not saved.created:
        _audit(session, saving, config, f"renamed, {saving.note}")
        session.commit()
        return Outcome(
            config.name, f"Renamed; version {saved.version} unchanged.", "success", config
        )
    _audit(session, saving, config, f"version {saved.version}, {saving.note}")
    session.commit()
    return Outcome(config.name, f"Saved as version {saved.version}.", "success", config)


def _changed(
    imported: ImportedConfiguration, why: str, config: SavedConfiguration | None = None
) -> Outcome:
    message = f"Not saved: {why}. Import the file again to review it against what is there now."
    return Outcome(config.name if config else imported.name, message, "warning", config)


def _audit(session: Session, saving: Saving, config: SavedConfiguration, detail: str) -> None:
    audit.record_on(session, saving.author, saving.action, config, detail=detail)
