"""Every saved body a version; one configuration per Floqer step; push outcomes; bounded logs.

- `configuration_versions`: one row per acknowledged save, unique per configuration. Each
  existing configuration's body becomes its current version.
- Configurations of the same Floqer step are folded into one (unique on the step's ids):
  the most recently changed one is kept; the bodies of the others become versions of it,
  after its own, and its own body is saved once more as the newest version, so it stays the
  head; their pushes move to it, each summary saying where it came from.
- `pushes.outcome` ("pushed", "failed", "unknown", "sending") replaces `succeeded`, and
  pushes record who pushed; configurations get the lease a push in flight holds.
- `login_failures.failed_at` is indexed (old rows are pruned by it); an audit row may stand
  for several repeats (`count`).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
BEFORE_HISTORY = "saved before version history was kept"


def upgrade() -> None:
    op.create_table(
        "configuration_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["configurations.id"],
            name=op.f("fk_configuration_versions_configuration_id_configurations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_versions")),
        sa.UniqueConstraint("configuration_id", "version", name="uq_configuration_version"),
    )
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=20), nullable=False, server_default="failed")
        )
        batch_op.add_column(
            sa.Column("actor", sa.String(length=320), nullable=False, server_default="")
        )
    op.execute("UPDATE pushes SET outcome = 'pushed' WHERE succeeded")
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.drop_column("succeeded")
    _fold_and_version(op.get_bind())
    with op.batch_alter_table("configurations") as batch_op:
        batch_op.add_column(sa.Column("push_lease_until", UTC_DATETIME, nullable=True))
        batch_op.create_unique_constraint(
            "uq_configurations_step", ["workflow_id", "sheet_id", "step_id"]
        )
    with op.batch_alter_table("login_failures") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_failures_failed_at"), ["failed_at"], unique=False
        )
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(
            sa.Column("count", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def _fold_and_version(bind: sa.Connection) -> None:
    configurations = sa.table(
        "configurations",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("workflow_id", sa.String()),
        sa.column("sheet_id", sa.String()),
        sa.column("step_id", sa.String()),
        sa.column("body", sa.JSON()),
        sa.column("version", sa.Integer()),
        sa.column("updated_at", UTC_DATETIME),
    )
    pushes = sa.table(
        "pushes",
        sa.column("id", sa.Integer()),
        sa.column("configuration_id", sa.Integer()),
        sa.column("version", sa.Integer()),
        sa.column("summary", sa.Text()),
    )
    versions = sa.table(
        "configuration_versions",
        sa.column("configuration_id", sa.Integer()),
        sa.column("version", sa.Integer()),
        sa.column("body", sa.JSON()),
        sa.column("author", sa.String()),
        sa.column("created_at", UTC_DATETIME),
        sa.column("note", sa.Text()),
    )
    by_step: defaultdict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for row in bind.execute(sa.select(configurations)).mappings():
        by_step[(row["workflow_id"], row["sheet_id"], row["step_id"])].append(row)
    for rows in by_step.values():
        rows.sort(key=lambda r: (_as_datetime(r["updated_at"]), r["id"]))
        keeper, folded = rows[-1], rows[:-1]
        new_versions = [_version(keeper["id"], keeper["version"], keeper, BEFORE_HISTORY)]
        number = keeper["version"]
        for row in folded:
            number += 1
            origin = f"configuration #{row['id']} “{row['name']}” (its version {row['version']})"
            new_versions.append(_version(keeper["id"], number, row, f"folded in from {origin}"))
            bind.execute(
                sa.update(pushes)
                .where(pushes.c.configuration_id == row["id"])
                .values(
                    configuration_id=keeper["id"],
                    version=number,
                    summary=f"Pushed from {origin}: " + pushes.c.summary,
                )
            )
            bind.execute(sa.delete(configurations).where(configurations.c.id == row["id"]))
        if folded:
            number += 1
            note = "kept as the current version when duplicates were folded in"
            new_versions.append(_version(keeper["id"], number, keeper, note))
            bind.execute(
                sa.update(configurations)
                .where(configurations.c.id == keeper["id"])
                .values(version=number)
            )
        bind.execute(sa.insert(versions), new_versions)


def _version(configuration_id: int, number: int, row: Any, note: str) -> dict[str, Any]:
    return {
        "configuration_id": configuration_id,
        "version": number,
        "body": row["body"],
        "author": "",
        "created_at": _as_datetime(row["updated_at"]),
        "note": note,
    }


def _as_datetime(value: Any) -> datetime:
    """Naive UTC, whatever the driver handed back, so that rows sort on it."""
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("count")
    with op.batch_alter_table("login_failures") as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_failed_at"))
    with op.batch_alter_table("configurations") as batch_op:
        batch_op.drop_constraint("uq_configurations_step", type_="unique")
        batch_op.drop_column("push_lease_until")
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.add_column(
            sa.Column("succeeded", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE pushes SET succeeded = (outcome = 'pushed')")
    with op.batch_alter_table("pushes") as batch_op:
        batch_op.drop_column("actor")
        batch_op.drop_column("outcome")
    op.drop_table("configuration_versions")
