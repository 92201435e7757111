"""A real PostgreSQL server for the suite's Postgres run (`WEBAPP_TEST_DATABASE=postgres`).

Each test process (each xdist worker) starts its own throw-away cluster from Debian's
`postgresql` package: `initdb` into a temporary directory, the server on a free loopback
port, durability off (fsync, synchronous commit: a crash loses nothing a test needs). The
schema is migrated once into a template database; each app gets `CREATE DATABASE … TEMPLATE`,
a fresh copy. Making and dropping one took 150-400 ms here, more than most tests: so once its
test's servers have stopped, a database whose schema is still the template's is emptied
(every row deleted, every sequence back to 1: what a fresh copy holds) and kept for the next
test, in about 10 ms; one whose schema a test changed, or that anyone is still connected to,
is dropped.
PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from tests.ports import free_port
from webapp import migrate
from webapp.db import Base

TEMPLATE = "webapp_template"


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "WEBAPP_TEST_DATABASE=postgres needs PostgreSQL's server programs: "
            "`make postgres` installs Debian's postgresql package"
        )
    return Path(found[-1]).parent


class Cluster:
    """One PostgreSQL server of this process's, stopped when the process exits."""

    def __init__(self) -> None:
        self._bin = _bin_dir()
        self._dir = Path(tempfile.mkdtemp(prefix="webapp-pg-"))
        self._as: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self._dir, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        data = self._dir / "data"
        self._run(
            "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self._dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
        )
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self._dir / "log"), "-w",
                  "start")  # fmt: skip
        atexit.register(self.stop)
        self.admin = create_engine(self.url("postgres"), poolclass=NullPool,
                                   isolation_level="AUTOCOMMIT")  # fmt: skip
        self._names = itertools.count(1)
        self._lock = threading.Lock()
        self._spare: list[str] = []  # emptied databases, each as a fresh copy of the template
        self._template_schema = ""  # its digest (_schema_of), once template() has made it
        self._stopped = threading.Event()  # a test's last drop may come after the run ends

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self._as, str(self._bin / program), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    @cache  # noqa: B019 (one cluster per process, never collected)
    def template(self) -> str:
        with self.admin.connect() as db:
            db.execute(text(f"CREATE DATABASE {TEMPLATE}"))
        migrate.upgrade(self.url(TEMPLATE))
        # Read now: once copies are made from it, a connection to it would fail a copy.
        self._template_schema = _schema_of(self.url(TEMPLATE))
        return TEMPLATE

    def fresh(self) -> str:
        """A database holding the migrated, empty schema and nothing else; its URL."""
        template = self.template()
        with self._lock:
            if self._spare:
                return self.url(self._spare.pop())
            name = f"app_{os.getpid()}_{next(self._names)}"
        with self.admin.connect() as db:
            db.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        return self.url(name)

    def recycle(self, url: str) -> None:
        """Once nothing uses the database at `url` any more: keep it, emptied, for fresh()
        when its schema is still the template's and nobody is connected; else drop it."""
        name = url.rsplit("/", 1)[1]
        if not name.startswith("app_") or self._stopped.is_set():
            self.drop(url)
            return
        with self._lock:
            full = len(self._spare) >= MAX_SPARE
        if full or not _emptied(url, self._template_schema):
            self.drop(url)
            return
        with self._lock:
            self._spare.append(name)

    def empty(self) -> str:
        """A new database with nothing in it (not even the schema); its URL."""
        with self._lock:
            name = f"empty_{os.getpid()}_{next(self._names)}"
        with self.admin.connect() as db:
            db.execute(text(f"CREATE DATABASE {name}"))
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop the database at `url`, cutting off whoever is still connected to it."""
        name = url.rsplit("/", 1)[1]
        try:
            with self.admin.connect() as db:
                db.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        except OperationalError:
            if not self._stopped.is_set():
                raise
            # The run ended while this drop waited: the whole server goes, and its files.

    def stop(self) -> None:
        self._stopped.set()
        self.admin.dispose()
        subprocess.run(
            [*self._as, str(self._bin / "pg_ctl"), "-D", str(self._dir / "data"), "-m",
             "immediate", "stop"],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(self._dir, ignore_errors=True)


MAX_SPARE = 8  # emptied databases kept per process


def _schema_of(url: str) -> str:
    """A digest of everything in the database that is not a row: tables, columns, keys,
    indexes, functions, triggers, the schema's Alembic version and the database's own
    settings (a test sets its time zone)."""
    with engine(url).connect() as db:
        return str(db.execute(_SCHEMA).scalar_one())


_SCHEMA = text(
    """
        SELECT md5(concat_ws('|',
          (SELECT string_agg(concat_ws(':', table_name, column_name, data_type, is_nullable,
                                       column_default), ',' ORDER BY table_name, column_name)
             FROM information_schema.columns WHERE table_schema = 'public'),
          (SELECT string_agg(concat_ws(':', conrelid::regclass::text, conname,
                                       pg_get_constraintdef(oid)), ',' ORDER BY 1)
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
          (SELECT string_agg(indexdef, ',' ORDER BY indexdef)
             FROM pg_indexes WHERE schemaname = 'public'),
          (SELECT string_agg(proname, ',' ORDER BY proname)
             FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
          (SELECT string_agg(tgname, ',' ORDER BY tgname)
             FROM pg_trigger WHERE NOT tgisinternal),
          (SELECT string_agg(version_num, ',') FROM alembic_version),
          (SELECT string_agg(array_to_string(setconfig, ','), ';') FROM pg_db_role_setting
             WHERE setdatabase = (SELECT oid FROM pg_database
                                  WHERE datname = current_database())),
          (SELECT concat_ws(':', datconnlimit, datallowconn) FROM pg_database
             WHERE datname = current_database())))
    """
)


_SEQUENCES = text(
    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"
)
_OTHERS = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _emptied(url: str, template_schema: str) -> bool:
    """Empty the database at `url` back to what a fresh copy of the template holds, if its
    schema is still the template's and nobody else is connected; whether it was."""
    try:
        with engine(url).begin() as db:  # one connection for the checks and the emptying
            if (
                db.execute(_SCHEMA).scalar_one() != template_schema
                or db.execute(_OTHERS).scalar_one()
            ):
                return False
            for table in reversed(Base.metadata.sorted_tables):
                db.execute(table.delete())
            for sequence in list(db.execute(_SEQUENCES).scalars()):
                db.execute(text("SELECT setval(:s, 1, false)"), {"s": sequence})
    except SQLAlchemyError:
        return False
    return True


@cache
def cluster() -> Cluster:
    return Cluster()


def engine(url: str) -> Engine:
    """An engine for a test to look into a database directly (no pool: nothing stays open)."""
    return create_engine(url, poolclass=NullPool)
