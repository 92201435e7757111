"""What Floqer holds for a configuration's step, said only as far as the app has checked it.

The app reads the step from Floqer (one call: the sheet's action chain) when a configuration
is opened, after each push and each pull, and remembers what it saw: when, which saved
version it equalled, and its body. Every page derives its wording from that memory, so a
version is called "in Floqer" only when Floqer was seen holding it, and a state that could
not be checked is shown with the time it was last known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from webapp.db import ConfigurationVersion, PushRecord, SavedConfiguration, utcnow
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerError
from webapp.floqer.models import ActionNode
from webapp.services import audit
from webapp.services.pushing import PullResult, pull
from webapp.upsert_form import UpsertConfig, differences

# Floqer's step is matched against this many of the newest versions; an older one it still
# holds reads as "changed in Floqer" (the versions page can compare it field by field).
MATCHED_VERSIONS = 100


@dataclass(frozen=True)
class FloqerState:
    """One of the states a page may claim, with the words and the badge for it.

    kind: "this" (Floqer holds the head version), "older" (an older saved version),
    "changed" (none of the saved versions: changed in Floqer), "empty" (the step is not
    configured in Floqer), "unchecked" (never read).
    """

    kind: str
    title: str
    detail: str
    badge: str  # ok, warn, bad, or "" (neutral)
    version: int | None
    seen_at: datetime | None
    # Set when the last attempt to read Floqer failed: what is shown is as of seen_at.
    problem: str = ""

    @property
    def unreachable(self) -> bool:
        return bool(self.problem)

    @property
    def short(self) -> str:
        """The words of the home list's status cell."""
        return SHORT[self.kind].format(version=self.version)


SHORT = {
    "this": "In Floqer: this version",
    "older": "In Floqer: v{version} (older)",
    "changed": "Changed in Floqer",
    "empty": "Not configured in Floqer",
    "unchecked": "Not checked yet",
}


def state_of(config: SavedConfiguration, pushed_versions: set[int] | None = None) -> FloqerState:
    """What the page may say about Floqer's copy of the step, from what was last seen.

    `pushed_versions`: the versions pushed successfully from here (read from the pushes when
    not given), to tell a head version Floqer holds because it was pushed from one whose
    settings were taken from Floqer or set there by hand.
    """
    problem = config.floqer_check_problem if _last_check_failed(config) else ""
    seen, version = config.floqer_seen_at, config.floqer_seen_version
    if seen is None:
        return FloqerState(
            "unchecked",
            "Floqer's copy of this step has not been read yet",
            "",
            "",
            None,
            None,
            problem,
        )
    if version is not None and version == config.version:
        pushed = pushed_versions if pushed_versions is not None else _pushed(config)
        detail = (
            f"Floqer's step holds version {version}, exactly as saved here."
            if version in pushed
            else f"Floqer's step holds the same settings as version {version}, which was "
            "never pushed from here (its settings came from Floqer)."
        )
        return FloqerState("this", "In Floqer: this version", detail, "ok", version, seen, problem)
    if version is not None:
        return FloqerState(
            "older",
            f"In Floqer: version {version} (older)",
            f"Version {config.version} is saved here but not pushed: Floqer's step still "
            f"holds version {version}. Push to send version {config.version}.",
            "warn",
            version,
            seen,
            problem,
        )
    if not UpsertConfig.from_inputs(_inputs(config.floqer_seen_body)).salesforce_object:
        return FloqerState(
            "empty",
            "Not configured in Floqer",
            "Floqer's step has no Salesforce object: none of the saved versions has been "
            "pushed to it, or it was cleared in Floqer. Push to configure it.",
            "warn",
            None,
            seen,
            problem,
        )
    return FloqerState(
        "changed",
        "Changed in Floqer since your last push — review",
        "Floqer's step matches none of the versions saved here: someone changed it in "
        "Floqer. Review the differences before you push, or take Floqer's version.",
        "bad",
        None,
        seen,
        problem,
    )


def needs_check(config: SavedConfiguration, recheck_seconds: float) -> bool:
    """Whether showing the configuration should ask Floqer again: never read, or read more
    than `recheck_seconds` ago (a page opened again at once shows what was just seen)."""
    checked = config.floqer_checked_at
    return checked is None or utcnow() - checked >= timedelta(seconds=recheck_seconds)


