"""The hostile org and workspace walked end to end, with a watch on what the browser does.

test_hostile.py checks that the payloads of the hostile org read as text on the way to a
push. These tests walk further (a payload connection label and user email, a 400 that echoes
payload field names, a pull whose differences are payloads, the preview, the audit log and
the users page) with three watchers on the page: no dialog may open, no request may leave
the app's origin, and the browser may report no Content-Security-Policy violation; the same
walk then checks the security headers of every document and htmx fragment it was answered
(one walk for both: it is the longest of the suite). The second test proves the policy really
refuses inline script, so the first means something.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
from bs4 import Tag
from playwright.sync_api import ConsoleMessage, Dialog, Page, Request, Response, expect

from tests.app.flows import soup
from tests.browser.conftest import (
    ConsoleWatch,
    add_row,
    choose_object,
    external_id,
    field_inputs,
    field_rows,
    fields_loaded_for,
    fill_rows,
    push_anyway,
    sandbox_inputs,
    snapshot,
    step_path,
    value_inputs,
)
from tests.conftest import TEST_PASSWORD, AppFactory, RunningApp
from tests.support import TLS
from webapp.sandbox.floqer.seed import HOSTILE_NAMES
from webapp.sandbox.sfdc.orgs.hostile import PAYLOADS

pytestmark = pytest.mark.browser

WORKFLOW = HOSTILE_NAMES["workflow"]
SHEET = HOSTILE_NAMES["sheet"]
STEP = HOSTILE_NAMES["step"]

IMG = PAYLOADS[1]  # "><img src=x onerror=alert(1)>
SVG = PAYLOADS[2]  # '><svg/onload=alert(2)>
TEMPLATE = PAYLOADS[5]  # {{7*7}}
TEXTAREA = PAYLOADS[9]  # </textarea><script>alert(4)</script>
STYLE = PAYLOADS[17]  # <style>body{display:none}</style>
DATA_URL = PAYLOADS[19]  # data:text/html,<script>alert(5)</script>

EVIL_OBJECT = 'Evil_"><img src=x onerror=alert(1)>__c'
TEMPLATE_OBJECT = "Tpl_{{7*7}}__c"
EVIL_KEY = 'Evil_"><svg onload=alert(7)>__c'
SCRIPT_FIELD = 'Xss_<script>alert("xss-label")</script>__c'
TEMPLATE_FIELD = "Xss_{{7*7}}__c"
PICKLIST_FIELD = "Payload_Values__c"  # a picklist whose values are every payload

# Payloads this walk types in itself.
CONNECTION_LABEL = "<img src=x onerror=alert('connection')> {{7*7}}"
CONFIG_NAME = "</title><script>alert('title')</script> \"><svg onload=alert('name')> {{7*7}}"
EVIL_EMAIL = "\"><img/src=x/onerror=alert('user')>@evil.example"
EVIL_ACTOR = "<svg/onload=alert('actor')>{{7*7}}@evil.example"  # a failed sign-in's email

# What a template engine would make of the payloads above: none of it may ever show.
EVALUATED = [
    text.replace("{{7*7}}", "49")
    for text in (TEMPLATE_OBJECT, TEMPLATE_FIELD, CONNECTION_LABEL, CONFIG_NAME, EVIL_ACTOR)
]

# The app's only scripts (under their content-hashed names); anything else that could run or
# load was smuggled in by a payload.
APP_SCRIPTS = [
    "/static/vendor/htmx-2.0.11.min.js",
    "/static/app.js",
    "/static/rows.js",
    "/static/finder.js",
]
HASHED = re.compile(r"\.[0-9a-f]{12}(?=\.js$)")
INJECTED = ", ".join(
    (
        "script:not([src])",
        "img",
        "svg",
        "iframe",
        "frame",
        "object",
        "embed",
        "body style",
        "body link",
        "body meta",
        "base",
        "[onerror]",
        "[onload]",
        "[onclick]",
        "[onfocus]",
        "[href^='javascript:' i]",
        "[href^='data:' i]",
        "[src^='data:' i]",
        "[href*='evil.example']",
    )
)


# The README's other promises for every page and fragment.
HARDENING = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


@dataclass
class Watch:
    """Everything the browser did during a walk that the app's own pages never cause."""

    origin: str
    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    policy_reports: list[str] = field(default_factory=list)
    answers: list[Response] = field(default_factory=list)  # the app's documents and fragments

    def attach(self, page: Page) -> None:
        page.on("dialog", self.on_dialog)
        page.on("request", self.on_request)
        page.on("response", self.on_response)
        page.on("console", self.on_console)
        page.on("popup", lambda popup: self.foreign.append(f"popup {popup.url}"))

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_request(self, request: Request) -> None:
        if not request.url.startswith(self.origin + "/"):
            self.foreign.append(f"{request.method} {request.url} ({request.resource_type})")

    def on_response(self, response: Response) -> None:
        if not response.url.startswith(self.origin + "/"):
            return
        request = response.request
        if request.resource_type == "document" or request.headers.get("hx-request") == "true":
            self.answers.append(response)

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.policy_reports.append(f"{message.type}: {message.text}")

    def clean(self, stage: str) -> None:
        assert self.dialogs == [], f"{stage}: a payload opened a dialog: {self.dialogs}"
        assert self.foreign == [], f"{stage}: a request left the app: {self.foreign}"
        assert self.policy_reports == [], f"{stage}: CSP violations: {self.policy_reports}"


