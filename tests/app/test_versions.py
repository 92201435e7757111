"""Versions over HTTP: the list and its summaries, one version, compare, restore, and the push
history that explains a failed push."""

from __future__ import annotations

import json
from typing import Any

import httpx
from bs4 import Tag

from tests.app.flows import (
    CONTACT_ROWS,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.app.test_conflicts import EDITOR, versions
from tests.conftest import RunningApp
from webapp.upsert_form import FieldRow, UpsertConfig

LEAD_ROWS = [("LastName", "{{input.last_name}}"), ("Company", "{{input.company_name}}")]
V3_ROWS = [
    ("Email", "{{input.email}}"),
    ("LastName", "Smith"),
    ("FirstName", "{{input.first_name}}"),
    ("Title", "VP Sales"),
]


def three_versions(web: httpx.Client) -> int:
    """A configuration at version 3: v2 a Contact matched on Email, v3 changes a field, adds
    one and turns "Ignore empty values" off."""
    config = start_configuration(web, add_connection(web))
    v2 = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS)
    assert web.post(f"/configurations/{config}/save", data=v2).status_code == 303
    v3 = form_fields("Contacts", "Contact", "Email", V3_ROWS, version=2, ignore_empty_values=False)
    saved = web.post(f"/configurations/{config}/save", data=v3)
    assert saved.headers["location"].endswith("notice=saved-v3")
    return config


def table_rows(page: httpx.Response, selector: str) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in soup(page).select(f"{selector} tbody tr")
    ]


def db_rows(app: RunningApp, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in app.query(sql, **params)]


def test_the_versions_page_lists_each_version_newest_first_with_what_it_changed(
    app: RunningApp, web: httpx.Client
) -> None:
    config = three_versions(web)
    web.post(
        f"/configurations/{config}/push",
        data=form_fields(
            "Contacts", "Contact", "Email", V3_ROWS, version=3, ignore_empty_values=False
        ),
    )
    head = soup(web.get(f"/configurations/{config}"))
    link = head.find("a", string="Versions (3)")
    assert isinstance(link, Tag)
    page = web.get(str(link["href"]))
    rows = table_rows(page, "table.versions")
    assert [row[0] for row in rows] == [
        "Version 3 Current Pushed In Floqer now",
        "Version 2",
        "Version 1",
    ]
    assert rows[0][2] == "admin@acme.example"
    assert rows[0][4] == "Title added; LastName changed; Ignore empty values off"
    assert rows[1][4] == (
        "Object Contact; External ID field Email; Email added; LastName added; FirstName added"
    )
    assert rows[2][3] == "read from the step in Floqer"
    assert rows[2][4] == "First version: no object yet, 0 field(s) mapped"
    assert "3 versions, newest first" in text_of(page)


def test_one_version_shows_its_body_and_the_pushes_of_it(web: httpx.Client) -> None:
    config = three_versions(web)
    page = web.get(f"/configurations/{config}/versions/2")
    text = text_of(page)
    assert "Version 2 of Contacts" in text
    assert "by admin@acme.example" in text
    body = soup(page).find("pre")
    assert isinstance(body, Tag)
    assert json.loads(body.get_text())["inputs"]["salesforce_object"] == "Contact"
    assert "Never pushed" in text
    assert soup(page).find("button", string="Restore this version") is not None
    compare = soup(page).find("a", string="Compare with current")
    assert isinstance(compare, Tag)
    assert compare["href"] == f"/configurations/{config}/versions/compare?a=2&b=3"


def test_two_versions_compare_field_by_field(web: httpx.Client) -> None:
    config = three_versions(web)
    page = web.get(f"/configurations/{config}/versions/compare", params={"a": "2", "b": "3"})
    assert page.status_code == 200
    assert table_rows(page, "table.compare") == [
        ["Ignore empty values", "On", "Off", "Changed"],
        ["Field LastName", "{{input.last_name}}", "Smith", "Changed"],
        ["Field Title", "(not mapped)", "VP Sales", "Added"],
    ]
    unchanged = soup(page).select("details.unchanged tbody tr")
    assert [tr.th.get_text() for tr in unchanged if tr.th] == [
        "Salesforce object",
        "External ID field",
        "Force update on collision",
        "Run Salesforce assignment rules",
        "Field Email",
        "Field FirstName",
    ]
    # The same version twice: nothing differs.
    same = web.get(f"/configurations/{config}/versions/compare", params={"a": "3", "b": "3"})
    assert "No difference" in text_of(same)


