"""Apply one configuration's mapping to other upsert steps of its connection: list, then apply.

The page "Apply this mapping to other steps" lists the connection's other upsert steps (the
workflows Floqer lists first, up to MAX_BROWSED_WORKFLOWS), each reviewed as the import
reviews a configuration (webapp.services.importing): what applying would change there and
what the pre-flight check finds against the step's org. Applying gives each selected step a
new version (its first when it has none here), pushed when asked, in order; each step
commits on its own, so one step's failure leaves the others' results standing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from webapp.db import SavedConfiguration
from webapp.floqer.errors import FloqerError, FloqerNotFound
from webapp.floqer.models import ActionNode
from webapp.secrets_box import KeyBoxError
from webapp.services import NotFound, audit
from webapp.services.browse import sheets_with_steps
from webapp.services.configurations import configurations_of_workflow, get_configuration
from webapp.services.importing import CheckLine, Reach, Review, Saving, check_lines, review
from webapp.services.importing import save_imported as save_one
from webapp.services.pushing import PushInProgress, push
from webapp.services.transfer import (
    MAX_BROWSED_WORKFLOWS,
    ImportedConfiguration,
    ImportedStep,
    Target,
    parse_target,
    step_target,
)
from webapp.upsert_form import UpsertConfig, differences
from webapp.version_diff import CompareRow, compare

APPLIED = "mapping applied"
MAX_STEPS = 100  # steps one page lists and one click applies


class SourceChanged(Exception):
    """The configuration whose mapping is applied changed since the page was opened."""


@dataclass(frozen=True)
class StepChoice:
    """One other upsert step: what it holds now and what applying the mapping would change."""

    key: str  # the form's value for it (a Target's value)
    where: str
    config: SavedConfiguration | None  # its configuration here, if it has one
    current: UpsertConfig  # saved here, else what Floqer's step holds
    changes: list[CompareRow]
    lines: list[CheckLine]
    problem: str  # the pre-flight check could not read the org ("": it could)

    @property
    def base_version(self) -> int:
        return self.config.version if self.config is not None else 0

    @property
    def status(self) -> str:
        """As the CLI's plan says it: new (no configuration here), changed or unchanged."""
        if self.config is None:
            return "new"
        return "changed" if self.changes else "unchanged"

    @property
    def errors(self) -> int:
        return sum(1 for line in self.lines if line.severity == "error")


@dataclass(frozen=True)
class Listing:
    steps: list[StepChoice]
    workflows_read: int
    more_workflows: bool  # the org has more workflows than were read
    problem: str  # Floqer failed part way ("": it did not)


@dataclass(frozen=True)
class StepResult:
    where: str
    kind: str  # success, info, warning, error
    message: str
    config_id: int | None = None


def mapping_of(source: SavedConfiguration, step: ImportedStep) -> ImportedConfiguration:
    """The source's mapping as the import would read it, going to `step` (the name there
    stays: an empty name keeps it)."""
    upsert = UpsertConfig.from_inputs(source.inputs)
    return ImportedConfiguration("", source.version, source.connection.label, step, upsert, ())


def other_steps(reach: Reach, session: Session, source: SavedConfiguration) -> Listing:
    """Every other upsert step of the source's connection, reviewed, in Floqer's order."""
    client = reach.client_for(source.connection)
    try:
        workflows = client.list_workflows()
    except FloqerError as exc:
        return Listing([], 0, False, exc.user_message)
    read = workflows[:MAX_BROWSED_WORKFLOWS]
    steps: list[StepChoice] = []
    problem = ""
    for summary in read:
        try:
            overview, sheets = sheets_with_steps(client, summary.workflow_id)
            saved = configurations_of_workflow(session, summary.workflow_id)
            name = overview.name or summary.workflow_id
            for entry in sheets:
                for node in entry.upsert_steps:
                    ids = (summary.workflow_id, entry.sheet.sheet_id, node.action_instance_id)
                    if ids == (source.workflow_id, source.sheet_id, source.step_id):
                        continue
                    sheet_name = entry.sheet.name or entry.sheet.sheet_id
                    step = ImportedStep(ids[0], name, ids[1], sheet_name, ids[2], node.display_name)
                    steps.append(_choice(reach, session, source, step, node, saved.get(ids[1:])))
        except FloqerNotFound:
            continue  # deleted while it was being read
        except FloqerError as exc:
            problem = exc.user_message
            break
        if len(steps) >= MAX_STEPS:
            break
    return Listing(steps[:MAX_STEPS], len(read), len(workflows) > len(read), problem)


