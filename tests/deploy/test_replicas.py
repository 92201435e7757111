"""Two replicas behind one load balancer, on one PostgreSQL server.

Each replica is a process started through the image's entrypoint, as a container would be,
both at once on the same empty database: they migrate it once between them, then share
every configuration, push lease and version through the database alone.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory

from tests import postgres
from tests.app.flows import (
    CONTACT_ROWS,
    add_connection,
    base_version,
    form_fields,
    start_configuration,
    text_of,
)
from tests.deploy import RunningServer, Servers, deploy_env, wait_until_healthy
from tests.floqer_double import FloqerDouble
from tests.support import (
    ADMIN_EMAIL,
    CSRF_TOKEN,
    SESSION_TOKEN,
    TEST_SECRET,
    TLS,
    add_signed_in_user,
    query,
)
from tests.support import Servers as InProcess
from webapp.migrate import alembic_config


@dataclass
class Replicas:
    database: str
    first: httpx.Client
    second: httpx.Client
    floqer: FloqerDouble  # in front of the sandbox: what reached "Floqer", call by call

    def patches(self) -> int:
        return sum(1 for method, _, _ in self.floqer.seen if method == "PATCH")


def signed_in(server: RunningServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        timeout=30,
        cookies={"session": SESSION_TOKEN},
        headers={"X-CSRF-Token": CSRF_TOKEN},
        verify=TLS,
    )


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[Replicas]:
    """Two replicas started together on an empty database, in front of a sandbox whose
    Configure Action answers arrive two seconds after it has carried them out."""
    database = postgres.cluster().empty()
    sandboxes = InProcess()
    floqer = FloqerDouble(
        sandboxes.sandbox(),
        lambda method, _: "late" if method == "PATCH" else "forward",
        late_seconds=2.0,
    ).start()
    deployed = Servers(tmp_path)
    try:
        started = [
            deployed.launch(
                deploy_env(
                    sys.executable,
                    WEBAPP_DATABASE_URL=database,
                    WEBAPP_SECRET_KEY=TEST_SECRET,
                    WEBAPP_FLOQER_BASE_URL=floqer.url,
                    WEBAPP_DATA_DIR=str(tmp_path / f"replica-{n}"),
                ),
                cwd=tmp_path,
            )
            for n in (1, 2)
        ]
        for server in started:
            wait_until_healthy(server)
        add_signed_in_user(database, ADMIN_EMAIL, "admin", SESSION_TOKEN)
        with signed_in(started[0]) as first, signed_in(started[1]) as second:
            yield Replicas(database, first, second, floqer)
    finally:
        deployed.stop_all()
        floqer.stop()
        sandboxes.stop_all()
        postgres.cluster().drop(database)


def test_replicas_started_together_migrate_once_and_push_the_same_configuration_once(
    replicas: Replicas,
) -> None:
    head = ScriptDirectory.from_config(alembic_config(replicas.database)).get_current_head()
    assert query(replicas.database, "SELECT version_num FROM alembic_version") == [(head,)]
    # What one replica stores, the other serves at once: it keeps no copy of its own.
    connection = add_connection(replicas.first, label="Shared org")
    assert "Shared org" in text_of(replicas.second.get("/connections"))
    config = start_configuration(replicas.first, connection)
    fields = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
    saved = replicas.first.post(f"/configurations/{config}/save", data=fields)
    assert saved.headers["location"].endswith("notice=saved-v2"), text_of(saved)
    assert base_version(replicas.second, config) == 2
    both = {**fields, "base_version": "2"}
    ready = threading.Barrier(2)

    def push(client: httpx.Client) -> httpx.Response:
        ready.wait()
        return client.post(f"/configurations/{config}/push", data=both)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(push, (replicas.first, replicas.second)))

    assert replicas.patches() == 1
    locations = sorted(answer.headers["location"] for answer in answers)
    assert locations == [
        f"/configurations/{config}#push-result",
        f"/configurations/{config}?notice=push-in-progress#push-result",
    ]
    stored = query(
        replicas.database,
        "SELECT version, outcome FROM pushes WHERE configuration_id = :config",
        config=config,
    )
    assert [tuple(row) for row in stored] == [(2, "pushed")]
    for client in (replicas.first, replicas.second):
        page = text_of(client.get(f"/configurations/{config}"))
        assert "Floqer accepted version 2" in page


def test_two_editors_on_two_replicas_lose_nothing(replicas: Replicas) -> None:
    config = start_configuration(replicas.first, add_connection(replicas.first))
    ready = threading.Barrier(2)

    def save(client: httpx.Client, title: str) -> httpx.Response:
        draft = form_fields("Contacts", "Contact", "Email", [*CONTACT_ROWS, ("Title", title)])
        ready.wait()
        return client.post(f"/configurations/{config}/save", data=draft)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(save, replicas.first, "VP Sales")
        second = pool.submit(save, replicas.second, "Head of Data")
        answers = [first.result(), second.result()]

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [303, 409]
    titles = ("VP Sales", "Head of Data")  # the first replica's, the second's
    [winner] = [t for t, answer in zip(titles, answers, strict=True) if answer.status_code == 303]
    [loser] = [t for t in titles if t != winner]
    refused = next(answer for answer in answers if answer.status_code == 409)
    # The refused editor's draft comes back on the conflict page, to be merged, not lost,
    # beside what the other one saved. (Which one wins is a race: either may.)
    assert loser in text_of(refused)
    assert winner in text_of(refused)
    stored = query(
        replicas.database,
        "SELECT version FROM configuration_versions WHERE configuration_id = :config "
        "ORDER BY version",
        config=config,
    )
    assert [row[0] for row in stored] == [1, 2]  # one acknowledged save, one version
    saved = text_of(replicas.second.get(f"/configurations/{config}/versions/2"))
    assert winner in saved
    assert loser not in saved
