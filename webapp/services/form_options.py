"""What the form's dropdowns offer, read through the metadata cache.

Options are the connected org's metadata, the same for every step of one connection (the
key's user has one Salesforce connection), so they are cached per connection and, for an
object's fields, per canonical object name from the org's own list: "account", "ACCOUNT"
and "Account" are one entry, and once the org's object list is kept a name the org does not
have never reaches Floqer. Reads that do not depend on one another start together.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from webapp.db import SavedConfiguration
from webapp.floqer.client import FloqerClient
from webapp.floqer.errors import FloqerBadRequest, FloqerError
from webapp.floqer.models import ActionNode, FieldOption
from webapp.metadata_cache import Cached, Key, MetadataCache
from webapp.preflight import OrgFacts
from webapp.preflight.drift import SavedFields, snapshot
from webapp.services.browse import reference_choices
from webapp.services.per_list import per_list
from webapp.upsert_form import EXTERNAL_ID, FIELDS, OBJECT, UpsertConfig


def _options_weight(options: list[FieldOption]) -> int:
    # An estimate of the memory a list takes as models, for the cache's byte budget.
    return sum(400 + 2 * (len(o.value) + len(o.label)) + 120 * len(o.extras) for o in options)


def _chain_weight(chain: list[ActionNode]) -> int:
    return sum(600 + 300 * len(node.outputs) + 200 * len(node.inputs) for node in chain)


class StepOfConnection(Protocol):
    """Whose options to read: a saved configuration, or a step about to get one (Step)."""

    @property
    def connection_id(self) -> int: ...
    @property
    def workflow_id(self) -> str: ...
    @property
    def sheet_id(self) -> str: ...
    @property
    def step_id(self) -> str: ...


@dataclass(frozen=True)
class Step:
    connection_id: int
    workflow_id: str
    sheet_id: str
    step_id: str


def _options_call(
    client: FloqerClient, config: StepOfConnection, field_name: str, object_name: str | None
) -> tuple[Key, Callable[[], list[FieldOption]]]:
    """The cache key of an options list and the Floqer call that reads it."""
    context = {OBJECT: object_name} if object_name else None
    step = (config.workflow_id, config.sheet_id, config.step_id)
    return (
        ("options", config.connection_id, field_name, object_name or ""),
        lambda: client.field_options(*step, field_name, context),
    )


def _options(
    cache: MetadataCache,
    client: FloqerClient,
    config: StepOfConnection,
    field_name: str,
    object_name: str | None,
) -> Cached[list[FieldOption]]:
    key, load = _options_call(client, config, field_name, object_name)
    return cache.get(key, load, _options_weight, waiting=client.before_waiting)


def _start_options(
    cache: MetadataCache,
    client: FloqerClient,
    config: StepOfConnection,
    field_name: str,
    object_name: str | None,
) -> None:
    key, load = _options_call(client, config, field_name, object_name)
    cache.start(key, load, _options_weight)


def object_options(
    cache: MetadataCache, client: FloqerClient, config: StepOfConnection
) -> Cached[list[FieldOption]]:
    return _options(cache, client, config, OBJECT, None)


def objects_now(
    cache: MetadataCache, client: FloqerClient, config: StepOfConnection, *, reuse: bool
) -> Cached[list[FieldOption]]:
    """The org's objects for a connection's health check: with `reuse`, the cached list while
    it is fresh (no call at all); else, or when it is not, read from Floqer now and kept for
    the forms. A failure raises, and leaves what the cache keeps as it was."""
    key, load = _options_call(client, config, OBJECT, None)
    kept = cache.peek(key)
    if reuse and kept is not None and time.time() - kept.fetched_at < cache.ttl_seconds:
        return kept
    objects = load()
    cache.put(key, objects, _options_weight(objects))
    return Cached(objects, time.time())


def canonical_object(objects: list[FieldOption], typed: str) -> str | None:
    """The org's own API name for `typed`: the name exactly, then regardless of case, then
    the one object whose label it is ("Product Usage Event"); None when there is none."""
    exact, folded, labelled = per_list.get(objects, "object names", lambda: _names(objects))
    if typed in exact:
        return typed
    key = typed.casefold()
    return folded.get(key) or labelled.get(key)


def _names(
    objects: list[FieldOption],
) -> tuple[frozenset[str], dict[str, str], dict[str, str]]:
    """An org's object names, and the first name per case-folded name and per label (a label
    that several objects share leads to none of them)."""
    folded: dict[str, str] = {}
    for o in objects:
        folded.setdefault(o.value.casefold(), o.value)
    labels: dict[str, list[str]] = {}
    for o in objects:
        if o.label:
            labels.setdefault(o.label.casefold(), []).append(o.value)
    unique = {label: names[0] for label, names in labels.items() if len(names) == 1}
    return frozenset(o.value for o in objects), folded, unique


def suggestions(objects: list[FieldOption], typed: str) -> list[str]:
    """Objects whose API name or label resembles what was typed ("did you mean")."""
    by_key = {o.value.casefold(): o.value for o in objects}
    by_key.update({o.label.casefold(): o.value for o in objects if o.label})
    close = difflib.get_close_matches(typed.casefold(), list(by_key), n=3, cutoff=0.7)
    return list(dict.fromkeys(by_key[c] for c in close))


@dataclass(frozen=True)
class ObjectFields:
    object_name: str
    problem: str | None = None  # why the object cannot be used (unknown, or Floqer's word)
    external_ids: list[FieldOption] = field(default_factory=list)
    fields: list[FieldOption] = field(default_factory=list)
    fetched_at: float | None = None  # when the lists were read, if not just now
    failure: FloqerError | None = None  # Floqer failed: the lists are older, or missing

    @property
    def required_on_create(self) -> list[FieldOption]:
        return per_list.get(
            self.fields,
            "required",
            lambda: [f for f in self.fields if f.extras.get("required") is True],
        )


# What an API name looks like ("Account", "Usage_Event__c"): a label has spaces.
_API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def start_object_fields(
    cache: MetadataCache, client: FloqerClient, config: StepOfConnection, typed: str
) -> None:
    """Begin every read object_fields(typed) makes, at once: over a 200 ms Floqer a cold
    fields part then costs one round trip, not three. The object's lists are asked for under
    the org's name for `typed` when its object list is kept, else, speculatively, under
    `typed` itself when it looks like an API name (what the picker offers and a saved
    configuration holds); a guess the org spells otherwise costs one wasted call per list,
    made only while the org's list is unknown."""
    client.before_waiting()
    objects_key = ("options", config.connection_id, OBJECT, "")
    _start_options(cache, client, config, OBJECT, None)
    kept = cache.peek(objects_key)
    if kept is not None:
        name = canonical_object(kept.value, typed)
    else:
        name = typed if _API_NAME.match(typed) else None
    if name:
        _start_options(cache, client, config, EXTERNAL_ID, name)
        _start_options(cache, client, config, FIELDS, name)


