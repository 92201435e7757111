"""What the app holds while it runs, opened and closed in one place: by `serve`'s lifespan
and by the commands that work on configurations (export, plan, apply).

Opening checks the schema, starts the embedded sandbox when no Floqer URL is set, and
builds the one HTTP client, the metadata cache and the Floqer gate; closing stops them all.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker

from webapp import embedded
from webapp.context import AppContext, Health
from webapp.db import make_engine, unreachable
from webapp.floqer.client import build_http_client
from webapp.floqer.limits import FloqerGate
from webapp.loop_reads import loop_reads_for
from webapp.metadata_cache import MetadataCache
from webapp.migrate import alembic_config
from webapp.secrets_box import KeyBox
from webapp.services.connections import ensure_key_digests, ensure_sandbox_connection
from webapp.settings import Settings
from webapp.transactions import track_writes

log = logging.getLogger("webapp")


class SchemaOutOfDate(RuntimeError):
    pass


@contextmanager
def running(settings: Settings, *, pool_size: int) -> Iterator[AppContext]:
    """The app's long-lived parts for `settings`, closed on the way out. Raises
    SchemaOutOfDate when the database is unreachable or not migrated."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, pool_size=pool_size)
    try:
        check_schema(engine, settings.database_url)
    except SchemaOutOfDate:
        engine.dispose()
        raise
    sandbox = embedded.start(settings) if settings.uses_sandbox else None
    base_url = sandbox.api_url if sandbox else str(settings.floqer_base_url)
    http = build_http_client(base_url, settings.floqer_timeout_seconds)
    session_factory = sessionmaker(engine, expire_on_commit=False)
    track_writes(session_factory)  # so that no transaction stays open across a Floqer call
    ctx = AppContext(
        settings=settings,
        engine=engine,
        sessions=session_factory,
        http=http,
        floqer_base_url=base_url,
        key_box=KeyBox(settings.secret_key, settings.previous_secret_keys),
        metadata=MetadataCache(
            settings.options_cache_seconds,
            max_entries=settings.cache_max_entries,
            max_bytes=settings.cache_max_megabytes * 1024 * 1024,
        ),
        gate=FloqerGate(settings.floqer_calls_per_key, settings.floqer_calls_pending),
        health=Health(make_engine(settings.database_url, pooled=False)),
        loop_reads=loop_reads_for(settings.database_url),
    )
    try:
        if settings.uses_sandbox:
            with ctx.sessions.begin() as session:
                ensure_sandbox_connection(session, ctx.key_box)
        _key_digests(ctx)
        yield ctx
    finally:
        http.close()
        if sandbox:
            sandbox.stop()
        engine.dispose()
        ctx.health.engine.dispose()
        if ctx.loop_reads is not None:
            ctx.loop_reads.dispose()


def _key_digests(ctx: AppContext) -> None:
    """Every connection's key digest under the current secret (backfilled after the
    migration that added them, re-keyed after a rotation). Replicas starting together on one
    database may race here; they write the same values, and a loser leaves it to the winner."""
    try:
        with ctx.sessions.begin() as session:
            changed = ensure_key_digests(session, ctx.key_box)
    except IntegrityError:
        log.warning("connection key digests: another replica was updating them")
        return
    if changed:
        log.info("connection key digests: %d brought up to date", changed)


@functools.cache
def _schema_head() -> str | None:
    """The latest migration's revision: the migration scripts are read once per process (they
    ship with the app; the test suite starts hundreds of apps)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def check_schema(engine: Engine, database_url: str) -> None:
    head = _schema_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise SchemaOutOfDate(unreachable(database_url, exc)) from None
    if current != head:
        raise SchemaOutOfDate(
            f"the database is at revision {current or 'none'}, the app needs {head}: "
            "run `python -m webapp migrate` first"
        )
