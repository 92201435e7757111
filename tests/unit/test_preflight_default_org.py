"""Every rule of the pre-flight check against the sandbox's default org, by its real metadata:
the field the org's table names (webapp/sandbox/sfdc/orgs/default.py) triggers the rule, and
for a Salesforce error the org refuses the same row, so the check and the sandbox agree."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import cache

import pytest

from webapp.floqer.models import FieldOption
from webapp.preflight import OrgFacts, Problem, Report, check, drift, rules, values
from webapp.preflight.drift import SavedFields, snapshot
from webapp.sandbox.sfdc.ids import make_id
from webapp.sandbox.sfdc.model import Field, OrgSpec, SObject
from webapp.sandbox.sfdc.org import Org, UpsertRequest
from webapp.sandbox.sfdc.orgs.default import MARCUS_ID, build_default_org
from webapp.sandbox.sfdc.setup import custom_field, without_field
from webapp.sandbox.sfdc.values import SalesforceError
from webapp.upsert_form import FieldRow, UpsertConfig

REFERENCES = frozenset({"input.domain", "input.company_name", "input.email"})
# An Account the org does not have yet, so the upsert inserts it.
ACCOUNT = (("Domain__c", "rules-example.com"), ("Name", "Rules Example"))
# A Lead likewise (matched on Floqer_Id__c, which is unique).
LEAD = (("Floqer_Id__c", "lead-rules-1"), ("LastName", "Lovelace"), ("Company", "Engines"))


@dataclass(frozen=True)
class Rule:
    """One rule code, the rows of the default org that trigger it, and what the org says."""

    code: str
    rows: tuple[tuple[str, str], ...]
    named: str | None  # words the message has: the field's API name, or the object's
    refusal: str | None  # Salesforce's code for the same upsert; None: not Salesforce's to say
    obj: str = "Account"
    key: str = "Domain__c"
    ignore_empty: bool = True
    on_row: bool = True  # the problem sits on the last row (else on the form)


RULES = [
    Rule("no_object", ACCOUNT, None, "INVALID_TYPE", obj="", on_row=False),
    Rule("unknown_object", ACCOUNT, "Leads", "INVALID_TYPE", obj="Leads", on_row=False),
    Rule("no_external_id", ACCOUNT, None, "INVALID_FIELD", key="", on_row=False),
    Rule(
        "not_external_id",
        (("Subject", "Printer on fire"), ("Origin", "Web")),
        "Subject",
        "INVALID_FIELD",
        obj="Case",
        key="Subject",
        on_row=False,
    ),
    Rule(
        "external_id_not_unique",
        (("Domain__c", "initech.example"),),
        "Domain__c",
        "MULTIPLE_CHOICES",
        on_row=False,
    ),
    Rule(
        "external_id_not_mapped",
        (("Name", "Rules Example"),),
        "Domain__c",
        "MISSING_EXTERNAL_ID",
        on_row=False,
    ),
    Rule(
        "required_missing",
        (("Domain__c", "rules-example.com"),),
        "Name",
        "REQUIRED_FIELD_MISSING",
        on_row=False,
    ),
    Rule(
        "required_missing",
        (("Event_Id__c", "EVT-RULES-1"), ("Name", "Login - Ada")),
        "Subscription__c",
        "REQUIRED_FIELD_MISSING",
        obj="Product_Usage_Event__c",
        key="Event_Id__c",
        on_row=False,
    ),
    Rule("no_field", (*ACCOUNT, ("", "x")), None, "INVALID_FIELD"),
    Rule("unknown_field", (*ACCOUNT, ("Employees", "12")), "NumberOfEmployees", "INVALID_FIELD"),
    Rule("duplicate_field", (*ACCOUNT, ("Name", "Again")), "Name", "JSON_PARSER_ERROR"),
    Rule(
        "read_only",
        (*ACCOUNT, ("Health_Score__c", "80")),
        "Health_Score__c",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
    ),
    Rule(
        "read_only",
        (*LEAD, ("Lead_Grade__c", "A")),
        "Lead_Grade__c",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        obj="Lead",
        key="Floqer_Id__c",
    ),
    Rule(
        "read_only",
        (*ACCOUNT, ("Account_Key__c", "AK-1")),
        "Account_Key__c",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
    ),
    Rule(
        "read_only",
        (*ACCOUNT, ("CreatedDate", "2024-01-01T00:00:00Z")),
        "CreatedDate",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
    ),
    Rule(
        "read_only",
        (*ACCOUNT, ("BillingAddress", "1 Main St")),
        "BillingAddress",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
    ),
    Rule(
        "insert_only",
        # EVT-000001 exists: the upsert updates it, and Subscription__c cannot change.
        (("Event_Id__c", "EVT-000001"), ("Subscription__c", make_id("a0B", 2))),
        "Subscription__c",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        obj="Product_Usage_Event__c",
        key="Event_Id__c",
    ),
    Rule(
        "update_only",
        (*ACCOUNT, ("IsPartner", "true")),
        "IsPartner",
        "INVALID_FIELD_FOR_INSERT_UPDATE",
    ),
    Rule(
        "not_a_number",
        (*ACCOUNT, ("NumberOfEmployees", "lots")),
        "NumberOfEmployees",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
    ),
    Rule(
        "not_a_number",
        (*LEAD, ("Lead_Score__c", "high")),
        "Lead_Score__c",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        obj="Lead",
        key="Floqer_Id__c",
    ),
    Rule(
        "not_a_number",
        (*ACCOUNT, ("ARR__c", "$1,200")),
        "ARR__c",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
    ),
    Rule(
        "not_a_number",
        (
            ("External_Deal_Id__c", "deal-rules-1"),
            ("Name", "Rules deal"),
            ("StageName", "Prospecting"),
            ("CloseDate", "2027-01-31"),
            ("Probability", "50%"),
        ),
        "Probability",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        obj="Opportunity",
        key="External_Deal_Id__c",
    ),
    Rule(
        "number_out_of_range",
        (*ACCOUNT, ("NumberOfEmployees", "123456789")),
        "NumberOfEmployees",
        "NUMBER_OUTSIDE_VALID_RANGE",
    ),
    Rule(
        "number_out_of_range",
        (*LEAD, ("Lead_Score__c", "1000")),
        "Lead_Score__c",
        "NUMBER_OUTSIDE_VALID_RANGE",
        obj="Lead",
        key="Floqer_Id__c",
    ),
    Rule(
        "not_a_boolean",
        (*ACCOUNT, ("IsPriorityRecord", "yes")),
        "IsPriorityRecord",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
    ),
    Rule(
        "not_a_date",
        (*ACCOUNT, ("Customer_Since__c", "31/12/2024")),
        "Customer_Since__c",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
    ),
    Rule(
        "not_a_datetime",
        (*ACCOUNT, ("Last_Enriched__c", "2024-12-31")),
        "Last_Enriched__c",
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
    ),
    Rule(
        "not_an_email",
        (*ACCOUNT, ("Billing_Email__c", "billing at acme")),
        "Billing_Email__c",
        "INVALID_EMAIL_ADDRESS",
    ),
    Rule("not_an_id", (*ACCOUNT, ("ParentId", "Initech")), "ParentId", "MALFORMED_ID"),
    Rule(
        "not_in_picklist",
        (*ACCOUNT, ("Tier__c", "Tier 4")),
        "Tier__c",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
    ),
    Rule(
        "not_in_picklist",
        (*LEAD, ("Status", "Hot lead")),
        "Status",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        obj="Lead",
        key="Floqer_Id__c",
    ),
    Rule("new_picklist_value", (*ACCOUNT, ("Industry", "Fintech")), "Industry", None),
    Rule(
        "new_picklist_value",
        (*ACCOUNT, ("Technologies__c", "AWS;Databricks")),
        "Technologies__c",
        None,
    ),
    Rule("too_long", (*ACCOUNT, ("Sic", "7372-software-publishers")), "Sic", "STRING_TOO_LONG"),
    Rule(
        "too_long",
        (*ACCOUNT, ("Technologies__c", "x" * 4100)),
        "Technologies__c",
        "STRING_TOO_LONG",
    ),
    Rule("too_long", (*ACCOUNT, ("Phone", "+1 " + "5" * 40)), "Phone", "STRING_TOO_LONG"),
    Rule("too_long", (*ACCOUNT, ("Website", "https://" + "w" * 250)), "Website", "STRING_TOO_LONG"),
    Rule(
        "clears_required",
        (("Domain__c", "rules-example.com"), ("Name", "")),
        "Name",
        "REQUIRED_FIELD_MISSING",
        ignore_empty=False,
    ),
    Rule(
        "empty_clears",
        (*ACCOUNT, ("Website", "{{input.domain}}")),
        "Website",
        None,
        ignore_empty=False,
    ),
    Rule("owner_overridden", (*ACCOUNT, ("OwnerId", MARCUS_ID)), "Account", None),
    Rule(
        "owner_overridden",
        (*LEAD, ("OwnerId", MARCUS_ID)),
        "Lead",
        None,
        obj="Lead",
        key="Floqer_Id__c",
    ),
    Rule(
        "unknown_reference", (*ACCOUNT, ("Website", "{{input.domian}}")), "{{input.domian}}", None
    ),
    Rule("unclosed_reference", (*ACCOUNT, ("Website", "{{input.domain")), None, None),
]


@cache
def default_org() -> OrgSpec:
    return build_default_org()


def sobject(name: str) -> SObject:
    return next(o for o in default_org().objects if o.name == name)


def option(f: Field) -> FieldOption:
    return FieldOption(value=f.name, label=f.label, extras=f.extras())


def facts_of(obj: SObject, saved: SavedFields | None = None) -> OrgFacts:
    """What the form's options bring for `obj` from the default org."""
    return OrgFacts(
        obj.name,
        [option(f) for f in obj.fields],
        [option(f) for f in obj.external_id_fields()],
        REFERENCES,
        [o.name for o in default_org().objects],
        saved,
    )


