"""Personal API tokens: `wat_` and 256 random bits, shown once, stored as their SHA-256.

Why a plain SHA-256 and not an HMAC with the app's secret key: the secret is 256 bits from
the operating system's random source, so no dictionary or brute force can reverse its
digest (a keyed hash adds nothing against that), and the tokens keep working when the
secret key is rotated (WEBAPP_SECRET_KEY / previous keys). Sessions' tokens are stored the
same way. A token is found by its digest (a unique index), never compared character by
character.

A token acts with its own role capped by its user's role of the moment: lowering a user's
role lowers what their tokens may do at once (raising it back restores at most the role the
token was created with); deleting a user deletes their tokens (the database cascades).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, select, update
from sqlalchemy.orm import Session, joinedload

from webapp.db import ApiToken, User, utcnow
from webapp.redaction import redact
from webapp.services import NotFound, audit, valid_id
from webapp.services.accounts import ROLES, rank

TOKEN_PREFIX = "wat_"  # noqa: S105 (a prefix, not a secret)
# `wat_` and 43 URL-safe characters (32 random bytes); anything else is not a token.
TOKEN_PATTERN = re.compile(r"^wat_[A-Za-z0-9_\-]{43}$")
SHOWN_CHARACTERS = 8  # after `wat_`: what the lists show to tell tokens apart
MAX_NAME = 100
MAX_LIVE_PER_USER = 20
# Revoked and expired tokens stay listed (what happened to them), this many per user at most.
MAX_DEAD_PER_USER = 20
# Days a token may live: None never expires.
EXPIRY_CHOICES: dict[str, int | None] = {"never": None, "30": 30, "90": 90, "365": 365}
# last_used_at is written at most this often per token (as sessions' last_seen_at), and
# each write is one "api token used" audit event: a busy script cannot flood the log.
USE_RECORDED_EVERY = timedelta(minutes=1)


class TokenProblem(ValueError):
    """A token the form described cannot be created; the message says why."""


@dataclass(frozen=True)
class NewToken:
    secret: str  # shown once, on the page that created it; only its digest is stored
    record: ApiToken


@dataclass(frozen=True)
class TokenCaller:
    """Who an API request acts for: plain values, read in one query."""

    token_id: int
    token_name: str
    user_id: int
    email: str
    role: str  # the token's role capped by the user's role of the moment
    user_role: str
    last_used_at: datetime | None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def state(token: ApiToken, now: datetime | None = None) -> str:
    """ "revoked", "expired" or "active"."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= (now or utcnow()):
        return "expired"
    return "active"


def effective_role(token_role: str, user_role: str) -> str:
    return token_role if rank(token_role) <= rank(user_role) else user_role


def roles_for(user_role: str) -> list[str]:
    """The roles a user may give a token: theirs or a lower one."""
    return [role for role in ROLES if rank(role) <= rank(user_role)]


def _live(now: datetime) -> ColumnElement[bool]:
    return and_(
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def every_token(session: Session) -> list[ApiToken]:
    """Every user's tokens (for admins), with their users, newest first; bounded by the
    per-user bounds times the users."""
    query = select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def create_token(
    session: Session, user: User, name: str, role: str, expiry: str, actor: str
) -> NewToken:
    name = " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise TokenProblem(
            f"Give the token a name of 1 to {MAX_NAME} characters, such as what will use it."
        )
    if redact(name) != name:
        raise TokenProblem("A name must not hold a token or a key: name what will use it.")
    if role not in ROLES:
        raise TokenProblem(f"The role must be one of {', '.join(ROLES)}.")
    if rank(role) > rank(user.role):
        raise TokenProblem(f"A token can have your role ({user.role}) or a lower one, not {role}.")
    if expiry not in EXPIRY_CHOICES:
        raise TokenProblem("Choose when the token expires: never, or in 30, 90 or 365 days.")
    now = utcnow()
    live = session.scalar(
        select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id, _live(now))
    )
    if (live or 0) >= MAX_LIVE_PER_USER:
        raise TokenProblem(
            f"You have {MAX_LIVE_PER_USER} live tokens, the most there may be: revoke one you "
            "no longer use first."
        )
    days = EXPIRY_CHOICES[expiry]
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id,
        name=name,
        role=role,
        secret_hash=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(record)
    session.flush()
    _forget_old_dead(session, user.id, now)
    when = f"expires in {days} days" if days else "never expires"
    audit.record(
        session, actor, "api token created", _target(record, user.email), detail=f"{role}, {when}"
    )
    return NewToken(secret, record)


