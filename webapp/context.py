"""What the app holds for its lifetime, built in the factory's lifespan and handed to routes."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, object_session, sessionmaker

from webapp.db import Connection
from webapp.floqer.client import FloqerClient
from webapp.floqer.limits import FloqerGate
from webapp.loop_reads import LoopReads
from webapp.metadata_cache import MetadataCache
from webapp.secrets_box import KeyBox
from webapp.settings import Settings
from webapp.transactions import reads_ended_before
from webapp.web.rendered import RenderedParts


@dataclass
class Health:
    """What /healthz uses, apart from everything the pages share: its own connection (a
    fresh one each time) and its own thread, so it never queues behind requests on Floqer."""

    engine: Engine
    limiter: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(1))


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    http: httpx.Client
    floqer_base_url: str
    key_box: KeyBox
    metadata: MetadataCache
    gate: FloqerGate
    health: Health
    rendered: RenderedParts = field(default_factory=RenderedParts)  # warm fragments, bounded
    loop_reads: LoopReads | None = None  # warm reads on the event loop (SQLite only)

    @property
    def sandbox_mode(self) -> bool:
        return self.settings.uses_sandbox

    def floqer(self, api_key: str, *, session: Session | None = None) -> FloqerClient:
        """A Floqer client for this key; given the request's `session`, each call ends the
        session's transaction first if it only read (webapp.transactions)."""
        return FloqerClient(
            self.http,
            api_key,
            gate=self.gate,
            deadline_seconds=self.settings.floqer_timeout_seconds,
            before_call=reads_ended_before(session),
        )

    def floqer_for(self, connection: Connection) -> FloqerClient:
        """The connection's Floqer client; no transaction of its session stays open across
        a call."""
        key = self.key_box.open(connection.key_ciphertext)
        return self.floqer(key, session=object_session(connection))