Check = Callable[[Page, str], None]


def inert(watch: Watch) -> Check:
    """Each stage: nothing ran, nothing was injected, no template was evaluated."""

    def check(page: Page, stage: str) -> None:
        scripts = page.locator("script")
        expect(scripts).to_have_count(len(APP_SCRIPTS))
        sources = scripts.evaluate_all("all => all.map(s => s.getAttribute('src'))")
        assert [HASHED.sub("", s) for s in sources] == APP_SCRIPTS, f"{stage}: scripts {sources}"
        assert all(HASHED.search(s) for s in sources), f"{stage}: scripts {sources}"
        expect(page.locator(INJECTED)).to_have_count(0)
        evaluated = re.compile("|".join(re.escape(text) for text in EVALUATED))
        expect(page.locator("html")).not_to_contain_text(evaluated)
        watch.clean(stage)

    return check


def walk(page: Page, app: RunningApp, watch: Watch, check: Check) -> None:
    """Home, connections, workflows, the workflow, its configuration (objects, rows, save,
    a push Floqer refuses, a push it takes, a pull with differences), audit log, users."""
    with app.signed_in() as web:  # a user whose email is a payload, for the admin pages
        added = web.post(
            "/users", data={"email": EVIL_EMAIL, "role": "viewer", "password": TEST_PASSWORD}
        )
        assert added.status_code == 303, added.text
    with httpx.Client(base_url=app.url, verify=TLS) as stranger:  # and an audit actor who is one
        form = soup(stranger.get("/login")).find("input", attrs={"name": "csrf_token"})
        assert isinstance(form, Tag)
        fields = {"csrf_token": str(form["value"]), "email": EVIL_ACTOR, "password": "x" * 12}
        refused = stranger.post("/login", data={**fields, "next": "/"})
        assert refused.status_code == 401, refused.text
    watch.attach(page)
    nav = page.get_by_role("navigation", name="Main")

    page.goto(f"{app.url}/")
    expect(page.get_by_role("heading", name="Saved configurations", level=1)).to_be_visible()
    check(page, "home")

    nav.get_by_role("link", name="Connections").click()
    expect(page.get_by_role("heading", name="Floqer connections", level=1)).to_be_visible()
    page.get_by_label("Label").fill(CONNECTION_LABEL)
    page.get_by_label("Floqer API key").fill("floq_browser_hostile")
    check(page, "connections")
    page.get_by_role("button", name="Check and add connection").click()

    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_have_text(f"Connections › {CONNECTION_LABEL}")
    expect(page.get_by_role("link", name=WORKFLOW, exact=True)).to_be_visible()
    check(page, "workflows")
    page.get_by_role("link", name=WORKFLOW, exact=True).click()

    expect(page.get_by_role("heading", name=WORKFLOW, exact=True, level=1)).to_be_visible()
    expect(page).to_have_title(re.compile("^" + re.escape(WORKFLOW)))
    expect(page.get_by_role("heading", name=SHEET, exact=False, level=2).first).to_be_visible()
    expect(page.get_by_text(STEP, exact=True)).to_be_visible()
    check(page, "workflow")
    main_sheet = page.get_by_role("region").filter(has_text="main sheet")
    main_sheet.get_by_role("button", name="Configure this step").click()

    # The object picker: a datalist whose options are named and labelled by payloads.
    expect(page.get_by_text(f"{WORKFLOW} › {SHEET} › {STEP}")).to_be_visible()
    objects = page.locator("#sf-objects option")
    expect(objects).to_have_count(6)
    values = objects.evaluate_all("all => all.map(o => o.value)")
    labels = objects.evaluate_all("all => all.map(o => o.textContent)")
    assert {EVIL_OBJECT, TEMPLATE_OBJECT, "Account"} <= set(values), values
    assert labels == [IMG, "Account", "Contact", "Lead", TEMPLATE, PAYLOADS[13]], labels
    check(page, "object picker")

    choose_object(page, EVIL_OBJECT)
    expect(page.locator("#fields-help")).to_contain_text(f"Each row sets one {EVIL_OBJECT} field")
    key = external_id(page).get_by_role("option", name="Tpl_{{ config.items() }}__c")
    expect(key).to_have_text("{{ config.items() }} (Tpl_{{ config.items() }}__c)")
    external_id(page).select_option("Tpl_{{ config.items() }}__c")
    fill_rows(page, [("Name", IMG)])
    check(page, "hostile custom object")
    # Saved, the object's name goes into the URL the page loads its fields from.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Saved as version \d+\.$"))).to_be_visible()
    fields_loaded_for(page, EVIL_OBJECT)
    expect(external_id(page)).to_have_value("Tpl_{{ config.items() }}__c")
    expect(value_inputs(page).first).to_have_value(IMG)
    check(page, "hostile custom object saved")

    choose_object(page, TEMPLATE_OBJECT)  # fields_loaded_for: "{{7*7}}" is shown as is
    check(page, "template custom object")

    choose_object(page, "Account")
    guide = "JSON.parse(document.getElementById('field-guide').content.textContent)"
    names = page.evaluate(f"{guide}.fields.map(f => f.name)")
    assert {SCRIPT_FIELD, TEMPLATE_FIELD, EVIL_KEY} <= set(names), names
    external_id(page).select_option(EVIL_KEY)
    expect(external_id(page)).to_have_value(EVIL_KEY)
    fill_rows(page, [(IMG, TEMPLATE), (TEXTAREA, IMG), ("Name", TEXTAREA)])
    add_row(page)  # an extra row, removed again
    field_rows(page).last.get_by_role("button", name="Remove").click()
    expect(field_rows(page)).to_have_count(3)
    page.get_by_label("Configuration name").fill(CONFIG_NAME)
    check(page, "rows filled")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text(re.compile(r"^Saved as version \d+\.$"))).to_be_visible()
    expect(page.get_by_role("heading", name=CONFIG_NAME, exact=True, level=1)).to_be_visible()
    expect(page).to_have_title(re.compile("^" + re.escape(CONFIG_NAME)))
    fields_loaded_for(page, "Account")
    expect(field_inputs(page)).to_have_count(3)
    for i, (name, value) in enumerate([(IMG, TEMPLATE), (TEXTAREA, IMG), ("Name", TEXTAREA)]):
        expect(field_inputs(page).nth(i)).to_have_value(name)
        expect(value_inputs(page).nth(i)).to_have_value(value)
    saved = json.loads(page.get_by_label("Request body").inner_text())
    assert saved["inputs"]["add_fields_and_their_values"][0] == {"name": IMG, "value": TEMPLATE}
    check(page, "saved")

    # The pre-flight check names the problems, payloads shown as text; pushed anyway, Floqer
    # refuses two field names and a reference: its 400 echoes the payloads.
    expect(page.get_by_role("region", name="Ready to push?")).to_contain_text(IMG)
    check(page, "pre-flight problems")
    push_anyway(page)
    expect(page.get_by_text("Push failed")).to_be_visible()
    expect(page.locator("#push-result")).to_contain_text("Floqer answered 400")
    fields_loaded_for(page, "Account")
    rows = field_rows(page)
    expect(rows.nth(0).get_by_role("alert").first).to_be_visible()
    expect(rows.nth(0)).to_contain_text(f"Account has no field '{IMG}'")
    expect(rows.nth(0)).to_contain_text(f"{TEMPLATE} is not a reference Floqer understands")
    expect(rows.nth(1)).to_contain_text(f"Account has no field '{TEXTAREA}'")
    check(page, "push refused")
    snapshot(page, "security-hostile-push-refused")

    # Fields of the hostile Account named or valued by payloads: Floqer takes these.
    field_inputs(page).nth(0).fill(SCRIPT_FIELD)
    value_inputs(page).nth(0).fill(f"{STYLE} {{{{input.email}}}}")
    field_inputs(page).nth(1).fill(PICKLIST_FIELD)
    push_anyway(page)  # the External ID field is mapped by no row: the check holds it back
    expect(page.get_by_text("Pushed to Floqer")).to_be_visible()
    fields_loaded_for(page, "Account")
    expect(field_inputs(page).nth(0)).to_have_value(SCRIPT_FIELD)
    check(page, "pushed")

    # The preview: the JSON body and the curl command hold the payloads as text.
    preview = page.get_by_role("region", name="What a push sends")
    body = json.loads(page.get_by_label("Request body").inner_text())
    assert body["inputs"]["salesforce_external_id_field"] == EVIL_KEY, body
    items = body["inputs"]["add_fields_and_their_values"]
    assert [(i["name"], i["value"]) for i in items] == [
        (SCRIPT_FIELD, f"{STYLE} {{{{input.email}}}}"),
        (PICKLIST_FIELD, IMG),
        ("Name", TEXTAREA),
    ], items
    expect(preview).to_contain_text(json.dumps(SCRIPT_FIELD, ensure_ascii=False))
    curl = page.locator("#curl-command")
    expect(curl).to_contain_text(f"{STYLE} {{{{input.email}}}}")
    expect(curl).to_contain_text(TEXTAREA)
    expect(curl).to_contain_text("<img src=x onerror=alert(1)>")
    check(page, "preview")

    # Someone changes two values in Floqer; the pull's differences are payloads both sides.
    path = step_path(page)
    inputs = sandbox_inputs(app, path)
    changed = [dict(item) for item in inputs["add_fields_and_their_values"]]
    changed[1]["value"], changed[2]["value"] = SVG, DATA_URL
    with app.sandbox_api() as api:
        answer = api.patch(path, json={"inputs": {"add_fields_and_their_values": changed}})
    assert answer.status_code == 200, answer.text
    page.get_by_role("button", name="Pull from Floqer").click()
    differences = page.get_by_role("table").filter(has_text="difference(s)")
    expect(differences).to_be_visible()
    expect(differences.get_by_role("cell", name=IMG, exact=True)).to_be_visible()
    expect(differences.get_by_role("cell", name=SVG, exact=True)).to_be_visible()
    expect(differences.get_by_role("cell", name=TEXTAREA, exact=True)).to_be_visible()
    expect(differences.get_by_role("cell", name=DATA_URL, exact=True)).to_be_visible()
    check(page, "pulled")
    snapshot(page, "security-hostile-pulled")

    # The audit log names the payload connection, configuration and user as text.
    nav.get_by_role("link", name="Audit log").click()
    log = page.get_by_role("table", name="Audit events")
    expect(log.get_by_role("cell", name=CONFIG_NAME, exact=True).first).to_be_visible()
    expect(log.get_by_role("cell", name=CONNECTION_LABEL, exact=True)).to_be_visible()
    expect(log.get_by_role("cell", name=EVIL_EMAIL, exact=True)).to_be_visible()
    failed_login = log.get_by_role("row").filter(has_text="failed login")
    expect(failed_login.get_by_role("cell", name=EVIL_ACTOR, exact=True)).to_be_visible()
    check(page, "audit log")

    nav.get_by_role("link", name="Users").click()
    users = page.get_by_role("table", name="Users")
    expect(users.get_by_role("cell", name=EVIL_EMAIL, exact=True)).to_be_visible()
    expect(page.get_by_label(f"Role of {EVIL_EMAIL}")).to_have_value("viewer")
    check(page, "users")

    nav.get_by_role("link", name="Configurations").click()
    expect(page.get_by_role("link", name=CONFIG_NAME, exact=True)).to_be_visible()
    expect(page.get_by_text(f"{WORKFLOW} › {SHEET} › {STEP}")).to_be_visible()
    check(page, "home again")


