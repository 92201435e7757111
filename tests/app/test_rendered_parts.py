"""A warm fields part is rendered and compressed once and then served as it was made, for as
long as what it shows is the same: the saved rows, the org's field lists (the very lists the
metadata cache holds), the sheet's references. A save, a change in the org or a Floqer failure
shows at once (a part made while Floqer failed is never kept: test_org_cache's
test_past_the_ttl… goes from a kept part to Floqer's failure and back)."""

from __future__ import annotations

import gzip

import httpx
import pytest
from bs4 import Tag

from tests.app.flows import (
    ACCOUNT_SYNC,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.app.test_org_cache import FIELDS_OF, field_names, fields_part, words
from tests.conftest import AppFactory
from webapp.web.rendered import RenderedParts, hashable


def raw_part(web: httpx.Client, config: int, encoding: str) -> tuple[httpx.Headers, bytes]:
    """The fields part as it leaves the server, not decoded: its headers and bytes."""
    url = FIELDS_OF.format(config)
    params = {"salesforce_object": "Account"}
    with web.stream("GET", url, params=params, headers={"Accept-Encoding": encoding}) as answer:
        return answer.headers, b"".join(answer.iter_raw())


def test_a_warm_part_is_the_same_page_gzipped_or_not_and_shows_each_save_at_once(
    start_app: AppFactory,
) -> None:
    app = start_app()
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
        first = fields_part(web, config)
        (zipped, gzipped), (plain, page) = (raw_part(web, config, e) for e in ("gzip", "identity"))
        assert zipped["content-encoding"] == "gzip"
        assert "content-encoding" not in plain
        assert zipped["vary"] == plain["vary"] == "Accept-Encoding"
        assert zipped["hx-trigger"] == plain["hx-trigger"] == "recheck"
        assert gzip.decompress(gzipped) == page
        assert (
            page.decode()
            == web.get(FIELDS_OF.format(config), params={"salesforce_object": "Account"}).text
        )
        assert "Each row sets one Account field" in words(first)

        rows = [("Name", "{{input.company_name}}"), ("Website", "https://renamed.example")]
        saved = web.post(
            f"/configurations/{config}/save",
            data=form_fields("Accounts", "Account", "Domain__c", rows, version=1),
        )
        assert saved.status_code == 303, text_of(saved)
        after = fields_part(web, config)
    values = [str(i["value"]) for i in after.find_all("input", attrs={"name": "field_value"})]
    assert values == ["{{input.company_name}}", "https://renamed.example"]
    assert words(after) != words(first)


def test_a_field_deleted_in_the_org_leaves_the_warm_part_once_the_options_are_read_again(
    start_app: AppFactory,
) -> None:
    app = start_app()
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
        assert "Tier__c" in field_names(fields_part(web, config))
        assert "Tier__c" in field_names(fields_part(web, config))  # warm: as it was made
        deleted = httpx.post(
            f"{app.sandbox_url}/_sandbox/objects/Account/fields/Tier__c",
            json={"action": "delete"},
        )
        assert deleted.status_code == 200
        web.post(f"/configurations/{config}/refresh-options")
        after = fields_part(web, config)
    assert "Tier__c" not in field_names(after)
    assert "Domain__c" in field_names(after)


class Lists:
    """Stand-ins for the metadata cache's lists: compared by identity, never by value."""

    def __init__(self) -> None:
        self.fields: list[str] = ["Name"]
        self.keys: list[str] = ["Domain__c"]


def test_an_entry_is_used_only_with_the_very_lists_it_was_made_from() -> None:
    parts, org = RenderedParts(), Lists()
    built: list[str] = []

    def build(html: str) -> bytes:
        built.append(html)
        return html.encode()

    one = parts.get((org.fields, org.keys), ("config 1",), lambda: build("<p>one</p>"))
    again = parts.get((org.fields, org.keys), ("config 1",), lambda: build("<p>two</p>"))
    assert one is again
    assert built == ["<p>one</p>"]
    same_values = (list(org.fields), org.keys)  # equal, but not the cached list
    fresh = parts.get(same_values, ("config 1",), lambda: build("<p>three</p>"))
    assert fresh.body == b"<p>three</p>"
    other = parts.get((org.fields, org.keys), ("config 2",), lambda: build("<p>four</p>"))
    assert other.body == b"<p>four</p>"
    assert len(built) == 3
    assert one.gzipped is None  # under 1 KiB: sent as it is


def test_the_kept_parts_stay_within_their_bounds_and_a_remade_part_lets_old_lists_go() -> None:
    org, page = Lists(), ("<p>" + "x" * 4_000 + "</p>").encode()
    by_bytes = RenderedParts(max_bytes=20_000)
    for n in range(20):
        by_bytes.get((org.fields,), (n,), lambda: page)
        assert by_bytes.bytes <= 20_000
    assert set(by_bytes.entries) == {(16,), (17,), (18,), (19,)}
    parts = RenderedParts(max_bytes=40_000, max_entries=5)
    for n in range(20):
        parts.get((org.fields,), (n,), lambda: page)
    assert len(parts.entries) == 5
    assert set(parts.entries) == {(n,) for n in range(15, 20)}  # least recently used out
    huge = parts.get((org.fields,), ("huge",), lambda: b"y" * 11_000)
    assert huge.body == b"y" * 11_000
    assert ("huge",) not in parts.entries  # too big to keep

    refreshed = Lists()  # the cache read the org again: new lists, same key
    remade = parts.get((refreshed.fields,), (19,), lambda: b"<p>new</p>")
    assert remade.body == b"<p>new</p>"
    assert len(parts.entries) == 5
    assert parts.entries[(19,)].lists[0] is refreshed.fields  # the old list is not held


@pytest.mark.parametrize("value", [["a", "list"], {"an": "object"}])
def test_rows_holding_values_that_cannot_be_keys_are_rendered_every_time(value: object) -> None:
    assert hashable(("config", ("row", "value")))
    assert not hashable(("config", ("row", value)))


def test_a_warm_object_picker_shows_the_object_each_save_chose(start_app: AppFactory) -> None:
    app = start_app()
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
        url = f"/configurations/{config}/fragments/objects"

        def chosen() -> str:
            found = soup(web.get(url)).find("input", attrs={"name": "salesforce_object"})
            assert isinstance(found, Tag)
            return str(found["value"])

        assert chosen() == chosen() == "Account"
        rows = [("Email", "{{input.email}}"), ("LastName", "{{input.last_name}}")]
        saved = web.post(
            f"/configurations/{config}/save",
            data=form_fields("Contacts", "Contact", "Email", rows, version=1),
        )
        assert saved.status_code == 303, text_of(saved)
        assert chosen() == "Contact"
        assert "objects in the connected org" in text_of(web.get(url))
