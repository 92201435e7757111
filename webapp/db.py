"""The database: engine set-up for SQLite, and the typed models stored in it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so that Alembic's batch migrations on SQLite can find them again.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(DateTime):
    """SQLite forgets time zones: store UTC, hand back aware UTC datetimes."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        parent = super().result_processor(dialect, coltype)

        def process(value: Any) -> Any:
            value = parent(value) if parent else value
            if isinstance(value, datetime) and value.tzinfo is None:
                return value.replace(tzinfo=UTC)
            return value

        return process


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Connection(Base):
    """A Floqer API key, stored encrypted; only its hint is ever shown."""

    __tablename__ = "connections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    key_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    key_hint: Mapped[str] = mapped_column(String(20))
    floqer_user_email: Mapped[str] = mapped_column(String(320), default="")
    floqer_user_name: Mapped[str] = mapped_column(String(200), default="")
    is_sandbox: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    configurations: Mapped[list[SavedConfiguration]] = relationship(back_populates="connection")


class SavedConfiguration(Base):
    """One upsert step's configuration: where it lives in Floqer and the exact body to send."""

    __tablename__ = "configurations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="RESTRICT"), index=True
    )
    workflow_id: Mapped[str] = mapped_column(String(200))
    workflow_name: Mapped[str] = mapped_column(Text, default="")
    sheet_id: Mapped[str] = mapped_column(String(200))
    sheet_name: Mapped[str] = mapped_column(Text, default="")
    step_id: Mapped[str] = mapped_column(String(200))
    step_name: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_push_status: Mapped[str | None] = mapped_column(String(20), default=None)

    connection: Mapped[Connection] = relationship(back_populates="configurations")
    pushes: Mapped[list[PushRecord]] = relationship(
        back_populates="configuration",
        cascade="all, delete-orphan",
        order_by="PushRecord.id.desc()",
    )

    @property
    def inputs(self) -> dict[str, Any]:
        inputs: dict[str, Any] = self.body.get("inputs", {})
        return inputs


class PushRecord(Base):
    """One push of a configuration to Floqer and what Floqer answered."""

    __tablename__ = "pushes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("configurations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)
    http_status: Mapped[int | None] = mapped_column(Integer, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    # Floqer's field problems of a 400, shown next to the controls they name.
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # The form's one-time token: a second submit of the same form does not push again.
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)

    configuration: Mapped[SavedConfiguration] = relationship(back_populates="pushes")


def make_engine(database_url: str) -> Engine:
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
