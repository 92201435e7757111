"""Warm reads answered on the event loop, with no hop to the thread pool (SQLite only).

Measured (bench/fragments.py, the warm 900-field part at 16 connections): the hop of a sync
route to the thread pool, and the GIL handoffs between a dozen threads that it brings, cost
more than everything else the request does; the part itself was already rendered once. The
reads such a request needs (who is asking, and the configuration the part shows) are
indexed SQLite reads: tens of microseconds in the driver, about 0.3 ms each through
SQLAlchemy, never a wait. So they run on the loop, on a connection
of the app's own that can only read and never waits: `query_only` (a write fails at once)
and `busy_timeout=0` (a lock fails at once; in WAL mode readers take none, so that is rare).

Whatever cannot be answered that way raises NotHere, and the request takes its ordinary
path on a thread, which does exactly what it always did: a write (a session's last-seen
time, once in 30 s; an expired one's deletion), a lock, a metadata list the cache does not
hold (webapp.metadata_cache), any rendering (webapp.web.deps.render; so only parts already
rendered and kept are sent from here), and every read on Postgres, where a read is a round
trip over the network and each replica has threads to spare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from webapp.transactions import HOLDS_NOTHING

T = TypeVar("T")
_ON_LOOP: ContextVar[bool] = ContextVar("webapp.on_loop", default=False)


class NotHere(Exception):
    """This cannot be answered on the loop without waiting: take the thread pool."""


def must_not_wait() -> None:
    """Called where the code is about to wait or work at length (a Floqer call, a render):
    on the loop, that is NotHere; anywhere else, nothing."""
    if _ON_LOOP.get():
        raise NotHere


class LoopReads:
    """One read-only connection to the app's SQLite file, used by the loop's thread alone
    (the loop runs one request's code at a time, and nothing here awaits)."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(
            database_url,
            poolclass=StaticPool,
            # Made on the loop's thread, closed at shutdown from the lifespan's.
            connect_args={"check_same_thread": False},
        )
        event.listen(self.engine, "connect", _read_only)
        self.answered = 0  # requests answered here, and passed on to the thread pool
        self.passed_on = 0
        self._sessions = sessionmaker(
            self.engine, expire_on_commit=False, info={HOLDS_NOTHING: True}
        )

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for the loop; a failed read (a write, a lock) becomes NotHere."""
        on_loop = _ON_LOOP.set(True)
        session = self._sessions()
        try:
            yield session
        except OperationalError as exc:
            raise NotHere from exc
        finally:
            _ON_LOOP.reset(on_loop)
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def loop_reads_for(database_url: str) -> LoopReads | None:
    """LoopReads for a SQLite file; None for a server (every read a network round trip) and
    for an in-memory database (a connection of its own would see another, empty one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return LoopReads(database_url)


async def loop_first(reads: LoopReads | None, work: Callable[[Session], T], session: Session) -> T:
    """`work` with a loop session when it can answer without waiting, else with `session`
    (the request's own) in the thread pool. What it raises on the loop, other than NotHere,
    is the request's answer (a 404, a refusal), as the thread's would be."""
    if reads is not None:
        try:
            with reads.reading() as reading:
                answer = work(reading)
        except NotHere:
            reads.passed_on += 1
        else:
            reads.answered += 1
            return answer
    return await anyio.to_thread.run_sync(work, session)


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()