def test_compare_with_bad_parameters_says_what_to_do(web: httpx.Client) -> None:
    config = three_versions(web)
    url = f"/configurations/{config}/versions/compare"
    cases = [
        ({"a": "two", "b": "3"}, 400, "“two” is not a version number"),
        ({"a": "2", "b": "9"}, 404, "has no version 9: its versions are 1 to 3"),
        ({"a": "", "b": "3"}, 400, "Choose two versions to compare"),
        ({"a": "-1", "b": "99999999999999999999"}, 400, "is not a version number"),
    ]
    for params, status, message in cases:
        answer = web.get(url, params=params)
        assert answer.status_code == status, params
        assert message in text_of(answer), params
        assert soup(answer).find("select", id="compare-a") is not None  # the form stays
    for path in ("versions/99", "versions/abc", "versions/0"):
        answer = web.get(f"/configurations/{config}/{path}")
        assert answer.status_code == 404
        assert "Traceback" not in answer.text
        assert "Not found" in text_of(answer)


def test_a_version_compares_with_floqers_step_now_and_with_its_last_copy_when_floqer_fails(
    app: RunningApp, web: httpx.Client
) -> None:
    config = three_versions(web)
    url = f"/configurations/{config}/versions/compare"
    page = web.get(url, params={"a": "3", "b": "floqer"})  # the step is still unconfigured
    assert "Version 3 and Floqer's step now" in text_of(page)
    assert ["Salesforce object", "Contact", "(empty)", "Changed"] in table_rows(
        page, "table.compare"
    )

    # Floqer fails: said plainly; with no copy kept there is nothing to compare.
    app.query("UPDATE configurations SET floqer_seen_body = NULL WHERE id = :id", id=config)
    other = add_connection(web, "floq_sandbox_500", label="Failing key")
    web.post(f"/configurations/{config}/connection", data={"connection_id": other})
    failed = web.get(url, params={"a": "3", "b": "floqer"})
    text = text_of(failed)
    assert "Floqer's step could not be read just now" in text
    assert "no earlier copy of Floqer's step" in text
    assert "floq_sandbox_500" not in failed.text

    # With the copy the state check kept, the comparison stands on it, dated.
    seen = json.dumps({"inputs": {"salesforce_object": "Account"}})
    app.query(
        "UPDATE configurations SET floqer_seen_body = :seen, floqer_seen_at = :at WHERE id = :id",
        seen=seen,
        at="2026-11-30 09:15:00",
        id=config,
    )
    fallback = web.get(url, params={"a": "3", "b": "floqer"})
    text = text_of(fallback)
    assert "Floqer's step could not be read just now" in text
    assert "Floqer's step as of 2026-11-30 09:15 UTC (last known copy)" in text
    assert ["Salesforce object", "Contact", "Account", "Changed"] in table_rows(
        fallback, "table.compare"
    )


def test_restore_saves_the_old_body_as_exactly_one_new_version(
    app: RunningApp, web: httpx.Client
) -> None:
    config = three_versions(web)
    app.add_user(EDITOR[0], "editor", EDITOR[1])
    with app.signed_in(EDITOR[1]) as editor:
        restored = editor.post(
            f"/configurations/{config}/versions/2/restore", data={"base_version": "3"}
        )
    assert restored.headers["location"] == f"/configurations/{config}?notice=restored-v2-as-v4"
    stored = versions(app, config)
    assert [(v, author) for v, author, _ in stored][-2:] == [
        (3, "admin@acme.example"),
        (4, EDITOR[0]),
    ]
    assert stored[3][2] == stored[1][2]  # the body of version 2, exactly
    notes = db_rows(app, "SELECT note FROM configuration_versions WHERE version = 4")
    assert notes == [("restored from version 2",)]
    page = text_of(web.get(restored.headers["location"]))
    assert "Restored version 2 as version 4. It is not in Floqer until you push it." in page
    audit = db_rows(app, "SELECT actor, detail FROM audit_events WHERE action = 'version restored'")
    assert audit == [(EDITOR[0], "version 2 restored as version 4")]
    listed = table_rows(web.get(f"/configurations/{config}/versions"), "table.versions")
    assert listed[0][3] == "restored from version 2"
    assert listed[0][4] == "Title removed; LastName changed; Ignore empty values on"

    # Restoring what is saved now changes nothing.
    again = web.post(f"/configurations/{config}/versions/4/restore", data={"base_version": "4"})
    assert "restoring it changed nothing" in text_of(web.get(again.headers["location"]))
    assert len(versions(app, config)) == 4


