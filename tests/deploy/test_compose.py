"""compose.yaml, the README's several-replica set-up, checked without Docker: what it gives
each replica is a configuration the app accepts, the same for every replica."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.deploy import REPO
from webapp.settings import Settings


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "compose.yaml").read_text())
    return loaded


IMAGE = "floqer-upsert-configurator"


def replicas(services: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if s.get("image") == IMAGE}


def test_two_replicas_share_one_postgres_one_secret_and_one_load_balancer() -> None:
    services = compose()["services"]
    apps = replicas(services)
    assert len(apps) == 2
    first, second = apps.values()
    assert first == second  # the same settings: either can answer any request
    assert first["depends_on"]["db"]["condition"] == "service_healthy"
    assert first["secrets"] == ["webapp_secret_key"]
    url = first["environment"]["WEBAPP_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://webapp:")
    assert url.endswith("@db:5432/webapp")
    proxy = services["proxy"]["command"]
    assert [proxy[i + 1] for i, arg in enumerate(proxy) if arg == "--to"] == [
        f"{name}:8000" for name in apps
    ]
    assert services["db"]["environment"]["POSTGRES_DB"] == "webapp"


def test_what_compose_gives_a_replica_is_a_configuration_the_app_accepts(tmp_path: Path) -> None:
    app = next(iter(replicas(compose()["services"]).values()))
    secret = tmp_path / "webapp_secret_key"
    secret.write_text("s" * 64 + "\n")
    env = {
        name: re.sub(r"\$\{POSTGRES_PASSWORD:\?[^}]*\}", "pw", str(value))
        for name, value in app["environment"].items()
    }
    env["WEBAPP_SECRET_KEY_FILE"] = str(secret)  # where the secret is mounted, here
    settings = Settings.from_env({**env, "WEBAPP_DATA_DIR": str(tmp_path / "data")})
    assert settings.database_url == "postgresql+psycopg://webapp:pw@db:5432/webapp"
    assert settings.floqer_base_url == "https://api.floqer.com/api/v1"
    assert "configurator.acme.example" in settings.allowed_hosts
    assert not (tmp_path / "data" / "secret.key").exists()
