"""Floqer connections: a label and an API key checked with who-am-I, stored encrypted."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db import Connection
from webapp.floqer.client import FloqerClient
from webapp.secrets_box import KeyBox, key_hint
from webapp.services import NotFound, valid_id

API_KEY = re.compile(r"^floq_[A-Za-z0-9_\-]{4,200}$")
SANDBOX_KEY = "floq_sandbox_demo"
SANDBOX_LABEL = "Sandbox (demo org)"


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


def add_connection(
    session: Session, box: KeyBox, client: FloqerClient, label: str, api_key: str
) -> Connection:
    """Store the key once Floqer has said whose it is (who-am-I raises FloqerError if not)."""
    user = client.who_am_i()
    name = " ".join(p for p in (user.first_name, user.last_name) if p)
    connection = Connection(
        label=label,
        key_ciphertext=box.seal(api_key),
        key_hint=key_hint(api_key),
        # As Floqer says, cut to what is kept (Postgres refuses an overlong value).
        floqer_user_email=user.email[:320],
        floqer_user_name=name[:200],
    )
    session.add(connection)
    session.flush()
    return connection


def ensure_sandbox_connection(session: Session, box: KeyBox) -> None:
    """In sandbox mode there is a working connection from the very first start."""
    if session.scalar(select(Connection.id).where(Connection.is_sandbox.is_(True)).limit(1)):
        return
    session.add(
        Connection(
            label=SANDBOX_LABEL,
            key_ciphertext=box.seal(SANDBOX_KEY),
            key_hint=key_hint(SANDBOX_KEY),
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