def check(session: Session, config: SavedConfiguration, client: FloqerClient) -> FloqerState:
    """Read the step from Floqer and remember what it holds (or why it could not be read).

    A push of unknown outcome is settled on the way (as a pull settles it). Commits; no
    transaction is open while Floqer is asked.
    """
    session.commit()
    try:
        floqer = pull(session, config, client).floqer
    except FloqerError as exc:
        config.floqer_checked_at = utcnow()
        config.floqer_check_problem = exc.user_message
        session.commit()
        return state_of(config)
    observe(session, config, floqer)
    session.commit()
    return state_of(config)


def observe(session: Session, config: SavedConfiguration, floqer: UpsertConfig) -> None:
    """Remember that Floqer's step holds `floqer` now, and which saved version that is."""
    now = utcnow()
    config.floqer_seen_at = now
    config.floqer_checked_at = now
    config.floqer_check_problem = ""
    config.floqer_seen_body = floqer.body()
    config.floqer_seen_version = matching_version(session, config, floqer)


def matching_version(
    session: Session, config: SavedConfiguration, floqer: UpsertConfig
) -> int | None:
    """The newest saved version whose settings equal Floqer's, if any (of the newest 100)."""
    bodies = session.execute(
        select(ConfigurationVersion.version, ConfigurationVersion.body)
        .where(ConfigurationVersion.configuration_id == config.id)
        .order_by(ConfigurationVersion.version.desc())
        .limit(MATCHED_VERSIONS)
    )
    for version, body in bodies:
        if not differences(UpsertConfig.from_inputs(_inputs(body)), floqer):
            return int(version)
    return None


def pushed_versions(session: Session, config_ids: list[int]) -> dict[int, set[int]]:
    """For each configuration, the versions Floqer accepted a push of."""
    found: dict[int, set[int]] = {i: set() for i in config_ids}
    rows = session.execute(
        select(PushRecord.configuration_id, PushRecord.version)
        .where(PushRecord.configuration_id.in_(config_ids), PushRecord.outcome == "pushed")
        .distinct()
    )
    for config_id, version in rows:
        found[int(config_id)].add(int(version))
    return found


def _pushed(config: SavedConfiguration) -> set[int]:
    session = object_session(config)
    if session is None:
        return {p.version for p in config.pushes if p.outcome == "pushed"}
    return pushed_versions(session, [config.id])[config.id]


def _last_check_failed(config: SavedConfiguration) -> bool:
    if not config.floqer_check_problem or config.floqer_checked_at is None:
        return False
    return config.floqer_seen_at is None or config.floqer_checked_at > config.floqer_seen_at


def _inputs(body: Any) -> dict[str, Any]:
    inputs = body.get("inputs") if isinstance(body, dict) else None
    return inputs if isinstance(inputs, dict) else {}


def observe_chain(
    session: Session, workflow_id: str, sheet_id: str, chain: list[ActionNode]
) -> dict[str, tuple[SavedConfiguration, FloqerState]]:
    """For each step of a sheet's chain (just read from Floqer) that has a configuration
    here: the configuration, and what Floqer holds for it, remembered as a check would (the
    chain carries every step's configuration: no call per step)."""
    found: dict[str, tuple[SavedConfiguration, FloqerState]] = {}
    configs = session.scalars(
        select(SavedConfiguration).where(
            SavedConfiguration.workflow_id == workflow_id,
            SavedConfiguration.sheet_id == sheet_id,
        )
    )
    by_step = {config.step_id: config for config in configs}
    for node in chain:
        config = by_step.get(node.action_instance_id)
        if config is not None:
            observe(session, config, UpsertConfig.from_inputs(node.inputs))
            found[node.action_instance_id] = (config, state_of(config))
    return found


def pull_recorded(
    session: Session, config: SavedConfiguration, client: FloqerClient, actor: str
) -> PullResult:
    """A pull as a person asks for one (the page's button, the API): Floqer's step read and
    compared, what it holds observed, and the pull in the audit log, failed ones included
    (committed before the FloqerError goes on)."""
    try:
        result = pull(session, config, client)
    except FloqerError as exc:
        audit.record_on(session, actor, "pull", config, "failed", exc.user_message)
        session.commit()
        raise
    observe(session, config, result.floqer)
    detail = f"{len(result.differences)} difference(s)"
    if result.settled:
        settled = result.settled
        detail += f"; settled the push of version {settled.version}: {settled.outcome}"
    audit.record_on(session, actor, "pull", config, detail=detail)
    session.commit()
    return result
