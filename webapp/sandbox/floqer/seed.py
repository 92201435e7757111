"""The workspace a new sandbox starts with: three workflows and one extra sheet.

Ids are derived from names, so they survive a restart of the sandbox: a configuration
saved against the sandbox still finds its workflow, sheet and step afterwards.
"""

from __future__ import annotations

import uuid

from webapp.sandbox.floqer.workspace import ActionInstance, Sheet, Workflow, Workspace

_NAMESPACE = uuid.UUID("6f1c2a7e-3f5b-4c1d-9a8e-5b0c6d7e8f90")

INBOUND_COLUMNS = [
    ("email", "string"),
    ("first_name", "string"),
    ("last_name", "string"),
    ("company_name", "string"),
    ("domain", "string"),
    ("employee_count", "number"),
]

HOSTILE_NAMES = {
    "workflow": '<script>alert("workflow")</script> Inbound "leads" & more',
    "sheet": "Sheet <img src=x onerror=alert('sheet')>",
    "step": "Upsert </textarea><svg onload=alert('step')>",
    "column": "notes<b>bold</b>",
}


def stable_id(*names: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(names)))


def _action(
    workflow: str, sheet: str, action_id: str, name: str, **inputs: object
) -> ActionInstance:
    return ActionInstance(stable_id(workflow, sheet, name), action_id, name, dict(inputs))


def _inbound(hostile: bool) -> Workflow:
    name = HOSTILE_NAMES["workflow"] if hostile else "Inbound leads → Salesforce"
    wid = stable_id("inbound")
    columns = INBOUND_COLUMNS + ([(HOSTILE_NAMES["column"], "string")] if hostile else [])
    enrich = _action(
        "inbound", "main", "enrich_company", "Enrich company", domain="{{input.domain}}"
    )
    upsert_name = HOSTILE_NAMES["step"] if hostile else "Upsert to Salesforce"
    main = Sheet(
        sheet_id=wid,
        name=HOSTILE_NAMES["sheet"] if hostile else "Inbound leads",
        is_main_sheet=True,
        input_columns=columns,
        actions=[enrich, _action("inbound", "main", "salesforce_upsert_record", upsert_name)],
    )
    webinar = Sheet(
        sheet_id=stable_id("inbound", "webinar"),
        name="Webinar attendees",
        is_main_sheet=False,
        input_columns=[
            ("email", "string"),
            ("full_name", "string"),
            ("company", "string"),
            ("title", "string"),
            ("attended_at", "date"),
        ],
        actions=[
            _action("inbound", "webinar", "clean_domain", "Clean domain", url="{{input.email}}"),
            _action("inbound", "webinar", "salesforce_upsert_record", "Upsert attendee as Lead"),
        ],
    )
    return Workflow(
        wid,
        name,
        "2026-09-14T09:12:00Z",
        "2026-11-20T16:40:00Z",
        "2026-11-27T08:00:00Z",
        [main, webinar],
    )


def _account_sync() -> Workflow:
    wid = stable_id("account-sync")
    upsert = _action(
        "account-sync",
        "main",
        "salesforce_upsert_record",
        "Upsert Account by domain",
        salesforce_object="Account",
        salesforce_external_id_field="Domain__c",
        add_fields_and_their_values=[
            {"name": "Domain__c", "value": "{{input.domain}}", "label": "Domain__c"},
            {"name": "Name", "value": "{{input.company_name}}", "label": "Name"},
            {"name": "Website", "value": "https://{{input.domain}}", "label": "Website"},
            {
                "name": "Customer_Since__c",
                "value": "{{input.signup_date}}",
                "label": "Customer_Since__c",
            },
        ],
        force_update_on_collision=False,
        ignore_empty_values=True,
        run_salesforce_assignment_rules=True,
    )
    main = Sheet(
        sheet_id=wid,
        name="Accounts",
        is_main_sheet=True,
        input_columns=[
            ("domain", "string"),
            ("company_name", "string"),
            ("plan", "string"),
            ("mrr", "number"),
            ("signup_date", "date"),
        ],
        actions=[upsert],
    )
    return Workflow(
        wid,
        "Account sync from product DB",
        "2026-06-02T10:00:00Z",
        "2026-11-02T12:30:00Z",
        "2026-11-28T06:00:00Z",
        [main],
        shared_users=["priya.raman@acme.example"],
    )


def _event_cleanup() -> Workflow:
    wid = stable_id("event-cleanup")
    main = Sheet(
        sheet_id=wid,
        name="Badge scans",
        is_main_sheet=True,
        input_columns=[
            ("email", "string"),
            ("first_name", "string"),
            ("last_name", "string"),
            ("company", "string"),
        ],
        actions=[
            _action(
                "event-cleanup",
                "main",
                "find_work_email",
                "Find work email",
                first_name="{{input.first_name}}",
                last_name="{{input.last_name}}",
                domain="{{input.company}}",
            )
        ],
    )
    return Workflow(
        wid, "Event list cleanup", "2026-10-21T14:05:00Z", "2026-10-21T15:20:00Z", None, [main]
    )


def seed_workspace(hostile: bool = False) -> Workspace:
    return Workspace([_inbound(hostile), _account_sync(), _event_cleanup()])