def start_fields_part(
    cache: MetadataCache, client: FloqerClient, config: SavedConfiguration, typed: str
) -> None:
    """Begin every read the form's fields part for `typed` makes (its object's lists and the
    sheet's chain for references), at once."""
    client.before_waiting()
    cache.start(*_chain_call(client, config), _chain_weight)
    if typed:
        start_object_fields(cache, client, config, typed)


def object_fields(
    cache: MetadataCache, client: FloqerClient, config: StepOfConnection, typed: str
) -> ObjectFields:
    """External-ID fields and all fields of the object named `typed`: two options calls,
    cached, started together with the org's object list when it is not fresh. Raises
    nothing for Floqer's failures: they come back in `failure`."""
    start_object_fields(cache, client, config, typed)
    try:
        objects: list[FieldOption] | None = object_options(cache, client, config).value
    except FloqerError:
        objects = None  # the org's list is unknown: take the name as typed
    name = typed
    if objects is not None:
        found = canonical_object(objects, typed)
        if found is None:
            near = suggestions(objects, typed)
            hint = f" Did you mean {', '.join(near)}?" if near else ""
            return ObjectFields(typed, f"The connected org has no object “{typed}”.{hint}")
        name = found
    try:
        external_ids = _options(cache, client, config, EXTERNAL_ID, name)
        fields = _options(cache, client, config, FIELDS, name)
    except FloqerBadRequest as exc:
        detail = exc.problems[0].message if exc.problems else exc.user_message
        return ObjectFields(name, detail)
    except FloqerError as exc:
        return ObjectFields(name, failure=exc)
    # The older list's age is shown when Floqer failed, or while it is read again.
    older = min(external_ids, fields, key=lambda c: (not c.failure, not c.stale, c.fetched_at))
    return ObjectFields(
        name,
        external_ids=external_ids.value,
        fields=fields.value,
        fetched_at=older.fetched_at if older.failure or older.stale else None,
        failure=older.failure,
    )


