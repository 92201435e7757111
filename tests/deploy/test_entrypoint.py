"""docker/entrypoint.sh, run with `sh` outside Docker: migrate then serve, or fail clearly."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.deploy import REPO, Servers, deploy_env, free_port, run_entrypoint
from tests.support import TLS

REAL_SECRET = "a-long-random-secret-for-the-deploy-tests-0123456789"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def checkout_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The repo's webapp under the test's interpreter, as the image's is under `python`."""
    return deploy_env(
        sys.executable, PYTHONPATH=str(REPO), WEBAPP_DATA_DIR=str(data_dir), **settings
    )


def test_first_start_migrates_the_database_and_answers_health(
    servers: Servers, data_dir: Path, tmp_path: Path
) -> None:
    server = servers.start(checkout_env(data_dir), cwd=tmp_path)

    assert (data_dir / "webapp.db").is_file()
    assert httpx.get(f"{server.url}/healthz", verify=TLS).json() == {"status": "ok"}
    assert "database is at the latest schema" in server.output()


def test_first_start_leads_to_the_setup_page_in_sandbox_mode(
    servers: Servers, data_dir: Path, tmp_path: Path
) -> None:
    server = servers.start(checkout_env(data_dir), cwd=tmp_path)

    response = httpx.get(f"{server.url}/", follow_redirects=True, verify=TLS)

    assert response.status_code == 200
    assert str(response.url).endswith("/setup")
    assert "create the first admin" in response.text
    banner = BeautifulSoup(response.text, "html.parser").select_one(".sandbox-banner")
    assert banner is not None
    assert "Sandbox mode" in banner.get_text()


ADMIN = {"email": "ops@acme.example", "password": "a passphrase for the deploy tests"}


def _hidden_csrf(page: httpx.Response) -> str:
    field = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, page.text
    return str(field["value"])


def _sign(client: httpx.Client, path: str, **fields: str) -> None:
    """Fill the setup or sign-in form as a browser would (its CSRF cookie and field)."""
    token = _hidden_csrf(client.get(path))
    response = client.post(path, data={"csrf_token": token, **fields})
    assert response.status_code == 303, response.text


def test_restart_on_the_same_data_dir_reuses_the_secret_key_and_keeps_data(
    servers: Servers, data_dir: Path, tmp_path: Path
) -> None:
    first = servers.start(checkout_env(data_dir), cwd=tmp_path)
    with httpx.Client(base_url=first.url, verify=TLS) as client:
        _sign(client, "/setup", password_again=ADMIN["password"], **ADMIN)
        token = _hidden_csrf(client.get("/connections"))
        added = client.post(
            "/connections",
            data={
                "label": "Kept across restarts",
                "api_key": "floq_restart_0001",
                "csrf_token": token,
            },
        )
    assert added.status_code == 303, added.text
    workflows_path = added.headers["location"]
    key_file = data_dir / "secret.key"
    key = key_file.read_text()
    assert key_file.stat().st_mode & 0o777 == 0o600
    servers.stop(first)

    second = servers.start(checkout_env(data_dir), cwd=tmp_path)

    assert key_file.read_text() == key
    with httpx.Client(base_url=second.url, verify=TLS) as client:
        _sign(client, "/login", **ADMIN)
        assert "Kept across restarts" in client.get("/connections").text
        # The stored Floqer key is sealed with the secret: it opens only if the secret is the same.
        workflows = client.get(workflows_path)
    assert workflows.status_code == 200
    assert "Inbound leads → Salesforce" in workflows.text


def test_sigterm_stops_the_server_as_docker_stop_does(
    servers: Servers, data_dir: Path, tmp_path: Path
) -> None:
    server = servers.start(checkout_env(data_dir), cwd=tmp_path)

    # The script execs the server, so the signal reaches uvicorn, which re-raises it on exit.
    assert servers.stop(server) in (0, -signal.SIGTERM)


def test_secret_key_file_is_used_instead_of_a_generated_key(
    servers: Servers, data_dir: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text(REAL_SECRET + "\n")

    server = servers.start(checkout_env(data_dir, WEBAPP_SECRET_KEY_FILE=str(secret)), cwd=tmp_path)

    assert httpx.get(f"{server.url}/healthz", verify=TLS).json() == {"status": "ok"}
    assert not (data_dir / "secret.key").exists()


def test_missing_secret_key_file_fails_fast_with_a_clear_message(
    data_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "run" / "secrets" / "webapp_secret_key"

    result = run_entrypoint(
        checkout_env(data_dir, WEBAPP_SECRET_KEY_FILE=str(missing)), cwd=tmp_path
    )

    assert result.returncode != 0
    assert f"WEBAPP_SECRET_KEY_FILE is {missing}, but no such file exists" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (data_dir / "webapp.db").exists()  # it stopped before migrating


def test_placeholder_secret_key_is_refused_without_a_traceback(
    data_dir: Path, tmp_path: Path
) -> None:
    result = run_entrypoint(checkout_env(data_dir, WEBAPP_SECRET_KEY="changeme"), cwd=tmp_path)

    assert result.returncode != 0
    assert "configuration problem" in result.stderr
    assert "WEBAPP_SECRET_KEY is a placeholder" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_arguments_run_instead_of_the_server(data_dir: Path, tmp_path: Path) -> None:
    result = run_entrypoint(
        checkout_env(data_dir), sys.executable, "-m", "webapp", "migrate", "--check", cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert "database is at the latest schema" in result.stdout
    assert "Started server process" not in result.stderr
    assert (data_dir / "webapp.db").is_file()


def test_serving_real_floqer_logs_each_request_without_logging_errors(
    servers: Servers, data_dir: Path, tmp_path: Path
) -> None:
    # Nothing listens there; /healthz never calls Floqer, so the app still starts and answers.
    floqer = f"http://127.0.0.1:{free_port()}/api/v1"
    server = servers.start(checkout_env(data_dir, WEBAPP_FLOQER_BASE_URL=floqer), cwd=tmp_path)
    assert httpx.get(f"{server.url}/healthz", verify=TLS).status_code == 200
    servers.stop(server)

    log = server.output()
    assert "Logging error" not in log
    assert '"GET /healthz HTTP/1.1" 200' in log
