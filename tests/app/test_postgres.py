"""What a Postgres server asks of the app, beyond what SQLite does (Postgres runs only).

No database transaction stays open while the app waits on Floqer (webapp.transactions).
On Postgres a transaction left open across a slow Floqer call holds a pool connection and
a lock that makes a schema change, and every request behind it, wait ("idle in
transaction"). Each route that calls Floqer is sent to an app whose Floqer answers late;
while the app waits on each of its calls, Postgres must show no open transaction of it.
SQLite's driver opens no transaction for reads and shows none: the check is Postgres's.

Times are instants whatever the server's time zone: a server set to another zone than UTC
stores and hands back the same moments (SQLite has no zones; the app keeps UTC there).
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests import postgres
from tests.app.flows import (
    CONTACT_ROWS,
    INBOUND,
    add_connection,
    form_fields,
    start_configuration,
    workflow_url,
)
from tests.app.test_test_run import run_fields
from tests.conftest import RunningApp
from tests.support import (
    ADMIN_EMAIL,
    ON_POSTGRES,
    SESSION_TOKEN,
    Servers,
    add_signed_in_user,
    fresh_database,
    launch_app,
    query,
)

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="what Postgres does that SQLite does not")
LATENCY_MS = 1000  # each Floqer call of the slow app waits this long before it is answered


def open_transactions(app: RunningApp) -> list[tuple[str, str]]:
    """The app's connections that are inside a transaction, between statements."""
    rows = app.query(
        "SELECT state, query FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
    )
    return [(state, query) for state, query in rows]


def while_waiting_on_floqer(
    app: RunningApp, client: httpx.Client, method: str, url: str, data: Any = None
) -> tuple[httpx.Response, int, list[tuple[str, str]]]:
    """Send the request; each time the app's Floqer receives a call (and holds it for
    LATENCY_MS), look at the app's transactions. The answer, the calls, what was open."""

    def calls() -> int:
        total: int = app.sandbox_calls()["total"]
        return total

    before = seen = calls()
    found: list[tuple[str, str]] = []
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(client.request, method, url, data=data)
        while not answer.done():
            now = calls()
            if now > seen:
                seen = now
                found += open_transactions(app)
            time.sleep(0.02)
    return answer.result(), seen - before, found


def test_no_transaction_stays_open_while_floqer_is_asked(
    app: RunningApp, web: httpx.Client, servers: Servers
) -> None:
    connection = add_connection(web)
    config = start_configuration(web, connection)
    workflow = workflow_url(web, connection, INBOUND)
    pushed = web.post(
        f"/configurations/{config}/push", data=form_fields("C", "Contact", "Email", CONTACT_ROWS)
    )
    assert pushed.status_code == 303
    sandbox = servers.sandbox(latency_ms=LATENCY_MS)
    slow = launch_app(
        servers, app.settings.data_dir, f"{sandbox}/api/v1", sandbox_url=sandbox, fresh=False
    )
    page = f"/configurations/{config}"
    v3 = form_fields("C", "Contact", "Email", [*CONTACT_ROWS, ("Title", "VP")], version=2)
    routes: list[tuple[str, str, Any]] = [
        ("POST", "/connections", {"label": "Second", "api_key": "floq_test_0002"}),
        ("GET", f"/connections/{connection}/workflows", None),
        ("GET", workflow, None),
        ("GET", f"{page}/fragments/objects", None),
        ("GET", f"{page}/fragments/object-fields?salesforce_object=Contact", None),
        ("POST", f"{page}/push", v3),
        ("POST", f"{page}/pull", {}),
        ("POST", f"{page}/take-floqer-version", {"base_version": "3"}),
        ("GET", f"{page}/versions/compare?a=1&b=floqer", None),
        ("GET", f"{page}/test-run/rows", None),
        ("POST", f"{page}/test-run/start", run_fields(3, "pg-run")),
    ]
    with slow.signed_in() as client:
        checked = {
            f"{method} {url}": while_waiting_on_floqer(slow, client, method, url, data)
            for method, url, data in routes
        }
    for route, (answer, _, _) in checked.items():
        assert answer.status_code < 500, route
    assert {route: found for route, (_, _, found) in checked.items() if found} == {}
    assert [route for route, (_, calls, _) in checked.items() if not calls] == []


def test_times_are_the_same_instants_on_a_server_in_another_time_zone(
    servers: Servers, sandbox_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "zoned"
    url = fresh_database(data_dir)
    query(url, "ALTER DATABASE " + url.rsplit("/", 1)[1] + " SET timezone TO 'America/New_York'")
    add_signed_in_user(url, ADMIN_EMAIL, "admin", SESSION_TOKEN)
    app = launch_app(
        servers, data_dir, f"{sandbox_url}/api/v1", sandbox_url=sandbox_url, fresh=False
    )
    before = datetime.now(UTC)
    with app.signed_in() as web:
        add_connection(web)
        audit = web.get("/audit.jsonl").text
    after = datetime.now(UTC)
    [(stored,)] = app.query("SELECT at FROM audit_events WHERE action = 'connection created'")
    slack = timedelta(seconds=1)  # the same machine's clock; microseconds are kept
    assert before - slack <= stored <= after + slack
    [shown] = [line for line in audit.splitlines() if "connection created" in line]
    at = datetime.fromisoformat(json.loads(shown)["at"])
    assert at.utcoffset() == timedelta(0)  # told in UTC, as the pages say
    assert before - slack <= at <= after + slack


def test_a_database_is_handed_out_again_only_emptied_and_only_as_the_template_left_it(
    tmp_path: Path,
) -> None:
    """The suite's own plumbing (tests.postgres.Cluster.recycle): a database a test used
    comes back to the next one as a fresh copy would, or not at all."""
    cluster = postgres.cluster()
    with cluster._lock:
        cluster._spare.clear()  # room to keep one (those left go with the server)
    used = fresh_database(tmp_path / "used")
    add_signed_in_user(used, ADMIN_EMAIL, "admin", SESSION_TOKEN)
    cluster.recycle(used)
    with cluster._lock:
        cluster._spare.remove(name_of(used))  # kept: taken here, as fresh() would
    assert query(used, "SELECT count(*) FROM users") == [(0,)]
    add_signed_in_user(used, ADMIN_EMAIL, "admin", SESSION_TOKEN)
    assert query(used, "SELECT id FROM users") == [(1,)]  # its sequences start again

    for n, change in enumerate(
        (
            "ALTER TABLE users ADD COLUMN nickname TEXT",
            "ALTER DATABASE {name} SET timezone TO 'America/New_York'",
        )
    ):
        changed = fresh_database(tmp_path / f"changed-{n}")
        query(changed, change.format(name=name_of(changed)))
        cluster.recycle(changed)
        assert name_of(changed) not in cluster._spare
        with cluster.admin.connect() as db:
            found = db.execute(
                text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name_of(changed)}
            )
            assert found.scalar_one() == 0  # dropped


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[1]
