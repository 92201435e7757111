"""The configuration commands, run for real: export, plan and apply against the real app's
database and the real sandbox, in-process through webapp.__main__.main (one subprocess)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.app.flows import (
    ACCOUNT_SYNC,
    BROKEN_LEAD,
    CONTACT_ROWS,
    INBOUND,
    KEY,
    add_connection,
    form_fields,
    start_configuration,
)
from tests.conftest import AppFactory, RunningApp
from tests.security.helpers import all_rows
from tests.support import TEST_SECRET
from webapp.__main__ import main

CLI_ADMIN = "admin@acme.example (command line)"


class Cli:
    """`python -m webapp …` with the app's settings in the environment, as an operator runs
    it next to `serve`; every answer is checked for tracebacks and keys."""

    def __init__(
        self, app: RunningApp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.app, self.monkeypatch, self.capsys = app, monkeypatch, capsys

    def __call__(self, *args: str, floqer: str | None = None) -> tuple[int, str, str]:
        settings = self.app.settings
        env = {
            "WEBAPP_DATA_DIR": str(settings.data_dir),
            "WEBAPP_DATABASE_URL": settings.database_url,
            "WEBAPP_SECRET_KEY": TEST_SECRET,
            "WEBAPP_FLOQER_BASE_URL": floqer or str(settings.floqer_base_url),
            "WEBAPP_FLOQER_TIMEOUT_SECONDS": "5",
        }
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        self.capsys.readouterr()
        try:
            main(list(args))
            code: int | str | None = 0
        except SystemExit as exc:
            code = exc.code
        out, err = self.capsys.readouterr()
        if isinstance(code, str):  # sys.exit("…") prints it to standard error, exit code 1
            err, code = err + code + "\n", 1
        for text in (out, err):
            assert "Traceback" not in text
            assert "floq_" not in text
            assert KEY not in text
        return int(code or 0), out, err


@pytest.fixture
def cli(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    return Cli(app, monkeypatch, capsys)


def exported(cli: Cli, *args: str) -> dict[str, Any]:
    code, out, err = cli("export", *args)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def written(tmp_path: Path, document: dict[str, Any], name: str = "configs.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return str(path)


def versions_of(app: RunningApp, config: int) -> list[int]:
    rows = all_rows(
        app,
        "SELECT version FROM configuration_versions WHERE configuration_id = :id ORDER BY version",
        id=config,
    )
    return [row["version"] for row in rows]


def pushes(app: RunningApp) -> int:
    return sum(n for call, n in app.sandbox_calls()["by_call"].items() if call.startswith("PATCH "))


def without(document: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The document without the top-level `keys`, and without each configuration's version
    (a fresh database counts its own versions from 1)."""
    copied = {k: v for k, v in document.items() if k not in keys}
    copied["configurations"] = [
        {k: v for k, v in c.items() if k != "version"} for c in document["configurations"]
    ]
    return copied


