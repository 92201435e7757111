"""Saved configurations: one upsert step's draft, its versions, renames and copies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from webapp.db import Connection, SavedConfiguration, utcnow
from webapp.floqer.models import ActionInstance
from webapp.services import NotFound
from webapp.upsert_form import MAX_NAME, UpsertConfig


class ConfigurationProblem(ValueError):
    pass


def list_configurations(session: Session) -> list[SavedConfiguration]:
    query = (
        select(SavedConfiguration)
        .options(selectinload(SavedConfiguration.connection))
        .order_by(SavedConfiguration.updated_at.desc(), SavedConfiguration.id.desc())
    )
    return list(session.scalars(query))


def get_configuration(session: Session, configuration_id: int) -> SavedConfiguration:
    config = session.get(SavedConfiguration, configuration_id)
    if config is None:
        raise NotFound("That saved configuration does not exist (it may have been deleted).")
    return config


def configurations_for_steps(session: Session, connection_id: int) -> dict[str, int]:
    """{step id: id of a saved configuration for it}, to link steps already configured."""
    rows = session.execute(
        select(SavedConfiguration.step_id, SavedConfiguration.id)
        .where(SavedConfiguration.connection_id == connection_id)
        .order_by(SavedConfiguration.id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class StepPlace:
    """Where a step lives in Floqer, with the names shown for it."""

    workflow_id: str
    workflow_name: str
    sheet_id: str
    sheet_name: str


def _add(
    session: Session,
    name: str,
    connection: Connection,
    place: StepPlace,
    step: tuple[str, str],
    body: dict[str, Any],
) -> SavedConfiguration:
    """Store a new configuration of the step `(id, name)` at `place`."""
    config = SavedConfiguration(
        name=name[:MAX_NAME],
        connection=connection,
        workflow_id=place.workflow_id,
        workflow_name=place.workflow_name,
        sheet_id=place.sheet_id,
        sheet_name=place.sheet_name,
        step_id=step[0],
        step_name=step[1],
        body=body,
    )
    session.add(config)
    session.flush()
    return config


def create_for_step(
    session: Session, connection: Connection, place: StepPlace, step: ActionInstance
) -> SavedConfiguration:
    """A configuration starting from what the step holds in Floqer now (or the defaults)."""
    body = UpsertConfig.from_inputs(step.values()).body()
    name = f"{place.workflow_name} · {step.display_name}"
    return _add(
        session, name, connection, place, (step.action_instance_id, step.display_name), body
    )


def save_draft(
    session: Session, config: SavedConfiguration, name: str, upsert: UpsertConfig
) -> bool:
    """Store the draft; a changed body becomes a new version. True when anything changed."""
    body = upsert.body()
    changed = body != config.body
    if changed:
        config.body = body
        config.version += 1
    if changed or name != config.name:
        config.name = name
        config.updated_at = utcnow()
        return True
    return False


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


def duplicate(session: Session, config: SavedConfiguration) -> SavedConfiguration:
    place = StepPlace(config.workflow_id, config.workflow_name, config.sheet_id, config.sheet_name)
    step = (config.step_id, config.step_name)
    return _add(session, f"Copy of {config.name}", config.connection, place, step, config.body)


def delete(session: Session, config: SavedConfiguration) -> None:
    session.delete(config)