def field_facts(
    cache: MetadataCache,
    step: StepOfConnection,
    upsert: UpsertConfig,
    client: FloqerClient | None = None,
) -> dict[str, Any] | None:
    """What a version of `upsert` saved now keeps of the fields it maps (preflight.drift).

    Without `client`, only what the cache holds is read: a save never waits on Floqer (the
    page that posted the draft has just loaded these options). With it, what is missing is
    loaded (a new step's configuration, whose page needs the same options next). None when
    the metadata is not to be had: a save never fails for want of it.
    """
    typed = upsert.salesforce_object.strip()
    if not typed:
        return None
    names = [row.name for row in upsert.rows] + [upsert.external_id_field]
    if client is not None:
        found = object_fields(cache, client, step, typed)
        if found.problem or found.failure or not found.fields:
            return None
        return snapshot(found.object_name, found.fields, names)
    objects = cache.peek(("options", step.connection_id, OBJECT, ""))
    name = canonical_object(objects.value, typed) if objects is not None else typed
    fields = cache.peek(("options", step.connection_id, FIELDS, name)) if name else None
    return snapshot(name, fields.value, names) if name and fields and fields.value else None


def sheet_chain(
    cache: MetadataCache, client: FloqerClient, config: SavedConfiguration
) -> Cached[list[ActionNode]]:
    """The sheet's action chain (inputs and upstream outputs for references), cached."""
    return cache.get(*_chain_call(client, config), _chain_weight, waiting=client.before_waiting)


def _chain_call(
    client: FloqerClient, config: SavedConfiguration
) -> tuple[Key, Callable[[], list[ActionNode]]]:
    return (
        ("chain", config.connection_id, config.workflow_id, config.sheet_id),
        lambda: client.action_chain(config.workflow_id, config.sheet_id),
    )


def forget_chain(cache: MetadataCache, workflow_id: str, sheet_id: str) -> None:
    """The sheet's chain changed (the app added a step to it): every connection's cached
    copy of it is read again, so the new step's outputs can be referenced at once."""
    cache.forget(lambda key: key[0] == "chain" and key[2:4] == (workflow_id, sheet_id))


def forget_options(cache: MetadataCache, config: SavedConfiguration) -> None:
    """ "Refresh options": read this connection's options and this sheet's chain again."""
    chain = ("chain", config.connection_id, config.workflow_id, config.sheet_id)
    cache.forget(
        lambda key: key == chain or (key[0] == "options" and key[1] == config.connection_id)
    )


def org_facts(
    cache: MetadataCache,
    client: FloqerClient,
    config: SavedConfiguration,
    upsert: UpsertConfig,
    saved: SavedFields | None = None,
) -> OrgFacts | None:
    """What the pre-flight check may know of the org for `upsert`, from the cache (loading
    what is missing), with what the version the draft started from knew of its fields
    (`saved`); None when the object's fields cannot be had at all."""
    try:
        objects: list[FieldOption] | None = object_options(cache, client, config).value
    except FloqerError:
        objects = None
    names = [o.value for o in objects] if objects is not None else None
    if not upsert.salesforce_object:
        return OrgFacts("", [], [], None, names, saved)
    fields = object_fields(cache, client, config, upsert.salesforce_object)
    if fields.problem is not None:
        # The org has no such object (the check says so) or Floqer refused to describe it.
        return OrgFacts(upsert.salesforce_object, [], [], None, names, saved) if names else None
    if not fields.fields:
        return None  # Floqer failed and nothing older is kept: nothing to check against
    try:
        chain = sheet_chain(cache, client, config).value
        references: frozenset[str] | None = frozenset(
            choice.token for choice in reference_choices(chain, config.step_id)
        )
    except FloqerError:
        references = None
    return OrgFacts(
        fields.object_name, fields.fields, fields.external_ids, references, names, saved
    )