def _choice(
    reach: Reach,
    session: Session,
    source: SavedConfiguration,
    step: ImportedStep,
    node: ActionNode,
    config_id: int | None,
) -> StepChoice:
    if config_id is not None:
        config = get_configuration(session, config_id)
        target, current = Target("config", config_id), UpsertConfig.from_inputs(config.inputs)
    else:
        config, current = None, UpsertConfig.from_inputs(node.inputs)
        target = step_target(step.workflow_id, step.sheet_id, step.step_id)
    imported = mapping_of(source, step)
    found = review(reach, session, source.connection, 0, imported, target)
    changes = [row for row in compare(current, imported.upsert) if row.change != "same"]
    where = step.where if config is None else _label(config)
    return StepChoice(
        target.value, where, config, current, changes, check_lines(found), found.problem or ""
    )


@dataclass(frozen=True)
class Applying:
    """What the user chose for every selected step, and who applies."""

    author: str
    push_too: bool
    anyway: bool  # "Push anyway": pre-flight errors do not hold a step back
    nonce: str  # the page's: a double click pushes each step once
    lease: timedelta


def apply_mapping(
    reach: Reach,
    session: Session,
    source: SavedConfiguration,
    source_version: int,
    chosen: Sequence[tuple[str, int]],
    applying: Applying,
) -> list[StepResult]:
    """Apply the source's mapping to each chosen (step key, version the page showed), in
    order; one result per step. SourceChanged when the source is not at `source_version`."""
    if source.version != source_version:
        raise SourceChanged()
    results = []
    for key, base in chosen[:MAX_STEPS]:
        try:
            results.append(_apply_one(reach, session, source, key, base, applying))
        except (NotFound, FloqerError, KeyBoxError) as exc:
            session.rollback()
            said = exc.user_message if isinstance(exc, FloqerError) else _said(exc)
            results.append(StepResult(_named(key), "error", f"Not applied: {said}"))
    return results


def _named(key: str) -> str:
    """A step that could not be read, named by what the form posted."""
    target = parse_target(key)
    if target is None or target.kind not in ("config", "step"):
        return "A step this page did not offer"
    if target.kind == "config":
        return f"Configuration {target.configuration_id}"
    return f"Step {target.step_id} on sheet {target.sheet_id} of workflow {target.workflow_id}"


def _said(exc: Exception) -> str:
    if isinstance(exc, KeyBoxError):
        return "its connection's stored key cannot be opened with this WEBAPP_SECRET_KEY."
    return str(exc)


def _apply_one(
    reach: Reach,
    session: Session,
    source: SavedConfiguration,
    key: str,
    base: int,
    applying: Applying,
) -> StepResult:
    target = _resolved(session, parse_target(key), source)
    config = (
        get_configuration(session, target.configuration_id) if target.kind == "config" else None
    )
    step = _step_of(config, target)
    imported = mapping_of(source, step)
    found = review(reach, session, source.connection, 0, imported, target)
    config = found.config
    where = found.where if config is None else _label(config)
    if config is not None and not differences(
        UpsertConfig.from_inputs(config.inputs), imported.upsert
    ):
        held = f"Already holds this mapping (version {config.version}): nothing saved."
        return _pushed(reach, session, config, where, held, applying)
    if found.base_version != base:
        return _refused(session, applying, where, "conflict", _conflict_text(config))
    if applying.push_too and not applying.anyway and found.report and found.report.errors:
        return _refused(session, applying, where, "refused", _held_back_text(found))
    note = f"applied from “{source.name}” version {source.version}"
    saving = Saving(applying.author, note, action=APPLIED)
    outcome = save_one(reach, session, source.connection, imported, target, base, saving)
    if outcome.kind == "warning" or outcome.config is None:
        return _refused(session, applying, where, "conflict", _conflict_text(config))
    saved = f"Saved as version {outcome.config.version}."
    return _pushed(reach, session, outcome.config, where, saved, applying)


