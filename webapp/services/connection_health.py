"""A connection's health: whose key it is, whether Salesforce answers through it, and when
that was last checked, in words a RevOps user acts on.

A check asks Floqer's who-am-I (is the key accepted, and whose is it), then the org's
objects through one upsert step (the cheapest options call; Floqer answers options only on
a step). It is stored on the connection, so the connections page never calls Floqer itself:
checks run on "Check now" and, in the background, for connections not checked for
RECHECK. The objects list comes from the metadata cache while it is fresh, so a background
check with a warm cache costs who-am-I alone; "Check now" always reads it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db import Connection, SavedConfiguration, utcnow
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import (
    FloqerBusy,
    FloqerConnectionLost,
    FloqerConnectionOwnedElsewhere,
    FloqerError,
    FloqerForbidden,
    FloqerNotFound,
    FloqerRateLimited,
    FloqerSalesforceNotConnected,
    FloqerSalesforceSession,
    FloqerTimeout,
    FloqerUnauthorized,
    FloqerUnreachable,
)
from webapp.metadata_cache import MetadataCache
from webapp.services.browse import UPSERT
from webapp.services.connections import remember_user
from webapp.services.form_options import Step, objects_now

# A connection last checked longer ago than this is checked again when the page is shown.
RECHECK = timedelta(minutes=10)
# With no configuration here to name a step, the step to ask through is looked for in the
# main sheets of the key's first workflows: at most this many Floqer calls, list included.
SEARCH_CALLS = 6
# The step found is remembered in the metadata cache (per process, bounded like the rest).
_STEP_WEIGHT = 400

KEY_REFUSED = (
    "Floqer refused this key: the key was revoked or lacks access. Make a new key in Floqer "
    "(Settings → API) and add it as a new connection."
)
NO_STEP = (
    "Floqer accepts the key, but Salesforce could not be asked: Floqer answers that only "
    "through a Salesforce: Upsert Record step, and the main sheets of this key's first "
    "workflows have none. Add one to a workflow (Add upsert step), then check again."
)


@dataclass(frozen=True)
class Look:
    """How a state is shown: a short title and a badge (ok, warn, bad or "" for neutral)."""

    title: str
    badge: str


LOOKS = {
    "": Look("Not checked yet", ""),
    "working": Look("Working", "ok"),
    "key_refused": Look("Key refused", "bad"),
    "not_connected": Look("Salesforce not connected in Floqer", "bad"),
    "owned_elsewhere": Look("Salesforce connected by another team member", "bad"),
    "session_expired": Look("Salesforce session expired", "bad"),
    "rate_limited": Look("Rate-limited", "warn"),
    "unreachable": Look("Floqer unreachable or slow", "warn"),
    "floqer_error": Look("Floqer had a problem", "warn"),
    "no_step": Look("Key accepted; Salesforce not checked", "warn"),
}


@dataclass(frozen=True)
class Health:
    """What the page says about a connection, from its last check."""

    connection_id: int
    state: str
    title: str
    badge: str
    detail: str
    checked_at: datetime | None
    user_name: str
    user_email: str


def health_of(connection: Connection) -> Health:
    look = LOOKS.get(connection.health_state, LOOKS["floqer_error"])
    return Health(
        connection.id,
        connection.health_state,
        look.title,
        look.badge,
        connection.health_detail,
        connection.health_checked_at,
        connection.floqer_user_name,
        connection.floqer_user_email,
    )


def needs_check(connection: Connection) -> bool:
    checked = connection.health_checked_at
    return checked is None or utcnow() - checked >= RECHECK


def stale_first(connections: list[Connection], limit: int) -> list[Connection]:
    """Up to `limit` connections due for a check, the least recently checked first."""
    due = [c for c in connections if needs_check(c)]
    due.sort(key=lambda c: (c.health_checked_at is not None, c.health_checked_at))
    return due[:limit]


def check(
    session: Session,
    connection: Connection,
    client: FloqerClient,
    cache: MetadataCache,
    *,
    fresh: bool,
) -> Health:
    """Ask Floqer and store the outcome on the connection; commits. `fresh`: read the org's
    objects from Floqer even when the cache holds them (Check now)."""
    configured = _configured_step(session, connection)
    session.commit()  # no transaction stays open while Floqer is asked
    try:
        user = client.who_am_i()
    except FloqerError as exc:
        return _store(session, connection, *failure(exc))
    remember_user(connection, user.email, user.first_name, user.last_name)
    try:
        state, detail = _salesforce(connection.id, configured, client, cache, fresh)
    except FloqerError as exc:
        state, detail = failure(exc)
    return _store(session, connection, state, detail)


def failure(exc: FloqerError) -> tuple[str, str]:
    """The state a failed call stands for, and what to say."""
    if isinstance(exc, FloqerUnauthorized | FloqerForbidden):
        return "key_refused", KEY_REFUSED
    kinds: list[tuple[type[FloqerError] | tuple[type[FloqerError], ...], str]] = [
        (FloqerSalesforceNotConnected, "not_connected"),
        (FloqerConnectionOwnedElsewhere, "owned_elsewhere"),
        (FloqerSalesforceSession, "session_expired"),
        (FloqerRateLimited, "rate_limited"),
        ((FloqerTimeout, FloqerUnreachable, FloqerBusy, FloqerConnectionLost), "unreachable"),
    ]
    state = next((state for kind, state in kinds if isinstance(exc, kind)), "floqer_error")
    return state, exc.user_message


def _store(session: Session, connection: Connection, state: str, detail: str) -> Health:
    connection.health_state = state
    connection.health_detail = detail
    connection.health_checked_at = utcnow()
    session.commit()
    return health_of(connection)


def _salesforce(
    connection_id: int,
    configured: Step | None,
    client: FloqerClient,
    cache: MetadataCache,
    fresh: bool,
) -> tuple[str, str]:
    remembered = cache.peek(("health-step", connection_id))
    step = configured or (remembered.value if remembered else None)
    if step is None:
        step = _search(connection_id, client, cache)
    if step is None:
        return "no_step", NO_STEP
    try:
        objects = objects_now(cache, client, step, reuse=not fresh)
    except FloqerNotFound:  # the step is gone from Floqer: look for another, once
        cache.forget(lambda key: key == ("health-step", connection_id))
        step = _search(connection_id, client, cache)
        if step is None:
            return "no_step", NO_STEP
        objects = objects_now(cache, client, step, reuse=False)
    count = len(objects.value)
    return "working", (
        f"Floqer accepts the key and Salesforce answers through it: "
        f"{count} object{'' if count == 1 else 's'} in the org."
    )


def _configured_step(session: Session, connection: Connection) -> Step | None:
    """The step of this connection's most recently changed configuration, if it has one."""
    row = session.execute(
        select(
            SavedConfiguration.workflow_id, SavedConfiguration.sheet_id, SavedConfiguration.step_id
        )
        .where(SavedConfiguration.connection_id == connection.id)
        .order_by(SavedConfiguration.updated_at.desc())
        .limit(1)
    ).first()
    return Step(connection.id, row[0], row[1], row[2]) if row else None


def _search(connection_id: int, client: FloqerClient, cache: MetadataCache) -> Step | None:
    """An upsert step on the main sheet of one of the key's first workflows (a main sheet's
    id is its workflow's, Floqer's docs: no overview needed), remembered once found."""
    workflows = client.list_workflows()
    for workflow in workflows[: SEARCH_CALLS - 1]:
        wid = workflow.workflow_id
        try:
            chain = client.action_chain(wid, wid)
        except FloqerNotFound:
            continue
        node = next((n for n in chain if n.action_id == UPSERT), None)
        if node is not None:
            step = Step(connection_id, wid, wid, node.action_instance_id)
            cache.put(("health-step", connection_id), step, _STEP_WEIGHT)
            return step
    return None
