"""Import and export over HTTP: the download, the import's read, choose, review and save."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from tests.app.flows import (
    ACCOUNT_SYNC,
    CONTACT_ROWS,
    INBOUND,
    KEY,
    add_connection,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import RunningApp
from tests.security.helpers import all_rows, one_row
from tests.support import stored_json

VIEWER_TOKEN = "viewer-session-token-0123456789abcdef"


def export(web: httpx.Client, config: int) -> httpx.Response:
    response = web.get(f"/configurations/{config}/export")
    assert response.status_code == 200, text_of(response)
    return response


def stored_body(app: RunningApp, config: int) -> dict[str, Any]:
    row = one_row(app, "SELECT body FROM configurations WHERE id = :id", id=config)
    body: dict[str, Any] = stored_json(row["body"])
    return body


def versions(app: RunningApp, config: int) -> list[dict[str, Any]]:
    sql = "SELECT version, note, author FROM configuration_versions WHERE configuration_id = :id "
    return all_rows(app, sql + "ORDER BY version", id=config)


def form_of(page: BeautifulSoup, action: str) -> dict[str, Any]:
    """What a browser posts for the page's form with this action (its first submit button)."""
    form = page.find("form", action=action)
    assert isinstance(form, Tag), f"no form posting to {action}"
    data: dict[str, Any] = {}
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.get("type") == "file":
            continue
        if control.name == "select":
            chosen = control.find("option", selected=True)
            value = str(chosen["value"]) if isinstance(chosen, Tag) else ""
        elif control.name == "textarea":
            value = control.get_text()
        else:
            value = str(control.get("value", ""))
        data[str(name)] = value
    return data


def upload(web: httpx.Client, document: bytes, name: str = "export.json") -> httpx.Response:
    """The first page's form with a chosen file, sent as the browser sends it (multipart)."""
    files = {"file": (name, document, "application/json")}
    return web.post("/import", data={"document": ""}, files=files)


def review(web: httpx.Client, choose: httpx.Response, **targets: str) -> httpx.Response:
    fields = form_of(soup(choose), "/import/review") | targets
    # Multipart, as the page's form is: httpx sends it so when a file part is present.
    return web.post("/import/review", data=fields, files={"none": ("", b"")})


def save(web: httpx.Client, reviewed: httpx.Response, **changes: str) -> httpx.Response:
    return web.post("/import/save", data=form_of(soup(reviewed), "/import/save") | changes)


def option_value(page: BeautifulSoup, select_id: str, text: str) -> str:
    select = page.find("select", id=select_id)
    assert isinstance(select, Tag)
    for option in select.find_all("option"):
        if text in option.get_text():
            return str(option["value"])
    raise AssertionError(f"no option with {text!r} in {select_id}")


