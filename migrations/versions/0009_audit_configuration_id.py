"""Audit events name the configuration they are about by id, not only by name.

- `audit_events.configuration_id` (nullable, indexed, no foreign key): the configuration an
  event is about, kept after the configuration is deleted or renamed (the log is append-only;
  its `target` keeps the name it had then). Existing rows start NULL: the audit page links
  them by name, as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("configuration_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_events_configuration_id"), ["configuration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_configuration_id"))
        batch_op.drop_column("configuration_id")
