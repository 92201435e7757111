"""What the org said about a version's mapped fields when it was saved.

- `configuration_versions.field_facts` (JSON, nullable): for each field the version maps
  (and its External ID field), the label, type and length the app's cached options gave
  when the version was saved. The pre-flight check compares it with the org of today to
  say that a field was deleted or re-typed since (the "drift" warning). Versions saved
  before this revision have none (NULL), as do saves made while Floqer's metadata was not
  at hand: the check then has nothing to compare and stays silent.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("configuration_versions") as batch_op:
        batch_op.add_column(sa.Column("field_facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("configuration_versions") as batch_op:
        batch_op.drop_column("field_facts")
