"""The default org: "Acme Corp", a realistic production Salesforce org with seed records.

Standard objects carry the fields, labels, types, lengths and flags a real describe
returns (Account 68 standard fields, Contact 59, Lead 54), plus the custom fields and
custom objects an admin of a Floqer customer would have added. Key prefixes are the
real ones. Ids are built with `make_id`, numbered from 1 per object.

Every rule of the pre-flight check (webapp/preflight) has something here to catch, and the
org refuses what the check calls an error (tests/unit/test_preflight_default_org.py runs
each, with Salesforce's answer in brackets). (W): a warning.

| rule code | what in this org triggers it |
| --- | --- |
| no_object | no object chosen (nothing of the org) |
| unknown_object | an object the org lacks, e.g. "Leads" (INVALID_TYPE) |
| no_external_id | no External ID field chosen; Case has none to choose |
| not_external_id | Account.Website, or any Case field (INVALID_FIELD) |
| external_id_not_unique (W) | Account.Domain__c: External ID, not unique; two seeded Accounts |
|                            | share initech.example (MULTIPLE_CHOICES) |
| external_id_not_mapped | Account.Domain__c chosen but not mapped (MISSING_EXTERNAL_ID) |
| required_missing | Account.Name; Lead.LastName, Company; Opportunity.Name, StageName, |
|                  | CloseDate; Product_Usage_Event__c.Subscription__c (REQUIRED_FIELD_MISSING) |
| no_field | a row without a field name |
| unknown_field | a name the object lacks; the label "Employees" for NumberOfEmployees |
| duplicate_field | one field on two rows (JSON_PARSER_ERROR) |
| read_only | formula Account.Health_Score__c, Lead.Lead_Grade__c; auto-number |
|           | Account.Account_Key__c; system Account.CreatedDate; compound |
|           | Account.BillingAddress, Lead.Name (INVALID_FIELD_FOR_INSERT_UPDATE) |
| insert_only (W) | Product_Usage_Event__c.Subscription__c, master-detail without |
|                 | reparenting (INVALID_FIELD_FOR_INSERT_UPDATE on an update) |
| update_only (W) | Account.IsPartner (INVALID_FIELD_FOR_INSERT_UPDATE on an insert) |
| not_a_number | int Account.NumberOfEmployees; double Lead.Lead_Score__c; currency |
|              | Account.ARR__c; percent Opportunity.Probability (INVALID_TYPE_ON_FIELD_IN_RECORD) |
| number_out_of_range | Account.NumberOfEmployees (8 digits), Lead.Lead_Score__c (3 digits) |
|                     | (NUMBER_OUTSIDE_VALID_RANGE) |
| not_a_boolean | Account.IsPriorityRecord (INVALID_TYPE_ON_FIELD_IN_RECORD) |
| not_a_date | Account.Customer_Since__c (same) |
| not_a_datetime | Account.Last_Enriched__c, Contact.Last_Enriched__c (same) |
| not_an_email | Account.Billing_Email__c, Lead.Email (INVALID_EMAIL_ADDRESS) |
| not_an_id | Account.ParentId (lookup; MALFORMED_ID) |
| not_in_picklist | restricted Account.Tier__c, Lead.Status |
|                 | (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST) |
| new_picklist_value (W) | Account.Industry; multi-select Account.Technologies__c |
| too_long | text Account.Sic (20), phone Account.Phone (40), url Account.Website (255), |
|          | multi-select Account.Technologies__c (4,099) (STRING_TOO_LONG) |
| clears_required | Account.Name left empty with "Ignore empty values" off |
|                 | (REQUIRED_FIELD_MISSING) |
| empty_clears (W) | Account.Website = {{input.domain}} with "Ignore empty values" off |
| owner_overridden (W) | OwnerId of Lead, Account or Case: each has an assignment rule |
|                      | that replaces it |
| unknown_reference | {{input.nope}}: no such column of the sheet |
| unclosed_reference | "{{input.domain" (Floqer's side; this org stores it as text) |
| drift (W) | Account.Customer_Since__c deleted with /_sandbox/objects/.../fields/... |
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from webapp.sandbox.sfdc.ids import make_id
from webapp.sandbox.sfdc.model import (
    AssignmentEntry,
    AssignmentRule,
    DuplicateRule,
    Field,
    OrgSpec,
    Owner,
    PicklistValue,
    SObject,
    checkbox,
    currency,
    date,
    datetime_,
    email,
    number,
    percent,
    phone,
    picklist,
    readonly,
    reference,
    system_fields,
    text,
    textarea,
    url,
)

# --- Owners -------------------------------------------------------------------------------

API_USER_ID = make_id("005", 1)  # Floqer Integration
PRIYA_ID = make_id("005", 2)  # Priya Raman
MARCUS_ID = make_id("005", 3)  # Marcus Webb
SDR_QUEUE_ID = make_id("00G", 1)  # Sales Development Queue
EMEA_QUEUE_ID = make_id("00G", 2)  # EMEA Sales Queue

# --- Standard picklists (values as a fresh org ships them) ---------------------------------

INDUSTRIES = [
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government",
    "Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media",
    "Not For Profit", "Recreation", "Retail", "Shipping", "Technology",
    "Telecommunications", "Transportation", "Utilities", "Other",
]  # fmt: skip
ACCOUNT_TYPES = [
    "Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
    "Installation Partner", "Technology Partner", "Other",
]  # fmt: skip
LEAD_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]
RATINGS = ["Hot", "Warm", "Cold"]
SALUTATIONS = ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."]
OWNERSHIP = ["Public", "Private", "Subsidiary", "Other"]
LEAD_STATUSES = [
    "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted",
]  # fmt: skip
OPPORTUNITY_STAGES = [
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
    "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
    "Negotiation/Review", "Closed Won", "Closed Lost",
]  # fmt: skip
OPPORTUNITY_TYPES = [
    "Existing Customer - Upgrade", "Existing Customer - Replacement",
    "Existing Customer - Downgrade", "New Customer",
]  # fmt: skip
FORECAST_CATEGORY_NAMES = ["Omitted", "Pipeline", "Best Case", "Commit", "Closed"]
FORECAST_CATEGORIES = [
    ("Omitted", "Omitted"), ("Pipeline", "Pipeline"), ("BestCase", "Best Case"),
    ("Forecast", "Commit"), ("Closed", "Closed"),
]  # fmt: skip
CASE_STATUSES = ["New", "Working", "Escalated", "Closed"]
CASE_PRIORITIES = ["High", "Medium", "Low"]
CASE_ORIGINS = ["Phone", "Email", "Web"]
CASE_TYPES = ["Mechanical", "Electrical", "Electronic", "Structural", "Other"]
CASE_REASONS = [
    "Installation", "Equipment Complexity", "Performance", "Breakdown", "Equipment Design",
    "Feedback", "Other",
]  # fmt: skip
GEOCODE_ACCURACY = [
    ("Address", "Address"), ("NearAddress", "Near Address"), ("Block", "Block"),
    ("Street", "Street"), ("ExtendedZip", "Extended Zip"), ("Zip", "Zip"),
    ("Neighborhood", "Neighborhood"), ("City", "City"), ("County", "County"),
    ("State", "State"), ("Unknown", "Unknown"),
]  # fmt: skip
CLEAN_STATUSES = [
    ("Matched", "In Sync"), ("Different", "Different"), ("Acknowledged", "Reviewed"),
    ("NotFound", "Not Found"), ("Inactive", "Inactive"), ("Pending", "Not Compared"),
    ("SelectMatch", "Select Match"), ("Skipped", "Skipped"),
]  # fmt: skip
CONTACT_ROLES = [
    "Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker",
    "Evaluator", "Executive Sponsor", "Influencer", "Technical Buyer", "Other",
]  # fmt: skip

# --- Custom picklists -------------------------------------------------------------------------

TECHNOLOGIES = [
    "Salesforce", "HubSpot", "Marketo", "Snowflake", "AWS", "Google Cloud",
    "Microsoft Azure", "Segment",
]  # fmt: skip
EMPLOYEE_BANDS = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+"]
PERSONAS = ["Economic Buyer", "Champion", "Technical Evaluator", "End User", "Influencer"]
SENIORITIES = ["C-Level", "VP", "Director", "Manager", "Individual Contributor"]
PRODUCT_INTERESTS = [
    "Data Enrichment", "Lead Routing", "Intent Signals", "CRM Hygiene", "Outbound Automation",
]  # fmt: skip
ENRICHMENT_SOURCES = ["Floqer", "Web Form", "Trade Show", "Partner", "Manual Entry"]
COMPETITORS = ["Contoso", "Fabrikam", "Northwind Data", "In-house Build", "Other"]
PLANS = ["Starter", "Growth", "Enterprise"]
USAGE_EVENT_TYPES = ["Login", "Feature Used", "Workflow Run", "Export", "API Call", "Invite Sent"]

# Objects an Activity (Task, Event) can hang off through WhatId.
_WHAT_OBJECTS = ["Account", "Opportunity", "Case", "Campaign", "Contract", "Order", "Asset"]

# --- Field helpers ----------------------------------------------------------------------------


def _labeled(
    name: str, label: str, pairs: list[tuple[str, str]], *, default: str | None = None, **kw: Any
) -> Field:
    """A picklist whose API values differ from their labels (CleanStatus, ForecastCategory)."""
    values = tuple(PicklistValue(v, lab, default=(v == default)) for v, lab in pairs)
    return Field(name, label, "picklist", length=255, picklist_values=values, **kw)


def _address(prefix: str, label_prefix: str, compound: str) -> list[Field]:
    """The components of a compound address plus the read-only compound field itself."""
    lp = f"{label_prefix} " if label_prefix else ""
    kw: dict[str, Any] = {"compound_field_name": compound}
    return [
        textarea(f"{prefix}Street", f"{lp}Street", 255, **kw),
        text(f"{prefix}City", f"{lp}City", 40, **kw),
        text(f"{prefix}State", f"{lp}State/Province", 80, **kw),
        text(f"{prefix}PostalCode", f"{lp}Zip/Postal Code", 20, **kw),
        text(f"{prefix}Country", f"{lp}Country", 80, **kw),
        number(f"{prefix}Latitude", f"{lp}Latitude", 18, 15, **kw),
        number(f"{prefix}Longitude", f"{lp}Longitude", 18, 15, **kw),
        _labeled(f"{prefix}GeocodeAccuracy", f"{lp}Geocode Accuracy", GEOCODE_ACCURACY, **kw),
        readonly(Field(compound, f"{lp}Address" if lp else "Address", "address")),
    ]


def _viewed() -> list[Field]:
    return [
        readonly(datetime_("LastViewedDate", "Last Viewed Date")),
        readonly(datetime_("LastReferencedDate", "Last Referenced Date")),
    ]


def _auto_number(name: str, label: str, **kw: Any) -> Field:
    """An auto-number: a read-only string Salesforce fills in, usable as idLookup."""
    f = text(name, label, 30, nillable=False, defaulted_on_create=True, id_lookup=True, **kw)
    return readonly(f, auto_number=True)


def _create_only(f: Field) -> Field:
    """Set on insert, never changed afterwards (master-detail parents, junction ends)."""
    return replace(f, updateable=False)


def _obj(
    name: str, label: str, plural: str, prefix: str, fields: list[Field], **kw: Any
) -> SObject:
    return SObject(name, label, plural, prefix, tuple(fields), **kw)


def _locked(
    name: str,
    label: str,
    plural: str,
    prefix: str,
    fields: list[Field],
    *,
    updateable: bool = False,
) -> SObject:
    """An object the integration user can read but not create (nor, usually, edit)."""
    fields = [replace(f, createable=False, updateable=f.updateable and updateable) for f in fields]
    return SObject(
        name, label, plural, prefix, tuple(fields), createable=False, updateable=updateable
    )


# --- Core sales and service objects -----------------------------------------------------------


def _account() -> SObject:
    fields = [
        *system_fields(),
        readonly(reference("MasterRecordId", "Master Record ID", ["Account"])),
        text("Name", "Account Name", 255, nillable=False),
        picklist("Type", "Account Type", ACCOUNT_TYPES),
        reference("ParentId", "Parent Account ID", ["Account"]),
        reference("RecordTypeId", "Record Type ID", ["RecordType"]),
        *_address("Billing", "Billing", "BillingAddress"),
        *_address("Shipping", "Shipping", "ShippingAddress"),
        phone("Phone", "Account Phone"),
        phone("Fax", "Account Fax"),
        text("AccountNumber", "Account Number", 40),
        url("Website", "Website"),
        readonly(url("PhotoUrl", "Photo URL")),
        text("Sic", "SIC Code", 20),
        picklist("Industry", "Industry", INDUSTRIES),
        currency("AnnualRevenue", "Annual Revenue", 18, 0),
        number("NumberOfEmployees", "Employees", 8, 0, integer=True),
        picklist("Ownership", "Ownership", OWNERSHIP),
        text("TickerSymbol", "Ticker Symbol", 20),
        textarea("Description", "Account Description"),
        picklist("Rating", "Account Rating", RATINGS),
        text("Site", "Account Site", 80),
        readonly(date("LastActivityDate", "Last Activity")),
        *_viewed(),
        checkbox("IsPartner", "Partner Account", createable=False),
        readonly(checkbox("IsCustomerPortal", "Customer Portal Account")),
        readonly(text("ChannelProgramName", "Channel Program Name")),
        readonly(text("ChannelProgramLevelName", "Channel Program Level Name")),
        text("Jigsaw", "Data.com Key", 20),
        readonly(text("JigsawCompanyId", "Jigsaw Company ID", 20)),
        _labeled("CleanStatus", "Clean Status", CLEAN_STATUSES),
        picklist("AccountSource", "Account Source", LEAD_SOURCES),
        text("DunsNumber", "D-U-N-S Number", 9),
        text("Tradestyle", "Tradestyle", 255),
        text("NaicsCode", "NAICS Code", 8),
        text("NaicsDesc", "NAICS Description", 120),
        text("YearStarted", "Year Started", 4),
        text("SicDesc", "SIC Description", 80),
        reference("DandbCompanyId", "D&B Company ID", ["DandBCompany"]),
        reference("OperatingHoursId", "Operating Hour ID", ["OperatingHours"]),
        readonly(text("Tier", "Einstein Account Tier", 2)),
        checkbox("IsExcludedFromRealign", "Exclude from territory assignment rules"),
        checkbox("IsPriorityRecord", "Important"),
        readonly(checkbox("IsBuyer", "Buyer")),
        # Custom fields added by the admin.
        text(
            "Domain__c", "Domain", 255, custom=True, external_id=True, unique=False,
            help_text="Company website domain without protocol, e.g. example.com.",
        ),
        date("Customer_Since__c", "Customer Since", custom=True),
        currency("ARR__c", "ARR", 16, 2, custom=True),
        picklist(
            "Tier__c", "Tier", ["Tier 1", "Tier 2", "Tier 3"], custom=True,
            restricted_picklist=True,
        ),
        readonly(
            number(
                "Health_Score__c", "Health Score", 3, 0, custom=True,
                help_text="Formula: product usage weighted against open cases (0-100).",
            ),
            calculated=True,
        ),
        readonly(text("Account_Key__c", "Account Key", 30, custom=True), auto_number=True),
        picklist("Technologies__c", "Technologies", TECHNOLOGIES, multi=True, custom=True),
        picklist("Employee_Band__c", "Employee Band", EMPLOYEE_BANDS, custom=True),
        email("Billing_Email__c", "Billing Email", custom=True),
        datetime_("Last_Enriched__c", "Last Enriched", custom=True),
    ]  # fmt: skip
    return _obj("Account", "Account", "Accounts", "001", fields)


def _contact() -> SObject:
    fields = [
        *system_fields(),
        readonly(reference("MasterRecordId", "Master Record ID", ["Contact"])),
        reference("AccountId", "Account ID", ["Account"]),
        text("LastName", "Last Name", 80, nillable=False, compound_field_name="Name"),
        text("FirstName", "First Name", 40, compound_field_name="Name"),
        picklist("Salutation", "Salutation", SALUTATIONS, compound_field_name="Name"),
        readonly(text("Name", "Full Name", 121, nillable=False, defaulted_on_create=True)),
        *_address("Other", "Other", "OtherAddress"),
        *_address("Mailing", "Mailing", "MailingAddress"),
        phone("Phone", "Business Phone"),
        phone("Fax", "Business Fax"),
        phone("MobilePhone", "Mobile Phone"),
        phone("HomePhone", "Home Phone"),
        phone("OtherPhone", "Other Phone"),
        phone("AssistantPhone", "Asst. Phone"),
        reference("ReportsToId", "Reports To ID", ["Contact"]),
        email("Email", "Email", id_lookup=True),
        text("Title", "Title", 128),
        text("Department", "Department", 80),
        text("AssistantName", "Assistant's Name", 40),
        picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        date("Birthdate", "Birthdate"),
        textarea("Description", "Contact Description"),
        readonly(date("LastActivityDate", "Last Activity")),
        *_viewed(),
        text("EmailBouncedReason", "Email Bounced Reason", 255),
        datetime_("EmailBouncedDate", "Email Bounced Date"),
        readonly(checkbox("IsEmailBounced", "Is Email Bounced")),
        readonly(url("PhotoUrl", "Photo URL")),
        text("Jigsaw", "Data.com Key", 20),
        _labeled("CleanStatus", "Clean Status", CLEAN_STATUSES),
        reference("IndividualId", "Individual ID", ["Individual"]),
        checkbox("HasOptedOutOfEmail", "Email Opt Out"),
        checkbox("HasOptedOutOfFax", "Fax Opt Out"),
        checkbox("DoNotCall", "Do Not Call"),
        # Custom fields added by the admin.
        text("External_Id__c", "External ID", 255, custom=True, external_id=True, unique=True),
        url("LinkedIn_URL__c", "LinkedIn URL", custom=True),
        picklist("Persona__c", "Persona", PERSONAS, multi=True, custom=True),
        picklist("Seniority__c", "Seniority", SENIORITIES, custom=True),
        datetime_("Last_Enriched__c", "Last Enriched", custom=True),
    ]
    return _obj("Contact", "Contact", "Contacts", "003", fields)


def _lead() -> SObject:
    fields = [
        *system_fields(),
        readonly(reference("MasterRecordId", "Master Record ID", ["Lead"])),
        text("LastName", "Last Name", 80, nillable=False, compound_field_name="Name"),
        text("FirstName", "First Name", 40, compound_field_name="Name"),
        picklist("Salutation", "Salutation", SALUTATIONS, compound_field_name="Name"),
        readonly(text("Name", "Full Name", 121, nillable=False, defaulted_on_create=True)),
        text("Title", "Title", 128),
        text("Company", "Company", 255, nillable=False),
        *_address("", "", "Address"),
        phone("Phone", "Phone"),
        phone("MobilePhone", "Mobile Phone"),
        phone("Fax", "Fax"),
        email("Email", "Email", id_lookup=True),
        url("Website", "Website"),
        readonly(url("PhotoUrl", "Photo URL")),
        textarea("Description", "Description"),
        picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        picklist(
            "Status", "Status", LEAD_STATUSES, nillable=False, defaulted_on_create=True,
            default="Open - Not Contacted", restricted_picklist=True,
        ),
        picklist("Industry", "Industry", INDUSTRIES),
        picklist("Rating", "Rating", RATINGS),
        currency("AnnualRevenue", "Annual Revenue", 18, 0),
        number("NumberOfEmployees", "Employees", 8, 0, integer=True),
        readonly(checkbox("IsConverted", "Converted")),
        readonly(date("ConvertedDate", "Converted Date")),
        readonly(reference("ConvertedAccountId", "Converted Account ID", ["Account"])),
        readonly(reference("ConvertedContactId", "Converted Contact ID", ["Contact"])),
        readonly(reference("ConvertedOpportunityId", "Converted Opportunity ID", ["Opportunity"])),
        checkbox("IsUnreadByOwner", "Unread By Owner"),
        readonly(date("LastActivityDate", "Last Activity")),
        *_viewed(),
        text("Jigsaw", "Data.com Key", 20),
        _labeled("CleanStatus", "Clean Status", CLEAN_STATUSES),
        text("EmailBouncedReason", "Email Bounced Reason", 255),
        datetime_("EmailBouncedDate", "Email Bounced Date"),
        reference("IndividualId", "Individual ID", ["Individual"]),
        checkbox("HasOptedOutOfEmail", "Email Opt Out"),
        checkbox("HasOptedOutOfFax", "Fax Opt Out"),
        checkbox("DoNotCall", "Do Not Call"),
        # Custom fields added by the admin.
        text("Floqer_Id__c", "Floqer ID", 255, custom=True, external_id=True, unique=True),
        number("Lead_Score__c", "Lead Score", 3, 0, custom=True),
        picklist("Product_Interest__c", "Product Interest", PRODUCT_INTERESTS, multi=True,
                 custom=True),
        picklist("Enrichment_Source__c", "Enrichment Source", ENRICHMENT_SOURCES, custom=True),
        readonly(
            text(
                "Lead_Grade__c", "Lead Grade", 1300, custom=True,
                help_text="Formula: A to D from Lead Score and Employees.",
            ),
            calculated=True,
        ),
    ]  # fmt: skip
    return _obj("Lead", "Lead", "Leads", "00Q", fields)


def _opportunity() -> SObject:
    fields = [
        *system_fields(),
        reference("AccountId", "Account ID", ["Account"]),
        checkbox("IsPrivate", "Private"),
        text("Name", "Name", 120, nillable=False),
        textarea("Description", "Description"),
        picklist("StageName", "Stage", OPPORTUNITY_STAGES, nillable=False,
                 restricted_picklist=True),
        currency("Amount", "Amount", 18, 2),
        percent("Probability", "Probability (%)", 3, 0),
        readonly(currency("ExpectedRevenue", "Expected Amount", 18, 2), calculated=True),
        number("TotalOpportunityQuantity", "Quantity", 18, 2),
        date("CloseDate", "Close Date", nillable=False),
        picklist("Type", "Opportunity Type", OPPORTUNITY_TYPES),
        text("NextStep", "Next Step", 255),
        picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        readonly(checkbox("IsClosed", "Closed")),
        readonly(checkbox("IsWon", "Won")),
        readonly(_labeled("ForecastCategory", "Forecast Category", FORECAST_CATEGORIES)),
        picklist("ForecastCategoryName", "Forecast Category", FORECAST_CATEGORY_NAMES,
                 restricted_picklist=True),
        reference("CampaignId", "Campaign ID", ["Campaign"]),
        readonly(checkbox("HasOpportunityLineItem", "Has Line Item")),
        reference("Pricebook2Id", "Price Book ID", ["Pricebook2"]),
        readonly(date("LastActivityDate", "Last Activity")),
        readonly(number("PushCount", "Push Count", 9, 0, integer=True)),
        readonly(datetime_("LastStageChangeDate", "Last Stage Change Date")),
        readonly(number("FiscalQuarter", "Fiscal Quarter", 11, 0, integer=True)),
        readonly(number("FiscalYear", "Fiscal Year", 11, 0, integer=True)),
        readonly(text("Fiscal", "Fiscal Period", 6)),
        reference("ContactId", "Contact ID", ["Contact"]),
        *_viewed(),
        replace(reference("SyncedQuoteId", "Quote ID", ["Quote"]), createable=False),
        reference("ContractId", "Contract ID", ["Contract"]),
        readonly(checkbox("HasOpenActivity", "Has Open Activity")),
        readonly(checkbox("HasOverdueTask", "Has Overdue Task")),
        reference("Territory2Id", "Territory ID", ["Territory2"]),
        checkbox("IsExcludedFromTerritory2Filter", "Excluded from Filter"),
        readonly(checkbox("IsSplit", "IsSplit")),
        readonly(number("AgeInDays", "Age", 9, 0, integer=True)),
        # Custom fields added by the admin.
        text("External_Deal_Id__c", "External Deal ID", 64, custom=True, external_id=True,
             unique=True),
        picklist("Competitor__c", "Primary Competitor", COMPETITORS, custom=True),
    ]  # fmt: skip
    return _obj("Opportunity", "Opportunity", "Opportunities", "006", fields)


def _case() -> SObject:
    fields = [
        *system_fields(),
        readonly(reference("MasterRecordId", "Master Record ID", ["Case"])),
        _auto_number("CaseNumber", "Case Number"),
        reference("ContactId", "Contact ID", ["Contact"]),
        reference("AccountId", "Account ID", ["Account"]),
        reference("AssetId", "Asset ID", ["Asset"]),
        reference("ParentId", "Parent Case ID", ["Case"]),
        text("SuppliedName", "Web Name", 80),
        email("SuppliedEmail", "Web Email"),
        text("SuppliedPhone", "Web Phone", 40),
        text("SuppliedCompany", "Web Company", 80),
        picklist("Type", "Case Type", CASE_TYPES),
        picklist("Status", "Status", CASE_STATUSES, defaulted_on_create=True, default="New"),
        picklist("Reason", "Case Reason", CASE_REASONS),
        picklist("Origin", "Case Origin", CASE_ORIGINS),
        text("Subject", "Subject", 255),
        picklist("Priority", "Priority", CASE_PRIORITIES, defaulted_on_create=True,
                 default="Medium"),
        textarea("Description", "Description"),
        readonly(checkbox("IsClosed", "Closed")),
        readonly(datetime_("ClosedDate", "Closed Date")),
        checkbox("IsEscalated", "Escalated"),
        readonly(phone("ContactPhone", "Contact Phone")),
        readonly(phone("ContactMobile", "Contact Mobile")),
        readonly(email("ContactEmail", "Contact Email")),
        textarea("Comments", "Internal Comments", 4000),
        *_viewed(),
        reference("EntitlementId", "Entitlement ID", ["Entitlement"]),
        datetime_("SlaStartDate", "Entitlement Process Start Time"),
        readonly(datetime_("SlaExitDate", "Entitlement Process End Time")),
        checkbox("IsStopped", "Stopped"),
        readonly(datetime_("StopStartDate", "Stopped Since")),
        readonly(text("MilestoneStatus", "Milestone Status", 30)),
        reference("ServiceContractId", "Service Contract ID", ["ServiceContract"]),
        # Custom field added by the admin (deliberately no External ID on Case).
        picklist("Product_Area__c", "Product Area",
                 ["Platform", "Integrations", "Billing", "Data Enrichment"], custom=True),
    ]  # fmt: skip
    return _obj("Case", "Case", "Cases", "500", fields)


# --- Custom objects ---------------------------------------------------------------------------


def _subscription() -> SObject:
    fields = [
        *system_fields(),
        # Auto-number, display format SUB-{0000}.
        _auto_number("Name", "Subscription Number"),
        *_viewed(),
        text("Subscription_Key__c", "Subscription Key", 255, custom=True, external_id=True,
             unique=True),
        reference("Account__c", "Account", ["Account"], custom=True),
        picklist("Plan__c", "Plan", PLANS, custom=True, restricted_picklist=True),
        number("Seats__c", "Seats", 18, 0, integer=True, custom=True),
        date("Start_Date__c", "Start Date", custom=True),
        date("Renewal_Date__c", "Renewal Date", custom=True),
        currency("MRR__c", "MRR", 16, 2, custom=True),
        checkbox("Active__c", "Active", custom=True),
        textarea("Notes__c", "Notes", 32768, custom=True),
    ]  # fmt: skip
    return _obj("Subscription__c", "Subscription", "Subscriptions", "a0B", fields, custom=True)


def _product_usage_event() -> SObject:
    fields = [
        *system_fields(),
        text("Name", "Product Usage Event Name", 80, nillable=False),
        *_viewed(),
        text("Event_Id__c", "Event ID", 255, custom=True, external_id=True, unique=True),
        # Master-detail without reparenting: required, set when the event is created and
        # never changed after (createable, not updateable).
        _create_only(
            reference(
                "Subscription__c", "Subscription", ["Subscription__c"], custom=True, nillable=False
            )
        ),
        reference("Contact__c", "Contact", ["Contact"], custom=True),
        picklist("Event_Type__c", "Event Type", USAGE_EVENT_TYPES, custom=True),
        datetime_("Occurred_At__c", "Occurred At", custom=True),
        text("Feature__c", "Feature", 255, custom=True),
        number("Count__c", "Count", 18, 0, custom=True),
    ]
    return _obj(
        "Product_Usage_Event__c", "Product Usage Event", "Product Usage Events", "a1C", fields,
        custom=True,
    )  # fmt: skip


# --- Further standard objects, a handful of real fields each ----------------------------------


def _people_objects() -> list[SObject]:
    return [
        _locked("User", "User", "Users", "005", [
            *system_fields(owner=False),
            text("Username", "Username", 80, nillable=False, unique=True, id_lookup=True),
            text("LastName", "Last Name", 80, nillable=False),
            text("FirstName", "First Name", 40),
            readonly(text("Name", "Full Name", 121)),
            email("Email", "Email", nillable=False),
            text("Alias", "Alias", 8, nillable=False),
            checkbox("IsActive", "Active"),
            reference("ProfileId", "Profile ID", ["Profile"], nillable=False),
            reference("UserRoleId", "Role ID", ["UserRole"]),
            reference("ManagerId", "Manager ID", ["User"]),
        ]),
        _locked("Group", "Group", "Groups", "00G", [
            *system_fields(),
            text("Name", "Name", 40, nillable=False),
            text("DeveloperName", "Developer Name", 80),
            picklist("Type", "Type", ["Regular", "Queue", "Role", "RoleAndSubordinates",
                                      "Organization"], nillable=False),
            email("Email", "Email"),
            checkbox("DoesSendEmailToMembers", "Send Email to Members"),
            reference("RelatedId", "Related ID", ["User", "UserRole"]),
        ]),
        _locked("UserRole", "Role", "Roles", "00E", [
            *system_fields(owner=False),
            text("Name", "Name", 80, nillable=False),
            text("DeveloperName", "Developer Name", 80),
            reference("ParentRoleId", "Parent Role ID", ["UserRole"]),
            text("RollupDescription", "Description", 80),
            picklist("OpportunityAccessForAccountOwner", "Opportunity Access",
                     ["None", "Read", "Edit"]),
            picklist("CaseAccessForAccountOwner", "Case Access", ["None", "Read", "Edit"]),
        ]),
        _locked("Profile", "Profile", "Profiles", "00e", [
            *system_fields(owner=False),
            text("Name", "Name", 255, nillable=False),
            picklist("UserType", "User Type", ["Standard", "PowerPartner", "CspLitePortal",
                                               "CustomerSuccess", "Guest"]),
            text("Description", "Description", 255),
            checkbox("PermissionsApiEnabled", "API Enabled"),
            checkbox("PermissionsViewAllData", "View All Data"),
            checkbox("PermissionsModifyAllData", "Modify All Data"),
        ]),
        _locked("Territory2", "Territory", "Territories", "0MI", [
            *system_fields(owner=False),
            text("Name", "Label", 80, nillable=False),
            text("DeveloperName", "Territory Name", 80, nillable=False),
            textarea("Description", "Description", 1000),
            reference("ParentTerritory2Id", "Parent Territory ID", ["Territory2"]),
            picklist("AccountAccessLevel", "Account Access", ["Read", "Edit", "All"]),
            picklist("OpportunityAccessLevel", "Opportunity Access", ["None", "Read", "Edit"]),
        ]),
        _obj("Individual", "Individual", "Individuals", "0PK", [
            *system_fields(),
            text("LastName", "Last Name", 80, nillable=False, compound_field_name="Name"),
            text("FirstName", "First Name", 40, compound_field_name="Name"),
            picklist("Salutation", "Salutation", SALUTATIONS, compound_field_name="Name"),
            readonly(text("Name", "Name", 121)),
            date("BirthDate", "Birth Date"),
            checkbox("HasOptedOutTracking", "Don't Track"),
            checkbox("HasOptedOutProcessing", "Don't Process"),
            checkbox("ShouldForget", "Forget this Individual"),
        ]),
    ]  # fmt: skip


def _marketing_and_activity_objects() -> list[SObject]:
    return [
        _obj("Campaign", "Campaign", "Campaigns", "701", [
            *system_fields(),
            text("Name", "Name", 80, nillable=False),
            reference("ParentId", "Parent Campaign ID", ["Campaign"]),
            picklist("Type", "Type", ["Conference", "Webinar", "Trade Show", "Public Relations",
                                      "Partners", "Referral Program", "Advertisement",
                                      "Banner Ads", "Direct Mail", "Email", "Telemarketing",
                                      "Other"]),
            picklist("Status", "Status", ["Planned", "In Progress", "Completed", "Aborted"]),
            date("StartDate", "Start Date"),
            date("EndDate", "End Date"),
            currency("BudgetedCost", "Budgeted Cost in Campaign", 18, 0),
            checkbox("IsActive", "Active"),
        ]),
        _obj("CampaignMember", "Campaign Member", "Campaign Members", "00v", [
            *system_fields(owner=False),
            _create_only(reference("CampaignId", "Campaign ID", ["Campaign"], nillable=False)),
            _create_only(reference("LeadId", "Lead ID", ["Lead"])),
            _create_only(reference("ContactId", "Contact ID", ["Contact"])),
            picklist("Status", "Status", ["Sent", "Responded"], defaulted_on_create=True),
            readonly(checkbox("HasResponded", "Responded")),
            readonly(date("FirstRespondedDate", "First Responded Date")),
        ]),
        _obj("Task", "Task", "Tasks", "00T", [
            *system_fields(),
            reference("WhoId", "Name ID", ["Contact", "Lead"]),
            reference("WhatId", "Related To ID", _WHAT_OBJECTS),
            Field("Subject", "Subject", "combobox", length=255, picklist_values=tuple(
                PicklistValue(v, v) for v in ("Call", "Send Letter", "Send Quote", "Other"))),
            date("ActivityDate", "Due Date Only"),
            picklist("Status", "Status", ["Not Started", "In Progress", "Completed",
                                          "Waiting on someone else", "Deferred"],
                     nillable=False, defaulted_on_create=True, default="Not Started"),
            picklist("Priority", "Priority", ["High", "Normal", "Low"], nillable=False,
                     defaulted_on_create=True, default="Normal"),
            textarea("Description", "Description"),
            readonly(checkbox("IsClosed", "Closed")),
        ]),
        _obj("Event", "Event", "Events", "00U", [
            *system_fields(),
            reference("WhoId", "Name ID", ["Contact", "Lead"]),
            reference("WhatId", "Related To ID", _WHAT_OBJECTS),
            Field("Subject", "Subject", "combobox", length=255, picklist_values=tuple(
                PicklistValue(v, v) for v in ("Call", "Email", "Meeting", "Send Letter/Quote",
                                              "Other"))),
            text("Location", "Location", 255),
            checkbox("IsAllDayEvent", "All-Day Event"),
            datetime_("StartDateTime", "Start Date Time"),
            datetime_("EndDateTime", "End Date Time"),
            number("DurationInMinutes", "Duration", 8, 0, integer=True),
            textarea("Description", "Description"),
        ]),
        _obj("EmailMessage", "Email Message", "Email Messages", "02s", [
            *system_fields(owner=False),
            _create_only(reference("ParentId", "Case ID", ["Case"])),
            reference("RelatedToId", "Related To ID", ["Account", "Opportunity", "Case"]),
            text("Subject", "Subject", 3000),
            email("FromAddress", "From Address"),
            text("FromName", "From Name", 1000),
            text("ToAddress", "To Address", 4000),
            textarea("TextBody", "Text Body", 131072),
            textarea("HtmlBody", "HTML Body", 131072),
            _labeled("Status", "Status", [("0", "New"), ("1", "Read"), ("2", "Replied"),
                                          ("3", "Sent"), ("4", "Forwarded"), ("5", "Draft")],
                     nillable=False, defaulted_on_create=True, default="0"),
            datetime_("MessageDate", "Message Date"),
            _create_only(checkbox("Incoming", "Is Incoming")),
        ]),
    ]  # fmt: skip


def _product_objects() -> list[SObject]:
    return [
        _obj("Product2", "Product", "Products", "01t", [
            *system_fields(owner=False),
            text("Name", "Product Name", 255, nillable=False),
            text("ProductCode", "Product Code", 255),
            textarea("Description", "Product Description", 4000),
            checkbox("IsActive", "Active"),
            picklist("Family", "Product Family", ["Platform", "Add-on", "Services"]),
            text("StockKeepingUnit", "Product SKU", 180),
            picklist("QuantityUnitOfMeasure", "Quantity Unit Of Measure", ["Each", "Seat"]),
        ]),
        _obj("Pricebook2", "Price Book", "Price Books", "01s", [
            *system_fields(owner=False),
            text("Name", "Price Book Name", 255, nillable=False),
            checkbox("IsActive", "Active"),
            readonly(checkbox("IsStandard", "Is Standard Price Book")),
            text("Description", "Description", 255),
        ]),
        _obj("PricebookEntry", "Price Book Entry", "Price Book Entries", "01u", [
            *system_fields(owner=False),
            readonly(text("Name", "Product Name", 255)),
            _create_only(reference("Pricebook2Id", "Price Book ID", ["Pricebook2"],
                                   nillable=False)),
            _create_only(reference("Product2Id", "Product ID", ["Product2"], nillable=False)),
            currency("UnitPrice", "List Price", 18, 2, nillable=False),
            checkbox("IsActive", "Active"),
            checkbox("UseStandardPrice", "Use Standard Price"),
            readonly(text("ProductCode", "Product Code", 255)),
        ]),
        _obj("OpportunityLineItem", "Opportunity Product", "Opportunity Product", "00k", [
            *system_fields(owner=False),
            _create_only(reference("OpportunityId", "Opportunity ID", ["Opportunity"],
                                   nillable=False)),
            _create_only(reference("PricebookEntryId", "Price Book Entry ID",
                                   ["PricebookEntry"])),
            _create_only(reference("Product2Id", "Product ID", ["Product2"])),
            number("Quantity", "Quantity", 12, 2, nillable=False),
            currency("UnitPrice", "Sales Price", 18, 2),
            currency("TotalPrice", "Total Price", 18, 2),
            percent("Discount", "Discount", 5, 2),
            date("ServiceDate", "Date"),
        ]),
        _obj("OpportunityContactRole", "Opportunity Contact Role", "Opportunity Contact Role",
             "00K", [
            *system_fields(owner=False),
            _create_only(reference("OpportunityId", "Opportunity ID", ["Opportunity"],
                                   nillable=False)),
            reference("ContactId", "Contact ID", ["Contact"], nillable=False),
            picklist("Role", "Role", CONTACT_ROLES),
            checkbox("IsPrimary", "Primary"),
        ]),
        _obj("Quote", "Quote", "Quotes", "0Q0", [
            *system_fields(),
            text("Name", "Quote Name", 255, nillable=False),
            _create_only(reference("OpportunityId", "Opportunity ID", ["Opportunity"],
                                   nillable=False)),
            _auto_number("QuoteNumber", "Quote Number"),
            picklist("Status", "Status", ["Draft", "Needs Review", "In Review", "Approved",
                                          "Rejected", "Presented", "Accepted", "Denied"],
                     defaulted_on_create=True, default="Draft"),
            date("ExpirationDate", "Expiration Date"),
            reference("Pricebook2Id", "Price Book ID", ["Pricebook2"]),
            reference("ContactId", "Contact ID", ["Contact"]),
            readonly(currency("GrandTotal", "Grand Total", 18, 2), calculated=True),
        ]),
        _obj("QuoteLineItem", "Quote Line Item", "Quote Line Items", "0QL", [
            *system_fields(owner=False),
            _create_only(reference("QuoteId", "Quote ID", ["Quote"], nillable=False)),
            _create_only(reference("PricebookEntryId", "Price Book Entry ID",
                                   ["PricebookEntry"], nillable=False)),
            _create_only(reference("Product2Id", "Product ID", ["Product2"])),
            number("Quantity", "Quantity", 12, 2, nillable=False),
            currency("UnitPrice", "Sales Price", 18, 2, nillable=False),
            percent("Discount", "Discount", 5, 2),
            readonly(currency("TotalPrice", "Total Price", 18, 2), calculated=True),
            _auto_number("LineNumber", "Line Item Number"),
        ]),
    ]  # fmt: skip


def _order_objects() -> list[SObject]:
    return [
        _obj("Contract", "Contract", "Contracts", "800", [
            *system_fields(),
            reference("AccountId", "Account ID", ["Account"], nillable=False),
            _auto_number("ContractNumber", "Contract Number"),
            picklist("Status", "Status", ["Draft", "In Approval Process", "Activated"],
                     nillable=False, defaulted_on_create=True, default="Draft",
                     restricted_picklist=True),
            date("StartDate", "Contract Start Date"),
            number("ContractTerm", "Contract Term", 4, 0, integer=True),
            readonly(date("EndDate", "Contract End Date"), calculated=True),
            reference("Pricebook2Id", "Price Book ID", ["Pricebook2"]),
            textarea("Description", "Description"),
        ]),
        _obj("Order", "Order", "Orders", "801", [
            *system_fields(),
            reference("AccountId", "Account ID", ["Account"], nillable=False),
            _auto_number("OrderNumber", "Order Number"),
            date("EffectiveDate", "Order Start Date", nillable=False),
            picklist("Status", "Status", ["Draft", "Activated"], nillable=False,
                     restricted_picklist=True),
            reference("ContractId", "Contract ID", ["Contract"]),
            reference("Pricebook2Id", "Price Book ID", ["Pricebook2"]),
            picklist("Type", "Order Type", ["New", "Renewal", "Upsell"]),
            readonly(currency("TotalAmount", "Order Amount", 18, 2), calculated=True),
        ]),
        _obj("OrderItem", "Order Product", "Order Products", "802", [
            *system_fields(owner=False),
            _create_only(reference("OrderId", "Order ID", ["Order"], nillable=False)),
            _create_only(reference("PricebookEntryId", "Price Book Entry ID",
                                   ["PricebookEntry"], nillable=False)),
            _create_only(reference("Product2Id", "Product ID", ["Product2"])),
            number("Quantity", "Quantity", 18, 2, nillable=False),
            currency("UnitPrice", "Unit Price", 18, 2, nillable=False),
            readonly(currency("TotalPrice", "Total Price", 18, 2), calculated=True),
            _auto_number("OrderItemNumber", "Order Product Number"),
        ]),
        _obj("Asset", "Asset", "Assets", "02i", [
            *system_fields(),
            text("Name", "Asset Name", 255, nillable=False),
            reference("AccountId", "Account ID", ["Account"]),
            reference("ContactId", "Contact ID", ["Contact"]),
            reference("Product2Id", "Product ID", ["Product2"]),
            text("SerialNumber", "Serial Number", 80),
            picklist("Status", "Status", ["Purchased", "Shipped", "Installed", "Registered",
                                          "Obsolete"]),
            date("InstallDate", "Install Date"),
            number("Quantity", "Quantity", 18, 2),
        ]),
        _obj("AccountContactRelation", "Account Contact Relationship",
             "Account Contact Relationships", "07k", [
            *system_fields(owner=False),
            _create_only(reference("AccountId", "Account ID", ["Account"], nillable=False)),
            _create_only(reference("ContactId", "Contact ID", ["Contact"], nillable=False)),
            picklist("Roles", "Roles", CONTACT_ROLES, multi=True),
            readonly(checkbox("IsDirect", "Direct")),
            checkbox("IsActive", "Active"),
            date("StartDate", "Start Date"),
            date("EndDate", "End Date"),
        ]),
        _obj("Partner", "Partner", "Partners", "00I", [
            *system_fields(owner=False),
            _create_only(reference("AccountFromId", "Account ID", ["Account"])),
            _create_only(reference("AccountToId", "Partner Account ID", ["Account"],
                                   nillable=False)),
            _create_only(reference("OpportunityId", "Opportunity ID", ["Opportunity"])),
            _create_only(picklist("Role", "Role", ["System Integrator", "Agency",
                                                   "VAR/Reseller", "Distributor", "Developer",
                                                   "Consultant"])),
            _create_only(checkbox("IsPrimary", "Primary")),
        ], updateable=False),
    ]  # fmt: skip


def _service_objects() -> list[SObject]:
    return [
        _obj("Solution", "Solution", "Solutions", "501", [
            *system_fields(),
            text("SolutionName", "Solution Title", 255, nillable=False),
            _auto_number("SolutionNumber", "Solution Number"),
            picklist("Status", "Status", ["Draft", "Reviewed", "Duplicate"], nillable=False,
                     defaulted_on_create=True, default="Draft"),
            checkbox("IsPublished", "Visible in Self-Service Portal"),
            checkbox("IsPublishedInPublicKb", "Visible in Public Knowledge Base"),
            textarea("SolutionNote", "Solution Details"),
            readonly(checkbox("IsReviewed", "Reviewed")),
        ]),
        _obj("Entitlement", "Entitlement", "Entitlements", "550", [
            *system_fields(owner=False),
            text("Name", "Entitlement Name", 255, nillable=False),
            reference("AccountId", "Account ID", ["Account"], nillable=False),
            picklist("Type", "Type", ["Phone Support", "Web Support", "Email Support"]),
            date("StartDate", "Start Date"),
            date("EndDate", "End Date"),
            readonly(picklist("Status", "Status", ["Active", "Expired", "Inactive"]),
                     calculated=True),
            reference("AssetId", "Asset ID", ["Asset"]),
            reference("ServiceContractId", "Service Contract ID", ["ServiceContract"]),
        ]),
        _obj("ServiceContract", "Service Contract", "Service Contracts", "810", [
            *system_fields(),
            text("Name", "Contract Name", 255, nillable=False),
            _auto_number("ContractNumber", "Contract Number"),
            reference("AccountId", "Account ID", ["Account"]),
            reference("ContactId", "Contact ID", ["Contact"]),
            date("StartDate", "Start Date"),
            date("EndDate", "End Date"),
            number("Term", "Term (months)", 9, 0, integer=True),
            readonly(picklist("Status", "Status", ["Active", "Expired", "Inactive"]),
                     calculated=True),
        ]),
        _obj("WorkOrder", "Work Order", "Work Orders", "0WO", [
            *system_fields(),
            _auto_number("WorkOrderNumber", "Work Order Number"),
            reference("AccountId", "Account ID", ["Account"]),
            reference("ContactId", "Contact ID", ["Contact"]),
            reference("CaseId", "Case ID", ["Case"]),
            reference("LocationId", "Location ID", ["Location"]),
            text("Subject", "Subject", 255),
            picklist("Status", "Status", ["New", "In Progress", "On Hold", "Completed",
                                          "Cannot Complete", "Closed", "Canceled"],
                     defaulted_on_create=True, default="New"),
            picklist("Priority", "Priority", ["Low", "Medium", "High", "Critical"]),
            datetime_("StartDate", "Start Date"),
            datetime_("EndDate", "End Date"),
        ]),
        _obj("Location", "Location", "Locations", "131", [
            *system_fields(),
            text("Name", "Location Name", 255, nillable=False),
            picklist("LocationType", "Location Type", ["Warehouse", "Site", "Van", "Plant"],
                     nillable=False),
            number("Latitude", "Latitude", 18, 15),
            number("Longitude", "Longitude", 18, 15),
            checkbox("IsInventoryLocation", "Inventory Location"),
            checkbox("IsMobile", "Mobile Location"),
            reference("ParentLocationId", "Parent Location ID", ["Location"]),
        ]),
        _obj("OperatingHours", "Operating Hours", "Operating Hours", "0OH", [
            *system_fields(owner=False),
            text("Name", "Name", 80, nillable=False),
            picklist("TimeZone", "Time Zone", ["America/New_York", "America/Chicago",
                                               "America/Los_Angeles", "Europe/London",
                                               "Europe/Berlin", "Asia/Singapore"],
                     nillable=False, restricted_picklist=True),
            textarea("Description", "Description", 32000),
        ]),
    ]  # fmt: skip


def _content_objects() -> list[SObject]:
    parents = ["Account", "Contact", "Lead", "Opportunity", "Case"]
    return [
        _locked("Folder", "Folder", "Folders", "00l", [
            *system_fields(owner=False),
            text("Name", "Name", 40, nillable=False),
            text("DeveloperName", "Folder Unique Name", 80),
            picklist("Type", "Type", ["Document", "Email", "Report", "Dashboard"]),
            picklist("AccessType", "Access Type", ["Shared", "Public", "Hidden",
                                                   "PublicInternal"]),
        ]),
        _obj("Document", "Document", "Documents", "015", [
            *system_fields(owner=False),
            text("Name", "Document Name", 255, nillable=False),
            text("DeveloperName", "Document Unique Name", 80),
            reference("FolderId", "Folder ID", ["Folder", "User"], nillable=False),
            text("ContentType", "MIME Type", 120),
            text("Type", "File Extension", 40),
            checkbox("IsPublic", "Externally Available"),
            readonly(number("BodyLength", "Body Length", 8, 0, integer=True)),
            reference("AuthorId", "Author ID", ["User"]),
        ]),
        _locked("ContentDocument", "Content Document", "Content Documents", "069", [
            *system_fields(),
            text("Title", "Title", 255, nillable=False),
            readonly(text("FileType", "File Type", 20)),
            readonly(number("ContentSize", "Size", 9, 0, integer=True)),
            readonly(reference("LatestPublishedVersionId", "Latest Published Version ID",
                               ["ContentVersion"])),
            textarea("Description", "Description", 1000),
        ], updateable=True),
        _obj("ContentVersion", "Content Version", "Content Versions", "068", [
            *system_fields(),
            text("Title", "Title", 255, nillable=False),
            _create_only(text("PathOnClient", "Path On Client", 500)),
            _create_only(reference("ContentDocumentId", "ContentDocument ID",
                                   ["ContentDocument"])),
            readonly(text("VersionNumber", "Version Number", 20)),
            readonly(checkbox("IsLatest", "Is Latest")),
            readonly(text("FileType", "File Type", 20)),
            readonly(number("ContentSize", "Size", 9, 0, integer=True)),
            textarea("Description", "Description", 1000),
        ]),
        _obj("Note", "Note", "Notes", "002", [
            *system_fields(),
            _create_only(reference("ParentId", "Parent ID", parents, nillable=False)),
            text("Title", "Title", 80, nillable=False),
            textarea("Body", "Body", 32000),
            checkbox("IsPrivate", "Private"),
        ]),
        _obj("Attachment", "Attachment", "Attachments", "00P", [
            *system_fields(),
            _create_only(reference("ParentId", "Parent ID", parents, nillable=False)),
            text("Name", "File Name", 255, nillable=False),
            text("ContentType", "Content Type", 120),
            readonly(number("BodyLength", "Body Length", 8, 0, integer=True)),
            textarea("Description", "Description", 500),
            checkbox("IsPrivate", "Private"),
        ]),
    ]  # fmt: skip


def _admin_objects() -> list[SObject]:
    return [
        _locked("Report", "Report", "Reports", "00O", [
            *system_fields(),
            text("Name", "Report Name", 40, nillable=False),
            text("DeveloperName", "Report Unique Name", 80),
            text("FolderName", "Folder Name", 255),
            picklist("Format", "Format", ["Tabular", "Summary", "Matrix", "MultiBlock"]),
            text("Description", "Description", 255),
            datetime_("LastRunDate", "Last Run"),
        ]),
        _locked("Dashboard", "Dashboard", "Dashboards", "01Z", [
            *system_fields(owner=False),
            text("Title", "Title", 80, nillable=False),
            text("DeveloperName", "Dashboard Unique Name", 80),
            text("FolderName", "Folder Name", 255),
            text("Description", "Description", 255),
            reference("RunningUserId", "Running User ID", ["User"]),
            picklist("Type", "Dashboard Running User", ["SpecifiedUser", "LoggedInUser",
                                                        "MyTeamUser"]),
        ]),
        _locked("RecordType", "Record Type", "Record Types", "012", [
            *system_fields(owner=False),
            text("Name", "Record Type Name", 80, nillable=False),
            text("DeveloperName", "Record Type Name", 80),
            text("SobjectType", "SObject Type Name", 40),
            text("Description", "Description", 255),
            checkbox("IsActive", "Active"),
        ]),
        _locked("DandBCompany", "D&B Company", "D&B Companies", "06E", [
            *system_fields(owner=False),
            text("Name", "Name", 255),
            text("DunsNumber", "D-U-N-S Number", 9),
            text("TradeStyle1", "Tradestyle", 255),
            text("PrimaryNaics", "Primary NAICS Code", 6),
            number("EmployeesTotal", "Employees Total", 10, 0, integer=True),
            currency("SalesVolume", "Sales Volume", 18, 0),
            text("Country", "Country", 40),
        ]),
    ]  # fmt: skip


def _objects() -> tuple[SObject, ...]:
    return (
        _account(),
        _contact(),
        _lead(),
        _opportunity(),
        _case(),
        _subscription(),
        _product_usage_event(),
        *_people_objects(),
        *_marketing_and_activity_objects(),
        *_product_objects(),
        *_order_objects(),
        *_service_objects(),
        *_content_objects(),
        *_admin_objects(),
    )


# --- Seed records -----------------------------------------------------------------------------

Seed = tuple[str, dict[str, Any]]


def _acc(n: int) -> str:
    return make_id("001", n)


def _con(n: int) -> str:
    return make_id("003", n)


def _seed_accounts() -> list[Seed]:
    rows: list[dict[str, Any]] = [
        {"Name": "Globex Corporation", "Domain__c": "globex.example", "Industry": "Technology",
         "Type": "Customer - Direct", "Phone": "(415) 555-0100",
         "BillingStreet": "1200 Harbor Blvd", "BillingCity": "San Francisco",
         "BillingState": "CA", "BillingPostalCode": "94107", "BillingCountry": "United States",
         "NumberOfEmployees": 4200, "AnnualRevenue": 910000000, "Rating": "Hot",
         "AccountSource": "Web", "Tier__c": "Tier 1", "Customer_Since__c": "2021-03-15",
         "ARR__c": 225000, "Employee_Band__c": "1001-5000",
         "Technologies__c": "Salesforce;Snowflake;AWS;Segment", "OwnerId": PRIYA_ID},
        {"Name": "Initech", "Domain__c": "initech.example", "Industry": "Technology",
         "Type": "Prospect", "Phone": "(512) 555-0142", "BillingStreet": "4120 Freidrich Ln",
         "BillingCity": "Austin", "BillingState": "TX", "BillingPostalCode": "78744",
         "BillingCountry": "United States", "NumberOfEmployees": 850,
         "AnnualRevenue": 120000000, "Rating": "Warm", "AccountSource": "Partner Referral",
         "Tier__c": "Tier 2", "Employee_Band__c": "201-1000",
         "Technologies__c": "Salesforce;HubSpot", "OwnerId": PRIYA_ID},
        {"Name": "Initech Europe Ltd", "Domain__c": "initech.example", "ParentId": _acc(2),
         "Industry": "Technology", "Type": "Prospect", "Phone": "+44 20 7946 0811",
         "BillingStreet": "18 Finsbury Square", "BillingCity": "London",
         "BillingPostalCode": "EC2A 1AH", "BillingCountry": "United Kingdom",
         "NumberOfEmployees": 140, "Tier__c": "Tier 3", "Employee_Band__c": "51-200",
         "AccountSource": "Other", "OwnerId": API_USER_ID},
        {"Name": "Umbrella Corporation", "Domain__c": "umbrella.example",
         "Industry": "Biotechnology", "Type": "Customer - Direct", "Phone": "(617) 555-0199",
         "BillingStreet": "545 Technology Sq", "BillingCity": "Cambridge",
         "BillingState": "MA", "BillingPostalCode": "02139", "BillingCountry": "United States",
         "NumberOfEmployees": 12000, "AnnualRevenue": 3400000000, "Ownership": "Public",
         "TickerSymbol": "UMBR", "Rating": "Hot", "Tier__c": "Tier 1",
         "Customer_Since__c": "2019-11-01", "ARR__c": 480000, "Employee_Band__c": "5001+",
         "Technologies__c": "Salesforce;Marketo;Microsoft Azure", "OwnerId": PRIYA_ID},
        {"Name": "Vandelay Industries", "Domain__c": "vandelay.example", "Industry": "Shipping",
         "Type": "Prospect", "Phone": "(212) 555-0176", "BillingStreet": "129 W 81st St",
         "BillingCity": "New York", "BillingState": "NY", "BillingPostalCode": "10024",
         "BillingCountry": "United States", "NumberOfEmployees": 65, "Rating": "Cold",
         "AccountSource": "Purchased List", "Tier__c": "Tier 3", "Employee_Band__c": "51-200",
         "OwnerId": PRIYA_ID},
        {"Name": "Hooli", "Domain__c": "hooli.example", "Industry": "Technology",
         "Type": "Customer - Direct", "Phone": "(650) 555-0123", "Website": "https://hooli.example",
         "BillingStreet": "2624 Mill St", "BillingCity": "Palo Alto", "BillingState": "CA",
         "BillingPostalCode": "94301", "BillingCountry": "United States",
         "NumberOfEmployees": 31000, "AnnualRevenue": 18000000000, "Ownership": "Public",
         "TickerSymbol": "HOOL", "Tier__c": "Tier 1", "Customer_Since__c": "2022-07-01",
         "ARR__c": 640000, "Employee_Band__c": "5001+",
         "Technologies__c": "Salesforce;Google Cloud;Snowflake", "OwnerId": MARCUS_ID},
        {"Name": "Cyberdyne Systems", "Domain__c": "cyberdyne.example",
         "Industry": "Electronics", "Type": "Prospect", "Phone": "(408) 555-0150",
         "BillingStreet": "18144 El Camino Real", "BillingCity": "Sunnyvale",
         "BillingState": "CA", "BillingPostalCode": "94087", "BillingCountry": "United States",
         "NumberOfEmployees": 2300, "Rating": "Warm", "AccountSource": "Web",
         "Tier__c": "Tier 2", "Employee_Band__c": "1001-5000", "OwnerId": PRIYA_ID},
        {"Name": "Monarch Savings Bank", "Domain__c": "monarchbank.example",
         "Industry": "Banking", "Type": "Customer - Direct", "Phone": "(704) 555-0118",
         "BillingStreet": "301 S Tryon St", "BillingCity": "Charlotte", "BillingState": "NC",
         "BillingPostalCode": "28202", "BillingCountry": "United States",
         "NumberOfEmployees": 5400, "AnnualRevenue": 2100000000, "Tier__c": "Tier 2",
         "Customer_Since__c": "2023-01-20", "ARR__c": 150000, "Employee_Band__c": "5001+",
         "OwnerId": MARCUS_ID},
    ]  # fmt: skip
    seeds: list[Seed] = []
    for n, row in enumerate(rows, start=1):
        row.setdefault("Website", f"https://www.{row['Domain__c']}")
        record = {"Id": _acc(n), **row, "Account_Key__c": f"ACC-{n:06d}"}
        seeds.append(("Account", record))
    return seeds


def _seed_contacts() -> list[Seed]:
    enriched = "2025-05-14T09:30:00.000+0000"
    rows: list[dict[str, Any]] = [
        {"FirstName": "Jamie", "LastName": "Lee", "Email": "jamie.lee@globex.example",
         "External_Id__c": "C-1002", "AccountId": _acc(1), "Title": "VP of Revenue Operations",
         "Department": "Operations", "Phone": "(415) 555-0101", "MailingCity": "San Francisco",
         "MailingCountry": "United States", "LeadSource": "Web", "Seniority__c": "VP",
         "Persona__c": "Economic Buyer;Champion", "Last_Enriched__c": enriched,
         "LinkedIn_URL__c": "https://linkedin.example/in/jamie-lee", "OwnerId": PRIYA_ID},
        {"FirstName": "Jamie", "LastName": "Lee", "Email": "jamie.lee@globex.example",
         "External_Id__c": "C-1003", "AccountId": _acc(1), "Title": "Revenue Operations",
         "MobilePhone": "(415) 555-0187", "LeadSource": "Purchased List",
         "OwnerId": API_USER_ID},
        {"Salutation": "Dr.", "FirstName": "Ada", "LastName": "Okafor",
         "Email": "ada.okafor@umbrella.example", "External_Id__c": "C-1001",
         "AccountId": _acc(4), "Title": "Chief Scientific Officer", "Department": "R&D",
         "Phone": "(617) 555-0190", "MailingCity": "Cambridge", "MailingState": "MA",
         "MailingCountry": "United States", "Seniority__c": "C-Level",
         "Persona__c": "Economic Buyer", "Birthdate": "1979-04-22",
         "Last_Enriched__c": "2025-04-02T16:05:00.000+0000", "OwnerId": PRIYA_ID},
        {"FirstName": "Peter", "LastName": "Novak", "Email": "peter.novak@initech.example",
         "External_Id__c": "C-1004", "AccountId": _acc(2), "Title": "Director of Engineering",
         "Department": "Engineering", "Phone": "(512) 555-0143", "MailingCity": "Austin",
         "MailingCountry": "United States", "Seniority__c": "Director",
         "Persona__c": "Technical Evaluator", "OwnerId": PRIYA_ID},
        {"FirstName": "Harriet", "LastName": "Cole", "Email": "harriet.cole@initech.example",
         "External_Id__c": "C-1005", "AccountId": _acc(3),
         "Title": "Head of Sales Operations", "Phone": "+44 20 7946 0812",
         "MailingCity": "London", "MailingCountry": "United Kingdom", "Seniority__c": "Manager",
         "Persona__c": "Champion", "HasOptedOutOfEmail": True, "OwnerId": API_USER_ID},
        {"FirstName": "Luis", "LastName": "Ortega", "Email": "luis.ortega@vandelay.example",
         "External_Id__c": "C-1006", "AccountId": _acc(5), "Title": "Logistics Manager",
         "Phone": "(212) 555-0177", "Seniority__c": "Manager", "Persona__c": "End User",
         "DoNotCall": True, "OwnerId": PRIYA_ID},
        {"FirstName": "Mei", "LastName": "Chen", "Email": "mei.chen@hooli.example",
         "External_Id__c": "C-1007", "AccountId": _acc(6), "Title": "CTO",
         "Department": "Engineering", "Phone": "(650) 555-0124", "MailingCity": "Palo Alto",
         "MailingCountry": "United States", "Seniority__c": "C-Level",
         "Persona__c": "Technical Evaluator;Influencer", "Last_Enriched__c": enriched,
         "OwnerId": MARCUS_ID},
        {"FirstName": "Tom", "LastName": "Becker", "Email": "tom.becker@hooli.example",
         "External_Id__c": "C-1008", "AccountId": _acc(6), "ReportsToId": _con(7),
         "Title": "Staff Data Engineer", "Department": "Engineering",
         "Seniority__c": "Individual Contributor", "Persona__c": "End User",
         "OwnerId": MARCUS_ID},
        {"FirstName": "Grace", "LastName": "Adeyemi", "Email": "grace.adeyemi@monarchbank.example",
         "External_Id__c": "C-1009", "AccountId": _acc(8), "Title": "VP Marketing Operations",
         "Phone": "(704) 555-0119", "MailingCity": "Charlotte", "MailingCountry": "United States",
         "Seniority__c": "VP", "Persona__c": "Champion;Influencer", "OwnerId": MARCUS_ID},
    ]  # fmt: skip
    return [("Contact", {"Id": _con(n), **row}) for n, row in enumerate(rows, start=1)]


def _seed_leads() -> list[Seed]:
    rows: list[dict[str, Any]] = [
        {"FirstName": "Dana", "LastName": "Scully", "Company": "FBI",
         "Email": "dana.scully@fbi.example", "Floqer_Id__c": "L-0001",
         "Title": "Special Agent", "Phone": "(202) 555-0113", "City": "Washington",
         "State": "DC", "Country": "United States", "Industry": "Government",
         "Status": "Working - Contacted", "LeadSource": "Web", "Lead_Score__c": 72,
         "Product_Interest__c": "Data Enrichment;Lead Routing",
         "Enrichment_Source__c": "Floqer", "OwnerId": SDR_QUEUE_ID},
        {"FirstName": "Katrin", "LastName": "Weber", "Company": "Rheinwerk Logistik GmbH",
         "Email": "k.weber@rheinwerk.example", "Floqer_Id__c": "L-0002",
         "Title": "Head of Digital Sales", "City": "Hamburg", "Country": "Germany",
         "Industry": "Transportation", "Status": "Open - Not Contacted",
         "LeadSource": "Web", "NumberOfEmployees": 900, "Lead_Score__c": 55,
         "Enrichment_Source__c": "Floqer", "OwnerId": EMEA_QUEUE_ID},
        {"FirstName": "Claire", "LastName": "Dubois", "Company": "Lumière Analytics",
         "Email": "claire.dubois@lumiere.example", "Floqer_Id__c": "L-0003",
         "Title": "COO", "City": "Paris", "Country": "France", "Industry": "Consulting",
         "Status": "Open - Not Contacted", "LeadSource": "Partner Referral",
         "Product_Interest__c": "Intent Signals", "Enrichment_Source__c": "Partner",
         "OwnerId": EMEA_QUEUE_ID},
        {"FirstName": "Siobhan", "LastName": "Murphy", "Company": "Harbour Fintech",
         "Email": "siobhan.murphy@harbourfintech.example", "Floqer_Id__c": "L-0004",
         "Title": "Growth Lead", "City": "Dublin", "Country": "Ireland",
         "Industry": "Finance", "Status": "Working - Contacted", "Rating": "Hot",
         "AnnualRevenue": 14000000, "Lead_Score__c": 88,
         "Product_Interest__c": "Outbound Automation;CRM Hygiene",
         "Enrichment_Source__c": "Trade Show", "OwnerId": EMEA_QUEUE_ID},
        {"FirstName": "Ravi", "LastName": "Patel", "Company": "Brightpath Learning",
         "Email": "ravi.patel@brightpath.example", "Floqer_Id__c": "L-0005",
         "Title": "Director of Sales", "MobilePhone": "(312) 555-0164", "City": "Chicago",
         "State": "IL", "Country": "United States", "Industry": "Education",
         "Status": "Working - Contacted", "Rating": "Warm", "LeadSource": "Phone Inquiry",
         "NumberOfEmployees": 320, "Lead_Score__c": 64, "Website": "https://brightpath.example",
         "Enrichment_Source__c": "Web Form", "OwnerId": MARCUS_ID},
        {"FirstName": "Wei", "LastName": "Chen", "Company": "Pacific Rim Freight",
         "Email": "wei.chen@pacificrim.example", "Floqer_Id__c": "L-0006",
         "Title": "Procurement Manager", "City": "Singapore", "Country": "Singapore",
         "Industry": "Shipping", "Status": "Closed - Not Converted",
         "LeadSource": "Purchased List", "Rating": "Cold", "Lead_Score__c": 21,
         "Enrichment_Source__c": "Manual Entry", "OwnerId": SDR_QUEUE_ID},
    ]  # fmt: skip
    return [("Lead", {"Id": make_id("00Q", n), **row}) for n, row in enumerate(rows, start=1)]


def _seed_deals_and_cases() -> list[Seed]:
    opportunities: list[dict[str, Any]] = [
        {"Name": "Globex - Platform Expansion", "AccountId": _acc(1),
         "StageName": "Negotiation/Review", "CloseDate": "2025-09-30", "Amount": 180000,
         "Probability": 90, "ForecastCategoryName": "Commit",
         "Type": "Existing Customer - Upgrade", "LeadSource": "Web",
         "NextStep": "Legal review of MSA redlines", "External_Deal_Id__c": "D-5001",
         "Competitor__c": "Contoso", "ContactId": _con(1), "OwnerId": PRIYA_ID},
        {"Name": "Initech - New Business", "AccountId": _acc(2), "StageName": "Prospecting",
         "CloseDate": "2025-12-15", "Amount": 45000, "Probability": 10,
         "ForecastCategoryName": "Pipeline", "Type": "New Customer",
         "LeadSource": "Partner Referral", "External_Deal_Id__c": "D-5002",
         "OwnerId": MARCUS_ID},
        {"Name": "Umbrella - FY26 Renewal", "AccountId": _acc(4), "StageName": "Closed Won",
         "CloseDate": "2025-06-27", "Amount": 96000, "Probability": 100,
         "ForecastCategoryName": "Closed", "Type": "Existing Customer - Replacement",
         "External_Deal_Id__c": "D-5003", "ContactId": _con(3), "OwnerId": PRIYA_ID},
    ]  # fmt: skip
    cases: list[dict[str, Any]] = [
        {"CaseNumber": "00001001", "Subject": "Enrichment sync failing for new Contacts",
         "Description": "Upserts from the Floqer workflow return errors since Monday.",
         "Status": "Working", "Priority": "High", "Origin": "Web", "Type": "Other",
         "Reason": "Performance", "AccountId": _acc(1), "ContactId": _con(1),
         "SuppliedName": "Jamie Lee", "SuppliedEmail": "jamie.lee@globex.example",
         "SuppliedCompany": "Globex Corporation", "SuppliedPhone": "(415) 555-0101",
         "IsEscalated": True, "Product_Area__c": "Integrations", "OwnerId": MARCUS_ID},
        {"CaseNumber": "00001002", "Subject": "Question about invoice INV-2291",
         "Description": "The May invoice lists 45 seats; our subscription has 40.",
         "Status": "New", "Priority": "Medium", "Origin": "Email", "Type": "Other",
         "Reason": "Feedback", "AccountId": _acc(4), "ContactId": _con(3),
         "Product_Area__c": "Billing", "OwnerId": PRIYA_ID},
    ]  # fmt: skip
    return [
        *(("Opportunity", {"Id": make_id("006", n), **r}) for n, r in enumerate(opportunities, 1)),
        *(("Case", {"Id": make_id("500", n), **r}) for n, r in enumerate(cases, 1)),
    ]


def _seed_custom_objects() -> list[Seed]:
    subscriptions: list[dict[str, Any]] = [
        {"Name": "SUB-0001", "Subscription_Key__c": "SUB-KEY-1", "Account__c": _acc(1),
         "Plan__c": "Enterprise", "Seats__c": 250, "Start_Date__c": "2024-02-01",
         "Renewal_Date__c": "2026-02-01", "MRR__c": 18750, "Active__c": True,
         "Notes__c": "Two-year term; expansion to EMEA team under negotiation.",
         "OwnerId": PRIYA_ID},
        {"Name": "SUB-0002", "Subscription_Key__c": "SUB-KEY-2", "Account__c": _acc(4),
         "Plan__c": "Growth", "Seats__c": 40, "Start_Date__c": "2023-11-01",
         "Renewal_Date__c": "2025-11-01", "MRR__c": 3200, "Active__c": True,
         "OwnerId": PRIYA_ID},
    ]  # fmt: skip
    events: list[dict[str, Any]] = [
        {"Name": "Workflow run - Jamie Lee", "Event_Id__c": "EVT-000001",
         "Subscription__c": make_id("a0B", 1), "Contact__c": _con(1),
         "Event_Type__c": "Workflow Run",
         "Occurred_At__c": "2025-05-12T14:02:11.000+0000", "Feature__c": "Waterfall enrichment",
         "Count__c": 14, "OwnerId": API_USER_ID},
        {"Name": "Export - Ada Okafor", "Event_Id__c": "EVT-000002",
         "Subscription__c": make_id("a0B", 2), "Contact__c": _con(3),
         "Event_Type__c": "Export", "Occurred_At__c": "2025-05-13T08:45:00.000+0000",
         "Feature__c": "CSV export", "Count__c": 1, "OwnerId": API_USER_ID},
    ]  # fmt: skip
    return [
        *(("Subscription__c", {"Id": make_id("a0B", n), **r})
          for n, r in enumerate(subscriptions, 1)),
        *(("Product_Usage_Event__c", {"Id": make_id("a1C", n), **r})
          for n, r in enumerate(events, 1)),
    ]  # fmt: skip


# --- The org ----------------------------------------------------------------------------------


def build_default_org() -> OrgSpec:
    """Acme Corp's production org as the Floqer Integration user sees it."""
    return OrgSpec(
        name="Acme Corp",
        instance_url="https://acme-sandbox.my.salesforce.com",
        objects=_objects(),
        owners=(
            Owner(API_USER_ID, "Floqer Integration", "User"),
            Owner(PRIYA_ID, "Priya Raman", "User"),
            Owner(MARCUS_ID, "Marcus Webb", "User"),
            Owner(SDR_QUEUE_ID, "Sales Development Queue", "Queue"),
            Owner(EMEA_QUEUE_ID, "EMEA Sales Queue", "Queue"),
        ),
        api_user_id=API_USER_ID,
        duplicate_rules=(
            DuplicateRule("Standard Lead Duplicate Rule", "Lead", ("Email",), "alert"),
            DuplicateRule(
                "Standard Contact Duplicate Rule", "Contact", ("Email", "LastName"), "block"
            ),
        ),
        assignment_rules=(
            AssignmentRule(
                "Lead",
                (
                    AssignmentEntry(
                        "Country",
                        ("United Kingdom", "UK", "Germany", "France", "Ireland"),
                        EMEA_QUEUE_ID,
                    ),
                ),
                SDR_QUEUE_ID,
            ),
            AssignmentRule(
                "Account",
                (AssignmentEntry("Industry", ("Banking", "Insurance", "Finance"), MARCUS_ID),),
                PRIYA_ID,
            ),
            AssignmentRule("Case", (AssignmentEntry("Priority", ("High",), MARCUS_ID),), PRIYA_ID),
        ),
        seed_records=(
            *_seed_accounts(),
            *_seed_contacts(),
            *_seed_leads(),
            *_seed_deals_and_cases(),
            *_seed_custom_objects(),
        ),
    )
