"""Floqer's answers as its own docs show them, for the client's tolerant-reader tests.

Copied from the "Example" blocks of Floqer's schema pages (https://floqer.com/docs/schemas/
<Name>) and its reference page, unchanged, except where a page gives a field table and no
example (ActionGraphNode): that one is built from the table, each field as documented.
"""

from __future__ import annotations

import copy
from typing import Any

# https://floqer.com/docs/schemas/Workflow
WORKFLOW = {
    "workflow_id": "00000000-0000-0000-0000-000000000000",
    "name": "string",
    "created_at": "1970-01-01T00:00:00.000Z",
    "updated_at": "1970-01-01T00:00:00.000Z",
    "last_run_at": None,
}

# https://floqer.com/docs/schemas/WorkflowOverview: `shared_users` is a list of e-mails.
WORKFLOW_OVERVIEW = {
    "workflow_id": "00000000-0000-0000-0000-000000000000",
    "name": "string",
    "created_at": "1970-01-01T00:00:00.000Z",
    "updated_at": "1970-01-01T00:00:00.000Z",
    "last_run_at": None,
    "is_owner": False,
    "shared_users": ["user@example.com"],
    "sheets": [
        {
            "sheet_id": "00000000-0000-0000-0000-000000000000",
            "name": "string",
            "is_main_sheet": False,
            "auto_run": False,
            "cache_enabled": False,
            "cache_since": None,
            "webhook_url": None,
        }
    ],
}

# https://floqer.com/docs/schemas/ActionInstance (its ActionOutput example included)
ACTION_INSTANCE = {
    "action_instance_id": "scrape_person_linkedin_profile_1",
    "action_id": "scrape_person_linkedin_profile",
    "display_name": "Scrape Person LinkedIn Profile",
    "inputs": [
        {
            "name": "linkedin_url",
            "type": "url",
            "required": False,
            "description": "LinkedIn profile URL of the person",
        }
    ],
    "outputs": [
        {
            "name": "full_name",
            "type": "string",
            "reference": "{{enrich_person_linkedin_profile_1.full_name}}",
            "description": "Work history as JSON. Each item: title, company, start_date, "
            "end_date, summary, url, company_domain, company_identifier",
            "columns": [
                {
                    "name": "string",
                    "type": "string",
                    "structured_array_reference": "{{raw_to_structured_array_1.list.first_name}}",
                }
            ],
        }
    ],
}

# https://floqer.com/docs/schemas/ActionGraphNode gives a table, no example: `inputs` is absent
# on the input node, `outputs` absent on actions without outputs; `run_if` (two documented
# shapes), `note` and `continue_workflow_if_action_fails` are optional; `next` is required.
ACTION_CHAIN = [
    {
        "action_instance_id": "input",
        "action_id": "input",
        "display_name": "Input",
        "outputs": [
            {
                "name": "email",
                "type": "email",
                "description": "",
                "reference": "{{input.email}}",
            }
        ],
        "next": ["raw_to_structured_array_1"],
    },
    {
        "action_instance_id": "raw_to_structured_array_1",
        "action_id": "raw_to_structured_array",
        "display_name": "Raw to structured array",
        "inputs": {"raw_array": "{{input.email}}"},
        "outputs": [
            {
                "name": "list",
                "type": "structured_array",
                "reference": "{{raw_to_structured_array_1.list}}",
                "columns": [
                    {
                        "name": "first_name",
                        "type": "string",
                        "structured_array_reference": (
                            "{{raw_to_structured_array_1.list.first_name}}"
                        ),
                    }
                ],
            }
        ],
        "continue_workflow_if_action_fails": True,
        "run_if": {
            "variable": "{{input.email}}",
            "operator": "is_not_empty",
            "values": [],
            "continue_workflow_if_run_condition_not_met": False,
        },
        "note": "Free-text note",
        "next": ["http_api_call_1"],
    },
    {
        "action_instance_id": "http_api_call_1",
        "action_id": "http_api_call",
        "display_name": "HTTP API Call",
        "inputs": {"method": "POST", "body": [{"name": "k", "value": "v", "label": "k"}]},
        "run_if": {
            "conditions": [
                {
                    "conditions": [
                        {"variable": "{{input.email}}", "operator": "contains", "values": ["@"]}
                    ],
                    "combinator": "AND",
                }
            ],
            "continue_workflow_if_run_condition_not_met": True,
        },
        "next": ["salesforce_upsert_record_1"],
    },
    {
        "action_instance_id": "salesforce_upsert_record_1",
        "action_id": "salesforce_upsert_record",
        "display_name": "Salesforce: Upsert Record",
        "inputs": {
            "salesforce_object": "Account",
            "salesforce_external_id_field": "Domain__c",
            "add_fields_and_their_values": [
                {"name": "Name", "value": "{{input.company_name}}", "label": "Name"},
                {"name": "Website", "value": "{{input.domain}}", "label": "Website"},
            ],
            "force_update_on_collision": False,
            "ignore_empty_values": True,
            "run_salesforce_assignment_rules": True,
        },
        "outputs": [
            {
                "name": "record_id",
                "type": "string",
                "reference": "{{salesforce_upsert_record_1.record_id}}",
            },
        ],
        "next": [],
    },
]

