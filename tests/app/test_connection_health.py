"""Connections show their health: whose key, whether Salesforce answers through it, when it
was checked; each fault a RevOps user meets said in words they act on."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from bs4 import Tag

from tests.app.flows import ACCOUNT_SYNC, add_connection, soup, start_configuration
from tests.conftest import AppFactory, RunningApp, SandboxFactory
from tests.floqer_double import FloqerDouble
from tests.support import TLS, db_time
from webapp.db import utcnow

KEY = "floq_health_0001"


def health_block(response: httpx.Response, connection: int) -> str:
    """The words of one connection's health, as the page or a fragment shows them."""
    block = soup(response).find(id=f"health-{connection}")
    assert isinstance(block, Tag), response.text[:500]
    return " ".join(block.get_text().split())


def check_now(web: httpx.Client, connection: int) -> str:
    """Press Check now, as htmx sends it: the connection's health, checked again."""
    answer = web.post(f"/connections/{connection}/health")
    assert answer.status_code == 200, answer.text[:500]
    return " ".join(soup(answer).get_text().split())


def stored_health(app: RunningApp, connection: int) -> tuple[str, str]:
    [(state, detail)] = app.query(
        "SELECT health_state, health_detail FROM connections WHERE id = :id", id=connection
    )
    return str(state), str(detail)


def options_calls(app: RunningApp) -> int:
    return int(app.sandbox_calls()["options"])


def test_a_new_connection_is_checked_in_the_background_not_by_the_page(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web, KEY)
    calls = app.sandbox_calls()["total"]
    page = web.get("/connections")
    assert app.sandbox_calls()["total"] == calls  # the page itself never calls Floqer
    assert "Checking now…" in health_block(page, connection)
    background = soup(page).select_one('[hx-get="/connections/health-checks"]')
    assert isinstance(background, Tag)

    checked = web.get("/connections/health-checks")
    assert checked.status_code == 200
    update = soup(checked).find(id=f"health-{connection}")
    assert isinstance(update, Tag)
    assert update["hx-swap-oob"] == "innerHTML"
    words = health_block(checked, connection)
    assert words.startswith("Working Floqer user Alex Morgan (alex.morgan@acme.example)")
    assert "Salesforce answers through it: 47 objects in the org." in words
    assert "Checked" in words
    assert "UTC" in words
    assert stored_health(app, connection)[0] == "working"

    again = web.get("/connections")
    assert "Working" in health_block(again, connection)
    assert "Checking now…" not in health_block(again, connection)
    assert soup(again).select_one('[hx-get="/connections/health-checks"]') is None
    assert KEY not in again.text
    assert KEY not in checked.text


@pytest.mark.parametrize(
    ("key", "state", "title", "says"),
    [
        ("floq_sandbox_403", "key_refused", "Key refused", "revoked or lacks access"),
        (
            "floq_sandbox_noconnection",
            "not_connected",
            "Salesforce not connected in Floqer",
            "must connect Salesforce in Floqer's own app: Connections → Salesforce",
        ),
        ("floq_sandbox_429", "rate_limited", "Rate-limited", "Wait 30 seconds"),
        (
            "floq_sandbox_424",
            "owned_elsewhere",
            "Salesforce connected by another team member",
            "Use an API key of the team member who owns the Salesforce connection",
        ),
        ("floq_sandbox_502", "session_expired", "Salesforce session expired", "Reconnect"),
        ("floq_sandbox_500", "floqer_error", "Floqer had a problem", "error 500"),
    ],
)
def test_check_now_says_what_is_wrong_with_each_fault_key(
    app: RunningApp, web: httpx.Client, key: str, state: str, title: str, says: str
) -> None:
    connection = add_connection(web, key, label="Faulty")
    words = check_now(web, connection)
    assert words.startswith(f"{title} Floqer user "), words
    assert says in words
    assert key not in words
    assert stored_health(app, connection)[0] == state
    # The page shows the stored outcome, and the check does not run again on its own.
    assert title in health_block(web.get("/connections"), connection)


def test_a_key_revoked_after_it_was_added_is_refused_on_the_next_check(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web, KEY)
    assert check_now(web, connection).startswith("Working")
    httpx.post(f"{app.sandbox_url}/_sandbox/revoked-keys", json={"api_key": KEY}, verify=TLS)
    words = check_now(web, connection)
    assert words.startswith("Key refused")
    assert "the key was revoked or lacks access" in words
    # Who the key belonged to is still shown, from the last time Floqer said it.
    assert "Alex Morgan" in words


def test_a_slow_floqer_is_said_as_such_after_the_calls_budget(start_app: AppFactory) -> None:
    app = start_app(sandbox={"slow_key_seconds": 3}, floqer_timeout_seconds=1)
    with app.signed_in() as web:
        connection = add_connection(web, "floq_sandbox_slow")  # who-am-I answers at once
        words = check_now(web, connection)
    assert words.startswith("Floqer unreachable or slow"), words
    assert "Floqer took too long to answer" in words
    assert stored_health(app, connection)[0] == "unreachable"


def test_a_floqer_that_stops_answering_is_said_as_such(
    start_app: AppFactory, start_sandbox: SandboxFactory, doubles: list[FloqerDouble]
) -> None:
    down = threading.Event()
    floqer = FloqerDouble(
        start_sandbox(), lambda m, p: "hang" if down.is_set() else "forward"
    ).start()
    doubles.append(floqer)
    app = start_app(floqer_base_url=floqer.url, floqer_timeout_seconds=1)
    with app.signed_in() as web:
        connection = add_connection(web, KEY)
        down.set()  # Floqer goes quiet: nothing it is asked is answered any more
        words = check_now(web, connection)
        # The rest of the app does not wait on it: the page answers from what is stored.
        assert "Floqer unreachable or slow" in health_block(web.get("/connections"), connection)
    assert words.startswith("Floqer unreachable or slow"), words
    assert "Floqer took too long to answer" in words