def test_a_restore_from_a_stale_page_changes_nothing_and_says_why(
    app: RunningApp, web: httpx.Client
) -> None:
    config = three_versions(web)
    before = versions(app, config)
    refused = web.post(f"/configurations/{config}/versions/1/restore", data={"base_version": "2"})
    assert refused.status_code == 409
    text = text_of(refused)
    assert "Not restored. admin@acme.example saved version 3 at" in text
    assert "Nothing was changed." in text
    assert versions(app, config) == before
    # The page offers the restore again, now on top of version 3.
    form = soup(refused).find("button", string="Restore this version")
    assert isinstance(form, Tag)
    base = form.find_parent("form").find("input", attrs={"name": "base_version"})  # type: ignore[union-attr]
    assert isinstance(base, Tag)
    assert base["value"] == "3"


def test_a_failed_push_shows_floqers_problems_and_message_in_its_history_row(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    rows = [*CONTACT_ROWS, ("Shoe_Size__c", "42")]
    draft = {**form_fields("x", "Contact", "Email", rows), "push_anyway": "1"}
    web.post(f"/configurations/{config}/push", data=draft)
    stored = db_rows(app, "SELECT outcome, floqer_message FROM pushes")
    assert stored == [("failed", "1 problem(s) in the configuration")]
    page = web.get(f"/configurations/{config}")
    row = table_rows(page, "table.history")[0]
    assert row[1] == "Version 2"
    assert "Failed (400)" in row[3]
    assert "Floqer did not accept version 2. It named these problems:" in row[4]
    assert "marked below" not in row[4]  # the row is far from the form's marks
    assert "Floqer said: “1 problem(s) in the configuration”" in row[4]
    problems = [li.get_text(" ", strip=True) for li in soup(page).select("table.history li")]
    assert problems == ["Field row 4 · name: Contact has no field 'Shoe_Size__c'"]
    link = soup(page).select_one("table.history a")
    assert link is not None
    assert link["href"] == f"/configurations/{config}/versions/2"
    # The version's own page lists the same push with the same answer.
    version = text_of(web.get(f"/configurations/{config}/versions/2"))
    assert "Field row 4 · name: Contact has no field 'Shoe_Size__c'" in version


def test_a_push_of_unknown_outcome_says_so_and_how_to_settle_it(
    start_app: Any,
) -> None:
    app = start_app(floqer_timeout_seconds=2.0, sandbox={"slow_key_seconds": 3.0})
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web))
        other = add_connection(web, "floq_sandbox_slow", label="Slow key")
        web.post(f"/configurations/{config}/connection", data={"connection_id": other})
        web.post(
            f"/configurations/{config}/push",
            data=form_fields("x", "Contact", "Email", CONTACT_ROWS),
        )
        row = table_rows(web.get(f"/configurations/{config}"), "table.history")[0]
    assert "Unknown: pull to settle" in row[3]
    assert "Outcome unknown." in row[4]
    assert "use Pull from Floqer" in row[4]


def add_versions(app: RunningApp, config: int, last: int) -> None:
    """Versions 2..`last` stored as saves would store them: odd ones map Title, even ones not."""
    for n in range(2, last + 1):
        rows = [("Email", "{{input.email}}"), *([("Title", "VP")] if n % 2 else [])]
        body = form_body("Contact", "Email", rows)
        app.query(
            "INSERT INTO configuration_versions (configuration_id, version, body, author, "
            "created_at, note) VALUES (:config, :n, :body, :author, :at, '')",
            config=config,
            n=n,
            body=json.dumps(body),
            author="bulk@acme.example",
            at="2026-11-30 09:00:00",
        )
    app.query(
        "UPDATE configurations SET version = :last, body = :body WHERE id = :id",
        last=last,
        body=json.dumps(body),
        id=config,
    )


def form_body(obj: str, key: str, rows: list[tuple[str, str]]) -> dict[str, Any]:
    return UpsertConfig(obj, key, tuple(FieldRow(n, v) for n, v in rows)).body()