def test_export_one_is_a_download_of_the_saved_body_and_its_step_without_a_key(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    response = export(web, config)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert disposition.endswith('-v1.json"')
    assert response.headers["content-type"].startswith("application/json")
    assert KEY not in response.text
    assert "floq_" not in response.text
    document = response.json()
    assert document["format"] == "floqer-upsert-configuration"
    assert document["format_version"] == 1
    assert document["exported_at"].endswith("Z")
    assert document["exported_by"] == "admin@acme.example"
    [exported] = document["configurations"]
    assert exported["version"] == 1
    assert exported["connection"] == "Production"
    assert exported["body"] == stored_body(app, config)
    assert exported["body"]["inputs"]["salesforce_external_id_field"] == "Domain__c"
    assert exported["step"]["workflow_name"] == ACCOUNT_SYNC
    assert set(exported["step"]) == {
        "workflow_id",
        "workflow_name",
        "sheet_id",
        "sheet_name",
        "step_id",
        "step_name",
    }


def test_export_all_holds_every_configuration_and_a_viewer_may_download_it(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    first = start_configuration(web, connection, ACCOUNT_SYNC)
    second = start_configuration(web, connection, INBOUND)
    web.post(
        f"/configurations/{second}/save",
        data=form_fields("Contacts", "Contact", "Email", CONTACT_ROWS),
    )
    app.add_user("viewer@acme.example", "viewer", VIEWER_TOKEN)
    with app.signed_in(VIEWER_TOKEN) as viewer:
        home = soup(viewer.get("/"))
        response = viewer.get("/export")
    assert home.find("a", href="/export") is not None
    assert home.find("a", href="/import") is None  # importing is for editors
    assert response.status_code == 200
    assert 'filename="upsert-configurations-' in response.headers["content-disposition"]
    assert "floq_" not in response.text
    document = response.json()
    by_version = {c["version"]: c for c in document["configurations"]}
    assert by_version[1]["body"] == stored_body(app, first)
    assert by_version[2]["body"] == stored_body(app, second)
    assert by_version[2]["name"] == "Contacts"


def test_import_onto_the_same_step_round_trips_the_body_exactly(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    original = stored_body(app, config)
    exported = export(web, config).content

    # Unchanged: the same step is chosen, and the review says there is nothing to save.
    choose = upload(web, exported, "accounts.json")
    assert choose.status_code == 200, text_of(choose)
    assert f"config:{config}" == form_of(soup(choose), "/import/review")["target_0"]
    reviewed = review(web, choose)
    assert "No difference: nothing to save." in text_of(reviewed)
    done = save(web, reviewed)
    assert "No difference: nothing to save." in text_of(done)
    assert [v["version"] for v in versions(app, config)] == [1]

    # Changed since the export: the review shows the difference, the save brings it back.
    web.post(
        f"/configurations/{config}/save",
        data=form_fields("Accounts", "Contact", "Email", CONTACT_ROWS),
    )
    reviewed = review(web, upload(web, exported, "accounts.json"))
    page = text_of(reviewed)
    assert "Pre-flight check" in page
    assert "1 warning(s)" in page
    assert "Domain (Domain__c) is not unique in Salesforce" in page
    assert "difference(s) from version 2" in page
    assert "Salesforce object Contact Account" in page
    button = soup(reviewed).find("button", string="Save as version 3")
    assert isinstance(button, Tag)
    done = save(web, reviewed)
    assert "Saved as version 3." in text_of(done)
    assert "Nothing was pushed to Floqer" in text_of(done)
    assert soup(done).find("a", href=f"/configurations/{config}") is not None
    assert stored_body(app, config) == original
    assert export(web, config).json()["configurations"][0]["body"] == original
    assert versions(app, config)[-1]["note"].startswith("imported from accounts.json (exported ")
    assert all_rows(app, "SELECT id FROM pushes") == []  # nothing was pushed
    events = all_rows(app, "SELECT action, target, detail FROM audit_events ORDER BY id")
    imported = [e for e in events if e["action"] == "configuration imported"]
    assert len(imported) == 1
    assert imported[0]["detail"].startswith("version 3, imported from accounts.json")


def test_import_onto_another_step_creates_its_configuration_after_the_review(
    app: RunningApp, web: httpx.Client
) -> None:
    source = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    choose = upload(web, export(web, source).content)
    target = option_value(soup(choose), "target-0", "Upsert attendee as Lead")
    assert target.startswith("step:")
    reviewed = review(web, choose, target_0=target)
    page = text_of(reviewed)
    assert "This step has no configuration here: saving creates it as version 1." in page
    assert "Pre-flight check" in page
    assert "from what the step holds in Floqer now" in page  # the step is empty in Floqer
    assert len(all_rows(app, "SELECT id FROM configurations")) == 1  # nothing saved yet
    done = save(web, reviewed)
    assert "Created this step's configuration as version 1." in text_of(done)
    created = one_row(
        app, "SELECT id, step_name FROM configurations WHERE id != :source", source=source
    )
    assert created["step_name"] == "Upsert attendee as Lead"
    assert stored_body(app, created["id"]) == stored_body(app, source)
    assert versions(app, created["id"])[0]["note"].startswith("imported from export.json")


def valid_document() -> dict[str, Any]:
    return {
        "format": "floqer-upsert-configuration",
        "format_version": 1,
        "configurations": [
            {
                "name": "Accounts",
                "step": {"workflow_id": "w", "sheet_id": "s", "step_id": "x"},
                "body": {"inputs": {"salesforce_object": "Account"}},
            }
        ],
    }


def broken(**changes: Any) -> str:
    document = valid_document()
    item = document["configurations"][0]
    for path, value in changes.items():
        where, _, key = path.rpartition("__")
        holder = {"": document, "item": item, "inputs": item.get("body", {}).get("inputs")}[where]
        if value is None:
            holder.pop(key)
        else:
            holder[key] = value
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste the exported JSON, or choose the exported file."),
        ('{"format": ', "This is not valid JSON (line 1, column 12"),
        ("[1, 2]", "This is not an exported configuration"),
        (broken(format="something-else"), "“format” is “something-else”"),
        (broken(format_version=2), "exported by a newer version of the app (format version 2)"),
        (broken(format_version="1"), "“format_version” should be a whole number"),
        (broken(configurations=[]), "The document holds no configurations"),
        (broken(configurations=[{}] * 101), "The document holds 101 configurations"),
        (broken(item__body=None), "Configuration 1 (“Accounts”): “body” is missing"),
        (broken(item__step=None), "“step” is missing"),
        (broken(inputs__salesforce_object=7), "“body.inputs.salesforce_object” should be text"),
        (broken(inputs__ignore_empty_values="yes"), "should be true or false, not text"),
        (broken(inputs__add_fields_and_their_values={}), "should be a list, not an object"),
    ],
)
def test_a_malformed_document_is_one_plain_message_with_the_text_kept(
    web: httpx.Client, text: str, message: str
) -> None:
    response = web.post("/import", data={"document": text})
    assert response.status_code == 422
    assert message in text_of(response)
    textarea = soup(response).find("textarea", attrs={"name": "document"})
    assert isinstance(textarea, Tag)
    assert textarea.get_text() == text


def test_a_file_that_is_not_text_is_a_plain_message(web: httpx.Client) -> None:
    response = upload(web, b"\xff\xfe\x00garbage")
    assert response.status_code == 422
    assert "The chosen file is not text" in text_of(response)


def test_a_viewer_cannot_import(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    exported = export(web, config).content
    app.add_user("viewer@acme.example", "viewer", VIEWER_TOKEN)
    with app.signed_in(VIEWER_TOKEN) as viewer:
        assert export(viewer, config).json()["configurations"][0]["version"] == 1
        page = viewer.get("/import")
        assert page.status_code == 403
        assert "cannot do this; it needs editor" in text_of(page)
        refused = viewer.post(
            "/import/save",
            data={"document": exported.decode(), "target_0": f"config:{config}", "base_0": "1"},
        )
        assert refused.status_code == 403
    assert [v["version"] for v in versions(app, config)] == [1]


def test_a_save_against_a_version_changed_since_the_review_saves_nothing(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    exported = export(web, config).content
    web.post(
        f"/configurations/{config}/save",
        data=form_fields("Accounts", "Contact", "Email", CONTACT_ROWS),
    )
    reviewed = review(web, upload(web, exported))
    assert "Save as version 3" in text_of(reviewed)
    # Someone else saves version 3 while the review is open.
    web.post(
        f"/configurations/{config}/save",
        data=form_fields("Accounts", "Lead", "Email", [("Email", "{{input.email}}")], version=2),
    )
    done = save(web, reviewed)
    assert done.status_code == 409
    page = text_of(done)
    assert "Not saved: it was changed since your review (now version 3, by admin@acme.example)" in (
        page
    )
    assert [v["version"] for v in versions(app, config)] == [1, 2, 3]
    assert stored_body(app, config)["inputs"]["salesforce_object"] == "Lead"


def test_the_choice_must_name_a_target(web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    choose = upload(web, export(web, config).content)
    response = review(web, choose, target_0="")
    assert response.status_code == 422
    assert "Choose where Configuration 1" in text_of(response)
    forged = review(web, choose, target_0="config:999999")
    assert forged.status_code == 422
    assert "does not exist" in text_of(forged)


def test_export_all_imports_back_every_configuration_in_one_review(
    app: RunningApp, web: httpx.Client
) -> None:
    connection = add_connection(web)
    accounts = start_configuration(web, connection, ACCOUNT_SYNC)
    leads = start_configuration(web, connection, INBOUND)
    originals = {c: stored_body(app, c) for c in (accounts, leads)}
    exported = web.get("/export").content
    for config, version in ((accounts, 1), (leads, 1)):
        changed = form_fields("Changed", "Contact", "Email", CONTACT_ROWS, version=version)
        web.post(f"/configurations/{config}/save", data=changed)

    choose = upload(web, exported, "all.json")
    chosen = form_of(soup(choose), "/import/review")
    assert {chosen["target_0"], chosen["target_1"]} == {f"config:{accounts}", f"config:{leads}"}
    twice = review(web, choose, target_1=chosen["target_0"])
    assert twice.status_code == 422
    assert "Two configurations of the document go to the same place" in text_of(twice)

    reviewed = review(web, choose)
    assert len(soup(reviewed).select("section.card")) == 2
    assert soup(reviewed).find("button", string="Save the 2 changed configurations") is not None
    done = text_of(save(web, reviewed))
    assert done.count("Saved as version 3.") == 2
    assert {c: stored_body(app, c) for c in (accounts, leads)} == originals


def test_skipping_leaves_a_configuration_untouched(app: RunningApp, web: httpx.Client) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    exported = export(web, config).content
    web.post(
        f"/configurations/{config}/save",
        data=form_fields("Accounts", "Contact", "Email", CONTACT_ROWS),
    )
    skipped = review(web, upload(web, exported), target_0="skip")
    assert skipped.status_code == 422
    assert "Every configuration is skipped" in text_of(skipped)
    assert [v["version"] for v in versions(app, config)] == [1, 2]


def test_a_failing_floqer_still_lets_saved_configurations_be_chosen(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    exported = export(web, config).content
    failing = add_connection(web, "floq_sandbox_500", "Failing")
    files = {"file": ("export.json", exported, "application/json")}
    choose = web.post("/import", data={"connection_id": str(failing)}, files=files)
    assert choose.status_code == 200
    page = text_of(choose)
    assert "Floqer's steps could not all be read:" in page
    assert "Saved configurations can still be chosen." in page
    assert "floq_sandbox_500" not in choose.text
    assert form_of(soup(choose), "/import/review")["target_0"] == f"config:{config}"
    assert "No difference: nothing to save." in text_of(review(web, choose))


def test_a_step_configured_nowhere_here_is_found_in_floqer_by_its_ids(
    app: RunningApp, web: httpx.Client
) -> None:
    # As when moving to a new installation: the file names a step this app has no
    # configuration of, and the connection reaches it in Floqer.
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    original = stored_body(app, config)
    exported = export(web, config).json()
    step = exported["configurations"][0]["step"]
    web.post(f"/configurations/{config}/delete")
    choose = upload(web, json.dumps(exported).encode())
    expected = f"step:{step['workflow_id']}/{step['sheet_id']}/{step['step_id']}"
    assert form_of(soup(choose), "/import/review")["target_0"] == expected
    reviewed = review(web, choose)
    page = text_of(reviewed)
    assert "saving creates it as version 1" in page
    assert "The step holds exactly this in Floqer already." in page
    assert "Created this step's configuration as version 1." in text_of(save(web, reviewed))
    created = one_row(app, "SELECT id FROM configurations")
    assert stored_body(app, created["id"]) == original
