"""What the API tests share as fixtures: a configuration, an editor's and a viewer's token."""

from __future__ import annotations

import httpx
import pytest

from tests.app.flows import add_connection, start_configuration
from tests.security.helpers import ADMIN, EDITOR, create_api_token
from tests.support import RunningApp


@pytest.fixture
def config(web: httpx.Client) -> int:
    """Inbound leads' main upsert step, configured as Floqer holds it (version 1, empty)."""
    return start_configuration(web, add_connection(web))


@pytest.fixture
def editor(app: RunningApp) -> str:
    """The token of an editor (a user of its own), named "CI"."""
    app.add_user(EDITOR.email, EDITOR.role, EDITOR.token, EDITOR.csrf)
    return create_api_token(app, EDITOR, "CI", "editor")


@pytest.fixture
def viewer(app: RunningApp) -> str:
    """The admin's token acting as a viewer."""
    return create_api_token(app, ADMIN, "reader", "viewer")
