"""The migrations create exactly what the models describe, and run both ways."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic import command

from webapp import migrate


def test_migrations_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'check.db'}"
    migrate.upgrade(url)
    migrate.check(url)  # raises if the models need a migration the repo does not have


def test_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    migrate.upgrade(url)
    command.downgrade(migrate.alembic_config(url), "base")
    tables = sqlite3.connect(tmp_path / "roundtrip.db").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
    )
    assert tables.fetchall() == []
    migrate.upgrade(url)


def test_migrate_command_creates_the_database_in_the_data_dir(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "migrate", "--check"],
        env={"WEBAPP_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "database is at the latest schema" in result.stdout
    assert (tmp_path / "webapp.db").exists()
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def test_serving_an_unmigrated_database_says_what_to_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "serve", "--port", "0"],
        env={"WEBAPP_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "run `python -m webapp migrate` first" in result.stderr
