"""Adding an upsert step to a sheet in Floqer, and starting a step's configuration: what the
workflow page and the API both do, in one place."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.db import Connection, SavedConfiguration
from webapp.floqer.client import FloqerClient
from webapp.metadata_cache import MetadataCache
from webapp.services import audit
from webapp.services.browse import add_upsert_step, locate_step
from webapp.services.configurations import configure_step
from webapp.services.floqer_state import observe
from webapp.services.form_options import Step, field_facts, forget_chain
from webapp.upsert_form import UpsertConfig


def add_step(
    cache: MetadataCache,
    session: Session,
    client: FloqerClient,
    where: tuple[str, str],
    after: str | None,
    actor: str,
) -> str | None:
    """Add an unconfigured upsert step to the sheet (`where`: workflow and sheet ids), at
    the end or after `after`; the sheet's cached chain is read again. Audited; commits."""
    workflow_id, sheet_id = where
    step_id = add_upsert_step(client, workflow_id, sheet_id, after)
    forget_chain(cache, workflow_id, sheet_id)
    place = f"{workflow_id}/{sheet_id}"
    audit.record(session, actor, "upsert step added", place, detail=step_id or "")
    session.commit()
    return step_id


def configure_found_step(
    cache: MetadataCache,
    session: Session,
    connection: Connection,
    client: FloqerClient,
    ids: tuple[str, str, str],
    actor: str,
    template: SavedConfiguration | None,
) -> tuple[SavedConfiguration, str]:
    """The step's configuration (`ids`: workflow, sheet and step), created from what Floqer's
    step holds or from `template`'s head, or the one it has ("existing"). Commits."""
    place, node = locate_step(client, *ids)
    step = Step(connection.id, place.workflow_id, place.sheet_id, place.step_id)
    config, how = configure_step(
        session,
        connection,
        place,
        node.inputs,
        actor,
        template,
        lambda upsert: field_facts(cache, step, upsert, client),
    )
    if how != "existing":  # just read from Floqer: what its step holds is known
        session.flush()
        observe(session, config, UpsertConfig.from_inputs(node.inputs))
    session.commit()
    return config, how
