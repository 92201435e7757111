"""Each rule of the pre-flight check in the browser, on the sandbox's default org: a
configuration saved with the field that triggers it (webapp/sandbox/sfdc/orgs/default.py
lists them), opened, names its problem in "Ready to push?" and on its row; an error holds
"Push to Floqer" back, a warning leaves it enabled and counted on it.

One app, sandbox and connection and one browser tab for the module keep the file fast; each
test adds its own step and configuration and opens it in the tab, and nothing changes the org
but the drift test, which starts an app of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.app.flows import add_connection, configuration_id, form_fields
from tests.browser.conftest import ConsoleWatch, field_rows, shared_page
from tests.conftest import AppFactory, RunningApp
from tests.support import TLS, Servers, launch_app
from tests.unit.test_preflight_default_org import emitted_codes
from webapp.sandbox.floqer.seed import stable_id
from webapp.sandbox.sfdc.ids import make_id
from webapp.sandbox.sfdc.orgs.default import MARCUS_ID

pytestmark = pytest.mark.browser

ACCOUNT = (("Domain__c", "{{input.domain}}"), ("Name", "{{input.company_name}}"))
LEAD = (
    ("Floqer_Id__c", "{{input.email}}"),
    ("LastName", "{{input.last_name}}"),
    ("Company", "{{input.company_name}}"),
)
# Every Account configuration matches on Domain__c, which is not unique: one warning more.
NOT_UNIQUE = 1
KEYS = itertools.count(1)
INBOUND_ID = stable_id("inbound")  # "Inbound leads → Salesforce"
ENRICH_ID = stable_id("inbound", "main", "Enrich company")  # its first step


@dataclass(frozen=True)
class Rule:
    """A configuration of the default org that trips one rule, and what the page says of it."""

    code: str
    rows: tuple[tuple[str, str], ...]
    says: tuple[str, ...]  # words of the message: plain language and the field's name
    row: int | None = None  # the row that shows it too; None for the whole form
    warnings: int = 0  # a warning: how many the push button counts (0 for an error)
    obj: str = "Account"
    key: str = "Domain__c"
    toggles: dict[str, bool] = field(default_factory=dict)


RULES = [
    Rule("no_object", ACCOUNT, ("Choose the Salesforce object to upsert into",), obj="", key=""),
    Rule("unknown_object", LEAD, ("has no object", "Leads"), obj="Leads", key="Floqer_Id__c"),
    Rule(
        "no_external_id",
        (("Subject", "{{input.company_name}}"),),
        ("Choose the External ID field Salesforce matches records on",),
        obj="Case",
        key="",
    ),
    Rule(
        "not_external_id",
        (*ACCOUNT, ("Website", "https://{{input.domain}}")),
        ("is not an External ID field of Account", "Website"),
        key="Website",
    ),
    Rule(
        "external_id_not_unique",
        ACCOUNT,
        ("Domain (Domain__c)", "is not unique in Salesforce"),
        warnings=NOT_UNIQUE,
    ),
    Rule(
        "external_id_not_mapped",
        (("Name", "{{input.company_name}}"),),
        ("No row maps the External ID field", "Domain (Domain__c)"),
    ),
    Rule(
        "required_missing",
        (("Domain__c", "{{input.domain}}"),),
        ("Salesforce needs a value for", "Account Name (Name)"),
    ),
    Rule(
        "no_field",
        (*ACCOUNT, ("", "{{input.domain}}")),
        ("Choose the Salesforce field this row sets",),
        row=2,
    ),
    Rule(
        "unknown_field",
        (*ACCOUNT, ("Employees", "{{input.employee_count}}")),
        ("is the label; the API name is", "NumberOfEmployees"),
        row=2,
    ),
    Rule(
        "duplicate_field",
        (*ACCOUNT, ("Name", "{{input.domain}}")),
        ("Account Name (Name)", "is already mapped on row 2"),
        row=2,
    ),
    Rule(
        "read_only",
        (*ACCOUNT, ("Health_Score__c", "80")),
        ("Health Score (Health_Score__c)", "is a formula field"),
        row=2,
    ),
    Rule(
        "insert_only",
        (
            ("Event_Id__c", "{{input.email}}"),
            ("Name", "{{input.company_name}}"),
            ("Subscription__c", make_id("a0B", 1)),
        ),
        ("Subscription (Subscription__c)", "can only be set on new records"),
        row=2,
        warnings=1,
        obj="Product_Usage_Event__c",
        key="Event_Id__c",
    ),
    Rule(
        "update_only",
        (*ACCOUNT, ("IsPartner", "true")),
        ("Partner Account (IsPartner)", "can only be changed on existing records"),
        row=2,
        warnings=NOT_UNIQUE + 1,
    ),
    Rule(
        "not_a_number",
        (*ACCOUNT, ("NumberOfEmployees", "lots")),
        ("Employees (NumberOfEmployees)", "takes a whole number"),
        row=2,
    ),
    Rule(
        "number_out_of_range",
        (*ACCOUNT, ("ARR__c", "12345678901234567")),
        ("ARR (ARR__c)", "holds at most 14 digits before the decimal point"),
        row=2,
    ),
    Rule(
        "not_a_boolean",
        (*ACCOUNT, ("IsPriorityRecord", "yes")),
        ("Important (IsPriorityRecord)", "Salesforce takes true or false"),
        row=2,
    ),
    Rule(
        "not_a_date",
        (*ACCOUNT, ("Customer_Since__c", "31/12/2024")),
        ("Customer Since (Customer_Since__c)", "is a date: write it as yyyy-MM-dd"),
        row=2,
    ),
    Rule(
        "not_a_datetime",
        (*ACCOUNT, ("Last_Enriched__c", "2024-12-31 09:30")),
        ("Last Enriched (Last_Enriched__c)", "is a date and time"),
        row=2,
    ),
    Rule(
        "not_an_email",
        (*ACCOUNT, ("Billing_Email__c", "billing at acme")),
        ("Billing Email (Billing_Email__c)", "takes an email address"),
        row=2,
    ),
    Rule(
        "not_an_id",
        (*ACCOUNT, ("ParentId", "Initech")),
        ("Parent Account ID (ParentId)", "takes a Salesforce record id"),
        row=2,
    ),
    Rule(
        "not_in_picklist",
        (*ACCOUNT, ("Tier__c", "Tier 4")),
        ("Tier (Tier__c)", "only takes Tier 1; Tier 2; Tier 3"),
        row=2,
    ),
    Rule(
        "new_picklist_value",
        (*ACCOUNT, ("Technologies__c", "AWS;Databricks")),
        ("“Databricks” is not one of the values of", "Technologies (Technologies__c)"),
        row=2,
        warnings=NOT_UNIQUE + 1,
    ),
    Rule(
        "too_long",
        (*ACCOUNT, ("Sic", "7372-software-publishers")),
        ("SIC Code (Sic)", "holds at most 20 characters"),
        row=2,
    ),
    Rule(
        "clears_required",
        (("Domain__c", "{{input.domain}}"), ("Name", "")),
        ("Account Name (Name)", "cannot be empty in Salesforce"),
        row=1,
        toggles={"ignore_empty_values": False},
    ),
    Rule(
        "empty_clears",
        (*ACCOUNT, ("Website", "https://{{input.domain}}")),
        ("Website", "is cleared in Salesforce on every row where this value comes out empty"),
        row=2,
        warnings=NOT_UNIQUE + 1,
        toggles={"ignore_empty_values": False},
    ),
    Rule(
        "owner_overridden",
        (*LEAD, ("OwnerId", MARCUS_ID)),
        ("the Lead assignment rules may replace the owner this row sets",),
        row=3,
        warnings=1,
        obj="Lead",
        key="Floqer_Id__c",
    ),
    Rule(
        "unknown_reference",
        (*ACCOUNT, ("Website", "https://{{input.domian}}")),
        ("{{input.domian}}", "is not an input column of this sheet"),
        row=2,
    ),
    Rule(
        "unclosed_reference",
        (*ACCOUNT, ("Website", "https://{{input.domain")),
        ("A reference here is not closed",),
        row=2,
    ),
]


@dataclass(frozen=True)
class Shared:
    app: RunningApp
    connection: int


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """One app, sandbox and connection for the module's tests, which never change the org
    (the connection's options stay cached: each test pays for its own step and page only).
    The sandbox's rate limit is raised for the one key all of them use."""
    servers = Servers()
    sandbox = servers.sandbox(rate_limit_per_minute=100_000)
    data_dir = tmp_path_factory.mktemp("rules-app")
    app = launch_app(servers, data_dir, f"{sandbox}/api/v1", sandbox_url=sandbox)
    with app.signed_in() as web:
        connection = add_connection(web, "floq_rules_0001")
    yield Shared(app, connection)
    servers.stop_all()


@pytest.fixture
def page(module_tab: Page, console: ConsoleWatch, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The module's one tab (a new one costs chromium a renderer process for each test)."""
    with shared_page(module_tab, console, request) as tab:
        yield tab


def saved_configuration(
    app: RunningApp, rule: Rule, *, connection: int | None = None, opened: bool = False
) -> int:
    """A configuration of its own, saved as version 2 with the rule's object, key and rows;
    `opened`: its form's options loaded first, as a browser does, so that the version keeps
    what the org said of its fields."""
    with app.signed_in() as web:
        if connection is None:
            connection = add_connection(web, f"floq_rules_{next(KEYS):04d}")
        config = configure_new_step(web, connection)
        if opened:
            web.get(f"/configurations/{config}/fragments/objects").raise_for_status()
            fields = f"/configurations/{config}/fragments/object-fields"
            web.get(fields, params={"salesforce_object": rule.obj}).raise_for_status()
        form = form_fields("Rules", rule.obj, rule.key, list(rule.rows), **rule.toggles)
        saved = web.post(f"/configurations/{config}/save", data=form)
    assert saved.headers.get("location", "").endswith("notice=saved-v2"), saved.text[:500]
    return config


def configure_new_step(web: httpx.Client, connection: int) -> int:
    """Add an upsert step of its own to the Inbound leads sheet and press "Configure this
    step" on it: a step has one configuration, and every test here needs its own."""
    # The seeded workflow's id is derived from its name; its main sheet's id is the same.
    sheet = f"/connections/{connection}/workflows/{INBOUND_ID}/sheets/{INBOUND_ID}/steps"
    # Right after "Enrich company": the earlier tests' steps then run after this one, so its
    # upstream (the tokens its page offers and checks) stays the same in every test.
    added = web.post(sheet, data={"after": ENRICH_ID})
    step = added.headers["location"].rsplit("#step-", 1)[-1]
    return configuration_id(web.post(f"{sheet}/{step}/configure"))


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_the_page_names_the_rules_problem(page: Page, shared: Shared, rule: Rule) -> None:
    config = saved_configuration(shared.app, rule, connection=shared.connection)
    page.goto(f"{shared.app.url}/configurations/{config}")

    checks = page.get_by_role("region", name="Ready to push?")
    for words in rule.says:
        expect(checks).to_contain_text(words)
    if rule.row is not None:  # under the row of the field it is about
        row = field_rows(page).nth(rule.row)
        expect(row).to_contain_text(rule.says[-1])
        expect(row.get_by_label("Field", exact=True)).to_have_value(rule.rows[rule.row][0])
    if rule.warnings:
        expect(checks).to_contain_text("Nothing Salesforce would refuse on every row")
        plural = "s" if rule.warnings > 1 else ""
        push = page.get_by_role("button", name=f"Push to Floqer · {rule.warnings} warning{plural}")
        expect(push).to_be_enabled()
    else:
        expect(checks).to_contain_text("Salesforce would refuse on every row")
        expect(page.get_by_role("button", name="Push to Floqer", exact=True)).to_be_disabled()


def test_a_field_retyped_since_the_version_was_saved_is_drift(
    page: Page, start_app: AppFactory
) -> None:
    app = start_app(options_cache_seconds=0)  # the org is changed: an app of its own
    rule = Rule("drift", (*ACCOUNT, ("Customer_Since__c", "2024-01-31")), ())
    config = saved_configuration(app, rule, opened=True)
    retyped = httpx.post(
        f"{app.sandbox_url}/_sandbox/objects/Account/fields/Customer_Since__c",
        json={"action": "retype", "type": "string"},
        verify=TLS,
    )
    assert retyped.json()["data"]["field"] == "Customer_Since__c"
    page.goto(f"{app.url}/configurations/{config}")

    checks = page.get_by_role("region", name="Ready to push?")
    message = "Customer Since (Customer_Since__c) changed from date to text in the org"
    expect(checks).to_contain_text(message)
    expect(field_rows(page).nth(2)).to_contain_text(message)
    expect(checks).to_contain_text("Nothing Salesforce would refuse on every row")
    push = page.get_by_role("button", name=f"Push to Floqer · {NOT_UNIQUE + 1} warnings")
    expect(push).to_be_enabled()


def test_every_rule_code_the_check_emits_has_a_browser_case_here() -> None:
    assert {rule.code for rule in RULES} | {"drift"} == emitted_codes()
