"""The document of configurations through the API: export it, import (apply) it.

The same versioned document as the browser's export and the command line's export, plan and
apply (webapp.services.transfer). An import goes as `python -m webapp apply` does
(webapp.services.planning): each configuration to its own step, saved when it differs,
pushed when asked and Floqer does not hold it yet, stopping at the first that cannot be
applied with the rest untouched; importing the same document twice changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Query

from webapp.api.auth import ApiEditor, ApiViewer
from webapp.api.editing import author
from webapp.api.errors import ApiError, ErrorDetail, ErrorEnvelope
from webapp.api.models import Document, ImportedOut, ImportOut
from webapp.api.routing import api_router
from webapp.db import utcnow
from webapp.services.configurations import get_configuration, list_configurations
from webapp.services.importing import Reach, Saving
from webapp.services.planning import APPLIED, Applied, PlanProblem, apply_all, plan
from webapp.services.pushing import LEASE_MARGIN
from webapp.services.transfer import DocumentProblem, export_document, parse_document
from webapp.web.deps import CtxDep, SessionDep, floqer_for

router = api_router("transfer")
MAX_IDS = 100

IMPORT_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorEnvelope, "description": "Applying stopped at one configuration."}
}


@router.get("/export", response_model=Document)
def export(
    session: SessionDep,
    caller: ApiViewer,
    id: Annotated[list[int] | None, Query(max_length=MAX_IDS)] = None,
) -> Document:
    """Every saved configuration, or those of the `id`s given, as the export's document."""
    configs = (
        [get_configuration(session, n) for n in dict.fromkeys(id)]
        if id
        else list_configurations(session)
    )
    return Document.model_validate(export_document(configs, caller.actor, utcnow()))


@router.post("/import", response_model=ImportOut, responses=IMPORT_ERRORS)
def import_document(
    ctx: CtxDep,
    session: SessionDep,
    posted: Document,
    caller: ApiEditor,
    push: bool = False,
    force: bool = False,
) -> ImportOut:
    """Apply the document: each configuration to its step (a new configuration for a step
    that has none), a new version where it differs; with `push`, pushed where Floqer does not
    hold it. Refused before anything is written when the document cannot be planned (422);
    stops at the first that cannot be applied (409, pre-flight errors without `force`, a
    failed push), the ones before it applied and the rest untouched."""
    try:
        document = parse_document(json.dumps(posted.model_dump()))
    except DocumentProblem as exc:
        raise ApiError(422, str(exc), [ErrorDetail(field="body", message=str(exc))]) from None
    reach = Reach(ctx.metadata, lambda connection: floqer_for(ctx, connection))
    try:
        planned = plan(reach, session, document, sandbox_mode=ctx.sandbox_mode)
    except PlanProblem as exc:
        session.rollback()
        raise ApiError(422, str(exc), [ErrorDetail(field="body", message=str(exc))]) from None
    session.commit()  # the plan only read (a pull may have settled an unknown push)
    note = f"imported through the API ({document.source})"
    saving = Saving(author(caller), note, action=APPLIED)
    lease = timedelta(seconds=ctx.settings.floqer_timeout_seconds) + LEASE_MARGIN
    done, stopped = apply_all(
        reach, session, planned, saving, push_too=push, force=force, lease=lease
    )
    if stopped is not None:
        where = f"body.configurations.{stopped.at.review.index}"
        raise ApiError(
            409,
            f"Applying stopped at {stopped.problem} Applied before it: "
            f"{stopped.applied(done)}; the rest untouched.",
            [ErrorDetail(field=where, message=str(stopped.problem))],
        )
    return ImportOut(configurations=[_imported(a) for a in done])


def _imported(applied: Applied) -> ImportedOut:
    planned = applied.planned
    config = applied.saved.config if applied.saved is not None else planned.config
    return ImportedOut(
        index=planned.review.index + 1,
        title=planned.title,
        status=planned.status,
        configuration_id=config.id if config is not None else None,
        version=config.version if config is not None else None,
        saved=applied.saved is not None,
        pushed=applied.pushed is not None,
    )
