"""The loop's reads (webapp.loop_reads): they read, never write, never wait, and whatever
would wait (a cache miss, a write) turns into NotHere and leaves nothing half done."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from webapp.loop_reads import LoopReads, NotHere, loop_first, loop_reads_for, must_not_wait
from webapp.metadata_cache import MetadataCache
from webapp.secrets_box import MAX_OPENED, KeyBox, KeyBoxError


@pytest.fixture
def database(tmp_path: Path) -> str:
    path = tmp_path / "loop.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE notes (n INTEGER)")
        db.execute("INSERT INTO notes VALUES (1)")
    return f"sqlite:///{path}"


def test_only_a_sqlite_file_is_read_on_the_loop(database: str) -> None:
    reads = loop_reads_for(database)
    assert isinstance(reads, LoopReads)
    reads.dispose()
    assert loop_reads_for("sqlite://") is None
    assert loop_reads_for("sqlite:///:memory:") is None
    assert loop_reads_for("postgresql+psycopg://app@127.0.0.1/app") is None


def test_a_write_is_not_here_and_writes_nothing(database: str) -> None:
    reads = LoopReads(database)
    with pytest.raises(NotHere), reads.reading() as session:
        session.execute(text("INSERT INTO notes VALUES (2)"))
    with reads.reading() as session:
        assert session.execute(text("SELECT n FROM notes")).scalars().all() == [1]
    # Nothing of the failed write stays open on the loop's connection (a transaction left
    # open would hold an old snapshot): what another connection commits now is seen.
    with sqlite3.connect(database.removeprefix("sqlite:///")) as writer:
        writer.execute("INSERT INTO notes VALUES (3)")
    with reads.reading() as session:
        assert session.execute(text("SELECT n FROM notes")).scalars().all() == [1, 3]
    reads.dispose()


def test_a_read_does_not_wait_for_a_writer_and_sees_what_it_committed(database: str) -> None:
    reads = LoopReads(database)
    writer = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO notes VALUES (2)")
    with reads.reading() as session:  # the write lock is held: WAL readers take none
        assert session.execute(text("SELECT n FROM notes")).scalars().all() == [1]
    writer.execute("COMMIT")
    writer.close()
    with reads.reading() as session:
        assert session.execute(text("SELECT n FROM notes")).scalars().all() == [1, 2]
    reads.dispose()


def test_must_not_wait_only_on_the_loop(database: str) -> None:
    must_not_wait()  # off the loop: nothing
    reads = LoopReads(database)
    with pytest.raises(NotHere), reads.reading():
        must_not_wait()
    must_not_wait()  # and nothing again once the loop's reading has ended
    reads.dispose()


def test_a_cache_miss_on_the_loop_is_not_here_and_the_thread_then_loads_it_once(
    database: str,
) -> None:
    cache = MetadataCache(60)
    reads = LoopReads(database)
    calls: list[str] = []

    def load() -> list[str]:
        calls.append("called")
        return ["Account"]

    with pytest.raises(NotHere), reads.reading():
        cache.get(("objects",), load, len)
    assert calls == []  # nothing claimed, nothing left loading for others to wait on
    assert cache.get(("objects",), load, len).value == ["Account"]
    with reads.reading():  # warm: answered on the loop, without a call
        assert cache.get(("objects",), load, len).value == ["Account"]
    assert calls == ["called"]
    reads.dispose()


def test_loop_first_answers_on_the_loop_or_passes_on_and_counts_both(database: str) -> None:
    reads = LoopReads(database)
    own = Session()  # the request's own session, which the thread pool's turn is given

    def work(session: Session, write: bool) -> str:
        if session is own:
            return "thread"
        if write:
            must_not_wait()
        return "loop"

    async def both() -> list[str]:
        return [
            await loop_first(reads, lambda s: work(s, False), own),
            await loop_first(reads, lambda s: work(s, True), own),
            await loop_first(None, lambda s: work(s, False), own),
        ]

    # On a thread of its own: a worker that ran the browser tests has Playwright's loop here.
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(anyio.run, both).result() == ["loop", "thread", "thread"]
    assert (reads.answered, reads.passed_on) == (1, 1)
    reads.dispose()


def test_an_opened_key_is_kept_within_bounds_and_a_wrong_secret_still_fails() -> None:
    box = KeyBox("a-secret-for-this-test-only-0123456789abcdef")
    sealed = [box.seal(f"floq_key_{n}") for n in range(MAX_OPENED + 5)]
    assert [box.open(token) for token in sealed] == [f"floq_key_{n}" for n in range(len(sealed))]
    assert len(box._opened) == MAX_OPENED
    other = KeyBox("another-secret-for-this-test-0123456789abcdef")
    with pytest.raises(KeyBoxError):
        other.open(sealed[-1])  # what one box opened says nothing to another
