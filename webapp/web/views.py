"""What the configuration page and its fragments show, computed in one place.

Templates get plain values from here: notice texts, the push outcome to show, the choices
of the External ID field, and whether Floqer's metadata is current, old, or missing.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from webapp.context import AppContext
from webapp.db import PushRecord, SavedConfiguration, utcnow
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerError
from webapp.floqer.models import FieldOption
from webapp.preflight import CONTROL_NAMES, Problem, Report, check
from webapp.preflight.drift import SavedFields
from webapp.services.browse import ReferenceChoice, reference_choices
from webapp.services.configurations import VersionConflict
from webapp.services.editing import Draft
from webapp.services.field_guide import guide_json
from webapp.services.floqer_state import FloqerState, needs_check, state_of
from webapp.services.form_options import (
    ObjectFields,
    object_fields,
    object_options,
    org_facts,
    sheet_chain,
)
from webapp.services.mapping_help import essential_rows
from webapp.services.per_list import per_list
from webapp.services.preview import body_json, curl_command
from webapp.services.pushing import latest_push, recent_pushes, shown_outcome
from webapp.services.versions import push_answer
from webapp.settings import REAL_FLOQER
from webapp.upsert_form import (
    FIELDS_LOADED,
    TOGGLES,
    FieldRow,
    PlacedProblems,
    UpsertConfig,
    differences,
    place_problems,
)

NOTICES = {
    "unchanged": "Saved: nothing had changed.",
    "refreshed": "Options will be read from Floqer again.",
    "existing": "This step already has a configuration here: it is below.",
    "created": "Configuration created from what the step holds in Floqer.",
    "push-refused": "Saved, but not pushed: the check below found what Salesforce would refuse "
    "on every row. Fix it, or use “Push anyway”.",
    "push-in-progress": "A push of this configuration is already on its way to Floqer: its "
    "outcome shows below once Floqer answers. Reload in a moment.",
}


def notice_text(code: str | None, config: SavedConfiguration) -> str | None:
    """The sentence a redirect's ?notice= stands for (codes only: no text from the URL)."""
    if not code:
        return None
    if code.startswith("saved-v") and code[7:].isdigit():
        return f"Saved as version {code[7:]}."
    if code.startswith("took-floqer-v") and code[13:].isdigit():
        return (
            f"Took Floqer's version: saved as version {code[13:]}, the settings Floqer's step "
            "holds. Nothing was sent to Floqer."
        )
    restored = re.fullmatch(r"restored-v(\d+)-as-v(\d+)", code)
    if restored:
        old, new = restored.groups()
        return f"Restored version {old} as version {new}. It is not in Floqer until you push it."
    if code.startswith("same-v") and code[6:].isdigit():
        return f"Version {code[6:]} is what is saved now: restoring it changed nothing."
    if code == "connection":
        return f"This configuration now reads and pushes with {config.connection.label}."
    if code == "template":
        return (
            "Started from a template: push it when it is right; until then the step keeps "
            "what Floqer holds."
        )
    return NOTICES.get(code)


@dataclass(frozen=True)
class PushView:
    outcome: str  # pushed, failed, unknown, sending
    title: str
    kind: str  # notice kind: success, error, warning, info


PUSH_VIEWS = {
    "pushed": PushView("pushed", "Pushed to Floqer", "success"),
    "failed": PushView("failed", "Push failed", "error"),
    "unknown": PushView("unknown", "Push outcome unknown: Floqer may have applied it", "warning"),
    "sending": PushView("sending", "Pushing to Floqer…", "info"),
}


def push_view(latest: PushRecord, outcome: str, state: FloqerState) -> PushView:
    """How the latest push is shown: a success only while it is what Floqer holds as far as
    the app knows (the head version, not changed in Floqer since), otherwise as history."""
    view = PUSH_VIEWS[outcome]
    holds = latest.version == latest.configuration.version and state.kind in ("this", "unchecked")
    if outcome == "pushed" and not holds:
        return PushView("pushed", f"Last push: version {latest.version}", "info")
    return view


