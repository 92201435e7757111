"""Export saved configurations as a JSON document, and import one: read, choose, review, save.

The import keeps no state on the server between its pages: each page posts the document
again (multipart, so the JSON is not inflated by URL encoding), and every post is read and
validated afresh. Nothing is saved before the review page's button, and nothing is pushed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from webapp.context import AppContext
from webapp.db import Connection, SavedConfiguration, utcnow
from webapp.floqer.errors import FloqerError
from webapp.services import NotFound
from webapp.services.configurations import (
    get_configuration,
    list_configurations,
)
from webapp.services.connections import get_connection, list_connections
from webapp.services.importing import (
    Outcome,
    Reach,
    Saving,
    check_lines,
    review,
    save_imported,
    saved_label,
)
from webapp.services.transfer import (
    MAX_CONFIGURATIONS,
    MAX_DOCUMENT_BYTES,
    MAX_OFFERED_CONFIGURATIONS,
    SKIP,
    DocumentProblem,
    ImportDocument,
    ImportedConfiguration,
    OfferedStep,
    Target,
    document_text,
    export_document,
    export_filename,
    offered_steps,
    parse_document,
    parse_target,
    step_target,
)
from webapp.web.auth import Editor, Viewer
from webapp.web.deps import MAX_FORM_FIELDS, CtxDep, FormDep, SessionDep, floqer_for, render

router = APIRouter()
MAX_FILENAME = 120


# ---------------------------------------------------------------- export


@router.get("/configurations/{configuration_id}/export")
def export_one(session: SessionDep, configuration_id: int, caller: Viewer) -> Response:
    return _download([get_configuration(session, configuration_id)], caller.user.email)


@router.get("/export")
def export_all(session: SessionDep, caller: Viewer) -> Response:
    """Every saved configuration (the home page's "Export all")."""
    return _download(list_configurations(session), caller.user.email)


def _download(configs: list[SavedConfiguration], who: str) -> Response:
    now = utcnow()
    document = export_document(configs, who, now)
    return Response(
        document_text(document),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(configs, now)}"',
            "Cache-Control": "no-store",
        },
    )


# ---------------------------------------------------------------- import: reading


@dataclass(frozen=True)
class Posted:
    """What an import page posted: its fields, and the document's text and file name."""

    fields: dict[str, list[str]]
    text: str
    filename: str
    problem: str | None = None  # the uploaded file could not be read as text


async def read_upload(request: Request) -> Posted:
    """The import form, whose one file input sends a part even when no file is chosen.

    Declared before the route's role check, so that the form is parsed here with room for
    that one file; the check's CSRF look-up then reads the same parsed form.
    """
    async with request.form(max_fields=MAX_FORM_FIELDS, max_files=1) as form:
        fields: dict[str, list[str]] = {}
        upload: UploadFile | None = None
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(key, []).append(value)
            elif key == "file":
                upload = value
        text, name = _value(fields, "document"), _value(fields, "filename")
        if upload is not None and upload.filename:
            raw = await upload.read(MAX_DOCUMENT_BYTES + 1)
            name = upload.filename
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                problem = "The chosen file is not text: choose the .json file the export made."
                return Posted(fields, text, _clean_name(name), problem)
    return Posted(fields, text, _clean_name(name))


UploadDep = Annotated[Posted, Depends(read_upload)]


