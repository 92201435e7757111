"""What the "Test on one row" panel shows, computed in one place for _test_run.html."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from webapp.context import AppContext
from webapp.db import SavedConfiguration, TestRun
from webapp.floqer.errors import FloqerError, FloqerNotFound
from webapp.floqer.models import ActionNode, SheetRow
from webapp.services.form_options import sheet_chain
from webapp.services.test_run_preview import (
    Preview,
    RowChoice,
    as_text,
    input_columns,
    preview,
    row_context,
    typed_values,
)
from webapp.services.test_runs import RECENT_ROWS, recent_runs
from webapp.upsert_form import UpsertConfig
from webapp.web.deps import floqer_for, form_value

MAX_COLUMNS = 100
SHOWN_VALUE = 60  # characters of a row's value shown in the list of recent rows

OUTCOMES = {
    "sending": ("Sending…", "info"),
    "waiting": ("Waiting…", "info"),
    "complete": ("Done", "ok"),
    "failed": ("Refused by Salesforce", "bad"),
    "error": ("Not run", "bad"),
    "timeout": ("Stopped waiting", "warn"),
    "cancelled": ("Stopped waiting", "warn"),
    "unknown": ("Unknown", "warn"),
}


@dataclass(frozen=True)
class PanelInput:
    """What the panel's controls posted (all named test_…)."""

    row: str = ""  # a row id of the sheet, or "" / "new" for the values typed
    columns: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    nonce: str = ""

    @classmethod
    def of(cls, form: dict[str, list[str]]) -> PanelInput:
        row = form_value(form, "test_row").strip()[:200]
        return cls(
            "" if row == "new" else row,
            tuple(form.get("test_column", [])[:MAX_COLUMNS]),
            tuple(form.get("test_value", [])[:MAX_COLUMNS]),
            form_value(form, "test_nonce")[:64],
        )


@dataclass(frozen=True)
class RunView:
    run: TestRun
    page_url: str

    @property
    def label(self) -> str:
        if self.run.outcome == "complete":
            return {"Insert": "Inserted", "Update": "Updated"}.get(
                self.run.operation_type, "Written"
            )
        return OUTCOMES.get(self.run.outcome, (self.run.outcome, ""))[0]

    @property
    def badge(self) -> str:
        return OUTCOMES.get(self.run.outcome, ("", ""))[1]

    @property
    def waiting(self) -> bool:
        return self.run.outcome in ("sending", "waiting")

    @property
    def version_url(self) -> str:
        return f"{self.page_url}/versions/{self.run.version}"

    @property
    def fields(self) -> list[dict[str, Any]]:
        return [f for f in self.run.fields if isinstance(f, dict)]


@dataclass(frozen=True)
class TestPanel:
    __test__ = False  # not a pytest class

    run_url: str
    target: str
    columns: list[tuple[str, str]] = field(default_factory=list)
    columns_problem: str | None = None
    chosen_row: str = ""
    runs: list[RunView] = field(default_factory=list)
    run: RunView | None = None
    message: str | None = None
    nonce: str = field(default_factory=lambda: uuid.uuid4().hex)
    oob_version: int | None = None  # the form's base_version after a push (htmx answers)
    pushed_version: int | None = None  # the version the run sent to Floqer first
    oob_runs: bool = False  # a poll's answer redraws "Recent test runs" once the run ended


def panel_context(
    ctx: AppContext,
    session: Session,
    config: SavedConfiguration,
    *,
    panel: PanelInput | None = None,
    run: TestRun | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    page_url = f"/configurations/{config.id}"
    panel = panel or PanelInput()
    columns, problem = sheet_columns(ctx, config)
    typed = typed_values(columns, panel.columns, panel.values)
    shown = TestPanel(
        run_url=f"{page_url}/test-run",
        target=_target(ctx, config),
        columns=list(typed.items()),
        columns_problem=problem,
        chosen_row=panel.row,
        runs=[RunView(r, page_url) for r in recent_runs(session, config)],
        run=RunView(run, page_url) if run is not None else None,
        message=message,
    )
    return {"test_panel": shown, "config": config, "page_url": page_url}


def rows_context(ctx: AppContext, config: SavedConfiguration) -> dict[str, Any]:
    """The sheet's newest rows, each with its values in one line, or why there are none."""
    client = floqer_for(ctx, config.connection)
    try:
        rows = client.recent_rows(config.workflow_id, config.sheet_id, RECENT_ROWS)
    except FloqerError as exc:
        return {"rows_problem": f"The sheet's rows could not be read: {exc.user_message}"}
    listed = [(row.row_id, _row_line(row)) for row in rows[:RECENT_ROWS]]
    return {"recent_rows": listed}


def preview_context(
    ctx: AppContext, config: SavedConfiguration, upsert: UpsertConfig, panel: PanelInput
) -> dict[str, Any]:
    try:
        _, shown = run_choice(ctx, config, upsert, panel)
    except FloqerError as exc:
        return {"problem": f"No preview: {exc.user_message}"}
    return {"test_preview": shown}


def run_choice(
    ctx: AppContext, config: SavedConfiguration, upsert: UpsertConfig, panel: PanelInput
) -> tuple[RowChoice, Preview]:
    """The row the run will use and what each mapped field will receive from it. Raises
    FloqerError when the chosen row cannot be read; without the sheet's chain, the columns
    are the ones the panel posted (their tokens resolve all the same)."""
    client = floqer_for(ctx, config.connection)
    try:
        chain: list[ActionNode] = sheet_chain(ctx.metadata, client, config).value
        columns = input_columns(chain)
    except FloqerError:
        chain, columns = [], list(dict.fromkeys(panel.columns))
    if panel.row:
        found = client.list_rows(config.workflow_id, config.sheet_id, [panel.row])
        row: SheetRow | None = next((r for r in found if r.row_id == panel.row), None)
        if row is None:
            raise FloqerNotFound("The chosen row is no longer in the sheet: choose another.")
        values = {name: as_text(value) for name, value in row.values.items()}
        choice = RowChoice(row_id=row.row_id, values=values)
    else:
        row = None
        choice = RowChoice(values=typed_values(columns, panel.columns, panel.values))
    shown = preview(upsert, row_context(chain, config.step_id, choice.values or {}, row))
    return choice, shown


def sheet_columns(ctx: AppContext, config: SavedConfiguration) -> tuple[list[str], str | None]:
    """The sheet's input columns (from its cached chain), or why they could not be read."""
    try:
        chain = sheet_chain(ctx.metadata, floqer_for(ctx, config.connection), config).value
    except FloqerError as exc:
        return [], f"The sheet's columns could not be read: {exc.user_message}"
    return input_columns(chain)[:MAX_COLUMNS], None


def _target(ctx: AppContext, config: SavedConfiguration) -> str:
    connection = config.connection
    if ctx.sandbox_mode:
        return (
            "This writes one record to the sandbox's simulated Salesforce org (connection "
            f"“{connection.label}”); nothing reaches a real org."
        )
    who = connection.floqer_user_email or "the Floqer user behind this connection's key"
    return (
        f"This writes one record to the Salesforce org connected to Floqer for {who} "
        f"(connection “{connection.label}”)."
    )


def _row_line(row: SheetRow) -> str:
    parts = []
    for name, value in list(row.values.items())[:MAX_COLUMNS]:
        text = as_text(value)
        if text:
            cut = text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"
            parts.append(f"{name}: {cut}")
    return " · ".join(parts) or "(no values)"
