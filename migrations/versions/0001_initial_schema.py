"""Initial schema: Floqer connections, saved configurations and their pushes.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("key_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("key_hint", sa.String(length=20), nullable=False),
        sa.Column("floqer_user_email", sa.String(length=320), nullable=False),
        sa.Column("floqer_user_name", sa.String(length=200), nullable=False),
        sa.Column("is_sandbox", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connections")),
    )
    op.create_table(
        "configurations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("workflow_name", sa.Text(), nullable=False),
        sa.Column("sheet_id", sa.String(length=200), nullable=False),
        sa.Column("sheet_name", sa.Text(), nullable=False),
        sa.Column("step_id", sa.String(length=200), nullable=False),
        sa.Column("step_name", sa.Text(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("last_pushed_at", UTC_DATETIME, nullable=True),
        sa.Column("last_push_status", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_configurations_connection_id_connections"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configurations")),
    )
    with op.batch_alter_table("configurations") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_configurations_connection_id"), ["connection_id"], unique=False
        )
    op.create_table(
        "pushes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("pushed_at", UTC_DATETIME, nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["configurations.id"],
            name=op.f("fk_pushes_configuration_id_configurations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pushes")),
        sa.UniqueConstraint("nonce", name=op.f("uq_pushes_nonce")),
    )
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pushes_configuration_id"), ["configuration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_pushes_configuration_id"))
    op.drop_table("pushes")
    with op.batch_alter_table("configurations") as batch_op:
        batch_op.drop_index(batch_op.f("ix_configurations_connection_id"))
    op.drop_table("configurations")
    op.drop_table("connections")
