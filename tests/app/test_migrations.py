"""The migrations create exactly what the models describe, and run both ways."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from tests import postgres
from tests.support import query
from webapp import migrate
from webapp.db import Base


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


def test_upgrading_folds_configurations_of_one_step_keeping_every_body_and_push(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'fold.db'}"
    command.upgrade(migrate.alembic_config(url), "0002")
    db = sqlite3.connect(tmp_path / "fold.db")
    db.execute(
        "INSERT INTO connections (id, label, key_ciphertext, key_hint, floqer_user_email, "
        "floqer_user_name, is_sandbox, created_at) VALUES (1, 'c', x'00', 'floq_…', '', '', 0, "
        "'2026-11-01 00:00:00')"
    )
    configs = [  # id, name, step, body marker, version, updated_at
        (1, "Original", "s1", "a", 3, "2026-11-10 00:00:00"),
        (2, "Copy of Original", "s1", "b", 5, "2026-11-20 00:00:00"),  # the latest: kept
        (3, "Copy of Original (2)", "s1", "c", 1, "2026-11-15 00:00:00"),
        (4, "Other step", "s2", "d", 2, "2026-11-12 00:00:00"),
    ]
    for cid, name, step, marker, version, updated in configs:
        body = json.dumps({"inputs": {"salesforce_object": marker}})
        db.execute(
            "INSERT INTO configurations (id, name, connection_id, workflow_id, workflow_name, "
            "sheet_id, sheet_name, step_id, step_name, body, version, created_at, updated_at) "
            "VALUES (?, ?, 1, 'w', 'W', 'w', 'S', ?, 'U', ?, ?, ?, ?)",
            (cid, name, step, body, version, updated, updated),
        )
    for pid, cid, version, ok in ((1, 1, 3, 1), (2, 3, 1, 0), (3, 2, 5, 1)):
        db.execute(
            "INSERT INTO pushes (id, configuration_id, version, pushed_at, succeeded, summary, "
            "problems) VALUES (?, ?, ?, '2026-11-21 00:00:00', ?, 'answer', '[]')",
            (pid, cid, version, ok),
        )
    db.commit()

    migrate.upgrade(url)

    rows = db.execute("SELECT id, version FROM configurations ORDER BY id").fetchall()
    assert rows == [(2, 8), (4, 2)]
    versions = db.execute(
        "SELECT configuration_id, version, json_extract(body, '$.inputs.salesforce_object'), note "
        "FROM configuration_versions ORDER BY configuration_id, version"
    ).fetchall()
    assert [v[:3] for v in versions] == [
        (2, 5, "b"),
        (2, 6, "a"),  # the older duplicates' bodies, oldest first, after the keeper's own
        (2, 7, "c"),
        (2, 8, "b"),  # the keeper's body again: still the head
        (4, 2, "d"),
    ]
    assert versions[1][3] == "folded in from configuration #1 “Original” (its version 3)"
    pushes = db.execute(
        "SELECT id, configuration_id, version, outcome, summary FROM pushes ORDER BY id"
    ).fetchall()
    assert pushes == [
        (1, 2, 6, "pushed", "Pushed from configuration #1 “Original” (its version 3): answer"),
        (
            2,
            2,
            7,
            "failed",
            "Pushed from configuration #3 “Copy of Original (2)” (its version 1): answer",
        ),
        (3, 2, 5, "pushed", "answer"),
    ]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO configurations (name, connection_id, workflow_id, workflow_name, "
            "sheet_id, sheet_name, step_id, step_name, body, version, created_at, updated_at) "
            "VALUES ('again', 1, 'w', 'W', 'w', 'S', 's1', 'U', '{}', 1, '2026-12-01', "
            "'2026-12-01')"
        )
    db.close()


def test_upgrading_keeps_every_version_with_no_field_facts_and_downgrading_drops_them(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'facts.db'}"
    command.upgrade(migrate.alembic_config(url), "0003")
    db = sqlite3.connect(tmp_path / "facts.db")
    db.execute(
        "INSERT INTO connections (id, label, key_ciphertext, key_hint, floqer_user_email, "
        "floqer_user_name, is_sandbox, created_at) VALUES (1, 'c', x'00', 'floq_…', '', '', 0, "
        "'2026-11-01 00:00:00')"
    )
    body = json.dumps({"inputs": {"salesforce_object": "Account"}})
    db.execute(
        "INSERT INTO configurations (id, name, connection_id, workflow_id, workflow_name, "
        "sheet_id, sheet_name, step_id, step_name, body, version, created_at, updated_at) "
        "VALUES (1, 'A', 1, 'w', 'W', 'w', 'S', 's', 'U', ?, 1, '2026-11-01', '2026-11-01')",
        (body,),
    )
    db.execute(
        "INSERT INTO configuration_versions (configuration_id, version, body, author, "
        "created_at, note) VALUES (1, 1, ?, 'a@acme.example', '2026-11-01', '')",
        (body,),
    )
    db.commit()

    migrate.upgrade(url)
    kept = db.execute(
        "SELECT version, json_extract(body, '$.inputs.salesforce_object'), field_facts "
        "FROM configuration_versions"
    ).fetchall()
    assert kept == [(1, "Account", None)]  # saved before the org's word was kept: none

    command.downgrade(migrate.alembic_config(url), "0003")
    columns = [row[1] for row in db.execute("PRAGMA table_info(configuration_versions)")]
    assert "field_facts" not in columns
    assert db.execute("SELECT count(*) FROM configuration_versions").fetchone() == (1,)
    db.close()


def migrate_with(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webapp", "migrate"],
        env={"WEBAPP_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_database_server_needs_the_secret_key_every_replica_shares(tmp_path: Path) -> None:
    url = "postgresql+psycopg://app@127.0.0.1:1/webapp"
    result = migrate_with({"WEBAPP_DATABASE_URL": url}, tmp_path)
    assert result.returncode != 0
    assert "set WEBAPP_SECRET_KEY or WEBAPP_SECRET_KEY_FILE, the same in every replica" in (
        result.stderr
    )
    assert not (tmp_path / "secret.key").exists()  # no key of its own was made


def test_an_unreachable_database_is_named_plainly_without_its_password(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql+psycopg://app:hunter2-not-shown@127.0.0.1:{port}/webapp"
    result = migrate_with({"WEBAPP_DATABASE_URL": url, "WEBAPP_SECRET_KEY": "k" * 48}, tmp_path)
    assert result.returncode != 0
    assert result.stderr.startswith(
        f"migrate: cannot reach the database at postgresql+psycopg://app:***@127.0.0.1:{port}/"
        "webapp: connection failed"
    )
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_on_postgres_the_migrations_match_the_models_and_run_both_ways() -> None:
    url = postgres.cluster().empty()
    try:
        migrate.upgrade(url)
        migrate.check(url)
        command.downgrade(migrate.alembic_config(url), "base")
        left = query(
            url,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_name != 'alembic_version'",
        )
        assert left == []
        migrate.upgrade(url)
        tables = query(
            url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        assert {row[0] for row in tables} == {*Base.metadata.tables, "alembic_version"}
    finally:
        postgres.cluster().drop(url)
