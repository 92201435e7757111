"""Floqer connections: a label and an API key checked with who-am-I, stored encrypted, one
connection per key (recognised by its digest, never by the key itself)."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db import Connection
from webapp.floqer.client import FloqerClient
from webapp.secrets_box import KeyBox, KeyBoxError, key_hint
from webapp.services import NotFound, valid_id

API_KEY = re.compile(r"^floq_[A-Za-z0-9_\-]{4,200}$")
SANDBOX_KEY = "floq_sandbox_demo"
SANDBOX_LABEL = "Sandbox (demo org)"
log = logging.getLogger(__name__)


class ConnectionProblem(ValueError):
    """A connection the form described cannot be added; the message says why."""


def list_connections(session: Session, *, sandbox_mode: bool) -> list[Connection]:
    # Sandbox keys mean nothing to real Floqer: hide them when the app talks to it.
    query = select(Connection).order_by(Connection.label, Connection.id)
    if not sandbox_mode:
        query = query.where(Connection.is_sandbox.is_(False))
    return list(session.scalars(query))


def get_connection(session: Session, connection_id: int) -> Connection:
    connection = session.get(Connection, connection_id) if valid_id(connection_id) else None
    if connection is None:
        raise NotFound("That Floqer connection does not exist.")
    return connection


def check_new_connection(label: str, api_key: str) -> tuple[str, str]:
    label, api_key = label.strip(), api_key.strip()
    if not 1 <= len(label) <= 100:
        raise ConnectionProblem("Give the connection a label of 1 to 100 characters.")
    if not API_KEY.match(api_key):
        raise ConnectionProblem(
            "A Floqer API key starts with floq_ and has only letters, digits, _ and -. "
            "Copy it again from Floqer's Settings → API."
        )
    return label, api_key


def connection_with_key(session: Session, box: KeyBox, api_key: str) -> Connection | None:
    """The connection that already has this key, if any. The digest under a previous secret
    counts too, for rows the app has not yet re-keyed during a rotation."""
    query = select(Connection).where(Connection.key_digest.in_(box.digests(api_key)))
    return session.scalars(query.limit(1)).first()


def refuse_known_key(session: Session, box: KeyBox, api_key: str) -> None:
    existing = connection_with_key(session, box, api_key)
    if existing is not None:
        raise ConnectionProblem(
            f"This API key is already the connection “{existing.label}”: a key is added "
            "once. Use that connection, or delete it first."
        )


def add_connection(
    session: Session, box: KeyBox, client: FloqerClient, label: str, api_key: str
) -> Connection:
    """Store the key once Floqer has said whose it is (who-am-I raises FloqerError if not).

    A key already stored is refused (ConnectionProblem) before Floqer is asked; two
    requests adding it at once meet the database's unique digest, and the loser is refused
    the same way.
    """
    refuse_known_key(session, box, api_key)
    user = client.who_am_i()
    connection = Connection(
        label=label,
        key_ciphertext=box.seal(api_key),
        key_hint=key_hint(api_key),
        key_digest=box.digest(api_key),
    )
    remember_user(connection, user.email, user.first_name, user.last_name)
    session.add(connection)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        refuse_known_key(session, box, api_key)
        raise
    return connection


def remember_user(connection: Connection, email: str, first_name: str, last_name: str) -> None:
    """Who the key belongs to, as Floqer's who-am-I said, cut to what is kept (Postgres
    refuses an overlong value)."""
    name = " ".join(p for p in (first_name, last_name) if p)
    connection.floqer_user_email = email[:320]
    connection.floqer_user_name = name[:200]


def ensure_sandbox_connection(session: Session, box: KeyBox) -> None:
    """In sandbox mode there is a working connection from the very first start."""
    if session.scalar(select(Connection.id).where(Connection.is_sandbox.is_(True)).limit(1)):
        return
    session.add(
        Connection(
            label=SANDBOX_LABEL,
            key_ciphertext=box.seal(SANDBOX_KEY),
            key_hint=key_hint(SANDBOX_KEY),
            key_digest=box.digest(SANDBOX_KEY),
            floqer_user_email="alex.morgan@acme.example",
            floqer_user_name="Alex Morgan",
            is_sandbox=True,
        )
    )


def delete_connection(session: Session, connection: Connection) -> None:
    if connection.configurations:
        raise ConnectionProblem(
            f"{len(connection.configurations)} saved configuration(s) use this connection; "
            "delete or move them first."
        )
    session.delete(connection)


def ensure_key_digests(session: Session, box: KeyBox) -> int:
    """Give every connection its key's digest under the current secret, at start.

    Fills in rows stored before digests existed (the migration has no secret to compute
    them with) and re-keys digests made under a previous secret after a rotation. A key
    that does not open is left as it is (using it says why); a key that an older row
    already has (stored twice before this check existed) keeps no digest, and the log names
    both labels. Returns how many rows changed; the caller commits.
    """
    wanted: dict[int, str | None] = {}
    owner: dict[str, Connection] = {}
    connections = list(session.scalars(select(Connection).order_by(Connection.id)))
    for connection in connections:
        try:
            digest: str | None = box.digest(box.open(connection.key_ciphertext))
        except KeyBoxError:
            log.warning(
                "connection %r: its key does not open with the secret key", connection.label
            )
            continue
        first = owner.setdefault(digest or "", connection)
        if first is not connection:
            log.warning(
                "connections %r and %r hold the same Floqer key: delete one of them",
                first.label,
                connection.label,
            )
            digest = None
        if connection.key_digest != digest:
            wanted[connection.id] = digest
    changing = [c for c in connections if c.id in wanted]
    # Cleared first, so that no row ever holds a digest another row is about to take.
    for connection in changing:
        connection.key_digest = None
    session.flush()
    for connection in changing:
        connection.key_digest = wanted[connection.id]
    session.flush()
    return len(changing)