def _resolved(session: Session, target: Target | None, source: SavedConfiguration) -> Target:
    """The posted target, as a configuration when its step has one here (a double click
    that created it, or someone else meanwhile)."""
    if target is None or target.kind not in ("config", "step"):
        raise NotFound("That is not a step this page offered.")
    if target.kind == "step":
        saved = configurations_of_workflow(session, target.workflow_id)
        config_id = saved.get((target.sheet_id, target.step_id))
        if config_id is not None:
            target = Target("config", config_id)
    if target.kind == "config" and target.configuration_id == source.id:
        raise NotFound("That is the configuration whose mapping is applied.")
    return target


def _label(config: SavedConfiguration) -> str:
    where = f"{config.workflow_name} › {config.sheet_name} › {config.step_name}"
    return f"{where} (“{config.name}”)"


def _step_of(config: SavedConfiguration | None, target: Target) -> ImportedStep:
    if config is not None:
        return ImportedStep(
            config.workflow_id,
            config.workflow_name,
            config.sheet_id,
            config.sheet_name,
            config.step_id,
            config.step_name,
        )
    return ImportedStep(target.workflow_id, "", target.sheet_id, "", target.step_id, "")


def _pushed(
    reach: Reach,
    session: Session,
    config: SavedConfiguration,
    where: str,
    saved: str,
    applying: Applying,
) -> StepResult:
    if not applying.push_too:
        return StepResult(where, "success", saved, config.id)
    nonce = f"b{applying.nonce}-{config.id}"[:64]
    client = reach.client_for(config.connection)
    try:
        record = push(
            session, config, client, nonce=nonce, actor=applying.author, lease=applying.lease
        )
    except PushInProgress:
        text = f"{saved} Not pushed: another push of it is on its way to Floqer right now."
        return StepResult(where, "warning", text, config.id)
    if record.outcome == "pushed":
        return StepResult(where, "success", f"{saved} Pushed: {record.summary}", config.id)
    said = f" Floqer said: “{record.floqer_message}”" if record.floqer_message else ""
    text = f"{saved} Push {record.outcome}: {record.summary}{said}"
    return StepResult(where, "error", text, config.id)


def _refused(
    session: Session, applying: Applying, where: str, outcome: str, text: str
) -> StepResult:
    audit.record(session, applying.author, APPLIED, where, outcome, text)
    session.commit()
    return StepResult(where, "warning", text)


def _conflict_text(config: SavedConfiguration | None) -> str:
    if config is None:
        return (
            "Not applied: someone configured this step since the page was opened. Open it "
            "again (through the API: list the steps again)."
        )
    return (
        f"Not applied: it was changed since the page was opened (now version {config.version}). "
        "Open the page again (through the API: list the steps again) to see what applying "
        "would change now."
    )


def _held_back_text(found: Review) -> str:
    errors = [line for line in check_lines(found) if line.severity == "error"]
    first = errors[0]
    return (
        f"Held back: the pre-flight check found {len(errors)} error(s) Salesforce would refuse "
        f"on every row (first: {first.where}: {first.message}); nothing was saved or pushed. "
        "Tick “Push anyway” (push_anyway through the API) to apply it all the same."
    )
