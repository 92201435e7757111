"""Settings from the environment (`WEBAPP_` prefix), read once by the app factory."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "dev", "development", "test"})
MIN_SECRET_LENGTH = 32
REAL_FLOQER = "https://api.floqer.com/api/v1"
SANDBOX_ORGS = ("default", "large", "hostile")
DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "[::1]")
LOOPBACK = ("127.0.0.0/8", "::1/128")


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
    # A configuration opened again within this time shows what Floqer's step was seen
    # holding instead of reading it again (webapp.services.floqer_state).
    floqer_recheck_seconds: float = 15.0
    sandbox_org: str = "default"
    # Single sign-on: a header a trusted proxy sets to the signed-in person's email.
    auth_proxy_header: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    # Secrets keys may still be sealed under, until `python -m webapp rotate-key` has run.
    previous_secret_keys: tuple[str, ...] = field(default=(), repr=False)
    # Host names the app answers to (a foreign Host gets 400: DNS rebinding); "*.x" and "*".
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    # Request bodies above this are refused with 413 before anything reads them.
    max_body_bytes: int = 1024 * 1024
    # Floqer calls at once per API key, and in flight or waiting across the app.
    floqer_calls_per_key: int = 4
    floqer_calls_pending: int = 32
    # The metadata cache's bounds: entries, and megabytes (estimated).
    cache_max_entries: int = 512
    cache_max_megabytes: int = 64
    # How long a one-row test run is followed before the page stops waiting ("timeout").
    test_run_wait_seconds: float = 60.0

    @cached_property
    def forwarded_from(self) -> tuple[Network, ...]:
        """Whose X-Forwarded-For/-Proto count: the trusted proxies, else loopback only."""
        return tuple(ipaddress.ip_network(n) for n in self.trusted_proxies or LOOPBACK)

    @cached_property
    def proxy_networks(self) -> tuple[Network, ...]:
        return tuple(ipaddress.ip_network(n) for n in self.trusted_proxies)

    @property
    def uses_sandbox(self) -> bool:
        return self.floqer_base_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("WEBAPP_DATA_DIR", "data")).resolve()
        base_url = env.get("WEBAPP_FLOQER_BASE_URL") or None
        database_url = env.get("WEBAPP_DATABASE_URL") or f"sqlite:///{data_dir / 'webapp.db'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=_secret_key(env, data_dir, shared=not database_url.startswith("sqlite")),
            floqer_base_url=check_base_url(base_url) if base_url else None,
            floqer_timeout_seconds=_number(env, "WEBAPP_FLOQER_TIMEOUT_SECONDS", 15.0),
            options_cache_seconds=int(_number(env, "WEBAPP_OPTIONS_CACHE_SECONDS", 600)),
            floqer_recheck_seconds=_number(env, "WEBAPP_FLOQER_RECHECK_SECONDS", 15.0),
            sandbox_org=_sandbox_org(env.get("WEBAPP_SANDBOX_ORG", "default")),
            auth_proxy_header=env.get("WEBAPP_AUTH_PROXY_HEADER") or None,
            trusted_proxies=_networks(env.get("WEBAPP_TRUSTED_PROXIES", "")),
            previous_secret_keys=_previous_secrets(env),
            allowed_hosts=_hosts(env.get("WEBAPP_ALLOWED_HOSTS", "")) or DEFAULT_ALLOWED_HOSTS,
            max_body_bytes=int(_number(env, "WEBAPP_MAX_BODY_BYTES", 1024 * 1024)),
            floqer_calls_per_key=int(_number(env, "WEBAPP_FLOQER_CALLS_PER_KEY", 4)),
            floqer_calls_pending=int(_number(env, "WEBAPP_FLOQER_CALLS_PENDING", 32)),
            cache_max_entries=int(_number(env, "WEBAPP_CACHE_MAX_ENTRIES", 512)),
            cache_max_megabytes=int(_number(env, "WEBAPP_CACHE_MAX_MB", 64)),
            test_run_wait_seconds=_number(env, "WEBAPP_TEST_RUN_WAIT_SECONDS", 60.0),
        )

    def serving_on(self, host: str) -> Settings:
        """These settings, answering also to the address the server binds (not 0.0.0.0)."""
        name = normal_host(host)
        if not name or name in ("0.0.0.0", "[::]") or name in self.allowed_hosts:
            return self
        return replace(self, allowed_hosts=(*self.allowed_hosts, name))


def normal_host(host: str) -> str:
    """A host name as the Host header carries it: lower case, IPv6 in brackets."""
    host = host.strip().lower()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def _hosts(text: str) -> tuple[str, ...]:
    return tuple(normal_host(h) for h in text.split(",") if h.strip())


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


@lru_cache(maxsize=1024)  # asked on every request, of a handful of addresses: parsing was 4 %
def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)


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


def _secret_key(env: Mapping[str, str], data_dir: Path, *, shared: bool) -> str:
    """WEBAPP_SECRET_KEY, or the file WEBAPP_SECRET_KEY_FILE names, or one made once in the
    data directory; not that last with a database server (`shared`), which replicas share:
    each would make its own key, and none could read the API keys another one stored."""
    if env.get("WEBAPP_SECRET_KEY"):
        return _checked_secret(env["WEBAPP_SECRET_KEY"], "WEBAPP_SECRET_KEY")
    if env.get("WEBAPP_SECRET_KEY_FILE"):
        path = Path(env["WEBAPP_SECRET_KEY_FILE"])
        return _checked_secret(path.read_text().strip(), str(path))
    if shared:
        raise SettingsError(
            "WEBAPP_DATABASE_URL names a database server: set WEBAPP_SECRET_KEY or "
            "WEBAPP_SECRET_KEY_FILE, the same in every replica (a key made per data "
            "directory would let no replica read the API keys another one stored)"
        )
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
