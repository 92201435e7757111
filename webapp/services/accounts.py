"""Accounts and sessions: Argon2id passwords, server-side sessions, throttled sign-ins.

OWASP ASVS 5.0 level 2 where it applies: 30 minutes idle and 8 hours absolute for a
session, failures throttled per account and per address, and no answer that tells whether
an account exists.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from webapp.db import AppSetting, LoginFailure, User, UserSession, utcnow

ROLES = ("viewer", "editor", "admin")
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=8)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
MIN_PASSWORD = 12
MAX_PASSWORD = 256
SSO_ROLE_SETTING = "sso_default_role"
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
MAX_EMAIL = 320  # what _EMAIL allows, and what the users table stores


class AccountProblem(ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


class SignInRefused(Exception):
    """Wrong email or password, or too many attempts: deliberately the same to the reader."""

    message = "Wrong email or password, or too many attempts. Check them, or wait a few minutes."


_hashing: list[PasswordHasher] = []  # the hasher in use, made on first use


def _hasher() -> PasswordHasher:
    if not _hashing:
        _hashing.append(PasswordHasher())  # Argon2id, the library's OWASP-recommended costs
    return _hashing[0]


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash with other parameters from now on (the test suite's cheap ones): never the app."""
    _hashing[:] = [hasher]
    _dummy_hash.cache_clear()


@functools.cache
def _dummy_hash() -> str:
    # Verified against when the account does not exist, so both answers take as long.
    return _hasher().hash(secrets.token_urlsafe(16))


def rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountProblem(
            f"A password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters; "
            "a passphrase of a few words is easiest."
        )


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(session: Session, email: str, role: str, password: str | None) -> User:
    email = normalise_email(email)
    if not _EMAIL.match(email):
        raise AccountProblem("Give an email address such as name@company.com.")
    if role not in ROLES:
        raise AccountProblem(f"The role must be one of {', '.join(ROLES)}.")
    if find_user(session, email) is not None:
        raise AccountProblem(f"There is already a user {email}.")
    if password is not None:
        check_password(password)
    user = User(
        email=email,
        role=role,
        password_hash=_hasher().hash(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class SignInAttempt:
    email: str
    subjects: tuple[str, str]  # ("account:…", "address:…")
    address_failure_id: int | None  # None: refused before counting (already throttled)


def begin_sign_in(session: Session, email: str, address: str) -> SignInAttempt:
    """Count the attempt as a failure before the password is checked.

    The caller commits before finish_sign_in: parallel guesses then see each other, so
    none gets past the limit (a check-then-count would let them all through). Failures
    older than the window are deleted here, and a subject already over its limit is not
    counted again: the table holds at most about a window's worth of limits.
    """
    # No account has a longer address: cut there, so that what is counted fits its column
    # (Postgres refuses an overlong value where SQLite would store it).
    email = normalise_email(email)[:MAX_EMAIL]
    subjects = (f"account:{email}", f"address:{address}")
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at < utcnow() - FAILURE_WINDOW))
    if _throttled(session, subjects):
        return SignInAttempt(email, subjects, None)
    account, address_row = (LoginFailure(subject=s) for s in subjects)
    session.add_all((account, address_row))
    session.flush()
    return SignInAttempt(email, subjects, address_row.id)


def finish_sign_in(session: Session, attempt: SignInAttempt, password: str) -> User:
    """The user whose email and password these are; SignInRefused otherwise."""
    if attempt.address_failure_id is None or _throttled(session, attempt.subjects):
        raise SignInRefused
    user = find_user(session, attempt.email)
    if not _password_matches(user, password):
        raise SignInRefused
    assert user is not None
    assert user.password_hash is not None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    # Success clears the account's failures and takes back this attempt's address count.
    session.execute(delete(LoginFailure).where(LoginFailure.subject == attempt.subjects[0]))
    session.execute(delete(LoginFailure).where(LoginFailure.id == attempt.address_failure_id))
    user.last_login_at = utcnow()
    return user


def _password_matches(user: User | None, password: str) -> bool:
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    try:
        _hasher().verify(stored, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return False
    return user is not None and user.password_hash is not None


def _throttled(session: Session, subjects: tuple[str, str]) -> bool:
    since = utcnow() - FAILURE_WINDOW
    limits = (MAX_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES)
    for subject, limit in zip(subjects, limits, strict=True):
        count = session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.subject == subject, LoginFailure.failed_at > since
            )
        )
        if (count or 0) > limit:  # the attempt being made is already counted
            return True
    return False


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; only its hash is stored
    record: UserSession


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User) -> NewSession:
    # Sessions nobody will present again are deleted here rather than only when presented.
    now = utcnow()
    session.execute(
        delete(UserSession).where(
            (UserSession.last_seen_at < now - IDLE_TIMEOUT)
            | (UserSession.created_at < now - ABSOLUTE_TIMEOUT)
        )
    )
    token = secrets.token_urlsafe(32)
    record = UserSession(
        token_hash=_token_hash(token), user=user, csrf_token=secrets.token_urlsafe(32)
    )
    session.add(record)
    session.flush()
    return NewSession(token, record)


