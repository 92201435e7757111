"""Plan and apply a document of configurations, as code: what would change, then change it.

Each configuration of the document goes to its own step (workflow, sheet and step ids), as
the browser's import does by default: the step's saved configuration here, or a new one for
a step not configured yet, with the connection of the document's label. A plan compares the
document with what is saved here and with what Floqer's step holds now, and runs the
pre-flight check; applying saves what differs, in document order, and pushes what Floqer
does not hold yet when asked, so that applying the same document twice changes nothing the
second time. Nothing here prints: webapp.configs_cli says what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal

from sqlalchemy.orm import Session

from webapp.db import Connection, PushRecord, SavedConfiguration
from webapp.floqer.errors import FloqerError
from webapp.secrets_box import KeyBoxError
from webapp.services import NotFound
from webapp.services.configurations import StepPlace, configuration_of_step
from webapp.services.connections import list_connections
from webapp.services.importing import (
    Outcome,
    Reach,
    Review,
    Saving,
    check_lines,
    review,
    save_imported,
)
from webapp.services.pushing import PushInProgress, push
from webapp.services.transfer import ImportDocument, ImportedConfiguration, Target, step_target
from webapp.upsert_form import Difference

APPLIED = "configuration applied"


class PlanProblem(Exception):
    """The plan cannot be made, or applying must stop here: one sentence for a person."""


@dataclass
class Planned:
    """One configuration of the document: where it goes, and what applying it would do."""

    review: Review
    connection: Connection

    @property
    def imported(self) -> ImportedConfiguration:
        return self.review.imported

    @property
    def title(self) -> str:
        name = self.imported.name
        return f"Configuration {self.review.index + 1}" + (f" (“{name}”)" if name else "")

    @property
    def name(self) -> str:
        """The name the file gives it ("": none, the name here stays)."""
        return self.imported.name.strip()

    @property
    def config(self) -> SavedConfiguration | None:
        return self.review.config

    @property
    def status(self) -> Literal["new", "changed", "unchanged"]:
        if self.config is None:
            return "new"
        return "changed" if self.changes else "unchanged"

    @property
    def changes(self) -> list[Difference]:
        """What a save here would change, field by field ([] for a new step)."""
        config = self.config
        if config is None:
            return []
        found = list(self.review.diffs)
        if self.imported.upsert.body() != config.body and not found:
            # Settings the comparison does not name (a field's extra keys): still a new version.
            found.append(Difference("Other settings of the body", "as saved", "as in the file"))
        if self.name and self.name != config.name:
            found.insert(0, Difference("Name", config.name, self.name))
        return found

    @property
    def saves(self) -> bool:
        return self.status != "unchanged"

    @property
    def floqer_changes(self) -> list[Difference]:
        """What Floqer's step holds now against the file (Floqer's value first)."""
        return list(self.review.floqer_diffs or [])

    @property
    def pushes(self) -> bool:
        """Whether `apply --push` would push it: Floqer's step does not hold the file's."""
        return bool(self.floqer_changes)


def plan(
    reach: Reach, session: Session, document: ImportDocument, *, sandbox_mode: bool
) -> list[Planned]:
    """The plan of every configuration of `document`, in order; PlanProblem at the first
    one that cannot be planned (nothing is written)."""
    steps_seen: set[tuple[str, str, str]] = set()
    for index, imported in enumerate(document.configurations):
        step = imported.step
        where = (step.workflow_id, step.sheet_id, step.step_id)
        if where in steps_seen:
            raise PlanProblem(
                f"{_title(index, imported)} goes to the same step as one before it "
                f"({step.where}): a step has one configuration. Keep one of the two."
            )
        steps_seen.add(where)
    connections = list_connections(session, sandbox_mode=sandbox_mode)
    return [
        plan_one(reach, session, index, imported, connections)
        for index, imported in enumerate(document.configurations)
    ]


def plan_one(
    reach: Reach,
    session: Session,
    index: int,
    imported: ImportedConfiguration,
    connections: list[Connection],
) -> Planned:
    step = imported.step
    place = StepPlace(
        step.workflow_id,
        step.workflow_name,
        step.sheet_id,
        step.sheet_name,
        step.step_id,
        step.step_name,
    )
    saved = configuration_of_step(session, place)
    if saved is not None:
        connection, target = saved.connection, Target("config", configuration_id=saved.id)
    else:
        connection = _connection(connections, index, imported)
        target = step_target(step.workflow_id, step.sheet_id, step.step_id)
    try:
        found = review(reach, session, connection, index, imported, target, against_floqer=True)
    except (NotFound, FloqerError, KeyBoxError) as exc:
        raise PlanProblem(f"{_title(index, imported)} ({step.where}): {_said(exc)}") from None
    if found.problem:
        raise PlanProblem(
            f"{_title(index, imported)} ({step.where}): the pre-flight check could not read "
            f"the org: {found.problem}"
        )
    return Planned(found, connection)


def _connection(
    connections: list[Connection], index: int, imported: ImportedConfiguration
) -> Connection:
    """The connection a new step's configuration is saved with: the one of the document's
    label, or the only one there is when the document names none."""
    label = imported.connection
    named = [c for c in connections if c.label == label]
    if named:
        return named[0]
    if not label and len(connections) == 1:
        return connections[0]
    title = _title(index, imported)
    if not connections:
        raise PlanProblem(f"{title}: there is no Floqer connection here; add one first.")
    known = ", ".join(f"“{c.label}”" for c in connections[:10])
    if not label:
        raise PlanProblem(
            f"{title} names no connection and there are several here ({known}): "
            "set its “connection” to one of their labels."
        )
    raise PlanProblem(
        f"{title}: no Floqer connection here is labelled “{label}” (there are {known}); "
        "add it, or change the document's “connection”."
    )


def _title(index: int, imported: ImportedConfiguration) -> str:
    return f"Configuration {index + 1}" + (f" (“{imported.name}”)" if imported.name else "")


def _said(exc: Exception) -> str:
    if isinstance(exc, FloqerError):
        return exc.user_message
    if isinstance(exc, KeyBoxError):
        return (
            "its connection's stored key cannot be opened with this WEBAPP_SECRET_KEY "
            "(is it the secret the app serves with?)"
        )
    return str(exc)


@dataclass(frozen=True)
class Applied:
    """What applying one configuration did."""

    planned: Planned
    saved: Outcome | None  # None: nothing to save
    pushed: PushRecord | None  # None: not pushed (not asked, or Floqer holds it already)


def apply_one(
    reach: Reach,
    session: Session,
    planned: Planned,
    saving: Saving,
    *,
    push_too: bool,
    force: bool,
    lease: timedelta,
) -> Applied:
    """Save the planned configuration if it differs, then push it if asked and Floqer does
    not hold it; PlanProblem when it must stop (a pre-flight error without `force`, a
    change made meanwhile, a push that failed). Each step commits on its own."""
    pushes = push_too and planned.pushes
    if not planned.saves and not pushes:
        return Applied(planned, None, None)
    report = planned.review.report
    if report is not None and report.errors and not force:
        first = next(line for line in check_lines(planned.review) if line.severity == "error")
        raise PlanProblem(
            f"{planned.title}: the pre-flight check found {len(report.errors)} error(s) "
            f"Salesforce would refuse on every row (first: {first.where}: {first.message}); "
            "nothing was saved for it (see `plan`, or apply with --force)."
        )
    outcome = None
    config = planned.config
    if planned.saves:
        outcome = _save(reach, session, planned, saving)
        config = outcome.config
    if not pushes or config is None:
        return Applied(planned, outcome, None)
    try:
        record = push(
            session,
            config,
            reach.client_for(config.connection),
            nonce="",
            actor=saving.author,
            lease=lease,
        )
    except PushInProgress:
        raise PlanProblem(
            f"{planned.title}: another push of it is on its way to Floqer right now; "
            "run apply again in a minute."
        ) from None
    if not record.succeeded:
        raise PlanProblem(f"{planned.title}: the push failed: {record.summary}")
    return Applied(planned, outcome, record)


def _save(reach: Reach, session: Session, planned: Planned, saving: Saving) -> Outcome:
    named = replace(saving, name=planned.name or None)
    review_ = planned.review
    try:
        outcome = save_imported(
            reach,
            session,
            planned.connection,
            planned.imported,
            review_.target,
            review_.base_version,
            named,
        )
    except (NotFound, FloqerError) as exc:
        session.rollback()
        raise PlanProblem(f"{planned.title}: not saved: {_said(exc)}") from None
    if outcome.kind == "warning":
        raise PlanProblem(f"{planned.title}: {outcome.message}")
    return outcome


@dataclass(frozen=True)
class Stopped:
    """Where applying a document stopped: the configuration, and why."""

    at: Planned
    problem: PlanProblem

    @staticmethod
    def applied(done: Sequence[Applied]) -> str:
        """The numbers (from 1, in the document) of those applied before it, or "none"."""
        return ", ".join(str(a.planned.review.index + 1) for a in done) or "none"

    def rest(self, done: Sequence[Applied], planned: Sequence[Planned]) -> str:
        """Which were applied before it and how many after it were left untouched."""
        untouched = len(planned) - len(done) - 1
        return f"Applied before it: {self.applied(done)}; the {untouched} after it untouched."


def apply_all(
    reach: Reach,
    session: Session,
    planned: Sequence[Planned],
    saving: Saving,
    *,
    push_too: bool,
    force: bool,
    lease: timedelta,
    each: Callable[[Applied], None] | None = None,
) -> tuple[list[Applied], Stopped | None]:
    """Apply the plan in order (apply_one each, `each` told of every one applied), stopping
    at the first that cannot be applied with the rest untouched: (what was applied, where
    it stopped or None)."""
    done: list[Applied] = []
    for p in planned:
        try:
            applied = apply_one(
                reach, session, p, saving, push_too=push_too, force=force, lease=lease
            )
        except PlanProblem as exc:
            return done, Stopped(p, exc)
        done.append(applied)
        if each is not None:
            each(applied)
    return done, None