def config_of(rule: Rule) -> UpsertConfig:
    toggles = (
        ("force_update_on_collision", False),
        ("ignore_empty_values", rule.ignore_empty),
        ("run_salesforce_assignment_rules", True),
    )
    rows = tuple(FieldRow(name, value) for name, value in rule.rows)
    return UpsertConfig(rule.obj, rule.key, rows, toggles)


def checked(rule: Rule) -> Report:
    # An unknown (or no) object is checked against Account's facts: the form's options have
    # none for it.
    obj = sobject(rule.obj) if rule.obj in {o.name for o in default_org().objects} else None
    return check(config_of(rule), facts_of(obj or sobject("Account")))


def found(report: Report, code: str) -> Problem:
    matching = [p for p in report.problems if p.code == code]
    assert len(matching) == 1, report.problems
    return matching[0]


def refusal(rule: Rule) -> SalesforceError | None:
    """What a fresh default org answers the upsert of one row with these literal values."""
    request = UpsertRequest(
        object_name=rule.obj,
        external_id_field=rule.key,
        values=rule.rows,
        ignore_empty_values=rule.ignore_empty,
    )
    try:
        Org(default_org()).upsert(request)
    except SalesforceError as refused:
        return refused
    return None


def rule_id(rule: Rule) -> str:
    return f"{rule.code}-{rule.rows[-1][0] or 'blank'}-{rule.obj or 'none'}"


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_the_default_org_has_a_field_that_triggers_the_rule(rule: Rule) -> None:
    problem = found(checked(rule), rule.code)
    if rule.named is not None:
        assert rule.named in problem.message
    if rule.on_row:
        assert problem.row == len(rule.rows) - 1
    else:
        assert problem.row is None