@dataclass(frozen=True)
class LiveSession:
    """What a request needs of its signed-in user: plain values, read in one query."""

    user_id: int
    email: str
    role: str
    csrf_token: str


# The session and its user in one indexed query (sessions.token_hash is unique), as plain
# columns: no ORM objects are built for a lookup every request makes. Built once, with the
# digest bound at each use, so no statement is built and keyed per request either.
_LIVE_SESSION_OF = (
    select(
        UserSession.id,
        UserSession.created_at,
        UserSession.last_seen_at,
        UserSession.csrf_token,
        User.id,
        User.email,
        User.role,
    )
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("digest"))
)


def find_session(session: Session, token: str, now: datetime | None = None) -> LiveSession | None:
    """The live session of this cookie token; an expired one is deleted on the way."""
    if not token or len(token) > 100:
        return None
    row = session.execute(_LIVE_SESSION_OF, {"digest": _token_hash(token)}).one_or_none()
    if row is None:
        return None
    record_id, created_at, last_seen_at, csrf_token, user_id, email, role = row
    now = now or utcnow()
    if now - last_seen_at > IDLE_TIMEOUT or now - created_at > ABSOLUTE_TIMEOUT:
        session.execute(delete(UserSession).where(UserSession.id == record_id))
        session.commit()
        return None
    if now - last_seen_at > timedelta(seconds=30):  # not a write on every request
        session.execute(
            update(UserSession).where(UserSession.id == record_id).values(last_seen_at=now)
        )
        session.commit()
    return LiveSession(user_id, email, role, csrf_token)


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


def new_password(password: str, again: str) -> str:
    """The Argon2 hash of a new password typed twice; AccountProblem says what is wrong."""
    if password != again:
        raise AccountProblem("The two new passwords differ.")
    check_password(password)
    return _hasher().hash(password)


def change_password(
    session: Session, user: User, current: str, password: str, again: str, keep: str | None
) -> int:
    """Your own password: the current one proves it is you. Every session of yours but the
    one whose token is `keep` ends (a thief's included); how many ended comes back."""
    if user.password_hash is None:
        raise AccountProblem("You sign in with single sign-on: there is no password here.")
    if not _password_matches(user, current):
        raise AccountProblem("The current password is not right.")
    user.password_hash = new_password(password, again)
    user.password_reset_required = False
    return _end_sessions(session, user, keep)


def require_new_password(session: Session, user: User) -> None:
    """An admin's reset: every session of the user ends, and their next sign-in asks for a
    new password (their current one still proves who they are)."""
    if user.password_hash is None:
        raise AccountProblem(f"{user.email} signs in with single sign-on: no password here.")
    user.password_reset_required = True
    _end_sessions(session, user, None)


def _end_sessions(session: Session, user: User, keep: str | None) -> int:
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.token_hash != _token_hash(keep))
    ended: int = session.execute(query).rowcount  # type: ignore[attr-defined]
    return ended


RESET_TICKET_SECONDS = 15 * 60


def reset_ticket(secret: str, user: User, now: datetime | None = None) -> str:
    """Proof, for the new-password form that follows a sign-in an admin's reset stopped,
    that this user signed in with the password they have now (good for 15 minutes, and
    for nothing once the password changed)."""
    expires = int((now or utcnow()).timestamp()) + RESET_TICKET_SECONDS
    return f"{user.id}.{expires}.{_ticket_mac(secret, user, expires)}"


def ticket_user(session: Session, secret: str, ticket: str, now: datetime | None = None) -> User:
    """The user a reset ticket names, if it is genuine, current and unexpired."""
    problem = AccountProblem("This form has expired. Sign in again to choose a new password.")
    parts = ticket.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise problem
    user = session.get(User, int(parts[0])) if len(parts[0]) < 12 else None
    expires = int(parts[1]) if len(parts[1]) < 12 else 0
    if user is None or not user.password_reset_required or user.password_hash is None:
        raise problem
    if expires < (now or utcnow()).timestamp():
        raise problem
    if not hmac.compare_digest(parts[2], _ticket_mac(secret, user, expires)):
        raise problem
    return user


def _ticket_mac(secret: str, user: User, expires: int) -> str:
    message = f"password-reset:{user.id}:{expires}:{user.password_hash}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountProblem(f"The role must be one of {', '.join(ROLES)}.")
    user.role = role


def admin_count(session: Session) -> int:
    return session.scalar(select(func.count(User.id)).where(User.role == "admin")) or 0


def sso_default_role(session: Session) -> str:
    setting = session.get(AppSetting, SSO_ROLE_SETTING)
    return setting.value if setting is not None and setting.value in ROLES else "viewer"


def set_sso_default_role(session: Session, role: str) -> None:
    if role not in ROLES:
        raise AccountProblem(f"The role must be one of {', '.join(ROLES)}.")
    session.merge(AppSetting(name=SSO_ROLE_SETTING, value=role))


def sso_user(session: Session, email: str) -> tuple[User, bool]:
    """The user a trusted proxy vouches for, created on first sight. True when created."""
    user = find_user(session, email)
    if user is not None:
        return user, False
    return create_user(session, email, sso_default_role(session), None), True
