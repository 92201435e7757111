"""Import and export: saved configurations as one versioned JSON document.

The document carries, per configuration, Floqer's configure body exactly as a push sends it
and the step it belongs to, never a key: it moves a mapping between installations, steps or
people. Reading is strict (a person may have edited the file): every problem is named in
one plain sentence, and a document newer than this app is refused rather than half read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from webapp.db import SavedConfiguration
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerError, FloqerNotFound
from webapp.services.browse import sheets_with_steps
from webapp.upsert_form import (
    EXTERNAL_ID,
    FIELDS,
    MAX_NAME,
    MAX_ROWS,
    MAX_VALUE,
    OBJECT,
    TOGGLES,
    UpsertConfig,
)

FORMAT = "floqer-upsert-configuration"
FORMAT_VERSION = 1
# A document is read whole: these bound what one import can hold. The app's body cap
# (WEBAPP_MAX_BODY_BYTES, 1 MB by default) bounds a posted one first.
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_CONFIGURATIONS = 100
STEP_KEYS = ("workflow_id", "workflow_name", "sheet_id", "sheet_name", "step_id", "step_name")
STEP_ORDER = ("workflow_name", "sheet_name", "step_name", "workflow_id", "sheet_id", "step_id")
MAX_ID_LENGTH = 200
KNOWN_INPUTS = frozenset({OBJECT, EXTERNAL_ID, FIELDS, *(t[0] for t in TOGGLES)})


class DocumentProblem(ValueError):
    """The document cannot be imported; the message names what is wrong, for a person."""


@dataclass(frozen=True)
class ImportedStep:
    workflow_id: str
    workflow_name: str
    sheet_id: str
    sheet_name: str
    step_id: str
    step_name: str

    @property
    def where(self) -> str:
        names = (
            self.workflow_name or self.workflow_id,
            self.sheet_name or self.sheet_id,
            self.step_name or self.step_id,
        )
        return " › ".join(names)


@dataclass(frozen=True)
class ImportedConfiguration:
    name: str
    version: int | None
    connection: str  # the label of the connection it was exported with ("" if not given)
    step: ImportedStep
    upsert: UpsertConfig
    ignored: tuple[str, ...]  # keys of `inputs` this app does not know (not imported)


@dataclass(frozen=True)
class ImportDocument:
    format_version: int
    exported_at: str
    exported_by: str
    configurations: tuple[ImportedConfiguration, ...]

    @property
    def source(self) -> str:
        """How a saved version names where it came from."""
        return f"exported {self.exported_at}" if self.exported_at else "an export"


def export_document(
    configs: Sequence[SavedConfiguration], exported_by: str, now: datetime
) -> dict[str, Any]:
    """The document for `configs`: each one's head body and its step, with no key.

    In the order of their steps (names, then ids), not of their last change: a file kept in
    git changes only where a configuration did, and applying it elsewhere in file order
    gives back the same order."""
    ordered = sorted(configs, key=lambda c: tuple(getattr(c, key) for key in STEP_ORDER))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "exported_by": exported_by,
        "configurations": [_exported(config) for config in ordered],
    }


def document_text(document: dict[str, Any]) -> str:
    """The document as the export writes it: indented, UTF-8 as is, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _exported(config: SavedConfiguration) -> dict[str, Any]:
    return {
        "name": config.name,
        "version": config.version,
        "connection": config.connection.label,
        "step": {key: getattr(config, key) for key in STEP_KEYS},
        "body": config.body,
    }


def export_filename(configs: Sequence[SavedConfiguration], now: datetime) -> str:
    """A safe ASCII file name: the configuration's name and version, or all and the date."""
    if len(configs) == 1:
        slug = re.sub(r"[^a-z0-9]+", "-", configs[0].name.lower()).strip("-")[:60]
        return f"upsert-configuration-{slug or 'untitled'}-v{configs[0].version}.json"
    return f"upsert-configurations-{now.strftime('%Y%m%d-%H%M%S')}.json"


