"""The audit log narrowed by who, what, on what and which days, each entry linked to the
user or configuration it names, and the download narrowed alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from bs4 import Tag

from tests.app.flows import (
    CONTACT_ROWS,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import ADMIN_EMAIL, RunningApp
from tests.security.helpers import EDITOR
from tests.support import db_time


@pytest.fixture
def logged(app: RunningApp, web: httpx.Client) -> int:
    """An admin who added a connection, configured a step, renamed it and added a user; an
    editor who configured another step. The configuration the admin renamed: its id."""
    app.add_user(EDITOR.email, "editor", EDITOR.token, EDITOR.csrf)
    connection = add_connection(web)
    config = start_configuration(web, connection)
    renamed = web.post(f"/configurations/{config}/rename", data={"name": "Webinar contacts"})
    assert renamed.status_code == 303
    added = web.post(
        "/users",
        data={"email": "ops@acme.example", "role": "viewer", "password": "a long password 123"},
    )
    assert added.status_code == 303, text_of(added)
    with app.signed_in(EDITOR.token, EDITOR.csrf) as editor:
        start_configuration(editor, connection, "Account sync from product DB")
    return config


def rows(web: httpx.Client, query: str = "") -> list[list[str]]:
    """The log's lines as the page shows them (when, who, what, on, outcome, detail)."""
    table = soup(web.get(f"/audit{query}")).find("table")
    assert isinstance(table, Tag)
    lines = []
    for row in table.find_all("tr")[1:]:
        cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
        lines.append(cells)
    return lines


def test_each_filter_keeps_what_it_names(web: httpx.Client, logged: int) -> None:
    assert {row[1] for row in rows(web, f"?actor={EDITOR.email}")} == {EDITOR.email}
    created = rows(web, "?action=configuration+created")
    assert {row[2] for row in created} == {"configuration created"}
    assert [row[1] for row in created] == [EDITOR.email, ADMIN_EMAIL]  # newest first
    on = rows(web, "?on=webinar")
    assert [(row[2], row[3]) for row in on] == [("configuration edited", "Webinar contacts")]
    both = rows(web, f"?actor={ADMIN_EMAIL}&action=user+created")
    assert [(row[1], row[3]) for row in both] == [(ADMIN_EMAIL, "ops@acme.example")]
    page = text_of(web.get(f"/audit?actor={ADMIN_EMAIL}&action=user+created"))
    assert "1 event matches." in page
    assert rows(web, "?on=nothing+like+this") == [["No event matches these filters."]]


def test_days_are_utc_days_and_a_date_that_does_not_parse_is_ignored(
    app: RunningApp, web: httpx.Client, logged: int
) -> None:
    last_week = datetime.now(UTC) - timedelta(days=7)
    app.query(
        "UPDATE audit_events SET at = :at WHERE action = 'connection created'",
        at=db_time(last_week),
    )
    today = datetime.now(UTC).date().isoformat()
    assert "connection created" not in {row[2] for row in rows(web, f"?since={today}")}
    old = rows(web, f"?until={(last_week.date()).isoformat()}")
    assert [row[2] for row in old] == ["connection created"]
    assert len(rows(web, "?since=yesterday&until=2026-99-99")) == len(rows(web))


def test_entries_link_to_the_user_and_the_configuration_they_name(
    web: httpx.Client, logged: int
) -> None:
    page = soup(web.get("/audit?action=configuration+edited"))
    table = page.find("table")
    assert isinstance(table, Tag)
    links = {a.get_text(): a["href"] for a in table.find_all("a")}
    assert links["Webinar contacts"] == f"/configurations/{logged}"
    admin_link = str(links[ADMIN_EMAIL])
    assert admin_link.startswith("/users#user-")
    users = soup(web.get("/users"))
    row = users.find(id=admin_link.split("#")[1])
    assert isinstance(row, Tag)
    assert ADMIN_EMAIL in row.get_text()
    # An entry keeps the name the configuration had then, and still links to it by its id.
    created = soup(web.get("/audit?on=inbound+leads&action=configuration+created")).find("table")
    assert isinstance(created, Tag)
    [old_name] = created.find_all("a", href=f"/configurations/{logged}")
    assert old_name.get_text().startswith("Inbound leads")


def test_a_deleted_configuration_is_named_but_never_linked_even_when_its_name_is_taken(
    app: RunningApp, web: httpx.Client, logged: int
) -> None:
    deleted = web.post(f"/configurations/{logged}/delete")
    assert deleted.status_code == 303, text_of(deleted)
    # Another configuration takes the deleted one's name: its events must not lead there.
    other = start_configuration(web, add_connection(web, "floq_test_other", label="Other"))
    renamed = web.post(f"/configurations/{other}/rename", data={"name": "Webinar contacts"})
    assert renamed.status_code == 303
    table = soup(web.get("/audit?on=webinar+contacts")).find("table")
    assert isinstance(table, Tag)
    rows = [
        (r.get_text(" "), [a["href"] for a in r.find_all("a")]) for r in table.select("tbody tr")
    ]
    about_deleted = [links for text, links in rows if "configuration deleted" in text]
    assert about_deleted == [[f"/users#user-{admin_id(app)}"]]  # the actor only
    about_other = [links for text, links in rows if "renamed" in text and str(other) in str(links)]
    assert about_other, rows
    lines = [
        json.loads(line)
        for line in web.get("/audit.jsonl?action=configuration+deleted").text.splitlines()
    ]
    assert [(line["target"], line["configuration_id"]) for line in lines] == [
        ("Webinar contacts", logged)
    ]


def admin_id(app: RunningApp) -> int:
    return int(app.query("SELECT id FROM users WHERE email = :e", e=ADMIN_EMAIL)[0].id)


def test_the_download_keeps_what_the_filters_keep(web: httpx.Client, logged: int) -> None:
    page = soup(web.get(f"/audit?actor={EDITOR.email}"))
    link = page.find("a", string=lambda s: bool(s and "Download these" in s))
    assert isinstance(link, Tag)
    assert link["href"] == f"/audit.jsonl?actor={EDITOR.email}"
    lines = [json.loads(line) for line in web.get(str(link["href"])).text.splitlines()]
    assert lines
    assert {line["actor"] for line in lines} == {EDITOR.email}
    everything = web.get("/audit.jsonl").text.splitlines()
    assert len(everything) > len(lines)


def test_hostile_filter_values_are_shown_as_text(web: httpx.Client, logged: int) -> None:
    hostile = '"><script>alert(1)</script>'
    answer = web.get("/audit", params={"on": hostile, "actor": hostile, "since": hostile})
    assert answer.status_code == 200
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text  # kept in the search box


def test_an_edit_says_which_settings_it_changed(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web))
    first = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
    assert web.post(f"/configurations/{config}/save", data=first).status_code == 303
    mapped = [("Email", "{{input.email}}"), ("LastName", "{{input.full_name}}")]
    second = form_fields("Contacts", "Contact", "Email", mapped, version=2)
    assert web.post(f"/configurations/{config}/save", data=second).status_code == 303
    lines = rows(web, "?action=configuration+edited")
    assert lines[0][5] == "version 3; changed: Field LastName, Field FirstName"
    assert lines[1][5].startswith("version 2; changed: Salesforce object, External ID field,")