def test_the_hostile_walk_runs_and_loads_no_payload_and_every_answer_carries_the_strict_policy(
    page: Page, start_app: AppFactory
) -> None:
    app = start_app(sandbox={"org": "hostile"})
    watch = Watch(app.url)
    walk(page, app, watch, inert(watch))
    watch.clean("end")
    # The same walk (one walk for both: it is the longest of the suite) checked for headers.
    strict_policy_everywhere(app, watch)


def strict_policy_everywhere(app: RunningApp, watch: Watch) -> None:
    """Every document and htmx fragment of the walk carried the strict policy and the other
    hardening headers, and the walk reached every kind of page and fragment it is meant to."""
    answered: dict[str, set[str]] = {"document": set(), "fragment": set()}
    problems = []
    for response in watch.answers:
        kind = "document" if response.request.resource_type == "document" else "fragment"
        where = f"{kind} {response.request.method} {response.url} ({response.status})"
        answered[kind].add(re.sub(r"/\d+(?=[/?#]|$)", "/N", response.url.removeprefix(app.url)))
        policy = response.all_headers().get("content-security-policy")
        if policy is None:
            problems.append(f"{where}: no Content-Security-Policy")
            continue
        for wanted in ("default-src 'self'", "frame-ancestors 'none'"):
            if wanted not in policy:
                problems.append(f"{where}: no {wanted} in {policy}")
        for unwanted in ("'unsafe-inline'", "'unsafe-eval'"):
            if unwanted in policy:
                problems.append(f"{where}: {unwanted} in {policy}")
        headers = response.all_headers()
        for name, wanted in HARDENING.items():
            if headers.get(name) != wanted:
                problems.append(f"{where}: {name} is {headers.get(name)!r}, not {wanted!r}")
    assert problems == [], "\n".join(problems)

    # The walk did reach every kind of page and fragment it is meant to cover.
    documents, fragments = answered["document"], answered["fragment"]
    for page_path in ("/", "/connections", "/connections/N/workflows", "/audit", "/users"):
        # (with or without a notice: adding a connection leads to its workflows with one)
        assert page_path in {d.split("?")[0] for d in documents}, sorted(documents)
    assert any(p.startswith("/configurations/N?notice=saved-v") for p in documents), documents
    assert any(p.startswith("/connections/N/workflows/") for p in documents), documents
    for piece in ("/fragments/objects", "/fragments/object-fields", "/fragments/field-row"):
        assert any(piece in p for p in fragments), sorted(fragments)
    assert "/fragments/empty" in fragments, sorted(fragments)
    assert "/configurations/N/pull" in fragments, sorted(fragments)