def parse_document(text: str) -> ImportDocument:
    """The document in `text`, or DocumentProblem naming the first thing wrong with it."""
    if not text.strip():
        raise DocumentProblem("Paste the exported JSON, or choose the exported file.")
    if len(text.encode("utf-8", "replace")) > MAX_DOCUMENT_BYTES:
        raise DocumentProblem(
            f"The document is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB: "
            "export fewer configurations at a time."
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentProblem(
            f"This is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg.lower()}). Paste the file exactly as it was exported."
        ) from None
    except RecursionError:
        raise DocumentProblem("This JSON is nested too deeply to be an export.") from None
    if not isinstance(data, dict):
        raise DocumentProblem(
            f"This is not an exported configuration: it should be a JSON object with "
            f"“format”: “{FORMAT}”."
        )
    return _document(data)


def _document(data: dict[str, Any]) -> ImportDocument:
    found = data.get("format")
    if found != FORMAT:
        shown = f"“format” is {_shown(found)}" if "format" in data else "it has no “format”"
        raise DocumentProblem(
            f"This is not an exported upsert configuration: {shown}, expected “{FORMAT}”."
        )
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DocumentProblem("“format_version” should be a whole number such as 1.")
    if version > FORMAT_VERSION:
        raise DocumentProblem(
            f"This file was exported by a newer version of the app (format version {version}); "
            f"this app reads format version {FORMAT_VERSION} and older. Update the app, then "
            "import it again."
        )
    items = data.get("configurations")
    if not isinstance(items, list):
        raise DocumentProblem("“configurations” should be a list of configurations.")
    if not items:
        raise DocumentProblem("The document holds no configurations: there is nothing to import.")
    if len(items) > MAX_CONFIGURATIONS:
        raise DocumentProblem(
            f"The document holds {len(items)} configurations; import at most "
            f"{MAX_CONFIGURATIONS} at a time (export them in smaller groups)."
        )
    return ImportDocument(
        version,
        _optional_text(data, "exported_at", "The document"),
        _optional_text(data, "exported_by", "The document"),
        tuple(_configuration(item, n) for n, item in enumerate(items, start=1)),
    )


def _configuration(item: Any, n: int) -> ImportedConfiguration:
    what = f"Configuration {n}"
    if not isinstance(item, dict):
        raise DocumentProblem(f"{what} should be a JSON object.")
    name = _optional_text(item, "name", what)
    if name:
        what = f"Configuration {n} (“{name[:80]}”)"
    if len(name) > MAX_NAME:
        raise DocumentProblem(f"{what}: “name” is longer than {MAX_NAME} characters.")
    version = item.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise DocumentProblem(f"{what}: “version” should be a whole number.")
    step = _step(item.get("step"), what)
    upsert, ignored = _body(item.get("body"), what)
    connection = _optional_text(item, "connection", what)
    return ImportedConfiguration(name, version, connection, step, upsert, ignored)


def _step(step: Any, what: str) -> ImportedStep:
    if not isinstance(step, dict):
        raise DocumentProblem(f"{what}: “step” is missing (it names the Floqer step).")
    values = {}
    for key in STEP_KEYS:
        value = _optional_text(step, key, what, prefix="step.")
        if key.endswith("_id") and not value:
            raise DocumentProblem(f"{what}: “step.{key}” is missing.")
        if key.endswith("_id") and len(value) > MAX_ID_LENGTH:
            raise DocumentProblem(f"{what}: “step.{key}” is too long to be a Floqer id.")
        values[key] = value
    return ImportedStep(**values)


def _body(body: Any, what: str) -> tuple[UpsertConfig, tuple[str, ...]]:
    """The body's configuration, read strictly: each value must have the type Floqer takes."""
    if not isinstance(body, dict):
        raise DocumentProblem(f"{what}: “body” is missing (Floqer's configure body).")
    inputs = body.get("inputs")
    if not isinstance(inputs, dict):
        raise DocumentProblem(f"{what}: “body.inputs” is missing or is not an object.")
    for key in (OBJECT, EXTERNAL_ID):
        if key in inputs and not isinstance(inputs[key], str):
            raise DocumentProblem(
                f"{what}: “body.inputs.{key}” should be text, not {_kind(inputs[key])}."
            )
    for key, *_ in TOGGLES:
        if key in inputs and not isinstance(inputs[key], bool):
            raise DocumentProblem(
                f"{what}: “body.inputs.{key}” should be true or false, not {_kind(inputs[key])}."
            )
    _rows(inputs.get(FIELDS, []), what)
    ignored = tuple(sorted(key for key in inputs if key not in KNOWN_INPUTS))
    return UpsertConfig.from_inputs(inputs), ignored


def _rows(rows: Any, what: str) -> None:
    path = f"body.inputs.{FIELDS}"
    if not isinstance(rows, list):
        raise DocumentProblem(f"{what}: “{path}” should be a list, not {_kind(rows)}.")
    if len(rows) > MAX_ROWS:
        raise DocumentProblem(f"{what}: it maps {len(rows)} fields; at most {MAX_ROWS} are kept.")
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise DocumentProblem(f"{what}: field {i} of “{path}” should be an object.")
        for key in ("name", "value"):
            if not isinstance(row.get(key), str):
                shown = "is missing" if key not in row else f"should be text, not {_kind(row[key])}"
                raise DocumentProblem(f"{what}: field {i} of “{path}”: “{key}” {shown}.")
        if len(row["value"]) > MAX_VALUE:
            raise DocumentProblem(
                f"{what}: the value of field {i} is longer than {MAX_VALUE:,} characters."
            )


def _optional_text(data: dict[str, Any], key: str, what: str, prefix: str = "") -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DocumentProblem(f"{what}: “{prefix}{key}” should be text, not {_kind(value)}.")
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "empty (null)" if value is None else "text"


def _shown(value: Any) -> str:
    return f"“{value[:60]}”" if isinstance(value, str) else _kind(value)


# Where an imported configuration goes: a saved configuration ("config:ID"), a Floqer step
# of the import's connection that has none yet ("step:WORKFLOW/SHEET/STEP", each id
# percent-encoded), or nowhere ("skip").
SKIP = "skip"
MAX_BROWSED_WORKFLOWS = 10  # workflows whose upsert steps the import offers (one call each)
MAX_OFFERED_STEPS = 200
MAX_OFFERED_CONFIGURATIONS = 200


@dataclass(frozen=True)
class Target:
    kind: str  # "config", "step" or "skip"
    configuration_id: int = 0
    workflow_id: str = ""
    sheet_id: str = ""
    step_id: str = ""

    @property
    def value(self) -> str:
        if self.kind == "config":
            return f"config:{self.configuration_id}"
        if self.kind == "step":
            ids = (self.workflow_id, self.sheet_id, self.step_id)
            return "step:" + "/".join(quote(i, safe="") for i in ids)
        return SKIP


def step_target(workflow_id: str, sheet_id: str, step_id: str) -> Target:
    return Target("step", workflow_id=workflow_id, sheet_id=sheet_id, step_id=step_id)


def parse_target(value: str) -> Target | None:
    """The target a form's select posted; None when it names none (not chosen, or forged)."""
    if value == SKIP:
        return Target(SKIP)
    if value.startswith("config:") and value[7:].isdigit() and len(value) < 30:
        return Target("config", configuration_id=int(value[7:]))
    if value.startswith("step:"):
        parts = [unquote(p) for p in value[5:].split("/")]
        if len(parts) == 3 and all(0 < len(p) <= MAX_ID_LENGTH for p in parts):
            return step_target(*parts)
    return None


@dataclass(frozen=True)
class OfferedStep:
    """An upsert step of the import's connection that has no saved configuration."""

    target: Target
    where: str


def offered_steps(
    client: FloqerClient, first: Sequence[str], taken: set[tuple[str, str, str]]
) -> tuple[list[OfferedStep], str | None]:
    """The connection's upsert steps without a configuration: those of the workflows the
    document names first, then others, up to the bounds; and Floqer's failure, if any."""
    offered: list[OfferedStep] = []
    try:
        workflow_ids = list(dict.fromkeys(first))
        if len(workflow_ids) < MAX_BROWSED_WORKFLOWS:
            workflow_ids += [w.workflow_id for w in client.list_workflows()]
        for workflow_id in list(dict.fromkeys(workflow_ids))[:MAX_BROWSED_WORKFLOWS]:
            offered += _steps_of(client, workflow_id, taken)
    except FloqerError as exc:
        return offered[:MAX_OFFERED_STEPS], exc.user_message
    return offered[:MAX_OFFERED_STEPS], None


def _steps_of(
    client: FloqerClient, workflow_id: str, taken: set[tuple[str, str, str]]
) -> list[OfferedStep]:
    try:
        overview, sheets = sheets_with_steps(client, workflow_id)
    except FloqerNotFound:
        return []  # a workflow of the document this Floqer does not have
    name = overview.name or workflow_id
    return [
        OfferedStep(
            step_target(workflow_id, entry.sheet.sheet_id, step.action_instance_id),
            f"{name} › {entry.sheet.name or entry.sheet.sheet_id} › "
            f"{step.display_name or 'Salesforce: Upsert Record'}",
        )
        for entry in sheets
        for step in entry.upsert_steps
        if (workflow_id, entry.sheet.sheet_id, step.action_instance_id) not in taken
    ]
