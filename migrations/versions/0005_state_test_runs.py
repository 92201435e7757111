"""What Floqer last held for each step, Floqer's message on failed pushes, one-row test runs.

- `configurations.floqer_seen_at`, `floqer_seen_version`, `floqer_seen_body`: when the app
  last read the step from Floqer, which saved version it equalled (NULL: none, the step was
  changed in Floqer) and its body. `floqer_checked_at` and `floqer_check_problem`: the last
  attempt to read it and, if it failed, why. Existing configurations start unchecked.
- `pushes.floqer_message`: Floqer's own message of a failed push.
- `test_runs`: one row per run of a step on one sheet row (webapp.db.TestRun).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("configurations") as batch_op:
        batch_op.add_column(sa.Column("floqer_seen_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("floqer_seen_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("floqer_seen_body", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("floqer_checked_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(
            sa.Column("floqer_check_problem", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.add_column(
            sa.Column("floqer_message", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "test_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("row_source", sa.String(length=20), nullable=False),
        sa.Column("row_id", sa.String(length=200), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("operation_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("record_url", sa.Text(), nullable=False),
        sa.Column("error_code", sa.String(length=200), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("error_field", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["configurations.id"],
            name=op.f("fk_test_runs_configuration_id_configurations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_runs")),
        sa.UniqueConstraint("nonce", name=op.f("uq_test_runs_nonce")),
    )
    with op.batch_alter_table("test_runs") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_test_runs_configuration_id"), ["configuration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("test_runs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_runs_configuration_id"))
    op.drop_table("test_runs")
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.drop_column("floqer_message")
    with op.batch_alter_table("configurations") as batch_op:
        for column in (
            "floqer_check_problem",
            "floqer_checked_at",
            "floqer_seen_body",
            "floqer_seen_version",
            "floqer_seen_at",
        ):
            batch_op.drop_column(column)
