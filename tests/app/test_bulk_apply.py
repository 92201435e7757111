"""Apply this mapping to other steps, over HTTP: the list with states and diffs, the apply
(save only, save and push), conflicts and refused pushes on one step, the viewer refused."""

from __future__ import annotations

from typing import Any

import httpx
from bs4 import BeautifulSoup, Tag

from tests.app.flows import (
    ACCOUNT_SYNC,
    BROKEN_LEAD,
    CONTACT_ROWS,
    INBOUND,
    add_connection,
    form_fields,
    sandbox_step_values,
    soup,
    start_configuration,
    text_of,
    workflow_url,
)
from tests.conftest import ADMIN_EMAIL, AppFactory, RunningApp, SandboxFactory
from tests.floqer_double import FloqerDouble
from tests.security.helpers import all_rows, one_row
from tests.support import stored_json

VIEWER_TOKEN = "viewer-session-token-0123456789abcdef"
SOURCE = (
    "Contacts by email",
    "Contact",
    "Email",
    [("Email", "{{input.email}}"), ("LastName", "Unknown")],
)
WEBINAR = "Inbound leads → Salesforce › Webinar attendees › Upsert attendee as Lead"
MAIN = "Inbound leads → Salesforce › Inbound leads › Upsert to Salesforce"


def page_url(config: int) -> str:
    return f"/configurations/{config}/apply-to-steps"


def setup(web: httpx.Client) -> tuple[int, int]:
    """Account sync's step saved as "Contacts by email" (the source, version 2: a mapping
    every Inbound sheet can fill), and the Inbound workflow's main step saved as
    "Contacts" (version 2, Contact by Email, three fields)."""
    connection = add_connection(web)
    source = start_configuration(web, connection, ACCOUNT_SYNC)
    saved = web.post(f"/configurations/{source}/save", data=form_fields(*SOURCE))
    assert saved.status_code == 303, text_of(saved)
    contacts = start_configuration(web, connection, INBOUND)
    saved = web.post(
        f"/configurations/{contacts}/save",
        data=form_fields("Contacts", "Contact", "Email", CONTACT_ROWS),
    )
    assert saved.status_code == 303, text_of(saved)
    return source, contacts


def choices(page: BeautifulSoup) -> dict[str, Tag]:
    """Each listed step's box, by its visible label."""
    found = {}
    for box in page.select("input[type=checkbox][name=step]"):
        label = page.find("label", attrs={"for": box["id"]})
        assert isinstance(label, Tag)
        found[" ".join(label.get_text().split())] = box
    return found


def step_block(page: BeautifulSoup, where: str) -> str:
    box = next(b for label, b in choices(page).items() if label.startswith(where))
    block = box.find_parent(class_="step-choice")
    assert isinstance(block, Tag)
    return " ".join(block.get_text(" ").split())


def apply(web: httpx.Client, config: int, *wheres: str, mode: str = "save", **extra: str) -> Any:
    """Tick the steps whose labels start with `wheres` and press the `mode` button."""
    page = soup(web.get(page_url(config)))
    form = page.find("form", action=page_url(config))
    assert isinstance(form, Tag)
    data: dict[str, Any] = {
        str(i["name"]): str(i.get("value", "")) for i in form.select("input[type=hidden]")
    }
    boxes = choices(page)
    data["step"] = [str(b["value"]) for label, b in boxes.items() if label.startswith(wheres)]
    assert len(data["step"]) == len(wheres)
    return data | {"mode": mode} | extra