def get_token(session: Session, token_id: int) -> ApiToken:
    token = (
        session.get(ApiToken, token_id, options=[joinedload(ApiToken.user)])
        if valid_id(token_id)
        else None
    )
    if token is None:
        raise NotFound("That API token does not exist (it may have been deleted with its user).")
    return token


def revoke_token(session: Session, token: ApiToken, actor: str) -> bool:
    """Revoke `token` (it is refused from the next request on); False if it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record(session, actor, "api token revoked", _target(token, token.user.email))
    _forget_old_dead(session, token.user_id, token.revoked_at)
    return True


def _forget_old_dead(session: Session, user_id: int, now: datetime) -> None:
    """Keep the newest MAX_DEAD_PER_USER revoked or expired tokens of a user, delete older."""
    dead = (
        select(ApiToken.id)
        .where(ApiToken.user_id == user_id, not_(_live(now)))
        .order_by(ApiToken.id.desc())
        .offset(MAX_DEAD_PER_USER)
    )
    old = list(session.scalars(dead))
    if old:
        session.execute(delete(ApiToken).where(ApiToken.id.in_(old)))


def _target(token: ApiToken, email: str) -> str:
    # The name and id, never the prefix: the log's redaction would mask it anyway.
    return f"token {token.id} “{token.name}” of {email}"


# The token and its user in one indexed query (api_tokens.secret_hash is unique).
_TOKEN_CALLER = select(
    ApiToken.id,
    ApiToken.name,
    ApiToken.role,
    ApiToken.expires_at,
    ApiToken.revoked_at,
    ApiToken.last_used_at,
    User.id,
    User.email,
    User.role,
).join(User, User.id == ApiToken.user_id)


class TokenRefused(Exception):
    """The presented token cannot be used; the message says why, for the script's author."""


def authenticate(session: Session, secret: str, now: datetime | None = None) -> TokenCaller:
    """Who the token `secret` acts for; TokenRefused when it is malformed, unknown, revoked
    or expired. Reads only: record_use() notes what it was used for."""
    if not TOKEN_PATTERN.match(secret):
        raise TokenRefused(
            "That is not an API token: one starts with wat_ and has 47 characters in all."
        )
    row = session.execute(_TOKEN_CALLER.where(ApiToken.secret_hash == digest(secret))).one_or_none()
    if row is None:
        raise TokenRefused(
            "This API token is not known here: it may have been deleted with its user, or "
            "mistyped. Create one on your Account page."
        )
    token_id, name, token_role, expires_at, revoked_at, last_used_at, user_id, email, role = row
    now = now or utcnow()
    if revoked_at is not None:
        raise TokenRefused("This API token was revoked. Create a new one on your Account page.")
    if expires_at is not None and expires_at <= now:
        raise TokenRefused("This API token has expired. Create a new one on your Account page.")
    return TokenCaller(
        token_id, name, user_id, email, effective_role(token_role, role), role, last_used_at
    )


def record_use(
    session: Session,
    caller: TokenCaller,
    method: str,
    path: str,
    outcome: str = "ok",
    now: datetime | None = None,
) -> None:
    """Note the token's use (last_used_at, and an "api token used" audit event whose
    outcome says whether the role allowed it) at most once a minute per token."""
    now = now or utcnow()
    if caller.last_used_at is not None and now - caller.last_used_at < USE_RECORDED_EVERY:
        return
    session.execute(update(ApiToken).where(ApiToken.id == caller.token_id).values(last_used_at=now))
    audit.record(
        session,
        caller.email,
        "api token used",
        f"token {caller.token_id} “{caller.token_name}” of {caller.email}",
        outcome,
        detail=f"{method} {path}"[:200],
    )
    session.commit()
