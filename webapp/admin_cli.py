"""What the admin commands do: add a user, re-encrypt stored keys under a new secret."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db import Connection, make_engine
from webapp.secrets_box import KeyBox, KeyBoxError
from webapp.services import audit
from webapp.services.accounts import AccountProblem, create_user
from webapp.services.connections import ensure_key_digests
from webapp.settings import Settings


def create_user_from_cli(settings: Settings, email: str, role: str, password: str) -> str | int:
    """0 on success, else the message to exit with."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            user = create_user(session, email, role, password)
            created = user.email  # read before the session closes
            audit.record(session, "command line", "user created", created, detail=role)
    except AccountProblem as exc:
        return f"not created: {exc}"
    finally:
        engine.dispose()
    print(f"created {created} ({role})")
    return 0


def rotate_keys(settings: Settings) -> str | int:
    """Re-seal every stored key under the current secret; all or nothing."""
    box = KeyBox(settings.secret_key, settings.previous_secret_keys)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            connections = list(session.scalars(select(Connection)))
            for connection in connections:
                connection.key_ciphertext = box.reseal(connection.key_ciphertext)
            # The digests that recognise a key added twice follow the secret too.
            ensure_key_digests(session, box)
            audit.record(
                session,
                "command line",
                "keys rotated",
                detail=f"{len(connections)} key(s) re-encrypted",
            )
    except KeyBoxError:
        return (
            "not rotated: a stored key opens with neither WEBAPP_SECRET_KEY nor the old "
            "secret (WEBAPP_OLD_SECRET_KEY or WEBAPP_OLD_SECRET_KEY_FILE); nothing changed"
        )
    finally:
        engine.dispose()
    print(f"re-encrypted {len(connections)} stored key(s) under the new secret")
    return 0
