"""Connections: a digest of the key (one connection per key) and the last health check.

- `connections.key_digest` (64 hex characters, unique, nullable): HMAC-SHA256 of the key
  under the app's secret, never the key. The migration cannot compute it (it has no secret
  key, and must not need one): existing rows start NULL and the app fills them in when it
  starts (webapp.services.connections.ensure_key_digests), where the KeyBox opens the keys.
  A unique constraint, so two replicas adding the same key at once cannot both store it.
- `connections.health_state`, `health_detail`, `health_checked_at`: the last health check
  (webapp.services.connection_health); "" / NULL until the first one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connections") as batch_op:
        batch_op.add_column(sa.Column("key_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("health_state", sa.String(length=30), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("health_detail", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("health_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(batch_op.f("uq_connections_key_digest"), ["key_digest"])


def downgrade() -> None:
    with op.batch_alter_table("connections") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_connections_key_digest"), type_="unique")
        for column in ("health_checked_at", "health_detail", "health_state", "key_digest"):
            batch_op.drop_column(column)
