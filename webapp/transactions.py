"""No database transaction stays open while the app waits on Floqer.

A request reads what it needs, then asks Floqer, which may take seconds. On Postgres the
reads open a transaction that would stay open ("idle in transaction") for all that time:
a pool connection held, and a lock that makes any schema change (a replica migrating during
a rolling deploy) queue, and every request after it. So just before each Floqer call the
request's transaction is committed if it only read: the loaded objects stay as they are
(the sessions do not expire on commit), and the next query starts a new one. A transaction
that wrote is left alone: its writes are the request's to commit or roll back; the app
commits before calling Floqer wherever it writes (a push takes its lease and commits first).
SQLite's driver opens no transaction for reads, so there nothing changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

_WROTE = "webapp.transactions.wrote"
# In a session's info: its reads never hold anything open (the event loop's, which reads in
# autocommit and never waits: webapp.loop_reads), so there is nothing to end before a call.
HOLDS_NOTHING = "webapp.transactions.holds_nothing"


def track_writes(sessions: sessionmaker[Session]) -> None:
    """Keep, per session, whether its current transaction has written anything."""
    event.listen(sessions, "after_flush", _flushed)
    event.listen(sessions, "do_orm_execute", _executed)
    event.listen(sessions, "after_transaction_end", _ended)


def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:  # an UPDATE, DELETE or INSERT statement (or SQL of unknown kind)
        state.session.info[_WROTE] = True


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def end_reads(session: Session) -> None:
    """Commit the session's transaction if it has only read (see above); else leave it."""
    if not session.in_transaction() or session.info.get(_WROTE):
        return
    if session.new or session.dirty or session.deleted:
        return
    session.commit()


def reads_ended_before(session: Session | None) -> Callable[[], None] | None:
    """A hook for a Floqer client used by this request: end_reads before each call, on the
    request's own thread only (a session belongs to one thread)."""
    if session is None or session.info.get(HOLDS_NOTHING):
        return None
    owner = threading.get_ident()

    def before_call() -> None:
        if threading.get_ident() == owner:
            end_reads(session)

    return before_call
