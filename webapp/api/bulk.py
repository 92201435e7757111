"""Apply one configuration's mapping to other upsert steps through the API, as the page
"Apply this mapping to other steps" does (webapp.services.bulk_apply): list the steps with
what applying would change there, then apply to the chosen ones, each its own new version,
pushed or not."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Header

from webapp.api.auth import ApiEditor
from webapp.api.editing import MAX_IDEMPOTENCY_KEY, PATH, author, compare_row
from webapp.api.errors import ApiError, ErrorDetail
from webapp.api.models import (
    AppliedStep,
    ApplyIn,
    ApplyOut,
    OtherStepList,
    OtherStepOut,
    StepProblem,
)
from webapp.api.routing import api_router
from webapp.services.bulk_apply import Applying, SourceChanged, apply_mapping, other_steps
from webapp.services.configurations import get_configuration
from webapp.services.importing import Reach
from webapp.services.pushing import LEASE_MARGIN
from webapp.web.deps import CtxDep, SessionDep, floqer_for

router = api_router("apply to other steps")


@router.get(PATH + "/other-steps", response_model=OtherStepList)
def list_other_steps(
    ctx: CtxDep, session: SessionDep, configuration_id: int, caller: ApiEditor
) -> OtherStepList:
    """Every other upsert step of the configuration's connection (the first workflows Floqer
    lists), each with what applying this mapping would change there and the pre-flight
    check against its org."""
    config = get_configuration(session, configuration_id)
    listing = other_steps(Reach(ctx.metadata, lambda c: floqer_for(ctx, c)), session, config)
    return OtherStepList(
        source_version=config.version,
        steps=[
            OtherStepOut.model_validate(
                {
                    "key": step.key,
                    "where": step.where,
                    "configuration_id": step.config.id if step.config else None,
                    "base_version": step.base_version,
                    "status": step.status,
                    "changes": [compare_row(row) for row in step.changes],
                    "problems": [
                        StepProblem.model_validate(
                            {
                                "severity": line.severity,
                                "where": line.where,
                                "message": line.message,
                            }
                        )
                        for line in step.lines
                    ],
                    "problem": step.problem,
                }
            )
            for step in listing.steps
        ],
        workflows_read=listing.workflows_read,
        more_workflows=listing.more_workflows,
        problem=listing.problem,
    )


@router.post(PATH + "/apply-to-steps", response_model=ApplyOut)
def apply_to_steps(
    ctx: CtxDep,
    session: SessionDep,
    configuration_id: int,
    posted: ApplyIn,
    caller: ApiEditor,
    idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY)] = None,
) -> ApplyOut:
    """Apply the mapping to each chosen step in order, each committed on its own: a step
    changed since it was listed (`base_version`) is left alone, one whose check finds errors
    is held back from a push unless `push_anyway`. 409 when this configuration moved from
    `source_version`. The same Idempotency-Key pushes each step once."""
    config = get_configuration(session, configuration_id)
    chosen = list({step.key: step.base_version for step in posted.steps}.items())
    key = (idempotency_key or "").encode()
    nonce = (
        hashlib.sha256(b"%d:%d:" % (config.id, caller.token_id) + key).hexdigest()[:32]
        if key
        else uuid.uuid4().hex
    )
    applying = Applying(
        author(caller),
        push_too=posted.push,
        anyway=posted.push_anyway,
        nonce=nonce,
        lease=timedelta(seconds=ctx.settings.floqer_timeout_seconds) + LEASE_MARGIN,
    )
    reach = Reach(ctx.metadata, lambda c: floqer_for(ctx, c))
    try:
        results = apply_mapping(reach, session, config, posted.source_version, chosen, applying)
    except SourceChanged:
        raise ApiError(
            409,
            f"“{config.name}” is at version {config.version}, not {posted.source_version}: "
            "list the steps again (GET …/other-steps) to see what applying would change now.",
            [ErrorDetail(field="body.source_version", message=f"now {config.version}")],
        ) from None
    return ApplyOut(
        results=[
            AppliedStep.model_validate(
                {
                    "where": r.where,
                    "kind": r.kind,
                    "message": r.message,
                    "configuration_id": r.config_id,
                }
            )
            for r in results
        ]
    )
