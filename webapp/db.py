"""The database: engine set-up for SQLite, and the typed models stored in it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    false,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.pool import NullPool

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


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out. SQLite forgets time zones: it stores naive UTC.
    Postgres (timestamp with time zone) is handed the aware instant: a naive one would be
    read in the server's time zone, which need not be UTC; what it hands back, in that
    zone, is turned to UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # naive: UTC, as everywhere in the app
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
    # HMAC-SHA256 of the key under the app's secret (KeyBox.digest), never the key: one
    # connection per key, enforced by the database so two replicas cannot both add it.
    # NULL only until the app's start fills it in (webapp.services.connections).
    key_digest: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # The last health check (webapp.services.connection_health): its state, what it said in
    # plain words (never a key), and when. "" until the first check.
    health_state: Mapped[str] = mapped_column(String(30), default="")
    health_detail: Mapped[str] = mapped_column(Text, default="")
    health_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    configurations: Mapped[list[SavedConfiguration]] = relationship(back_populates="connection")


class SavedConfiguration(Base):
    """One upsert step's configuration: where it lives in Floqer and the exact body to send.

    One per Floqer step: Floqer's ids are unique across the deployment the app talks to (the
    workflow id is a uuid), so the step's three ids name it. `body` and `version` are the
    head of the step's versions, kept here so that lists and pages need no join.
    """

    __tablename__ = "configurations"
    __table_args__ = (
        UniqueConstraint("workflow_id", "sheet_id", "step_id", name="uq_configurations_step"),
    )

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
    # A push in flight holds this lease (in the database, so that any replica sees it); one
    # left behind by a process that died runs out on its own.
    push_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # What the step held in Floqer the last time the app read it (webapp.services.floqer_state):
    # when, which saved version it equalled (None: none of them, it was changed in Floqer),
    # and its body, so that "review" can compare without asking Floqer again.
    floqer_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    floqer_seen_version: Mapped[int | None] = mapped_column(Integer, default=None)
    floqer_seen_body: Mapped[dict[str, Any] | None] = mapped_column(
        JSON,
        default=None,
        deferred=True,  # read only when compared: not on every request
    )
    # The last attempt to read it, and why it failed (plain words, never a key); "" when the
    # last attempt succeeded.
    floqer_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    floqer_check_problem: Mapped[str] = mapped_column(Text, default="")

    connection: Mapped[Connection] = relationship(back_populates="configurations")
    pushes: Mapped[list[PushRecord]] = relationship(
        back_populates="configuration",
        cascade="all, delete-orphan",
        order_by="PushRecord.id.desc()",
    )
    versions: Mapped[list[ConfigurationVersion]] = relationship(
        back_populates="configuration",
        cascade="all, delete-orphan",
        order_by="ConfigurationVersion.version.desc()",
    )
    test_runs: Mapped[list[TestRun]] = relationship(
        back_populates="configuration",
        cascade="all, delete-orphan",
        order_by="TestRun.id.desc()",
    )

    @property
    def inputs(self) -> dict[str, Any]:
        inputs: dict[str, Any] = self.body.get("inputs", {})
        return inputs


class ConfigurationVersion(Base):
    """One saved body of a configuration: every acknowledged save is exactly one of these."""

    __tablename__ = "configuration_versions"
    __table_args__ = (
        UniqueConstraint("configuration_id", "version", name="uq_configuration_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("configurations.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # How the version came to be when it was not typed in the form (taken from Floqer, …).
    note: Mapped[str] = mapped_column(Text, default="")
    # What the org said about the fields this version maps, as the app's cached options knew
    # them when it was saved (webapp.preflight.drift); None when they were not at hand. The
    # pre-flight check compares it with the org of today to tell why a mapped field broke.
    field_facts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    configuration: Mapped[SavedConfiguration] = relationship(back_populates="versions")


class PushRecord(Base):
    """One push of a configuration to Floqer and what Floqer answered.

    `outcome`: "sending" while Floqer is being asked, then "pushed", "failed", or "unknown"
    when no readable answer came back (Floqer may have applied it: a pull settles it).
    """

    __tablename__ = "pushes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("configurations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(320), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="sending")
    http_status: Mapped[int | None] = mapped_column(Integer, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    # Floqer's field problems of a 400, shown next to the controls they name.
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Floqer's own `message` of a failed push, as it answered (summary is the app's words).
    floqer_message: Mapped[str] = mapped_column(Text, default="")
    # The form's one-time token: a second submit of the same form does not push again.
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)

    configuration: Mapped[SavedConfiguration] = relationship(back_populates="pushes")

    @property
    def succeeded(self) -> bool:
        return self.outcome == "pushed"


class TestRun(Base):
    """One run of a configuration's step on one sheet row, and what Salesforce made of it.

    `outcome`: "sending" while the row is added (or run), "waiting" while its cell is queued
    or running, then "complete" (operation_type Insert or Update, record_id, record_url),
    "failed" (Salesforce refused: error_code, error_message, error_field), "error" (Floqer
    could not run it), "timeout" (the cell did not end within the bound), "cancelled" (the
    user stopped waiting; the row may still run in Floqer) or "unknown".
    """

    __test__ = False  # not a pytest class, whatever its name says
    __tablename__ = "test_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("configurations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # "new": a row added with the values typed; "existing": a row of the sheet run again.
    row_source: Mapped[str] = mapped_column(String(20), default="new")
    row_id: Mapped[str] = mapped_column(String(200), default="")
    # The row's input values as sent (column: value), and what each mapped field was to
    # receive: [{"name", "value" (as configured), "resolved", "action": send|skip|clear}].
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(String(20), default="sending")
    operation_type: Mapped[str] = mapped_column(String(20), default="")
    record_id: Mapped[str] = mapped_column(String(200), default="")
    record_url: Mapped[str] = mapped_column(Text, default="")
    error_code: Mapped[str] = mapped_column(String(200), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    error_field: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # The form's one-time token: a second submit of the same form does not run again.
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)

    configuration: Mapped[SavedConfiguration] = relationship(back_populates="test_runs")


class User(Base):
    """A person who may sign in; SSO users have no password here."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Set by an admin: the next sign-in asks for a new password before anything else.
    password_reset_required: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class UserSession(Base):
    """A signed-in browser: only the SHA-256 of its cookie token is stored."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A personal API token: its user, the role it acts with (at most the user's, read again
    on every use), and only the SHA-256 of its secret (webapp.services.api_tokens)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Deleting a user deletes their tokens (the database cascades): they stop working at once.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token ("wat_" and 8 more), shown so a person can tell
    # their tokens apart; 48 of the secret's 256 bits, the other 208 are never shown.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """Failed sign-ins per account and per address, for throttling."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(400), index=True)  # "account:…" or "address:…"
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class AuditEvent(Base):
    """One change, append-only: who, when (UTC), what, on what, and how it ended."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    # More than one: a summary row that stands for this many repeats (failed sign-ins from
    # one address past the throttle), so that a flood cannot push real events off the log.
    count: Mapped[int] = mapped_column(Integer, default=1)
    # The configuration it is about, if any: kept after a rename or a delete (no foreign
    # key: the log outlives what it names); `target` has the name it had then.
    configuration_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class AppSetting(Base):
    """Settings an admin changes in the app (e.g. the role of users SSO creates)."""

    __tablename__ = "app_settings"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def make_engine(database_url: str, *, pool_size: int = 5, pooled: bool = True) -> Engine:
    """The app's engine. `pool_size` should cover the threads that may hold a connection at
    once (a request waiting on Floqer keeps its session's), so a slow Floqer cannot drain
    the pool for the pages that never call it; `pooled=False` connects per use."""
    sqlite = make_url(database_url).get_backend_name() == "sqlite"
    if not pooled:
        engine = create_engine(database_url, poolclass=NullPool)
    elif sqlite:
        engine = create_engine(database_url, pool_size=pool_size, max_overflow=pool_size)
    else:
        # A server counts connections (max_connections covers every replica's pool): no
        # overflow past `pool_size`, and a connection the server dropped is replaced unseen.
        engine = create_engine(
            database_url, pool_size=pool_size, max_overflow=0, pool_pre_ping=True
        )
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def unreachable(database_url: str, exc: OperationalError) -> str:
    """A plain sentence for a database that cannot be reached: where (password hidden)
    and the driver's first line of why."""
    where = make_url(database_url).render_as_string(hide_password=True)
    reason = str(exc.orig or exc).strip().splitlines()[0]
    return f"cannot reach the database at {where}: {reason}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver opens a transaction only before a write, and with this it opens it with
    # BEGIN IMMEDIATE: the write lock is taken first (waiting up to busy_timeout), so two
    # writers queue instead of one failing with "database is locked" when it upgrades a
    # read lock. Reads run outside transactions and never hold a lock across a Floqer call.
    dbapi_connection.isolation_level = "IMMEDIATE"
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
