"""Saving a posted draft and pushing it: the draft is stored before Floqer is called."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from webapp.context import AppContext
from webapp.db import PushRecord, SavedConfiguration
from webapp.services.configurations import save_draft
from webapp.services.pushing import push
from webapp.upsert_form import FIELDS_LOADED, OBJECT_LOADED, UpsertConfig, parse_form


def save_posted_draft(
    session: Session, config: SavedConfiguration, form: Mapping[str, Sequence[str]]
) -> bool:
    """Store what the form holds; raises FormError when the post cannot be read.

    Parts of the form that never loaded (options failed, no JavaScript) keep their saved
    values instead of being taken as empty: a failed fragment must not wipe a draft.
    """
    previous = UpsertConfig.from_inputs(config.inputs)
    posted = parse_form(form, previous)
    upsert = posted.config
    if OBJECT_LOADED not in form:
        upsert = upsert.with_object_part_of(previous)
    elif FIELDS_LOADED not in form and upsert.salesforce_object == previous.salesforce_object:
        upsert = upsert.with_fields_part_of(previous)
    return save_draft(session, config, posted.name, upsert)


def save_and_push(
    ctx: AppContext,
    session: Session,
    config: SavedConfiguration,
    form: Mapping[str, Sequence[str]],
    api_key: str,
) -> tuple[bool, PushRecord]:
    """Whether the draft changed, and the push's record."""
    changed = save_posted_draft(session, config, form)
    session.commit()  # whatever Floqer answers, the draft is already safe
    nonce = (form.get("push_nonce") or [""])[0][:64]
    with ctx.push_lock(config.id):
        record = push(session, config, ctx.floqer(api_key), nonce)
        session.commit()
    return changed, record
