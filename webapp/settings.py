"""Settings from the environment (`WEBAPP_` prefix), read once by the app factory."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "dev", "development", "test"})
MIN_SECRET_LENGTH = 32
REAL_FLOQER = "https://api.floqer.com/api/v1"
SANDBOX_ORGS = ("default", "large", "hostile")


class SettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str = field(repr=False)
    # None: run the built-in sandbox inside the app and talk to it over loopback.
    floqer_base_url: str | None = None
    floqer_timeout_seconds: float = 15.0
    options_cache_seconds: int = 600
    sandbox_org: str = "default"
    # Single sign-on: a header a trusted proxy sets to the signed-in person's email.
    auth_proxy_header: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    # Secrets keys may still be sealed under, until `python -m webapp rotate-key` has run.
    previous_secret_keys: tuple[str, ...] = field(default=(), repr=False)

    @property
    def uses_sandbox(self) -> bool:
        return self.floqer_base_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("WEBAPP_DATA_DIR", "data")).resolve()
        base_url = env.get("WEBAPP_FLOQER_BASE_URL") or None
        return cls(
            data_dir=data_dir,
            database_url=env.get("WEBAPP_DATABASE_URL") or f"sqlite:///{data_dir / 'webapp.db'}",
            secret_key=_secret_key(env, data_dir),
            floqer_base_url=check_base_url(base_url) if base_url else None,
            floqer_timeout_seconds=_number(env, "WEBAPP_FLOQER_TIMEOUT_SECONDS", 15.0),
            options_cache_seconds=int(_number(env, "WEBAPP_OPTIONS_CACHE_SECONDS", 600)),
            sandbox_org=_sandbox_org(env.get("WEBAPP_SANDBOX_ORG", "default")),
            auth_proxy_header=env.get("WEBAPP_AUTH_PROXY_HEADER") or None,
            trusted_proxies=_networks(env.get("WEBAPP_TRUSTED_PROXIES", "")),
            previous_secret_keys=_previous_secrets(env),
        )


def check_base_url(url: str) -> str:
    """Floqer's base URL must be https, except on loopback (the sandbox, tests)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"WEBAPP_FLOQER_BASE_URL is not a URL: {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SettingsError("WEBAPP_FLOQER_BASE_URL must use https (http only on loopback)")
    return url.rstrip("/")


def _networks(text: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR networks, each checked."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise SettingsError(f"WEBAPP_TRUSTED_PROXIES: {part!r} is not an address") from None
    return tuple(networks)


def is_trusted(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n) for n in networks)


def _sandbox_org(name: str) -> str:
    if name not in SANDBOX_ORGS:
        raise SettingsError(f"WEBAPP_SANDBOX_ORG must be one of {', '.join(SANDBOX_ORGS)}")
    return name


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be more than 0")
    return value


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    """WEBAPP_SECRET_KEY, or the file WEBAPP_SECRET_KEY_FILE names, or one made once."""
    if env.get("WEBAPP_SECRET_KEY"):
        return _checked_secret(env["WEBAPP_SECRET_KEY"], "WEBAPP_SECRET_KEY")
    if env.get("WEBAPP_SECRET_KEY_FILE"):
        path = Path(env["WEBAPP_SECRET_KEY_FILE"])
        return _checked_secret(path.read_text().strip(), str(path))
    path = data_dir / "secret.key"
    if path.exists():
        return _checked_secret(path.read_text().strip(), str(path))
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def _previous_secrets(env: Mapping[str, str]) -> tuple[str, ...]:
    if env.get("WEBAPP_OLD_SECRET_KEY"):
        return (env["WEBAPP_OLD_SECRET_KEY"],)
    if env.get("WEBAPP_OLD_SECRET_KEY_FILE"):
        return (Path(env["WEBAPP_OLD_SECRET_KEY_FILE"]).read_text().strip(),)
    return ()


def _checked_secret(value: str, source: str) -> str:
    if value.lower() in PLACEHOLDER_SECRETS or len(value) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"the secret key from {source} is a placeholder or shorter than "
            f"{MIN_SECRET_LENGTH} characters; set a long random value"
        )
    return value