def test_with_no_upsert_step_to_ask_through_the_key_is_checked_but_salesforce_is_not(
    start_app: AppFactory, start_sandbox: SandboxFactory, doubles: list[FloqerDouble]
) -> None:
    def no_upserts(method: str, path: str, answer: Any) -> Any:
        data = [n for n in answer["data"] if n["action_id"] != "salesforce_upsert_record"]
        return {**answer, "data": data}

    def behaviour(method: str, path: str) -> str:
        return "reshape" if method == "GET" and path.endswith("/actions") else "forward"

    floqer = FloqerDouble(start_sandbox(), behaviour, reshape=no_upserts).start()
    doubles.append(floqer)
    app = start_app(floqer_base_url=floqer.url)
    with app.signed_in() as web:
        connection = add_connection(web, KEY)
        words = check_now(web, connection)
    assert words.startswith("Key accepted; Salesforce not checked"), words
    assert "Add one to a workflow" in words
    assert not any("/options/" in path for _, path, _ in floqer.seen)


def test_a_background_check_with_a_warm_cache_costs_no_options_call_and_check_now_one(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web, KEY)
    start_configuration(web, connection, ACCOUNT_SYNC)  # its step is the one asked through
    before = options_calls(app)
    assert check_now(web, connection).startswith("Working")
    assert options_calls(app) == before + 1  # Check now always asks Salesforce again

    long_ago = db_time(utcnow() - timedelta(hours=1))
    app.query(
        "UPDATE connections SET health_checked_at = :t WHERE id = :id", t=long_ago, id=connection
    )
    users = app.sandbox_calls()["by_call"].get("GET /api/v1/user/", 0)
    assert "Working" in health_block(web.get("/connections/health-checks"), connection)
    assert options_calls(app) == before + 1  # the objects list was fresh in the cache
    assert app.sandbox_calls()["by_call"]["GET /api/v1/user/"] == users + 1

    assert check_now(web, connection).startswith("Working")
    assert options_calls(app) == before + 2


def test_check_now_without_scripts_comes_back_to_the_page_with_the_result(
    web: httpx.Client,
) -> None:
    connection = add_connection(web, "floq_sandbox_noconnection", label="No Salesforce")
    answer = web.post(f"/connections/{connection}/check")
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        f"/connections?notice=checked-{connection}#connection-{connection}"
    )
    page = web.get(answer.headers["location"])
    notice = soup(page).find(class_="notice")
    assert isinstance(notice, Tag)
    assert notice["role"] == "status"
    assert notice.get_text(strip=True) == (
        "Checked “No Salesforce”: Salesforce not connected in Floqer."
    )
    assert "Salesforce not connected in Floqer" in health_block(page, connection)


def test_editors_may_check_and_viewers_see_no_check_button(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web, KEY)
    app.add_user("ed@acme.example", "editor", "editor-token-0123456789abcdef")
    app.add_user("vi@acme.example", "viewer", "viewer-token-0123456789abcdef")
    with app.signed_in("editor-token-0123456789abcdef") as editor:
        assert soup(editor.get("/connections")).find("button", string="Check now") is not None
        assert check_now(editor, connection).startswith("Working")
    with app.signed_in("viewer-token-0123456789abcdef") as viewer:
        page = viewer.get("/connections")
        assert soup(page).find("button", string="Check now") is None
        assert "Working" in health_block(page, connection)  # what was checked, they may read
        refused = viewer.post(f"/connections/{connection}/health")
        assert refused.status_code == 403


def test_the_page_checks_at_most_five_connections_per_view_least_recently_checked_first(
    app: RunningApp, web: httpx.Client
) -> None:
    connections = [add_connection(web, f"floq_health_{n:04d}", f"C{n}") for n in range(7)]
    first = web.get("/connections/health-checks")
    checked = [c for c in connections if first.text.count(f'id="health-{c}"')]
    assert len(checked) == 5
    second = web.get("/connections/health-checks")
    rest = [c for c in connections if second.text.count(f'id="health-{c}"')]
    assert sorted(rest) == sorted(set(connections) - set(checked))


def test_adding_a_connection_says_so_on_the_page_it_leads_to(web: httpx.Client) -> None:
    answer = web.post("/connections", data={"label": "RevOps prod", "api_key": KEY})
    assert answer.status_code == 303
    page = web.get(answer.headers["location"])
    notice = soup(page).find(class_="notice")
    assert isinstance(notice, Tag)
    assert notice["role"] == "status"
    assert notice.get_text(" ", strip=True) == (
        "Connection “RevOps prod” added. Its key belongs to the Floqer user Alex Morgan. "
        "Pick a workflow to find its step."
    )
    assert soup(web.get(answer.headers["location"].split("?")[0])).find(class_="notice") is None


def test_a_deleted_connections_remembered_step_is_not_used_for_the_next_one(
    app: RunningApp, web: httpx.Client
) -> None:
    first = add_connection(web, KEY, label="First")
    assert check_now(web, first).startswith("Working")  # found a step to ask through
    assert web.post(f"/connections/{first}/delete").status_code == 303
    second = add_connection(web, "floq_health_0002", label="Second")  # SQLite: the same id
    lists = app.sandbox_calls()["by_call"]["GET /api/v1/workflows/"]
    assert check_now(web, second).startswith("Working")
    # It looked for a step of its own key's workflows, not the one kept for the first.
    assert app.sandbox_calls()["by_call"]["GET /api/v1/workflows/"] == lists + 1
