"""A real PostgreSQL server for the suite's Postgres run (`WEBAPP_TEST_DATABASE=postgres`).

Each test process (each xdist worker) starts its own throw-away cluster from Debian's
`postgresql` package: `initdb` into a temporary directory, the server on a free loopback
port, durability off (fsync, synchronous commit: a crash loses nothing a test needs). The
schema is migrated once into a template database; each app gets `CREATE DATABASE … TEMPLATE`,
a fresh copy in tens of milliseconds, dropped when its test's servers have stopped.
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
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from tests.ports import free_port
from webapp import migrate

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
        return TEMPLATE

    def fresh(self) -> str:
        """A new database holding the migrated, empty schema; its URL."""
        template = self.template()
        with self._lock:
            name = f"app_{os.getpid()}_{next(self._names)}"
        with self.admin.connect() as db:
            db.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        return self.url(name)

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


@cache
def cluster() -> Cluster:
    return Cluster()


def engine(url: str) -> Engine:
    """An engine for a test to look into a database directly (no pool: nothing stays open)."""
    return create_engine(url, poolclass=NullPool)