@pytest.mark.parametrize("rule", [r for r in RULES if r.refusal], ids=rule_id)
def test_the_default_org_refuses_what_the_check_says_it_refuses(rule: Rule) -> None:
    refused = refusal(rule)
    assert refused is not None, f"the sandbox's org took {rule.rows}"
    assert refused.code == rule.refusal


def test_every_rule_code_the_check_emits_has_a_case_here() -> None:
    covered = {rule.code for rule in RULES} | {"drift"}
    assert covered == emitted_codes()


def emitted_codes() -> set[str]:
    """The codes written in the check's modules (Hit("code", …), Problem("error", "code", …))."""
    text = "".join(inspect.getsource(m) for m in (rules, values, drift))
    hits = re.findall(r'Hit\(\s*"([a-z_]+)"', text)
    problems = re.findall(r'Problem\(\s*"(?:error|warning)",\s*"([a-z_]+)"', text)
    return set(hits) | set(problems)


def test_a_deleted_custom_field_of_the_default_org_is_drift() -> None:
    account = sobject("Account")
    saved_field = custom_field(account, "Customer_Since__c")
    assert saved_field is not None
    stored = snapshot("Account", [option(f) for f in account.fields], ["Customer_Since__c"])
    today = facts_of(without_field(account, saved_field), SavedFields(2, stored))
    rule = Rule("drift", (*ACCOUNT, ("Customer_Since__c", "2024-01-31")), None, None)
    problem = found(check(config_of(rule), today), "drift")
    assert "Customer Since (Customer_Since__c) was deleted from Account" in problem.message
    assert problem.row == 2
    assert problem.severity == "warning"


def test_the_assignment_rule_replaces_the_owner_the_check_warns_about() -> None:
    org = Org(default_org())
    request = UpsertRequest("Account", "Domain__c", (*ACCOUNT, ("OwnerId", MARCUS_ID)))
    result = org.upsert(request)
    found_record = org.record(result.record_id)
    assert found_record is not None
    assert found_record[1]["OwnerId"] != MARCUS_ID


def test_case_has_no_external_id_field_to_choose() -> None:
    assert sobject("Case").external_id_fields() == []
    rule = Rule("no_external_id", (("Subject", "Printer on fire"),), None, None, obj="Case", key="")
    message = found(checked(rule), "no_external_id").message
    assert message == "Choose the External ID field Salesforce matches records on."
