"""Saved configurations: one per Floqer step, with every saved body kept as a version.

A save names the version it was based on; one made against an older version than the
stored one raises VersionConflict instead of overwriting what someone else saved. The check
and the write are one conditional UPDATE, so it holds with any number of app processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.util import identity_key

from webapp.db import ConfigurationVersion, Connection, SavedConfiguration, utcnow
from webapp.preflight.drift import SavedFields
from webapp.services import NotFound, audit, valid_id
from webapp.upsert_form import MAX_NAME, UpsertConfig


class ConfigurationProblem(ValueError):
    pass


class VersionConflict(Exception):
    """The configuration changed since the form was opened: saving would overwrite it."""

    def __init__(self, head: ConfigurationVersion) -> None:
        super().__init__(f"configuration {head.configuration_id} is at version {head.version}")
        self.head = head


@dataclass(frozen=True)
class Saved:
    version: int  # the version that holds the draft now
    created: bool  # this save made that version (False: the body was already stored)
    renamed: bool


@dataclass(frozen=True)
class StepPlace:
    """Where a step lives in Floqer, with the names shown for it."""

    workflow_id: str
    workflow_name: str
    sheet_id: str
    sheet_name: str
    step_id: str
    step_name: str


def list_configurations(session: Session) -> list[SavedConfiguration]:
    query = (
        select(SavedConfiguration)
        .options(selectinload(SavedConfiguration.connection))
        .order_by(SavedConfiguration.updated_at.desc(), SavedConfiguration.id.desc())
    )
    return list(session.scalars(query))


# With its connection in the same query: nearly every use calls Floqer with its key. Built
# once, with the id bound at each use: building the statement and its loader option cost
# more than looking the query up in SQLAlchemy's cache (a third of a warm fragment's time).
_CONFIGURATION = (
    select(SavedConfiguration)
    .options(joinedload(SavedConfiguration.connection))
    .where(SavedConfiguration.id == bindparam("configuration_id"))
)


def get_configuration(session: Session, configuration_id: int) -> SavedConfiguration:
    config = _configuration(session, configuration_id) if valid_id(configuration_id) else None
    if config is None:
        raise NotFound("That saved configuration does not exist (it may have been deleted).")
    return config


def _configuration(session: Session, configuration_id: int) -> SavedConfiguration | None:
    if identity_key(SavedConfiguration, configuration_id) in session.identity_map:
        # One this session holds already: Session.get's own way (no query unless expired).
        return session.get(SavedConfiguration, configuration_id)
    found = session.execute(_CONFIGURATION, {"configuration_id": configuration_id})
    return found.unique().scalar_one_or_none()


def configuration_names(session: Session) -> dict[str, int]:
    """{name: id} of the names that name one configuration now (for the audit log's links:
    its events name configurations by the name they had)."""
    rows = session.execute(select(SavedConfiguration.name, SavedConfiguration.id))
    seen: dict[str, int | None] = {}
    for name, config_id in rows:
        seen[name] = None if name in seen else config_id
    return {name: config_id for name, config_id in seen.items() if config_id is not None}


def existing_ids(session: Session, ids: Iterable[int | None]) -> set[int]:
    """Which of these configuration ids still name a configuration (the audit log's links)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    found = select(SavedConfiguration.id).where(SavedConfiguration.id.in_(wanted))
    return set(session.scalars(found))


def configuration_of_step(session: Session, place: StepPlace) -> SavedConfiguration | None:
    return session.scalar(
        select(SavedConfiguration).where(
            SavedConfiguration.workflow_id == place.workflow_id,
            SavedConfiguration.sheet_id == place.sheet_id,
            SavedConfiguration.step_id == place.step_id,
        )
    )


def configurations_of_workflow(session: Session, workflow_id: str) -> dict[tuple[str, str], int]:
    """{(sheet id, step id): saved configuration id}, to link the steps configured here."""
    rows = session.execute(
        select(
            SavedConfiguration.sheet_id, SavedConfiguration.step_id, SavedConfiguration.id
        ).where(SavedConfiguration.workflow_id == workflow_id)
    )
    return {(sheet, step): config for sheet, step, config in rows.all()}


def head_version(session: Session, config: SavedConfiguration) -> ConfigurationVersion:
    """The stored version the configuration is at now (read afresh, not from the session)."""
    version = session.scalar(
        select(SavedConfiguration.version).where(SavedConfiguration.id == config.id)
    )
    head = session.scalar(
        select(ConfigurationVersion).where(
            ConfigurationVersion.configuration_id == config.id,
            ConfigurationVersion.version == version,
        )
    )
    if head is None:  # only if the row was deleted meanwhile
        raise NotFound("That saved configuration does not exist (it may have been deleted).")
    return head


def version_body(session: Session, config: SavedConfiguration, version: int) -> UpsertConfig | None:
    """The configuration as saved in `version`, if that version is kept."""
    body = session.scalar(
        select(ConfigurationVersion.body).where(
            ConfigurationVersion.configuration_id == config.id,
            ConfigurationVersion.version == version,
        )
    )
    return UpsertConfig.from_inputs(body.get("inputs", {})) if body else None


def saved_fields(session: Session, config: SavedConfiguration, version: int) -> SavedFields | None:
    """What `version` kept of the fields it maps, if it is kept and kept any."""
    stored = session.scalar(
        select(ConfigurationVersion.field_facts).where(
            ConfigurationVersion.configuration_id == config.id,
            ConfigurationVersion.version == version,
        )
    )
    return SavedFields(version, stored) if stored is not None else None


def create_for_step(
    session: Session,
    connection: Connection,
    place: StepPlace,
    inputs: dict[str, Any],
    author: str,
    *,
    note: str = "",
    field_facts: dict[str, Any] | None = None,
) -> SavedConfiguration:
    """The step's configuration, starting from `inputs` as version 1 (keeping `field_facts`,
    what the org said of its fields, see save_version).

    The step must not have one yet (look with configuration_of_step first); two requests
    racing here meet the database's constraint, and the loser's flush raises IntegrityError.
    """
    body = UpsertConfig.from_inputs(inputs).body()
    config = SavedConfiguration(
        name=f"{place.workflow_name} · {place.step_name}"[:MAX_NAME],
        connection=connection,
        workflow_id=place.workflow_id,
        workflow_name=place.workflow_name,
        sheet_id=place.sheet_id,
        sheet_name=place.sheet_name,
        step_id=place.step_id,
        step_name=place.step_name,
        body=body,
        version=1,
    )
    session.add(config)
    session.flush()
    session.add(
        ConfigurationVersion(
            configuration_id=config.id,
            version=1,
            body=body,
            author=author,
            note=note,
            field_facts=field_facts,
        )
    )
    session.flush()
    return config


def save_version(
    session: Session,
    config: SavedConfiguration,
    *,
    base_version: int,
    upsert: UpsertConfig,
    author: str,
    name: str | None = None,
    note: str = "",
    field_facts: dict[str, Any] | None = None,
) -> Saved:
    """Store `upsert` as the next version, if it differs from what is stored.

    `base_version` is the version the draft was made from. Raises VersionConflict when the
    stored version is another one, unless the draft equals what is stored (nothing is lost).
    `field_facts` is what the org said of the fields it maps (webapp.preflight.drift), kept
    with the version so that a later check can tell what changed in the org since.
    """
    body = upsert.body()
    renamed = name is not None and name != config.name
    if body == config.body and base_version <= config.version:
        if renamed:
            rename(config, name or "")
        return Saved(config.version, created=False, renamed=renamed)
    if base_version != config.version:
        raise VersionConflict(head_version(session, config))
    now = utcnow()
    values: dict[str, Any] = {"version": base_version + 1, "body": body, "updated_at": now}
    if renamed:
        values["name"] = name
    result = session.execute(
        update(SavedConfiguration)
        .where(SavedConfiguration.id == config.id, SavedConfiguration.version == base_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire(config)  # read back what the database holds now, whatever happened
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise VersionConflict(head_version(session, config))
    session.add(
        ConfigurationVersion(
            configuration_id=config.id,
            version=base_version + 1,
            body=body,
            author=author,
            created_at=now,
            note=note,
            field_facts=field_facts,
        )
    )
    session.flush()
    return Saved(base_version + 1, created=True, renamed=renamed)


def rename(config: SavedConfiguration, name: str) -> None:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise ConfigurationProblem(f"Give the configuration a name of 1 to {MAX_NAME} characters.")
    config.name = name
    config.updated_at = utcnow()


def use_connection(config: SavedConfiguration, connection: Connection) -> None:
    """Read and push with another key from now on (a rotated key, another team member's)."""
    config.connection = connection
    config.updated_at = utcnow()


def delete(session: Session, config: SavedConfiguration) -> None:
    session.delete(config)


def configure_step(
    session: Session,
    connection: Connection,
    place: StepPlace,
    floqer_inputs: dict[str, Any],
    author: str,
    template: SavedConfiguration | None = None,
    field_facts: Callable[[UpsertConfig], dict[str, Any] | None] | None = None,
) -> tuple[SavedConfiguration, str]:
    """The step's one configuration: the existing one ("existing"), or a new one starting
    from what Floqer holds ("created") or from a template's head version ("template").

    If another request creates it at the same moment, the database's constraint refuses
    this one; the caller's transaction (reads only, so far) is rolled back and the other's
    configuration is the answer. `field_facts` tells what the org says of the fields of the
    version it starts from (called before anything is written).
    """
    existing = configuration_of_step(session, place)
    if existing is not None:
        return existing, "existing"
    if template is not None:
        inputs, how = template.inputs, "template"
        note = f"from the template “{template.name}” (its version {template.version})"
    else:
        inputs, how, note = floqer_inputs, "created", "read from the step in Floqer"
    facts = field_facts(UpsertConfig.from_inputs(inputs)) if field_facts else None
    try:
        config = create_for_step(
            session, connection, place, inputs, author, note=note, field_facts=facts
        )
    except IntegrityError:
        session.rollback()
        existing = configuration_of_step(session, place)
        if existing is None:
            raise
        return existing, "existing"
    audit.record_on(session, author, "configuration created", config, detail=note)
    return config, how