def section(out: str, start: str) -> list[str]:
    """The lines of the plan's part that begins with `start` (up to the next part)."""
    lines = [line.strip() for line in out.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    rest = lines[first + 1 :]
    parts = ("here:", "Floqer:", "pre-flight:")
    end = next((i for i, line in enumerate(rest) if line.startswith(parts) or not line), len(rest))
    return lines[first : first + 1 + end]


def contacts(web: httpx.Client, connection: int) -> int:
    """The Inbound workflow's step, saved as version 2 "Contacts" mapping three fields."""
    config = start_configuration(web, connection, INBOUND)
    saved = web.post(
        f"/configurations/{config}/save",
        data=form_fields("Contacts", "Contact", "Email", CONTACT_ROWS),
    )
    assert saved.status_code == 303
    return config


def test_export_then_apply_on_a_fresh_database_gives_back_the_same_document(
    app: RunningApp,
    web: httpx.Client,
    cli: Cli,
    start_app: AppFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    connection = add_connection(web)
    start_configuration(web, connection, ACCOUNT_SYNC)
    contacts(web, connection)
    document = exported(cli, "--all")
    browser = web.get("/export").json()
    assert without(document, "exported_at", "exported_by") == without(
        browser, "exported_at", "exported_by"
    )
    assert [c["version"] for c in document["configurations"]] == [1, 2]
    assert document["exported_by"] == "command line"

    fresh = start_app(floqer_base_url=app.settings.floqer_base_url)  # the same Floqer
    with fresh.signed_in() as other:
        add_connection(other)  # the same label, "Production"
    fresh_cli = Cli(fresh, monkeypatch, capsys)
    code, out, err = fresh_cli("apply", written(tmp_path, document))
    assert code == 0, err
    assert "Created this step's configuration as version 1." in out
    assert "Applied 2 configuration(s): 2 saved, 0 pushed." in out
    again = exported(fresh_cli)
    assert without(again, "exported_at") == without(document, "exported_at")
    assert [c["version"] for c in again["configurations"]] == [1, 1]
    names = [row["name"] for row in all_rows(fresh, "SELECT name FROM configurations")]
    assert "Contacts" in names  # the document's name, not the step's default one


def test_plan_shows_exactly_the_changed_fields_and_exits_2(
    app: RunningApp, web: httpx.Client, cli: Cli, tmp_path: Path
) -> None:
    config = contacts(web, add_connection(web))
    document = exported(cli, "--id", str(config))
    code, out, _ = cli("plan", written(tmp_path, document))
    assert code == 0
    assert "here: unchanged (version 2)" in out
    assert "Nothing to apply." in out

    changed = copy.deepcopy(document)
    inputs = changed["configurations"][0]["body"]["inputs"]
    inputs["add_fields_and_their_values"][1]["value"] = "{{input.surname}}"
    inputs["ignore_empty_values"] = False
    path = written(tmp_path, changed)
    code, out, _ = cli("plan", path)
    assert code == 2
    assert section(out, "here:") == [
        "here: changed — version 2 → 3",
        "Field LastName: {{input.last_name}} → {{input.surname}}",
        "Ignore empty values: On → Off",
    ]
    code, out, _ = cli("plan", path, "--json")
    assert code == 2
    planned = json.loads(out)
    assert planned["changes"] is True
    [one] = planned["configurations"]
    assert one["status"] == "changed"
    assert one["configuration_id"] == config
    assert one["changes"] == [
        {"what": "Field LastName", "saved": "{{input.last_name}}", "file": "{{input.surname}}"},
        {"what": "Ignore empty values", "saved": "On", "file": "Off"},
    ]
    # Floqer's step still holds what the step was created from: never pushed.
    assert one["floqer"]["differs"] is True
    changes = one["floqer"]["changes"]
    assert {
        "what": "Field LastName",
        "floqer": "(not mapped)",
        "file": "{{input.surname}}",
    } in changes
    assert versions_of(app, config) == [1, 2]  # a plan saves nothing


def test_apply_twice_saves_one_version_and_pushes_once(
    app: RunningApp, web: httpx.Client, cli: Cli, tmp_path: Path
) -> None:
    config = contacts(web, add_connection(web))
    document = exported(cli, "--id", str(config))
    document["configurations"][0]["body"]["inputs"]["add_fields_and_their_values"].append(
        {"name": "Title", "value": "Head of RevOps"}
    )
    path = written(tmp_path, document)
    before = pushes(app)
    code, out, err = cli("apply", path, "--push")
    assert code == 0, err
    assert "Saved as version 3." in out
    assert "Pushed: Floqer accepted version 3" in out
    assert versions_of(app, config) == [1, 2, 3]
    assert pushes(app) == before + 1

    code, out, err = cli("apply", path, "--push")
    assert code == 0, err
    assert "unchanged, nothing to do." in out
    assert "Applied 1 configuration(s): 0 saved, 0 pushed." in out
    assert versions_of(app, config) == [1, 2, 3]
    assert pushes(app) == before + 1
    code, out, _ = cli("plan", path, "--push")
    assert code == 0
    assert "Floqer: its step holds what the file says" in out

    version = all_rows(
        app,
        "SELECT author, note FROM configuration_versions WHERE configuration_id = :id "
        "AND version = 3",
        id=config,
    )[0]
    assert version["author"] == CLI_ADMIN
    assert version["note"].startswith("applied from configs.json (exported ")
    events = all_rows(app, "SELECT actor, action, outcome FROM audit_events ORDER BY id")
    assert {"actor": CLI_ADMIN, "action": "configuration applied", "outcome": "ok"} in events
    assert {"actor": CLI_ADMIN, "action": "push", "outcome": "ok"} in events


def test_apply_stops_at_the_first_error_and_leaves_the_rest_untouched(
    app: RunningApp, web: httpx.Client, cli: Cli, tmp_path: Path
) -> None:
    connection = add_connection(web)
    first = contacts(web, connection)
    second = start_configuration(web, connection, ACCOUNT_SYNC)
    third = start_configuration(web, connection, INBOUND)  # the next one: the webinar's Lead
    by_id = {c["step"]["step_id"]: c for c in exported(cli)["configurations"]}
    ids = [
        row["step_id"]
        for row in all_rows(app, "SELECT id, step_id FROM configurations ORDER BY id")
    ]
    contacts_doc, account_doc, webinar_doc = (by_id[step] for step in ids)
    del contacts_doc["body"]["inputs"]["add_fields_and_their_values"][2]  # FirstName
    broken = account_doc["body"]["inputs"]
    broken["salesforce_object"] = "Lead"
    broken["salesforce_external_id_field"] = "Email"
    broken["add_fields_and_their_values"] = [{"name": n, "value": v} for n, v in BROKEN_LEAD]
    webinar_doc["body"]["inputs"]["ignore_empty_values"] = False
    document = exported(cli)
    document["configurations"] = [contacts_doc, account_doc, webinar_doc]
    path = written(tmp_path, document)

    code, out, err = cli("apply", path)
    assert code == 1
    assert out == "Configuration 1 (“Contacts”): Saved as version 3.\n"
    assert err.startswith("apply stopped at Configuration 2 (“Account sync from product DB")
    assert "the pre-flight check found" in err
    assert "nothing was saved for it" in err
    assert "Applied before it: 1; the 1 after it untouched." in err
    assert len(err.splitlines()) == 1
    assert versions_of(app, first) == [1, 2, 3]
    assert versions_of(app, second) == [1]
    assert versions_of(app, third) == [1]

    code, out, err = cli("apply", path, "--force")
    assert code == 0, err
    assert "Configuration 1 (“Contacts”): unchanged, nothing to do." in out
    assert versions_of(app, first) == [1, 2, 3]
    assert versions_of(app, second) == [1, 2]
    assert versions_of(app, third) == [1, 2]


def test_unreadable_files_unknown_connections_and_an_unreachable_floqer_are_one_sentence(
    app: RunningApp, web: httpx.Client, cli: Cli, tmp_path: Path
) -> None:
    missing = str(tmp_path / "nowhere.json")
    code, _, err = cli("plan", missing)
    assert code == 1
    assert err == f"plan: cannot read {missing}: No such file or directory.\n"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "floqer-upsert-configuration", ', encoding="utf-8")
    code, _, err = cli("apply", str(bad))
    assert code == 1
    assert err.startswith("apply: This is not valid JSON (line 1")
    assert len(err.splitlines()) == 1
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    code, _, err = cli("plan", str(binary))
    assert code == 1
    assert "is not text" in err

    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    document = exported(cli, "--id", str(config))
    web.post(f"/configurations/{config}/delete")
    document["configurations"][0]["connection"] = "Staging"
    code, _, err = cli("plan", written(tmp_path, document))
    assert code == 1
    assert "no Floqer connection here is labelled “Staging” (there are “Production”)" in err

    document["configurations"][0]["connection"] = "Production"
    code, _, err = cli("plan", written(tmp_path, document), floqer="http://127.0.0.1:9/api/v1")
    assert code == 1
    assert err.startswith("plan: Configuration 1")
    assert len(err.splitlines()) == 1


def test_the_real_command_exits_1_with_one_sentence(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WEBAPP_DATA_DIR": str(tmp_path),
        "WEBAPP_SECRET_KEY": TEST_SECRET,
        "WEBAPP_FLOQER_BASE_URL": "http://127.0.0.1:9/api/v1",
    }
    document = tmp_path / "configs.json"
    document.write_text("[]", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "plan", str(document)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("plan: This is not an exported configuration")
    assert len(result.stderr.splitlines()) == 1
