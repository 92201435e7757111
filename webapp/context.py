"""What the app holds for its lifetime, built in the factory's lifespan and handed to routes."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from webapp.floqer.client import FloqerClient
from webapp.options_cache import OptionsCache
from webapp.secrets_box import KeyBox
from webapp.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    http: httpx.Client
    floqer_base_url: str
    key_box: KeyBox
    options: OptionsCache
    _push_locks: defaultdict[int, threading.Lock] = field(
        default_factory=lambda: defaultdict(threading.Lock)
    )
    _locks_guard: threading.Lock = field(default_factory=threading.Lock)

    @property
    def sandbox_mode(self) -> bool:
        return self.settings.uses_sandbox

    def floqer(self, api_key: str) -> FloqerClient:
        return FloqerClient(self.http, api_key)

    def push_lock(self, configuration_id: int) -> threading.Lock:
        """One push at a time per configuration, so a double submit cannot push twice."""
        with self._locks_guard:
            return self._push_locks[configuration_id]