def test_the_list_is_paged_fifty_at_a_time_and_marks_the_version_floqer_holds(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    add_versions(app, config, 60)
    app.query("UPDATE configurations SET floqer_seen_version = 59 WHERE id = :id", id=config)
    first = web.get(f"/configurations/{config}/versions")
    rows = table_rows(first, "table.versions")
    assert len(rows) == 50
    assert "60 versions, newest first (page 1 of 2)" in text_of(first)
    assert rows[0][0] == "Version 60 Current"
    assert rows[0][4] == "Title removed"
    assert rows[1][0] == "Version 59 In Floqer now"
    assert rows[1][4] == "Title added"
    assert rows[49][0] == "Version 11"
    assert rows[49][4] == "Title added"  # against version 10, on the next page
    older = soup(first).find("a", string="Older versions")
    assert isinstance(older, Tag)
    second = web.get(str(older["href"]))
    rows = table_rows(second, "table.versions")
    assert [r[0] for r in rows] == [f"Version {n}" for n in range(10, 0, -1)]
    assert soup(second).find("a", string="Newer versions") is not None
    assert soup(second).find("a", string="Older versions") is None
    # A page past the end, or not a number, shows the nearest page there is.
    assert "page 2 of 2" in text_of(web.get(f"/configurations/{config}/versions?page=7"))
    assert "page 1 of 2" in text_of(web.get(f"/configurations/{config}/versions?page=x"))
    # The compare form offers every version and Floqer's step.
    choices = soup(first).select("#compare-b option")
    assert len(choices) == 62  # the placeholder, 60 versions, Floqer's step now
    assert choices[-1].get_text() == "Floqer's step now"


def test_a_version_lists_its_test_runs_and_a_viewer_cannot_restore_it(
    app: RunningApp, web: httpx.Client
) -> None:
    config = three_versions(web)
    app.query(
        "INSERT INTO test_runs (configuration_id, version, actor, started_at, row_source, "
        "row_id, inputs, fields, outcome, operation_type, record_id, record_url, "
        "error_code, error_message, error_field, summary) "
        "VALUES (:config, 2, 'admin@acme.example', '2026-12-01 10:00:00', 'new', 'r1', '{}', "
        "'[]', 'complete', 'Insert', '003000000000001', "
        "'/_sandbox/records/Contact/003000000000001', '', '', '', 'Created a Contact.')",
        config=config,
    )
    page = web.get(f"/configurations/{config}/versions/2")
    runs = table_rows(page, "section[aria-labelledby=runs-title] table")
    assert runs == [
        [
            "2026-12-01 10:00 UTC",
            "admin@acme.example",
            "Insert Created a Contact.",
            "003000000000001",
        ]
    ]
    link = soup(page).find("a", string="003000000000001")
    assert isinstance(link, Tag)
    assert link["href"] == "/_sandbox/records/Contact/003000000000001"
    assert "Test runs" not in text_of(web.get(f"/configurations/{config}/versions/3"))

    app.add_user("viewer@acme.example", "viewer", "viewer-session-token-0123456789abcdef")
    with app.signed_in("viewer-session-token-0123456789abcdef") as viewer:
        seen = viewer.get(f"/configurations/{config}/versions/2")
        assert "Version 2 of Contacts" in text_of(seen)
        assert soup(seen).find("button", string="Restore this version") is None
        refused = viewer.post(
            f"/configurations/{config}/versions/2/restore", data={"base_version": "3"}
        )
    assert refused.status_code == 403
    assert len(versions(app, config)) == 3


def test_a_push_still_on_its_way_reads_so_in_the_history(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web))
    app.query(
        "INSERT INTO pushes (configuration_id, version, pushed_at, actor, outcome, summary, "
        "problems, floqer_message) VALUES (:config, 1, '2026-12-01 10:00:00', 'a@acme.example', "
        "'sending', '', '[]', '')",
        config=config,
    )
    app.query(
        "UPDATE configurations SET push_lease_until = '2999-01-01 00:00:00' WHERE id = :id",
        id=config,
    )
    row = table_rows(web.get(f"/configurations/{config}"), "table.history")[0]
    assert row[3] == "Sending…"
    assert row[4] == "Sending to Floqer: the outcome shows here once Floqer answers."
