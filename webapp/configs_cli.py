"""The configuration commands: `export`, `plan` and `apply` on the import/export document.

Each opens the app as `serve` does (webapp.runtime: the same database, Floqer and stored
keys), says what it did on standard output, and any failure in one sentence on standard
error: never a traceback, never a key. Exit codes: 0 done (plan: nothing would change),
2 (plan only) something would change, 1 an error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.context import AppContext
from webapp.db import User, make_engine, utcnow
from webapp.floqer.errors import FloqerError
from webapp.redaction import install_redaction, redact
from webapp.runtime import SchemaOutOfDate, check_schema, running
from webapp.services import NotFound
from webapp.services.accounts import find_user, rank
from webapp.services.configurations import get_configuration, list_configurations
from webapp.services.importing import CheckLine, Reach, Saving, check_lines
from webapp.services.planning import APPLIED, Applied, Planned, PlanProblem, apply_all, plan
from webapp.services.pushing import LEASE_MARGIN
from webapp.services.transfer import (
    MAX_DOCUMENT_BYTES,
    DocumentProblem,
    ImportDocument,
    document_text,
    export_document,
    parse_document,
)
from webapp.settings import Settings
from webapp.upsert_form import Difference

CLI = "command line"
CHANGES = 2  # plan's exit code when applying would change something


class CommandProblem(Exception):
    """The command cannot go on: one sentence for the person who ran it."""


def guarded(command: str, work: Callable[[], int | str]) -> int | str:
    """Run a command: its exit code, or the sentence it failed with (sys.exit prints it to
    standard error and exits with 1). Unexpected failures are named too, never traced."""
    install_redaction()
    try:
        return work()
    except (CommandProblem, PlanProblem, DocumentProblem, SchemaOutOfDate, NotFound) as exc:
        return redact(f"{command}: {exc}")
    except FloqerError as exc:
        return redact(f"{command}: {exc.user_message}")
    except Exception as exc:
        return redact(f"{command}: unexpected {type(exc).__name__}: {exc}"[:500])


# ---------------------------------------------------------------- export


def export(settings: Settings, configuration_id: int | None) -> int:
    """Print the document of one configuration, or of all (the browser's Export)."""
    engine = make_engine(settings.database_url)
    try:
        check_schema(engine, settings.database_url)
        with Session(engine) as session:
            if configuration_id is None:
                configs = list_configurations(session)
            else:
                configs = [get_configuration(session, configuration_id)]
            document = export_document(configs, CLI, utcnow())
    finally:
        engine.dispose()
    sys.stdout.write(document_text(document))
    return 0


# ---------------------------------------------------------------- plan


def plan_file(settings: Settings, path: str, *, as_json: bool, push: bool) -> int:
    """Print what applying the file would change; CHANGES if anything, else 0."""
    document = read_document(path)
    with _opened(settings) as ctx, ctx.sessions() as session:
        planned = plan(_reach(ctx), session, document, sandbox_mode=ctx.sandbox_mode)
        if as_json:
            sys.stdout.write(json.dumps(plan_json(planned, push=push), indent=2) + "\n")
        else:
            sys.stdout.write(redact(plan_text(planned, push=push)))
        session.rollback()  # a plan writes nothing (a pull may have settled a push in memory)
    return CHANGES if any(_changes(p, push) for p in planned) else 0


def _changes(planned: Planned, push: bool) -> bool:
    return planned.saves or (push and planned.pushes)


def plan_text(planned: list[Planned], *, push: bool) -> str:
    lines: list[str] = []
    for p in planned:
        lines.append(f"{p.title}: {p.review.where} (connection “{p.connection.label}”)")
        lines += [f"  {line}" for line in _here_lines(p)]
        lines += [f"  {line}" for line in _floqer_lines(p)]
        lines += [f"  {line}" for line in _check_lines(check_lines(p.review))]
        lines.append("")
    lines.append(_summary(planned, push))
    return "\n".join(lines) + "\n"


def _here_lines(p: Planned) -> list[str]:
    config = p.config
    if config is None:
        return ["here: new — applying creates this step's configuration as version 1"]
    if p.status == "unchanged":
        return [f"here: unchanged (version {config.version})"]
    changes = p.changes
    head = f"here: changed — version {config.version} → {config.version + 1}"
    if not p.review.diffs and changes and changes[0].what == "Name":
        head = f"here: renamed — version {config.version} stays"
    return [head, *(f"  {_diff(d, d.saved, d.floqer)}" for d in changes)]


def _floqer_lines(p: Planned) -> list[str]:
    if not p.pushes:
        return ["Floqer: its step holds what the file says"]
    lines = ["Floqer: its step differs from the file (apply --push sends the file's)"]
    return lines + [f"  {_diff(d, d.saved, d.floqer)}" for d in p.floqer_changes]


def _diff(d: Difference, old: str, new: str) -> str:
    return f"{d.what}: {old or '(none)'} → {new or '(none)'}"


def _check_lines(lines: list[CheckLine]) -> list[str]:
    if not lines:
        return ["pre-flight: no problems found"]
    errors = sum(1 for line in lines if line.severity == "error")
    head = f"pre-flight: {errors} error(s), {len(lines) - errors} warning(s)"
    return [head, *(f"  {line.severity} · {line.where}: {line.message}" for line in lines)]


def _summary(planned: list[Planned], push: bool) -> str:
    new = sum(1 for p in planned if p.status == "new")
    changed = sum(1 for p in planned if p.status == "changed")
    unchanged = len(planned) - new - changed
    differ = sum(1 for p in planned if p.pushes)
    blocked = sum(1 for p in planned if p.review.report and p.review.report.errors)
    text = f"Plan: {new} new, {changed} changed, {unchanged} unchanged here; "
    text += f"{differ} step(s) in Floqer differ from the file"
    text += " (apply --push sends them)." if push else "."
    if blocked:
        text += f" {blocked} with pre-flight errors: apply stops there unless --force."
    if not any(_changes(p, push) for p in planned):
        text += " Nothing to apply."
    return text


def plan_json(planned: list[Planned], *, push: bool) -> dict[str, Any]:
    return {
        "changes": any(_changes(p, push) for p in planned),
        "configurations": [_planned_json(p) for p in planned],
    }


def _planned_json(p: Planned) -> dict[str, Any]:
    config, step = p.config, p.imported.step
    report = p.review.report
    return {
        "index": p.review.index + 1,
        "name": p.imported.name,
        "step": {
            "workflow_id": step.workflow_id,
            "sheet_id": step.sheet_id,
            "step_id": step.step_id,
        },
        "where": p.review.where,
        "connection": p.connection.label,
        "configuration_id": config.id if config else None,
        "saved_version": config.version if config else None,
        "status": p.status,
        "changes": [_diff_json(d, "saved") for d in p.changes],
        "floqer": {
            "differs": p.pushes,
            "changes": [_diff_json(d, "floqer") for d in p.floqer_changes],
        },
        "preflight": {
            "checked": bool(report and report.checked),
            "problems": [
                {"severity": line.severity, "where": line.where, "message": redact(line.message)}
                for line in check_lines(p.review)
            ],
        },
    }


def _diff_json(d: Difference, old: str) -> dict[str, str]:
    return {"what": d.what, old: redact(d.saved), "file": redact(d.floqer)}


# ---------------------------------------------------------------- apply


def apply_file(
    settings: Settings, path: str, *, push: bool, force: bool, as_email: str | None
) -> int | str:
    """Save (and push, if asked) each configuration of the file that differs, in order;
    stop at the first that fails, saying which were applied."""
    document = read_document(path)
    lease = timedelta(seconds=settings.floqer_timeout_seconds) + LEASE_MARGIN
    with _opened(settings) as ctx, ctx.sessions() as session:
        author = f"{applying_user(session, as_email)} ({CLI})"
        reach = _reach(ctx)
        planned = plan(reach, session, document, sandbox_mode=ctx.sandbox_mode)
        session.commit()  # the plan only read (a pull may have settled an unknown push)
        note = f"applied from {_file_name(path)} ({document.source}) by the {CLI}"
        saving = Saving(author, note, action=APPLIED)
        done, stopped = apply_all(
            reach,
            session,
            planned,
            saving,
            push_too=push,
            force=force,
            lease=lease,
            each=lambda applied: _print_applied([applied]),
        )
        if stopped is not None:
            return redact(f"apply stopped at {stopped.problem} {stopped.rest(done, planned)}")
    sys.stdout.write(_applied_summary(done) + "\n")
    return 0


def applying_user(session: Session, email: str | None) -> str:
    """Who applies: the user named, who must be an editor or an admin; else the only admin."""
    if email:
        user = find_user(session, email)
        if user is None:
            raise CommandProblem(f"there is no user {email.strip()[:320]} here (--as).")
        if rank(user.role) < rank("editor"):
            raise CommandProblem(f"{user.email} is a {user.role}: applying needs an editor.")
        return user.email
    admins = list(session.scalars(select(User.email).where(User.role == "admin").limit(2)))
    if len(admins) == 1:
        return admins[0]
    if not admins:
        raise CommandProblem("there is no admin here: name the user who applies with --as.")
    raise CommandProblem("there are several admins here: name the one who applies with --as.")


def _print_applied(done: list[Applied]) -> None:
    for applied in done:
        sys.stdout.write(redact(f"{applied.planned.title}: {_what_happened(applied)}") + "\n")


def _what_happened(applied: Applied) -> str:
    parts = []
    if applied.saved is not None:
        parts.append(applied.saved.message)
    if applied.pushed is not None:
        parts.append(f"Pushed: {applied.pushed.summary}")
    return " ".join(parts) or "unchanged, nothing to do."


def _applied_summary(done: list[Applied]) -> str:
    saved = sum(1 for a in done if a.saved is not None)
    pushed = sum(1 for a in done if a.pushed is not None)
    return f"Applied {len(done)} configuration(s): {saved} saved, {pushed} pushed."


# ---------------------------------------------------------------- shared


def read_document(path: str) -> ImportDocument:
    """The document in the file at `path` ("-": standard input), read strictly."""
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        else:
            with Path(path).open("rb") as file:
                raw = file.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise CommandProblem(f"cannot read {path}: {exc.strerror or exc}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandProblem(f"{path} is not text: give the .json file the export made.") from None
    return parse_document(text)


def _file_name(path: str) -> str:
    return "standard input" if path == "-" else Path(path).name[:120]


def _reach(ctx: AppContext) -> Reach:
    return Reach(ctx.metadata, ctx.floqer_for)


def _opened(settings: Settings) -> AbstractContextManager[AppContext]:
    if settings.uses_sandbox:
        sys.stderr.write(
            "note: WEBAPP_FLOQER_BASE_URL is not set, so this command talks to an embedded "
            "sandbox of its own, which forgets what it was sent when the command ends.\n"
        )
    return running(settings, pool_size=2)
