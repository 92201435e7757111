"""The built-in sandbox, run inside the app on a loopback port when no Floqer URL is set.

The app still reaches it only over HTTP, through the same client as real Floqer.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.serving import BackgroundServer
from webapp.settings import Settings


@dataclass
class EmbeddedSandbox:
    server: BackgroundServer

    @property
    def api_url(self) -> str:
        return f"{self.server.url}/api/v1"

    def stop(self) -> None:
        self.server.stop()


def start(settings: Settings) -> EmbeddedSandbox:
    from webapp.sandbox import SandboxSettings, create_sandbox_app

    app = create_sandbox_app(SandboxSettings(org=settings.sandbox_org))  # type: ignore[arg-type]
    return EmbeddedSandbox(BackgroundServer(app).start())