def test_the_policy_refuses_inline_code_and_foreign_loads_and_htmx_cannot_eval(
    page: Page, start_app: AppFactory, console: ConsoleWatch
) -> None:
    """The control for the tests above: markup that did get into the page would not run."""
    app = start_app(sandbox={"org": "hostile"})
    watch = Watch(app.url)
    watch.attach(page)
    page.goto(f"{app.url}/connections")
    expect(page.get_by_role("heading", name="Floqer connections", level=1)).to_be_visible()

    config = json.loads(page.locator('meta[name="htmx-config"]').get_attribute("content") or "")
    for setting, wanted in (("allowEval", False), ("allowScriptTags", False)):
        assert config[setting] is wanted, config
    assert config["selfRequestsOnly"] is True, config

    # Chromium reports each refusal as a console error: expected here, and only here.
    console.expect(
        r"^Executing inline script violates the following Content Security Policy",
        r"^Executing inline event handler violates the following Content Security Policy",
        r"^Refused to execute inline script because it violates .*Content Security Policy",
        r"^Refused to execute inline event handler because it violates .*Content Security",
        r"^Failed to load resource: the server responded with a status of 404 .*/x\)$",
        r"^Loading the image 'https://evil\.example/x\.png' violates the following Content Sec",
        r"^Refused to load the image 'https://evil\.example/x\.png' because it violates",
    )

    def refusal(message: ConsoleMessage) -> bool:
        return "Content Security Policy" in message.text

    with page.expect_console_message(refusal):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.__ran = 'script'";
                document.body.append(script);
            }"""
        )
    with page.expect_console_message(refusal):
        page.evaluate(
            """() => {
                const img = document.createElement("img");
                img.setAttribute("onerror", "window.__ran = 'handler'");
                img.setAttribute("src", "x");
                document.body.append(img);
            }"""
        )
    assert len(watch.policy_reports) == 2, watch.policy_reports
    assert page.evaluate("() => window.__ran === undefined"), "inline code ran despite the CSP"
    assert watch.dialogs == [], watch.dialogs
    assert watch.foreign == [], watch.foreign

    # A foreign image: the policy stops it before it leaves, and the request watch sees it.
    with page.expect_event("requestfailed") as failed, page.expect_console_message(refusal):
        page.evaluate(
            """() => {
                const img = document.createElement("img");
                img.src = "https://evil.example/x.png";
                document.body.append(img);
            }"""
        )
    assert failed.value.url == "https://evil.example/x.png"
    assert failed.value.failure == "csp"
    assert watch.foreign == ["GET https://evil.example/x.png (image)"], watch.foreign
