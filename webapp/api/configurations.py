"""Reading configurations, connections and who the token is: the first endpoints."""

from __future__ import annotations

from webapp.api.auth import ApiCaller, ApiEditor, ApiViewer
from webapp.api.editing import author
from webapp.api.errors import ApiError, ErrorDetail
from webapp.api.models import (
    ChangeIn,
    ConfigurationList,
    ConfigurationOut,
    ConfigurationSummary,
    ConnectionList,
    ConnectionOut,
    DeletedOut,
    Me,
    PushState,
    StepOut,
    TokenRef,
)
from webapp.api.routing import api_router
from webapp.db import SavedConfiguration, utcnow
from webapp.services import audit
from webapp.services.configurations import (
    ConfigurationProblem,
    delete,
    get_configuration,
    list_configurations,
    rename,
    use_connection,
)
from webapp.services.connections import get_connection, list_connections
from webapp.services.floqer_state import pushed_versions, state_of
from webapp.services.form_options import forget_options
from webapp.services.transfer import STEP_KEYS, export_document
from webapp.upsert_form import UpsertConfig
from webapp.web.deps import CtxDep, SessionDep

router = api_router("configurations")


@router.get("/me", response_model=Me, tags=["account"])
def me(caller: ApiViewer) -> Me:
    """The token's user, the role the token acts with, and the token's name."""
    return Me.model_validate(
        {
            "email": caller.user.email,
            "role": caller.user.role,
            "user_role": caller.user_role,
            "token": TokenRef(id=caller.token_id, name=caller.token_name),
        }
    )


@router.get("/connections", response_model=ConnectionList)
def connections(ctx: CtxDep, session: SessionDep, caller: ApiViewer) -> ConnectionList:
    """The Floqer connections configurations may use: labels and ids, never a key."""
    found = list_connections(session, sandbox_mode=ctx.sandbox_mode)
    return ConnectionList(
        connections=[
            ConnectionOut(
                id=c.id,
                label=c.label,
                floqer_user_email=c.floqer_user_email,
                is_sandbox=c.is_sandbox,
                created_at=c.created_at,
            )
            for c in found
        ]
    )


@router.get("/configurations", response_model=ConfigurationList)
def configurations(session: SessionDep, caller: ApiViewer) -> ConfigurationList:
    """Every saved configuration, most recently changed first, with its push state as the
    app last saw it (no call to Floqer)."""
    configs = list_configurations(session)
    pushed = pushed_versions(session, [c.id for c in configs])
    return ConfigurationList(configurations=[_summary(c, pushed[c.id]) for c in configs])


@router.get("/configurations/{configuration_id}", response_model=ConfigurationOut)
def configuration(
    session: SessionDep, configuration_id: int, caller: ApiViewer
) -> ConfigurationOut:
    """One configuration, with the body a push sends (as the export holds it)."""
    return configuration_out(session, get_configuration(session, configuration_id), caller)


@router.patch("/configurations/{configuration_id}", response_model=ConfigurationOut)
def change_configuration(
    ctx: CtxDep, session: SessionDep, configuration_id: int, change: ChangeIn, caller: ApiEditor
) -> ConfigurationOut:
    """Rename the configuration, or have it use another connection (a rotated key, or the
    key of the team member who owns the Salesforce connection), as the page does."""
    if change.name is None and change.connection_id is None:
        missing = ErrorDetail(field="body", message="Give a name, a connection_id, or both.")
        raise ApiError(422, "Nothing to change: give a name, a connection_id, or both.", [missing])
    config = get_configuration(session, configuration_id)
    actor = author(caller)
    if change.name is not None:
        before = config.name
        try:
            rename(config, change.name)
        except ConfigurationProblem as exc:
            raise ApiError(
                422, str(exc), [ErrorDetail(field="body.name", message=str(exc))]
            ) from None
        if config.name != before:
            detail = f"renamed from {before}"
            audit.record_on(session, actor, "configuration edited", config, detail=detail)
    if change.connection_id is not None and change.connection_id != config.connection_id:
        use_connection(config, get_connection(session, change.connection_id))
        forget_options(ctx.metadata, config)
        detail = f"now uses connection {config.connection.label}"
        audit.record_on(session, actor, "configuration edited", config, detail=detail)
    session.commit()
    return configuration_out(session, config, caller)


@router.delete("/configurations/{configuration_id}", response_model=DeletedOut)
def delete_configuration(
    session: SessionDep, configuration_id: int, caller: ApiEditor
) -> DeletedOut:
    """Delete the configuration and its versions and push history here. Floqer keeps
    whatever was pushed."""
    config = get_configuration(session, configuration_id)
    delete(session, config)
    audit.record_on(session, author(caller), "configuration deleted", config)
    session.commit()
    return DeletedOut(configuration_id=configuration_id)


def configuration_out(
    session: SessionDep, config: SavedConfiguration, caller: ApiCaller
) -> ConfigurationOut:
    pushed = pushed_versions(session, [config.id])
    exported = export_document([config], caller.actor, utcnow())["configurations"][0]
    summary = _summary(config, pushed[config.id])
    return ConfigurationOut(**summary.model_dump(), body=exported["body"])


def _summary(config: SavedConfiguration, pushed: set[int]) -> ConfigurationSummary:
    state = state_of(config, pushed)
    return ConfigurationSummary.model_validate(
        {
            "id": config.id,
            "name": config.name,
            "connection_id": config.connection_id,
            "step": StepOut.model_validate({key: getattr(config, key) for key in STEP_KEYS}),
            "salesforce_object": UpsertConfig.from_inputs(config.inputs).salesforce_object,
            "version": config.version,
            "updated_at": config.updated_at,
            "push": PushState.model_validate(
                {
                    "last_pushed_at": config.last_pushed_at,
                    "last_push_status": config.last_push_status,
                    "in_floqer": state.kind,
                    "floqer_version": state.version,
                    "floqer_seen_at": state.seen_at,
                }
            ),
        }
    )