def _page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    limits = {"max_configurations": MAX_CONFIGURATIONS, "max_mb": MAX_DOCUMENT_BYTES // 2**20}
    return render(request, "import.html", {**limits, **context}, status=status)


def _value(fields: dict[str, list[str]], key: str) -> str:
    return (fields.get(key) or [""])[0]


def _clean_name(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[:MAX_FILENAME]


@router.get("/import")
def import_page(request: Request, caller: Editor) -> Response:
    return _page(request, {"stage": "start", "text": "", "filename": ""})


def _start_again(request: Request, posted: Posted, problem: str) -> Response:
    """The first page again: the problem in one sentence, the pasted text kept."""
    context = {
        "stage": "start",
        "text": posted.text,
        "filename": posted.filename,
        "problem": problem,
    }
    return _page(request, context, status=422)


def _document(posted: Posted) -> ImportDocument | str:
    if posted.problem:
        return posted.problem
    try:
        return parse_document(posted.text)
    except DocumentProblem as exc:
        return str(exc)


# ---------------------------------------------------------------- import: choosing


@dataclass(frozen=True)
class Choice:
    index: int
    imported: ImportedConfiguration
    saved: list[tuple[str, str]]
    steps: list[tuple[str, str]]
    selected: str


@router.post("/import")
def read_document(
    request: Request, ctx: CtxDep, session: SessionDep, posted: UploadDep, caller: Editor
) -> Response:
    """Read the document and ask where each configuration goes (same step by default)."""
    document = _document(posted)
    if isinstance(document, str):
        return _start_again(request, posted, document)
    return _choose(request, ctx, session, posted, document)


def _choose(
    request: Request,
    ctx: AppContext,
    session: SessionDep,
    posted: Posted,
    document: ImportDocument,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    connections = list_connections(session, sandbox_mode=ctx.sandbox_mode)
    configs = list_configurations(session)
    connection = _connection(connections, configs, posted.fields, document)
    by_step = {(c.workflow_id, c.sheet_id, c.step_id): c for c in configs}
    steps: list[OfferedStep] = []
    steps_problem = None
    if connection is not None:
        first = [c.step.workflow_id for c in document.configurations]
        steps, steps_problem = offered_steps(floqer_for(ctx, connection), first, set(by_step))
    shown = configs[:MAX_OFFERED_CONFIGURATIONS]
    offered = [(s.target.value, s.where) for s in steps]
    choices = []
    for index, imported in enumerate(document.configurations):
        coordinates = (imported.step.workflow_id, imported.step.sheet_id, imported.step.step_id)
        same = by_step.get(coordinates)
        saved = [(f"config:{c.id}", saved_label(c)) for c in shown]
        if same is not None and same not in shown:
            saved.insert(0, (f"config:{same.id}", saved_label(same)))
        selected = _value(posted.fields, f"target_{index}") or _same_place(
            same, step_target(*coordinates).value, offered
        )
        choices.append(Choice(index, imported, saved, offered, selected))
    context = {
        "stage": "choose",
        "text": posted.text,
        "filename": posted.filename,
        "document": document,
        "choices": choices,
        "connections": [(str(c.id), f"{c.label} ({c.key_hint})") for c in connections],
        "connection": connection,
        "steps_problem": steps_problem,
        "problem": problem,
    }
    return _page(request, context, status=status)


def _same_place(saved: SavedConfiguration | None, step: str, offered: list[tuple[str, str]]) -> str:
    """The default target: the step's saved configuration, else the step in Floqer when the
    connection reaches it, else none (the user chooses)."""
    if saved is not None:
        return f"config:{saved.id}"
    return step if any(value == step for value, _ in offered) else ""


def _connection(
    connections: list[Connection],
    configs: list[SavedConfiguration],
    fields: dict[str, list[str]],
    document: ImportDocument,
) -> Connection | None:
    """The connection whose Floqer steps are offered: the one posted, else one the
    document's steps are saved with here, else one of the document's label, else the first."""
    chosen = _value(fields, "connection_id")
    if chosen.isdigit() and len(chosen) < 20:
        found = next((c for c in connections if c.id == int(chosen)), None)
        if found is not None:
            return found
    workflows = {c.step.workflow_id for c in document.configurations}
    for config in configs:
        if config.workflow_id in workflows and config.connection in connections:
            return config.connection
    labels = {c.connection for c in document.configurations}
    labelled = next((c for c in connections if c.label in labels), None)
    return labelled or (connections[0] if connections else None)


# ---------------------------------------------------------------- import: review


@router.post("/import/review")
def review_import(
    request: Request, ctx: CtxDep, session: SessionDep, posted: UploadDep, caller: Editor
) -> Response:
    document = _document(posted)
    if isinstance(document, str):
        return _start_again(request, posted, document)
    targets = _targets(posted.fields, document)
    if isinstance(targets, str):
        return _choose(request, ctx, session, posted, document, targets, status=422)
    connection = _posted_connection(session, posted.fields)
    reviews = []
    for index, target in targets:
        imported = document.configurations[index]
        try:
            reviews.append(review(_reach(ctx), session, connection, index, imported, target))
        except (NotFound, FloqerError) as exc:
            message = exc.user_message if isinstance(exc, FloqerError) else str(exc)
            problem = f"{_title(index, imported)}: {message} Choose another place for it."
            return _choose(request, ctx, session, posted, document, problem, status=422)
    context = {
        "stage": "review",
        "text": posted.text,
        "filename": posted.filename,
        "document": document,
        "reviews": reviews,
        "lines": {r.index: check_lines(r) for r in reviews},
        "connection_id": connection.id if connection else "",
        "saving": [r for r in reviews if not r.unchanged],
    }
    return _page(request, context)


def _reach(ctx: AppContext) -> Reach:
    return Reach(ctx.metadata, lambda connection: floqer_for(ctx, connection))


def _title(index: int, imported: ImportedConfiguration) -> str:
    return f"Configuration {index + 1}" + (f" (“{imported.name}”)" if imported.name else "")


def _targets(
    fields: dict[str, list[str]], document: ImportDocument
) -> list[tuple[int, Target]] | str:
    """(index, target) of each configuration not skipped, or why the choice is incomplete."""
    chosen: list[tuple[int, Target]] = []
    seen: set[str] = set()
    for index, imported in enumerate(document.configurations):
        target = parse_target(_value(fields, f"target_{index}"))
        if target is None:
            return f"Choose where {_title(index, imported)} goes, or skip it."
        if target.kind == SKIP:
            continue
        if target.value in seen:
            return (
                f"Two configurations of the document go to the same place: a step has one "
                f"configuration. Choose another place for {_title(index, imported)}."
            )
        seen.add(target.value)
        chosen.append((index, target))
    if not chosen:
        return "Every configuration is skipped: choose where at least one goes."
    return chosen


def _posted_connection(session: SessionDep, fields: dict[str, list[str]]) -> Connection | None:
    raw = _value(fields, "connection_id")
    return get_connection(session, int(raw)) if raw.isdigit() and len(raw) < 20 else None


# ---------------------------------------------------------------- import: saving


@router.post("/import/save")
def save_import(
    request: Request, ctx: CtxDep, session: SessionDep, form: FormDep, caller: Editor
) -> Response:
    posted = Posted(form, _value(form, "document"), _clean_name(_value(form, "filename")))
    document = _document(posted)
    if isinstance(document, str):
        return _start_again(request, posted, document)
    targets = _targets(posted.fields, document)
    if isinstance(targets, str):
        return _choose(request, ctx, session, posted, document, targets, status=422)
    connection = _posted_connection(session, posted.fields)
    note = "imported from " + (
        f"{posted.filename} ({document.source})" if posted.filename else document.source
    )
    saving = Saving(caller.user.email, note)
    outcomes = []
    for index, target in targets:
        imported = document.configurations[index]
        base = _value(posted.fields, f"base_{index}")
        base_version = int(base) if base.isdigit() and len(base) < 10 else -1
        try:
            outcome = save_imported(
                _reach(ctx), session, connection, imported, target, base_version, saving
            )
        except (NotFound, FloqerError) as exc:
            session.rollback()
            message = exc.user_message if isinstance(exc, FloqerError) else str(exc)
            outcome = Outcome(_title(index, imported), f"Not saved: {message}", "warning")
        outcomes.append(outcome)
    context = {"stage": "done", "outcomes": outcomes, "document": document}
    conflicts = any(o.kind == "warning" for o in outcomes)
    return _page(request, context, status=409 if conflicts else 200)
