"""The actions the sandbox knows: Floqer's `salesforce_upsert_record` and a few enrichments.

The upsert's inputs and outputs are copied from Floqer's action page
(shared/floqer-action-salesforce_upsert_record.txt); the enrichments exist so a sheet has
upstream outputs that the upsert can reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UPSERT = "salesforce_upsert_record"


@dataclass(frozen=True)
class InputDef:
    name: str
    type: str
    required: bool
    label: str
    description: str
    default: Any = None


@dataclass(frozen=True)
class OutputDef:
    name: str
    type: str
    label: str
    columns: tuple[tuple[str, str], ...] = ()  # for list outputs: (column, type)


@dataclass(frozen=True)
class ActionDefinition:
    action_id: str
    name: str
    inputs: tuple[InputDef, ...]
    outputs: tuple[OutputDef, ...]
    salesforce: bool = False
    dynamic_fields: frozenset[str] = field(default_factory=frozenset)

    def input(self, name: str) -> InputDef | None:
        return next((i for i in self.inputs if i.name == name), None)

    def output(self, name: str) -> OutputDef | None:
        return next((o for o in self.outputs if o.name == name), None)


UPSERT_DEFINITION = ActionDefinition(
    action_id=UPSERT,
    name="Salesforce: Upsert Record",
    salesforce=True,
    dynamic_fields=frozenset(
        {"salesforce_object", "salesforce_external_id_field", "add_fields_and_their_values"}
    ),
    inputs=(
        InputDef(
            "salesforce_object",
            "dropdown",
            True,
            "SalesForce Object",
            "Choose the SalesForce Object.",
        ),
        InputDef(
            "salesforce_external_id_field",
            "externalIdDropdown",
            True,
            "SalesForce External Id Field",
            "Choose the SalesForce External ID field for the Upsert Operation.",
        ),
        InputDef(
            "add_fields_and_their_values",
            "jsonArray",
            True,
            "Add Fields and their Values",
            "Select Fields from the object and add Values (useful if your ORG has "
            "DuplicateRecord rules).",
        ),
        InputDef(
            "force_update_on_collision",
            "radio",
            False,
            "Force update on collision",
            "Force update the record if found duplicate.",
            default=False,
        ),
        InputDef(
            "ignore_empty_values",
            "radio",
            False,
            "Ignore empty values",
            "Default ON. If ON, empty Floqer fields won't replace existing values in "
            "Salesforce. If OFF, they will overwrite.",
            default=True,
        ),
        InputDef(
            "run_salesforce_assignment_rules",
            "radio",
            False,
            "Run Salesforce assignment rules",
            "Default ON.",
            default=True,
        ),
    ),
    outputs=(
        OutputDef("record_id", "string", "Record ID"),
        OutputDef("operation_type", "string", "Operation Type"),
        OutputDef("account_url", "url", "Account URL"),
    ),
)

ENRICH_COMPANY = ActionDefinition(
    action_id="enrich_company",
    name="Enrich Company",
    inputs=(InputDef("domain", "text", True, "Company domain", "The company's website domain."),),
    outputs=(
        OutputDef("company_name", "string", "Company name"),
        OutputDef("industry", "string", "Industry"),
        OutputDef("employee_count", "number", "Employee count"),
        OutputDef("annual_revenue", "number", "Annual revenue (USD)"),
        OutputDef("country", "string", "HQ country"),
        OutputDef("phone", "string", "Phone"),
        OutputDef("linkedin_url", "url", "LinkedIn URL"),
        OutputDef("founded_year", "number", "Founded year"),
        OutputDef(
            "technologies",
            "list",
            "Technologies",
            columns=(("name", "string"), ("category", "string")),
        ),
    ),
)

FIND_WORK_EMAIL = ActionDefinition(
    action_id="find_work_email",
    name="Find Work Email",
    inputs=(
        InputDef("first_name", "text", True, "First name", "The person's first name."),
        InputDef("last_name", "text", True, "Last name", "The person's last name."),
        InputDef("domain", "text", True, "Company domain", "The company's website domain."),
    ),
    outputs=(
        OutputDef("email", "string", "Work email"),
        OutputDef("email_status", "string", "Email status"),
    ),
)

CLEAN_DOMAIN = ActionDefinition(
    action_id="clean_domain",
    name="Clean Domain",
    inputs=(InputDef("url", "text", True, "Website or email", "A URL or an email address."),),
    outputs=(OutputDef("domain", "string", "Domain"),),
)

CATALOG: dict[str, ActionDefinition] = {
    d.action_id: d for d in (UPSERT_DEFINITION, ENRICH_COMPANY, FIND_WORK_EMAIL, CLEAN_DOMAIN)
}