# https://floqer.com/docs/schemas/OptionItem
OPTION_ITEM = {"value": "string", "label": "string", "extras": {}}

# https://floqer.com/docs/schemas/AddRowsData
ADD_ROWS = {
    "row_count": 0,
    "row_ids": ["00000000-0000-0000-0000-000000000000"],
    "rejected": [
        {"row": {}, "errors": [{"field": "email", "code": "malformed_row", "message": "string"}]}
    ],
    "rows_queued_for_run": 0,
}

# https://floqer.com/docs/schemas/ListRowsData, its RowView, and RowCell's example
ROW_CELL = {
    "status": "queued",
    "outputs": {},
    "outputs_ref": {"url": "https://example.com", "size_bytes": 0},
    "error": "string",
}
LIST_ROWS = {
    "rows": [
        {
            "row_id": "00000000-0000-0000-0000-000000000000",
            "row_status": "pending",
            "created_at": "1970-01-01T00:00:00.000Z",
            "inputs": {"email": "ada@example.com"},
            "cells": {"salesforce_upsert_record_1": ROW_CELL},
        }
    ],
    "total_count": 0,
    "page_no": 0,
    "page_size": 0,
}

# Get User: not in the reachable docs; a third-party client types first/last name nullable.
USER = {"email": "ada@example.com", "first_name": None, "last_name": None, "role": "admin"}

# https://floqer.com/docs/reference: the flat error envelope and the 429.
ERROR_401 = {"status": 401, "error": "Unauthorized", "message": "API key is required"}
ERROR_429 = {
    "status": 429,
    "error": "Too Many Requests",
    "message": "Rate limit exceeded. Try again in 42 seconds.",
    "retryAfter": 42,
}


def enveloped(data: Any, **extra: Any) -> dict[str, Any]:
    """The success envelope; openapi.json adds an optional "message" beside data."""
    return {"status": 200, "data": data, "message": "Optional success message", **extra}


SURPRISES: dict[str, Any] = {
    "zz_new_text": "added later",
    "zz_new_number": 3.5,
    "zz_new_null": None,
    "zz_new_list": [1, "two", {"three": [None]}],
    "zz_new_object": {"nested": {"deeper": ["x"]}},
}


def with_surprises(value: Any) -> Any:
    """`value` with unknown keys of every shape added to every object, at every depth."""
    if isinstance(value, dict):
        return {**{k: with_surprises(v) for k, v in value.items()}, **copy.deepcopy(SURPRISES)}
    if isinstance(value, list):
        return [with_surprises(item) for item in value]
    return value


def without(value: Any, *keys: str) -> Any:
    """`value` with `keys` removed from every object, at every depth."""
    if isinstance(value, dict):
        return {k: without(v, *keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(item, *keys) for item in value]
    return value
