"""Every user's personal API tokens, for admins: list them, revoke one."""

from __future__ import annotations

from datetime import datetime

from webapp.api.auth import ApiAdmin
from webapp.api.models import TokenList, TokenOut
from webapp.api.routing import api_router
from webapp.db import ApiToken, utcnow
from webapp.services.api_tokens import every_token, get_token, revoke_token, state
from webapp.web.deps import SessionDep

router = api_router("tokens")


@router.get("/tokens", response_model=TokenList)
def tokens(session: SessionDep, caller: ApiAdmin) -> TokenList:
    """Every user's tokens, newest first: never a secret."""
    now = utcnow()
    return TokenList(tokens=[token_out(token, now) for token in every_token(session)])


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke(session: SessionDep, token_id: int, caller: ApiAdmin) -> TokenOut:
    """Revoke a token: it is refused from the next request on. Revoking one already revoked
    changes nothing."""
    token = get_token(session, token_id)
    if revoke_token(session, token, caller.actor):
        session.commit()
    return token_out(token, utcnow())


def token_out(token: ApiToken, now: datetime) -> TokenOut:
    return TokenOut.model_validate(
        {
            "id": token.id,
            "user_email": token.user.email,
            "name": token.name,
            "prefix": token.prefix,
            "role": token.role,
            "state": state(token, now),
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "expires_at": token.expires_at,
            "revoked_at": token.revoked_at,
        }
    )