def history_rows(config: SavedConfiguration) -> list[tuple[PushRecord, PushView, Any]]:
    """The push history's rows: the newest 20 pushes, each with its outcome and answer."""
    now = utcnow()
    return [
        (record, PUSH_VIEWS[shown_outcome(record, now)], push_answer(record))
        for record in recent_pushes(config, 20)
    ]


def fragment_context(config: SavedConfiguration, **extra: Any) -> dict[str, Any]:
    """What every block of the configuration page needs; a fragment adds its own part."""
    # The latest push is read only when it failed (the configuration says so): its problems
    # mark the form. Every fragment asks, so the usual case costs no query.
    latest = latest_push(config) if config.last_push_status == "failed" else None
    failed_now = (
        latest is not None
        and shown_outcome(latest, utcnow()) == "failed"
        and latest.version == config.version
    )
    if "upsert" not in extra:  # what is saved, unless the caller shows something else
        extra["upsert"] = UpsertConfig.from_inputs(config.inputs)
    return {
        "config": config,
        # Floqer's 400 on the latest push of this version, placed on its controls and rows.
        "placed": place_problems(latest.problems) if failed_now and latest else PlacedProblems(),
        "page_url": f"/configurations/{config.id}",
        "fragments_url": f"/configurations/{config.id}/fragments",
        **extra,
    }


