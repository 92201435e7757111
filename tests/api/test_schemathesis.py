"""Property-based testing of the whole API with Schemathesis: every operation of the OpenAPI
document, with generated parameters and bodies, against the real app and the sandbox behind
it (loopback only), with an admin's token. No answer may be a 5xx, and every answer must
match the schema the document gives for its status.

Bounded: a few examples per operation (MAX_EXAMPLES), no deadline (timings are not asserted
here), one app for the module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.app.flows import add_connection, start_configuration
from tests.security.conftest import Launcher
from tests.security.helpers import ADMIN, create_api_token
from tests.support import RunningApp
from webapp.api import openapi_document

MAX_EXAMPLES = 10
# Generated examples only (positive and negative), a fixed seed so a run repeats: the coverage
# phase's hundreds of boundary cases would multiply the cost several times over.
CONFIG = SchemathesisConfig.from_str(
    f"""
[phases.coverage]
enabled = false
[phases.stateful]
enabled = false
[generation]
max-examples = {MAX_EXAMPLES}
deterministic = true
"""
)
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@dataclass
class World:
    app: RunningApp
    token: str
    session: requests.Session  # one for every call: a new one reads the CA bundle again
    calls: int = 0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    launcher = Launcher(Path(tmp_path_factory.mktemp("schemathesis")))
    app = launcher.app()
    with app.signed_in() as web:
        start_configuration(web, add_connection(web))
    token = create_api_token(app, ADMIN, "schemathesis", "admin")
    try:
        with requests.Session() as session:
            world = World(app, token, session)
            yield world
            print(f"\nSchemathesis sent {world.calls} requests")
    finally:
        launcher.stop_all()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_answer_is_a_server_error_and_every_answer_matches_its_schema(
    case: schemathesis.Case[Any], world: World
) -> None:
    assert world.app.url.startswith(("http://127.", "https://127.", "http://localhost"))
    response = case.call(
        base_url=world.app.url,
        session=world.session,
        headers={"Authorization": f"Bearer {world.token}"},
        timeout=30,
    )
    world.calls += 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    if case.method == "DELETE" and response.status_code == 200:
        # It may have revoked this very token: the next examples need one.
        world.token = create_api_token(world.app, ADMIN, "schemathesis", "admin")
