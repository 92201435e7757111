"""The org's metadata cache through the app: a cold fields part asks Floqer for its lists all
at once, concurrent cold loads share one call per list, and past the TTL what is kept is
served at once (with its age) while it is read again, and while Floqer is down."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from bs4 import BeautifulSoup

from tests.app.flows import ACCOUNT_SYNC, add_connection, soup, start_configuration
from tests.conftest import AppFactory, SandboxFactory
from tests.floqer_double import FloqerDouble
from webapp.sandbox import SandboxSettings, create_sandbox_app
from webapp.serving import BackgroundServer

FIELDS_OF = "/configurations/{}/fragments/object-fields"


def fields_part(web: httpx.Client, config: int, obj: str = "Account") -> BeautifulSoup:
    return soup(web.get(FIELDS_OF.format(config), params={"salesforce_object": obj}))


def field_names(part: BeautifulSoup) -> list[str]:
    """The fields the part offers (its guide, which the finder and the row editors read)."""
    guide = part.select_one("template#field-guide")
    assert guide is not None
    return [f["name"] for f in json.loads(guide.decode_contents())["fields"]]


def words(part: BeautifulSoup) -> str:
    return " ".join(part.get_text(" ").split())


def until(shown: Callable[[], BeautifulSoup], holds: Callable[[BeautifulSoup], bool]) -> str:
    """Ask again until what is shown holds (a background read has ended); at most 10 s."""
    for _ in range(100):
        part = shown()
        if holds(part):
            return words(part)
        time.sleep(0.1)
    raise AssertionError(words(part))


def test_a_cold_fields_part_asks_floqer_for_its_four_lists_at_once(
    start_app: AppFactory, start_sandbox: SandboxFactory, doubles: list[FloqerDouble]
) -> None:
    # Floqer answers none of the four reads until all four are in flight: one after another,
    # the first would wait in vain and the part would say Floqer failed.
    together = threading.Barrier(4, timeout=4)
    armed = threading.Event()
    reads: list[str] = []

    def behaviour(method: str, path: str) -> str:
        metadata = "/options/" in path or (method == "GET" and path.endswith("/actions"))
        if armed.is_set() and metadata:
            reads.append(path.rsplit("/", 1)[-1])
            together.wait()
        return "forward"

    floqer = FloqerDouble(start_sandbox(), behaviour).start()
    doubles.append(floqer)
    app = start_app(floqer_base_url=floqer.url)
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web))
        web.post(f"/configurations/{config}/refresh-options")  # nothing kept: a cold part
        armed.set()
        part = fields_part(web, config)
    assert "Each row sets one Account field" in words(part)
    status = part.find(id="floqer-status")
    assert status is None or not status.get_text(strip=True)  # no failure said
    assert {"Domain__c", "Name", "Tier__c"} <= set(field_names(part))
    assert sorted(reads) == [
        "actions",
        "add_fields_and_their_values",
        "salesforce_external_id_field",
        "salesforce_object",
    ]
    assert not together.broken


def test_twenty_cold_loads_at_once_make_one_call_per_list(start_app: AppFactory) -> None:
    app = start_app()
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web))
        web.post(f"/configurations/{config}/refresh-options")
        before = app.sandbox_calls()
        with ThreadPoolExecutor(max_workers=20) as pool:
            parts = list(pool.map(lambda _: fields_part(web, config), range(20)))
        after = app.sandbox_calls()
    assert all("Each row sets one Account field" in words(part) for part in parts)
    assert all("Tier__c" in field_names(part) for part in parts)
    made = {
        call: n - before["by_call"].get(call, 0)
        for call, n in after["by_call"].items()
        if n != before["by_call"].get(call, 0)
    }
    assert sorted(call.rsplit("/", 1)[-1] for call in made) == [
        "actions",
        "add_fields_and_their_values",
        "salesforce_external_id_field",
        "salesforce_object",
    ]
    assert set(made.values()) == {1}


def test_past_the_ttl_the_kept_fields_are_shown_with_their_age_while_read_again(
    start_app: AppFactory,
) -> None:
    # Each Floqer call takes 0.5 s: the read again that the first request past the TTL starts
    # cannot have ended by the time that request shows the part (it may be answered on a
    # thread after the event loop started that read: webapp.loop_reads).
    sandbox = BackgroundServer(create_sandbox_app(SandboxSettings(latency_ms=500))).start()
    try:
        app = start_app(floqer_base_url=f"{sandbox.url}/api/v1", options_cache_seconds=0.2)
        with app.signed_in() as web:
            config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
            assert "Tier__c" in field_names(fields_part(web, config))
            deleted = httpx.post(
                f"{sandbox.url}/_sandbox/objects/Account/fields/Tier__c", json={"action": "delete"}
            )
            assert deleted.status_code == 200
            time.sleep(0.3)  # past the TTL
            served = fields_part(web, config)  # at once: what is kept, while it is read again
            assert "Tier__c" in field_names(served)
            assert (
                "Field details as of less than a minute ago; reading them again from Floqer."
                in words(served)
            )
            read_again = until(
                lambda: fields_part(web, config), lambda p: "Tier__c" not in field_names(p)
            )
            assert "Each row sets one Account field" in read_again

            sandbox.stop()  # Floqer goes down: the kept fields go on standing in
            time.sleep(0.3)
            down = until(
                lambda: fields_part(web, config),
                lambda p: "Floqer did not answer just now" in words(p),
            )
            last = fields_part(web, config)
    finally:
        sandbox.stop()
    assert "Field details as of less than a minute ago: Floqer did not answer just now." in down
    assert len(field_names(last)) > 60
    assert "Tier__c" not in field_names(last)
    assert [str(i["value"]) for i in last.find_all("input", attrs={"name": "field_name"})] == [
        "Domain__c",
        "Name",
        "Website",
        "Customer_Since__c",
    ]
    status = last.find(id="floqer-status")
    assert status is not None
    assert "could not reach Floqer" in status.get_text(" ")
