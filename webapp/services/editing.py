"""A posted draft: read it, save it as the next version, push it. The draft is never lost.

Every form carries the version it was opened at (`base_version`). Saving against an older
one raises VersionConflict; a mistake in the draft raises DraftProblem with the draft as
typed; in both cases the page shows the draft again instead of dropping it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from webapp.db import PushRecord, SavedConfiguration
from webapp.floqer.client import FloqerClient
from webapp.preflight import Report
from webapp.services import audit
from webapp.services.configurations import Saved, save_version
from webapp.services.pushing import push
from webapp.upsert_form import (
    FIELDS_LOADED,
    OBJECT_LOADED,
    FormError,
    UpsertConfig,
    differences,
    parse_form,
)

AUDITED_CHANGES = 10  # settings an edit's audit line names; past that, how many more


@dataclass(frozen=True)
class Draft:
    name: str
    upsert: UpsertConfig
    base_version: int


class DraftProblem(ValueError):
    """The draft cannot be saved as it is; `draft` is what was typed, to show again."""

    def __init__(self, message: str, draft: Draft) -> None:
        super().__init__(message)
        self.draft = draft


def read_draft(form: Mapping[str, Sequence[str]], config: SavedConfiguration) -> Draft:
    """The draft a form posted. Raises FormError for a post no page of the app sends.

    Parts of the form that never loaded (options failed, no JavaScript) keep their saved
    values instead of being taken as empty: a failed fragment must not wipe a draft.
    """
    posted = parse_form(form, UpsertConfig.from_inputs(config.inputs))
    draft = Draft(posted.name, _with_saved_parts(form, posted.config, config), _base_version(form))
    if posted.problem:
        raise DraftProblem(posted.problem, draft)
    return draft


def draft_for_check(form: Mapping[str, Sequence[str]], config: SavedConfiguration) -> UpsertConfig:
    """The configuration a form holds right now, for the pre-flight check (nothing saved).

    Raises FormError for a post no page of the app sends."""
    posted = parse_form(form, UpsertConfig.from_inputs(config.inputs))
    return _with_saved_parts(form, posted.config, config)


def _with_saved_parts(
    form: Mapping[str, Sequence[str]], upsert: UpsertConfig, config: SavedConfiguration
) -> UpsertConfig:
    previous = UpsertConfig.from_inputs(config.inputs)
    if OBJECT_LOADED not in form:
        return upsert.with_object_part_of(previous)
    if FIELDS_LOADED not in form and upsert.salesforce_object == previous.salesforce_object:
        return upsert.with_fields_part_of(previous)
    return upsert


def started_from(form: Mapping[str, Sequence[str]]) -> int | None:
    """The version a form says it was opened at, if it says so plainly."""
    values = form.get("base_version") or [""]
    if len(values) == 1 and values[0].isdigit() and len(values[0]) < 10:
        return int(values[0])
    return None


def _base_version(form: Mapping[str, Sequence[str]]) -> int:
    version = started_from(form)
    if version is not None:
        return version
    raise FormError(
        "This form did not say which version it was opened at, so saving it could overwrite "
        "someone else's changes. Reload the page and make your change again."
    )


def save_draft(
    session: Session,
    config: SavedConfiguration,
    draft: Draft,
    author: str,
    note: str = "",
    *,
    why: str = "",
    field_facts: dict[str, Any] | None = None,
) -> Saved:
    """Store the draft as the next version (VersionConflict if it is based on an old one).

    `note` is kept with the version (how it came to be), and so is `field_facts` (what the
    org said of its fields); `why` only goes to the audit log, with the settings it changed."""
    before = UpsertConfig.from_inputs(config.inputs)
    saved = save_version(
        session,
        config,
        base_version=draft.base_version,
        upsert=draft.upsert,
        name=draft.name,
        author=author,
        note=note,
        field_facts=field_facts,
    )
    if saved.created or saved.renamed:
        what = ", ".join(p for p in (f"version {saved.version}", note, why) if p)
        changed = [d.what for d in differences(before, draft.upsert)] if saved.created else []
        if changed:
            more = (
                f" and {len(changed) - AUDITED_CHANGES} more"
                if len(changed) > AUDITED_CHANGES
                else ""
            )
            what += f"; changed: {', '.join(changed[:AUDITED_CHANGES])}{more}"
        audit.record_on(session, author, "configuration edited", config, detail=what)
    return saved


class PushRefused(Exception):
    """The pre-flight check found what Salesforce would refuse on every row: not pushed."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.errors)} problem(s)")
        self.report = report


def save_and_push(
    session: Session,
    config: SavedConfiguration,
    draft: Draft,
    client: FloqerClient,
    *,
    author: str,
    nonce: str,
    lease: timedelta,
    preflight: Callable[[UpsertConfig], Report] | None,
    field_facts: dict[str, Any] | None = None,
) -> tuple[Saved, PushRecord]:
    """Save the draft (committed before Floqer is called: whatever Floqer answers, the
    draft is safe), check it (unless `preflight` is None: "Push anyway"), then push the
    version that holds it. Raises PushRefused when the check finds errors."""
    why = "saved before the push"
    saved = save_draft(session, config, draft, author, why=why, field_facts=field_facts)
    session.commit()
    report = preflight(draft.upsert) if preflight is not None else None
    if report is not None and report.errors:
        codes = ", ".join(sorted({p.code for p in report.errors}))
        detail = f"version {saved.version}: {len(report.errors)} problem(s) ({codes})"
        audit.record_on(session, author, "push", config, "refused", detail)
        session.commit()
        raise PushRefused(report)
    record = push(session, config, client, nonce=nonce[:64], actor=author, lease=lease)
    return saved, record