def results(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, text_of(response)
    return [" ".join(li.get_text(" ").split()) for li in soup(response).select(".apply-results li")]


def versions(app: RunningApp, config: int) -> list[dict[str, Any]]:
    sql = "SELECT version, note, author FROM configuration_versions WHERE configuration_id = :id "
    return all_rows(app, sql + "ORDER BY version", id=config)


def config_of_step(app: RunningApp, step_name: str) -> dict[str, Any] | None:
    rows = all_rows(
        app, "SELECT id, body, version FROM configurations WHERE step_name = :n", n=step_name
    )
    return rows[0] if rows else None


def pushes(app: RunningApp) -> int:
    return sum(n for call, n in app.sandbox_calls()["by_call"].items() if call.startswith("PATCH "))


def body_of(app: RunningApp, config: int) -> Any:
    return stored_json(
        one_row(app, "SELECT body FROM configurations WHERE id = :id", id=config)["body"]
    )


def test_the_list_shows_every_other_step_with_its_state_and_what_would_change(
    app: RunningApp, web: httpx.Client
) -> None:
    source, _ = setup(web)
    link = soup(web.get(f"/configurations/{source}")).find("a", href=page_url(source))
    assert isinstance(link, Tag)
    assert link.get_text() == "Apply this mapping to other steps"
    page = soup(web.get(page_url(source)))
    labels = list(choices(page))
    assert len(labels) == 2  # the sandbox has three upsert steps
    assert not any(label.startswith(ACCOUNT_SYNC) for label in labels)  # not its own step
    main = step_block(page, MAIN)
    assert "Configured here: version 2" in main
    assert "object Contact" in main
    assert "applying saves version 3" in main
    assert "Field LastName {{input.last_name}} Unknown" in main  # setting, now, after applying
    assert "Field FirstName {{input.first_name}} (not mapped)" in main
    assert "Salesforce object" not in main  # the same on both sides: not listed
    webinar = step_block(page, WEBINAR)
    assert "Not configured here" in webinar
    assert "object (none)" in webinar
    assert "applying creates version 1" in webinar
    assert "Salesforce object (empty) Contact" in webinar
    assert "Field Email (not mapped) {{input.email}}" in webinar
    assert "Error" not in webinar  # the pre-flight check finds nothing against its org


def test_applying_saves_exactly_the_ticked_steps_and_pushes_nothing(
    app: RunningApp, web: httpx.Client
) -> None:
    source, contacts = setup(web)
    before = pushes(app)
    said = results(web.post(page_url(source), data=apply(web, source, WEBINAR)))
    assert len(said) == 1
    assert said[0].startswith(f"Done {WEBINAR}")
    assert "Saved as version 1." in said[0]
    assert pushes(app) == before
    webinar = config_of_step(app, "Upsert attendee as Lead")
    assert webinar is not None
    assert stored_json(webinar["body"]) == body_of(app, source)
    assert [v["version"] for v in versions(app, contacts)] == [1, 2]  # not ticked: untouched
    [version] = versions(app, webinar["id"])
    assert version["note"].startswith("applied from “")
    assert version["note"].endswith("version 2")
    assert version["author"] == ADMIN_EMAIL
    audit = all_rows(
        app, "SELECT target, detail FROM audit_events WHERE action = 'mapping applied'"
    )
    assert [row["detail"] for row in audit] == [f"version 1 (created), {version['note']}"]


def test_save_and_push_pushes_each_ticked_step_once_even_on_a_double_click(
    app: RunningApp, web: httpx.Client
) -> None:
    source, contacts = setup(web)
    before = pushes(app)
    data = apply(web, source, MAIN, WEBINAR, mode="push")
    first = results(web.post(page_url(source), data=data))
    again = results(web.post(page_url(source), data=data))  # the same form posted twice
    assert "Saved as version 3. Pushed: Floqer accepted version 3" in first[0]
    assert "Saved as version 1. Pushed: Floqer accepted version 1" in first[1]
    assert all("Already holds this mapping" in line and "Pushed" in line for line in again)
    assert pushes(app) - before == 2
    assert [v["version"] for v in versions(app, contacts)] == [1, 2, 3]
    webinar = config_of_step(app, "Upsert attendee as Lead")
    assert webinar is not None
    assert webinar["version"] == 1
    outcomes = all_rows(app, "SELECT outcome FROM pushes")
    assert [row["outcome"] for row in outcomes] == ["pushed", "pushed"]
    with app.sandbox_api() as api:
        held = sandbox_values(api, web, contacts)
    assert held["salesforce_object"] == "Contact"
    assert [(f["name"], f["value"]) for f in held["add_fields_and_their_values"]] == SOURCE[3]


def sandbox_values(api: httpx.Client, web: httpx.Client, config: int) -> dict[str, Any]:
    return sandbox_step_values(api, web.get(f"/configurations/{config}"))


def add_event_step(web: httpx.Client, connection: int) -> None:
    """Add an upsert step to the Event list cleanup workflow, as its page's button does."""
    page = soup(web.get(workflow_url(web, connection, "Event list cleanup")))
    form = next(f for f in page.find_all("form") if str(f.get("action", "")).endswith("/steps"))
    fields = {str(i["name"]): str(i.get("value", "")) for i in form.find_all("input")}
    assert web.post(str(form["action"]), data=fields).status_code == 303


def test_a_conflict_or_a_refused_push_on_one_step_leaves_the_others_applied(
    app: RunningApp, web: httpx.Client
) -> None:
    source, contacts = setup(web)
    connection = one_row(app, "SELECT connection_id FROM configurations WHERE id = :id", id=source)
    webinar = start_configuration(web, connection["connection_id"], INBOUND)
    refusing = add_connection(web, "floq_sandbox_403", label="Refused")
    switched = web.post(f"/configurations/{webinar}/connection", data={"connection_id": refusing})
    assert switched.status_code == 303
    add_event_step(web, connection["connection_id"])
    data = apply(web, source, MAIN, WEBINAR, "Event list cleanup", mode="push")
    # Meanwhile Contacts is saved again: applying to it now would overwrite that.
    again = form_fields("Contacts", "Contact", "Email", CONTACT_ROWS[:2], version=2)
    assert web.post(f"/configurations/{contacts}/save", data=again).status_code == 303
    said = results(web.post(page_url(source), data=data))
    assert len(said) == 3
    main = next(line for line in said if MAIN in line)
    assert "changed since the page was opened (now version 3)" in main
    refused = next(line for line in said if WEBINAR in line)
    assert "Saved as version 2. Push failed" in refused
    assert "not allowed to open or change this" in refused
    event = next(line for line in said if "Event list cleanup" in line)
    assert "Saved as version 1. Pushed: Floqer accepted version 1" in event
    assert [v["version"] for v in versions(app, contacts)] == [1, 2, 3]  # not overwritten
    assert body_of(app, webinar) == body_of(app, source)
    outcomes = all_rows(app, "SELECT outcome FROM pushes ORDER BY id")
    assert [row["outcome"] for row in outcomes] == ["failed", "pushed"]
    audit = all_rows(app, "SELECT outcome FROM audit_events WHERE action = 'mapping applied'")
    assert sorted(row["outcome"] for row in audit) == ["conflict", "ok", "ok"]
    assert "floq_" not in " ".join(said)


def test_pre_flight_errors_hold_a_step_back_unless_push_anyway_is_ticked(
    app: RunningApp, web: httpx.Client
) -> None:
    source, contacts = setup(web)
    broken = form_fields("Leads", "Lead", "Email", BROKEN_LEAD, version=2)
    assert web.post(f"/configurations/{source}/save", data=broken).status_code == 303
    page = soup(web.get(page_url(source)))
    assert "Error" in step_block(page, MAIN)
    held = results(web.post(page_url(source), data=apply(web, source, MAIN, mode="push")))
    assert "Held back: the pre-flight check found" in held[0]
    assert [v["version"] for v in versions(app, contacts)] == [1, 2]
    anyway = apply(web, source, MAIN, mode="push", push_anyway="1")
    pushed = results(web.post(page_url(source), data=anyway))
    assert "Saved as version 3." in pushed[0]
    assert [v["version"] for v in versions(app, contacts)] == [1, 2, 3]


def test_a_viewer_can_neither_see_nor_use_the_page(app: RunningApp, web: httpx.Client) -> None:
    source, contacts = setup(web)
    data = apply(web, source, MAIN)
    app.add_user("viewer@acme.example", "viewer", VIEWER_TOKEN)
    with app.signed_in(VIEWER_TOKEN) as viewer:
        page = viewer.get(f"/configurations/{source}")
        listing = viewer.get(page_url(source))
        refused = viewer.post(page_url(source), data=data)
    assert soup(page).find("a", href=page_url(source)) is None
    assert listing.status_code == 403
    assert "it needs editor" in text_of(listing)
    assert refused.status_code == 403
    assert [v["version"] for v in versions(app, contacts)] == [1, 2]


def test_ticking_nothing_says_so_and_saves_nothing(app: RunningApp, web: httpx.Client) -> None:
    source, contacts = setup(web)
    data = apply(web, source, MAIN)
    data["step"] = []
    answer = web.post(page_url(source), data=data)
    assert answer.status_code == 422
    assert "Tick at least one step" in text_of(answer)
    assert [v["version"] for v in versions(app, contacts)] == [1, 2]


def more_workflows(method: str, path: str, answer: Any) -> Any:
    """The sandbox's workflow list with 20 more workflows after its own (Floqer has none of
    them: opening one answers 404, as a workflow deleted meanwhile does)."""
    if method == "GET" and path.rstrip("/") == "/api/v1/workflows":
        extra = [{"workflow_id": f"wf-extra-{n}", "name": f"Extra {n}"} for n in range(20)]
        return {**answer, "data": answer["data"] + extra}
    return answer


def test_an_org_with_more_workflows_than_are_read_is_told_so(
    start_app: AppFactory, start_sandbox: SandboxFactory, doubles: list[FloqerDouble]
) -> None:
    floqer = FloqerDouble(start_sandbox(), lambda m, p: "reshape", reshape=more_workflows)
    doubles.append(floqer.start())
    app = start_app(floqer_base_url=floqer.url)
    with app.signed_in() as web:
        source, _ = setup(web)
        page = web.get(page_url(source))
    assert "more workflows than the first 10 read here" in text_of(page)
    assert len(choices(soup(page))) == 2  # the steps of the workflows read are listed
    opened = {
        p for m, p, _ in floqer.seen if m == "GET" and p.startswith("/api/v1/workflows/wf-extra-")
    }
    assert len(opened) == 7  # 10 read: the sandbox's 3 and 7 of the others, no more


def test_a_step_that_is_gone_is_named_and_the_others_still_applied(
    app: RunningApp, web: httpx.Client
) -> None:
    source, contacts = setup(web)
    data = apply(web, source, MAIN, WEBINAR)
    data["step"] = ["step:wf-gone/sheet-gone/step-gone", *data["step"]]
    said = results(web.post(page_url(source), data=data))
    assert said[0].startswith("Failed Step step-gone on sheet sheet-gone of workflow wf-gone")
    assert "Not applied: Floqer has no" in said[0]
    assert "Saved as version 3." in said[1]
    assert "Saved as version 1." in said[2]
    assert [v["version"] for v in versions(app, contacts)] == [1, 2, 3]
