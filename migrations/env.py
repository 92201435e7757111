"""Alembic environment: the URL comes from the caller (webapp.migrate), never from a file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool, text

from webapp.db import Base

config = context.config
target_metadata = Base.metadata
# Replicas that start together all run `migrate`: on PostgreSQL they take this advisory lock
# first, so one migrates and the others then find the schema at head (an arbitrary number,
# the same in every process; the lock ends with the migration's transaction).
MIGRATION_LOCK = 4_108_553_711


def run_migrations() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move instead
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            context.run_migrations()


run_migrations()