def page_context(
    ctx: AppContext,
    config: SavedConfiguration,
    *,
    draft: Draft | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The whole configuration page: the saved head, or `draft` shown again as it was typed."""
    history = history_rows(config)
    latest = history[0][0] if history else None  # the newest push: one query for both
    outcome = shown_outcome(latest, utcnow()) if latest else None
    state = state_of(config)
    shown: dict[str, Any] = {"name": config.name, "base_version": config.version}
    if draft is not None:
        shown = {"upsert": draft.upsert, "name": draft.name, "base_version": draft.base_version}
    return fragment_context(
        config,
        toggles=TOGGLES,
        latest_push=latest,
        push_view=push_view(latest, outcome, state) if latest and outcome else None,
        latest_answer=push_answer(latest) if latest else None,
        floqer_state=state,
        check_floqer=needs_check(config, ctx.settings.floqer_recheck_seconds),
        pushes=history,
        body_json=body_json(config),
        # In sandbox mode the sandbox's loopback address means nothing to the reader.
        curl=curl_command(ctx.settings.floqer_base_url or REAL_FLOQER, config),
        push_nonce=uuid.uuid4().hex,
        **shown,
        **extra,
    )


def draft_in_place(
    ctx: AppContext, client: FloqerClient, config: SavedConfiguration, draft: Draft
) -> dict[str, Any]:
    """What page_context needs to show `draft` as it was typed: the picker and the fields
    part rendered in place rather than loaded afterwards."""
    upsert = draft.upsert
    return {
        "draft": draft,
        "inline": True,
        "picker": picker(ctx, client, config),
        "part": fields_view(ctx, client, config, upsert.salesforce_object, upsert),
    }


@dataclass(frozen=True)
class Picker:
    """The object picker: the org's objects, or why they are missing."""

    objects: list[FieldOption]
    as_of: str | None = None  # "12 minutes ago" when Floqer failed and an older list stands
    failure: FloqerError | None = None

    @property
    def datalist(self) -> Markup:
        """The objects as the datalist's <option>s, built once per cached list (a Jinja loop
        over a large org's 1,052 objects cost 10 ms a request)."""
        return option_tags(self.objects, "object tags", lambda o: (o.value, o.label))


def option_tags(
    options: Sequence[Any], what: str, value_and_text: Callable[[Any], tuple[str, str]]
) -> Markup:
    """`<option value="…">…</option>` for each of `options` (a list the metadata cache holds,
    or one derived once from it), escaped as the templates escape; kept with the list under
    `what` (one name per way of making them)."""

    def build() -> Markup:
        pairs = (value_and_text(o) for o in options)
        return Markup("").join(
            Markup('<option value="{}">{}</option>').format(value, text) for value, text in pairs
        )

    return per_list.get(options, what, build)


def picker(ctx: AppContext, client: FloqerClient, config: SavedConfiguration) -> Picker:
    try:
        cached = object_options(ctx.metadata, client, config)
    except FloqerError as exc:
        return Picker([], failure=exc)
    as_of = age(cached.fetched_at) if cached.failure or cached.stale else None
    return Picker(cached.value, as_of, cached.failure)


@dataclass(frozen=True)
class FieldsView:
    """The object's part of the form: External ID field, the field rows, references."""

    fields: ObjectFields | None
    external_id: str
    rows: list[FieldRow]
    references: list[ReferenceChoice] = field(default_factory=list)
    as_of: str | None = None
    failure: FloqerError | None = None  # shown once, in the page's Floqer status line
    notice: str | None = None  # what just happened to the rows ("Added 3 rows.")
    undo: str | None = None  # the state before an object change, for its Undo button (JSON)
    pasted: str = ""  # "Paste mappings" text shown again, with why it could not be read
    paste_problem: str | None = None

    @property
    def guide(self) -> str:
        """The fields and references as JSON for the page's row helpers (field_guide)."""
        if self.fields is None:
            return "{}"
        return guide_json(self.fields.object_name, self.fields.fields, self.references)

    @property
    def key_options(self) -> list[tuple[str, str]]:
        """(value, text) of the External ID choices; a saved one Floqer no longer offers
        stays, marked, so that nothing silently changes."""
        offered = self.fields.external_ids if self.fields else []
        options = [(o.value, f"{o.label} ({o.value})") for o in offered]
        if self.external_id and self.external_id not in {o.value for o in offered}:
            # Only current metadata can say it is no longer one; without any, it just stays.
            mark = "" if self.failure else " — not an External ID field any more"
            options.append((self.external_id, self.external_id + mark))
        return options


def fields_view(
    ctx: AppContext,
    client: FloqerClient,
    config: SavedConfiguration,
    chosen: str,
    shown: UpsertConfig,
) -> FieldsView:
    """The fields part for the object `chosen`, with `shown`'s rows when it is their object;
    a mapping with no rows yet starts with the rows the object needs (mapping_help)."""
    same = chosen == shown.salesforce_object
    rows = list(shown.rows) if same and shown.rows else [FieldRow("", "")]
    external_id = shown.external_id_field if same else ""
    if not chosen:
        return FieldsView(None, external_id, rows)
    fields = object_fields(ctx.metadata, client, config, chosen)
    if not (same and shown.rows) and fields.fields:
        rows = essential_rows(fields.fields, external_id) or rows
    failure = fields.failure
    try:
        chain = sheet_chain(ctx.metadata, client, config)
        references = reference_choices(chain.value, config.step_id)
        failure = failure or chain.failure
    except FloqerError as exc:
        references, failure = [], failure or exc
    as_of = age(fields.fetched_at) if fields.fetched_at else None
    return FieldsView(fields, external_id, rows, references, as_of, failure)


def age(when: float) -> str:
    minutes = int(max(0.0, time.time() - when) // 60)
    if minutes < 1:
        return "less than a minute ago"
    if minutes < 90:
        return "1 minute ago" if minutes == 1 else f"{minutes} minutes ago"
    hours = round(minutes / 60)
    return f"{hours} hours ago"


@dataclass(frozen=True)
class ConflictRow:
    what: str
    started_from: str | None  # None when the version the draft started from is not known
    theirs: str
    mine: str
    they_changed: bool
    you_changed: bool


def conflict_context(
    conflict: VersionConflict,
    draft: Draft,
    config: SavedConfiguration,
    action: str,
    started_from: UpsertConfig | None,
) -> dict[str, Any]:
    """The 409 page: who saved what since the form was opened, and the two ways on.

    Each setting where their version and the draft differ is shown with its value in the
    version the draft started from, so it is plain who changed what.
    """
    theirs = UpsertConfig.from_inputs(conflict.head.body.get("inputs", {}))
    base = started_from or theirs
    by_them = {d.what: d for d in differences(base, theirs)}
    by_you = {d.what: d for d in differences(base, draft.upsert)}
    rows = [
        ConflictRow(
            d.what,
            (by_them[d.what].saved if d.what in by_them else d.saved) if started_from else None,
            d.saved,
            d.floqer,
            started_from is not None and d.what in by_them,
            started_from is not None and d.what in by_you,
        )
        for d in differences(theirs, draft.upsert)
    ]
    return {
        "config": config,
        "head": conflict.head,
        "draft": draft,
        "rows": rows,
        "known_start": started_from is not None,
        "action": action,
        "page_url": f"/configurations/{config.id}",
        "push_nonce": uuid.uuid4().hex,
    }


@dataclass(frozen=True)
class CheckView:
    """One pre-flight problem as the panel and its row show it."""

    severity: str  # error or warning
    message: str
    href: str  # the control it is about
    where: str  # "Row 3 · Status", "External ID field", "The mapping"
    add_fields: tuple[str, ...] = ()  # "Add missing rows" for these API names

    @property
    def add_query(self) -> str:
        return urlencode([("field", name) for name in self.add_fields])


@dataclass(frozen=True)
class PreflightView:
    checked: bool
    items: list[CheckView]
    by_row: dict[str, list[CheckView]]  # the row's uid → its problems (every uid present)

    @property
    def errors(self) -> int:
        return sum(1 for item in self.items if item.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for item in self.items if item.severity == "warning")

    @property
    def state(self) -> str:
        """What the push controls show for this check ("errors:warnings")."""
        return f"{self.errors}:{self.warnings}" if self.checked else "unchecked"


def preflight_view(
    ctx: AppContext,
    client: FloqerClient,
    config: SavedConfiguration,
    upsert: UpsertConfig,
    uids: list[str],
    saved: SavedFields | None = None,
) -> PreflightView:
    """The pre-flight check of `upsert` (what the form holds), placed on the page's rows:
    `uids[i]` is the id of the form row holding `upsert.rows[i]`; `saved` is what the
    version the form was opened at knew of its fields (to tell what changed since)."""
    report = preflight_report(ctx, client, config, upsert, saved)
    items = [_check_view(problem, upsert, uids) for problem in report.problems]
    by_row: dict[str, list[CheckView]] = {uid: [] for uid in uids}
    for problem, item in zip(report.problems, items, strict=True):
        if problem.row is not None and problem.row < len(uids):
            by_row[uids[problem.row]].append(item)
    return PreflightView(report.checked, items, by_row)


def preflight_report(
    ctx: AppContext,
    client: FloqerClient,
    config: SavedConfiguration,
    upsert: UpsertConfig,
    saved: SavedFields | None = None,
) -> Report:
    """The pre-flight check of `upsert` against what is known of the org (cached)."""
    return check(upsert, org_facts(ctx.metadata, client, config, upsert, saved))


def _check_view(problem: Problem, upsert: UpsertConfig, uids: list[str]) -> CheckView:
    if problem.row is not None and problem.row < len(uids):
        row = upsert.rows[problem.row]
        where = f"Row {problem.row + 1} · {row.name or '(no field)'}"
        href = f"#{uids[problem.row]}-{problem.part or 'name'}"
    elif problem.control:
        where, href = CONTROL_NAMES.get(problem.control, problem.control), f"#{problem.control}"
    else:
        where, href = "The mapping", "#field-rows"
    message = problem.message
    if problem.suggestion and problem.suggestion not in message:
        message += f" Did you mean {problem.suggestion}?"
    return CheckView(problem.severity, message, href, where, problem.fields)


def row_uids(form: dict[str, list[str]], upsert: UpsertConfig) -> list[str]:
    """The page ids of the rows `upsert` holds, in order: each row posts its own uid; the
    saved rows of a form whose fields never loaded are row-0, row-1, … as first drawn."""
    names, values = form.get("field_name", []), form.get("field_value", [])
    posted = form.get("field_uid", [])
    if FIELDS_LOADED not in form or len(posted) != len(names) or len(names) != len(values):
        return [f"row-{i}" for i in range(len(upsert.rows))]
    kept = [u for u, n, v in zip(posted, names, values, strict=True) if n.strip() or v.strip()]
    return kept if len(kept) == len(upsert.rows) else [f"row-{i}" for i in range(len(upsert.rows))]
