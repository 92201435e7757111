"""The admin commands, run as an operator runs them: `python -m webapp create-user|rotate-key`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.app.flows import INBOUND, add_connection
from tests.conftest import TEST_SECRET, RunningApp
from tests.security.conftest import Launcher
from tests.security.helpers import all_rows, page_text, sign_in
from tests.support import ON_POSTGRES, TLS, database_url, fresh_database
from webapp.secrets_box import KeyBox

REPO = Path(__file__).resolve().parents[2]
NEW_SECRET = "the-new-secret-after-rotation-0123456789abcdef"
WRONG_OLD = "not-the-secret-the-keys-were-sealed-with-0123"
PASSPHRASE = "a passphrase typed on the server"


def webapp(
    data_dir: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m webapp ARGS` with only the WEBAPP_ settings given here, on the database of
    `data_dir` (on Postgres, the database the suite made for it, made now if need be)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPP_")}
    if ON_POSTGRES:
        env = {"WEBAPP_DATABASE_URL": postgres_database(data_dir), **env}
    return subprocess.run(
        [sys.executable, "-m", "webapp", *args],
        env={
            **clean,
            "PYTHONPATH": str(REPO),
            "WEBAPP_DATA_DIR": str(data_dir),
            "WEBAPP_SECRET_KEY": TEST_SECRET,
            **env,
        },
        cwd=data_dir.parent,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def postgres_database(data_dir: Path) -> str:
    """The URL of data_dir's database on the suite's Postgres; an empty one (migrated: the
    `migrate` command finds nothing to do) when the test has none there yet."""
    try:
        return database_url(data_dir)
    except KeyError:
        return fresh_database(data_dir)


def create_editor(data_dir: Path) -> subprocess.CompletedProcess[str]:
    assert webapp(data_dir, "migrate").returncode == 0
    return webapp(
        data_dir,
        "create-user",
        "--email",
        "CLI.Editor@acme.example",
        "--role",
        "editor",
        "--password-stdin",
        stdin=PASSPHRASE + "\n",
    )


def test_create_user_says_whom_it_created_and_exits_zero(tmp_path: Path) -> None:
    created = create_editor(tmp_path / "data")
    assert "Traceback" not in created.stderr
    assert created.returncode == 0
    assert "created cli.editor@acme.example (editor)" in created.stdout


def test_a_user_made_by_create_user_signs_in_through_the_form_with_their_role(
    tmp_path: Path, launch: Launcher
) -> None:
    data_dir = tmp_path / "data"
    created = create_editor(data_dir)
    assert PASSPHRASE not in created.stdout + created.stderr

    app = launch.app(data_dir=data_dir)
    with httpx.Client(base_url=app.url, timeout=30, verify=TLS) as client:
        answer = sign_in(client, "cli.editor@acme.example", PASSPHRASE)
        home = client.get("/")
    assert answer.status_code == 303, page_text(answer)
    assert "cli.editor@acme.example editor" in page_text(home)
    users = all_rows(app, "SELECT email, role, password_hash FROM users")
    assert [(u["email"], u["role"]) for u in users] == [("cli.editor@acme.example", "editor")]
    assert str(users[0]["password_hash"]).startswith("$argon2id$")
    audit = all_rows(app, "SELECT actor, action, target FROM audit_events WHERE action != 'login'")
    assert audit == [
        {"actor": "command line", "action": "user created", "target": "cli.editor@acme.example"}
    ]


def test_create_user_refuses_a_short_password_and_adds_nobody(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert webapp(data_dir, "migrate").returncode == 0
    refused = webapp(
        data_dir, "create-user", "--email", "x@acme.example", "--role", "admin",
        "--password-stdin", stdin="short\n",
    )  # fmt: skip
    assert refused.returncode != 0
    assert "not created" in refused.stderr
    assert "12 to 256 characters" in refused.stderr


def stored_keys(app: RunningApp) -> list[bytes]:
    return [bytes(r["key_ciphertext"]) for r in all_rows(app, "SELECT * FROM connections")]


def workflows(app: RunningApp, connection_id: int) -> httpx.Response:
    with app.signed_in() as client:
        return client.get(f"/connections/{connection_id}/workflows")


def test_rotate_key_reseals_stored_keys_so_an_app_with_only_the_new_secret_reads_them(
    launch: Launcher,
) -> None:
    old_app = launch.app()
    with old_app.signed_in() as admin:
        connection_id = add_connection(admin, "floq_rotated_0001")
    data_dir = old_app.settings.data_dir
    new_app = launch.app(data_dir=data_dir, secret_key=NEW_SECRET)
    sealed_under_old = stored_keys(old_app)

    before = workflows(new_app, connection_id)
    assert before.status_code == 500  # the control: the new secret alone cannot open it yet
    assert "A stored key cannot be read" in page_text(before)

    rotated = webapp(
        data_dir, "rotate-key", WEBAPP_SECRET_KEY=NEW_SECRET, WEBAPP_OLD_SECRET_KEY=TEST_SECRET
    )

    assert rotated.returncode == 0, rotated.stderr
    assert "re-encrypted 1 stored key(s)" in rotated.stdout
    assert stored_keys(new_app) != sealed_under_old
    # The digest that recognises the key when it is added again follows the new secret.
    [row] = all_rows(new_app, "SELECT key_digest FROM connections")
    assert row["key_digest"] == KeyBox(NEW_SECRET).digest("floq_rotated_0001")
    after = workflows(new_app, connection_id)
    assert after.status_code == 200, page_text(after)
    assert INBOUND in page_text(after)
    audit = all_rows(
        new_app, "SELECT actor, detail FROM audit_events WHERE action = 'keys rotated'"
    )
    assert audit == [{"actor": "command line", "detail": "1 key(s) re-encrypted"}]


def test_rotate_key_with_a_wrong_old_secret_says_so_and_changes_nothing(
    launch: Launcher,
) -> None:
    app = launch.app()
    with app.signed_in() as admin:
        connection_id = add_connection(admin, "floq_rotated_0002")
    sealed = stored_keys(app)
    audit = all_rows(app, "SELECT * FROM audit_events")

    rotated = webapp(
        app.settings.data_dir,
        "rotate-key",
        WEBAPP_SECRET_KEY=NEW_SECRET,
        WEBAPP_OLD_SECRET_KEY=WRONG_OLD,
    )

    assert rotated.returncode != 0
    assert "not rotated" in rotated.stderr
    assert "nothing changed" in rotated.stderr
    assert "Traceback" not in rotated.stderr
    assert stored_keys(app) == sealed
    assert all_rows(app, "SELECT * FROM audit_events") == audit
    still = workflows(app, connection_id)  # the app on the old secret reads them as before
    assert still.status_code == 200
    assert INBOUND in page_text(still)
