"""An enterprise-sized org (900 Account fields, 1,000+ objects) for scale and speed tests."""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from math import gcd

from webapp.sandbox.sfdc.model import (
    Field,
    OrgSpec,
    SObject,
    checkbox,
    currency,
    date,
    number,
    picklist,
    readonly,
    reference,
    system_fields,
    text,
    textarea,
    url,
)
from webapp.sandbox.sfdc.orgs.default import build_default_org

ACCOUNT_FIELD_COUNT = 900
MIN_OBJECT_COUNT = 1050

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_FIRST_PREFIX = "a2A"
_SUFFIXES = ("c", "history", "share", "feed", "changeevent")

# Namespaces of the kind of managed packages an enterprise org collects (CPQ, billing,
# e-signature, marketing automation, data enrichment, roll-ups, customer success).
_NAMESPACES = (
    "SBQQ", "blng", "zqu", "dsfs", "pi", "mkto71", "et4ae5", "LID", "DOZISF",
    "rh2", "bizible2", "LeanData", "JBCXM", "FSL", "clari", "Gong", "G2Crowd",
)  # fmt: skip
_TOPICS = (
    "Region", "Renewal", "Churn", "Intent", "Engagement", "Territory", "Segment",
    "Health", "Billing", "Contract", "Usage", "Support", "Partner", "Industry",
    "Tech_Stack", "Funding", "Hiring", "Web_Visit", "Email", "Campaign", "NPS",
    "Adoption", "Expansion", "Risk", "Credit", "Onboarding", "Procurement",
    "Security_Review", "Executive_Sponsor",
)  # fmt: skip
# Attribute -> the field type it plausibly has.
_ATTRIBUTES = (
    ("Score", "number"), ("Count", "int"), ("Amount", "currency"), ("Date", "date"),
    ("Status", "picklist"), ("Tier", "picklist"), ("Stage", "picklist"),
    ("Source", "picklist"), ("Verified", "checkbox"), ("Opt_Out", "checkbox"),
    ("URL", "url"), ("Notes", "textarea"), ("Code", "string"), ("Contact_Name", "string"),
    ("Last_Review_Date", "date"), ("Forecast", "currency"), ("Rank", "int"),
)  # fmt: skip
_PICKLIST_VALUES = {
    "Status": ["Active", "Inactive", "Pending Review"],
    "Tier": ["Tier 1", "Tier 2", "Tier 3", "Strategic"],
    "Stage": ["Discovery", "Evaluation", "Committed", "Closed"],
    "Source": ["Inbound", "Outbound", "Partner", "Event"],
}
# Object nouns for generated custom objects.
_NOUNS = (
    "Quote", "Quote_Line", "Invoice", "Invoice_Line", "Payment", "Subscription_Plan",
    "Usage_Summary", "Entitlement_Grant", "Renewal_Forecast", "Contract_Term",
    "Territory_Assignment", "Health_Score", "Survey_Response", "Onboarding_Task",
    "Partner_Deal", "Commission", "Forecast_Line", "Price_Rule", "Discount_Schedule",
    "Approval_Step", "Campaign_Touch", "Web_Visit", "Intent_Signal", "Technographic",
    "Funding_Round", "Job_Posting", "Support_Escalation", "Release_Note",
    "Feature_Request", "Asset_Config", "Shipment", "Warehouse", "Vendor", "Project",
    "Milestone", "Timesheet", "Expense_Report", "Risk_Register", "Audit_Log",
    "Envelope_Status", "Play_Step", "Success_Plan", "Meeting_Note", "Call_Recording",
)  # fmt: skip
# Extra Account fields flagged External ID, as integrations add them.
_ACCOUNT_EXTERNAL_IDS = (
    ("ERP_Customer_Number__c", "ERP Customer Number"),
    ("DOZISF__ZoomInfo_Company_Id__c", "ZoomInfo Company ID"),
    ("LID__LinkedIn_Company_Id__c", "LinkedIn Company ID"),
)


def _prefix_counter(taken: set[str]) -> Iterator[str]:
    """3-character base-62 key prefixes from "a2A" upwards, skipping those in `taken`."""
    n = 0
    for ch in _FIRST_PREFIX:
        n = n * 62 + _BASE62.index(ch)
    while n < 62**3:
        prefix = _BASE62[n // 3844] + _BASE62[n // 62 % 62] + _BASE62[n % 62]
        n += 1
        if prefix not in taken:
            yield prefix
    raise RuntimeError("ran out of key prefixes")


def _spread(total: int) -> Iterator[int]:
    """Every index in range(total) once, in a spread-out order (a coprime stride permutes)."""
    stride = next(s for s in range(total // 3 + 1, total) if gcd(s, total) == 1)
    return (i * stride % total for i in range(total))


def _typed_field(name: str, label: str, attribute: str, kind: str) -> Field:
    """A custom field of the type that suits its attribute."""
    if kind == "number":
        return number(name, label, precision=5, scale=1, custom=True)
    if kind == "int":
        return number(name, label, precision=9, integer=True, custom=True)
    if kind == "currency":
        return currency(name, label, custom=True)
    if kind == "date":
        return date(name, label, custom=True)
    if kind == "picklist":
        return picklist(name, label, _PICKLIST_VALUES[attribute], custom=True)
    if kind == "checkbox":
        return checkbox(name, label, custom=True)
    if kind == "url":
        return url(name, label, custom=True)
    if kind == "textarea":
        return textarea(name, label, length=4000, custom=True)
    return text(name, label, length=80, custom=True)


def _account_custom_field(i: int, combo: int, labels: set[str]) -> Field:
    """The i-th generated Account field: managed-package style on even i, plain on odd."""
    attribute, kind = _ATTRIBUTES[combo % len(_ATTRIBUTES)]
    topic = _TOPICS[combo // len(_ATTRIBUTES) % len(_TOPICS)]
    namespace = _NAMESPACES[combo // (len(_ATTRIBUTES) * len(_TOPICS))]
    base = f"{topic}_{attribute}"
    if i % 2:
        name, label = f"{base}_{i}__c", f"{base} {i}".replace("_", " ")
    else:
        name, label = f"{namespace}__{base}__c", base.replace("_", " ")
        if label.lower() in labels:
            label = f"{label} ({namespace})"
    labels.add(label.lower())
    field = _typed_field(name, label, attribute, kind)
    if i % 67 == 5 and kind in ("number", "int", "currency", "string"):
        return readonly(replace(field, help_text="Formula field."), calculated=True)
    return field


def _account_fields(account: SObject) -> tuple[Field, ...]:
    """The default Account's fields, three more External IDs, then generated ones up to 900."""
    fields = list(account.fields)
    fields += [
        text(name, label, length=64, custom=True, external_id=True, unique=True)
        for name, label in _ACCOUNT_EXTERNAL_IDS
    ]
    names = {f.name.lower() for f in fields}
    labels = {f.label.lower() for f in fields}
    total = len(_NAMESPACES) * len(_TOPICS) * len(_ATTRIBUTES)
    for i, combo in enumerate(_spread(total)):
        if len(fields) == ACCOUNT_FIELD_COUNT:
            break
        field = _account_custom_field(i, combo, labels)
        if field.name.lower() not in names:
            names.add(field.name.lower())
            fields.append(field)
    return tuple(fields)


def _with_fields(obj: SObject, fields: tuple[Field, ...]) -> SObject:
    # Built afresh rather than with dataclasses.replace, which would share the lookup dict.
    return SObject(
        obj.name, obj.label, obj.label_plural, obj.key_prefix, fields,
        custom=obj.custom, createable=obj.createable, updateable=obj.updateable,
    )  # fmt: skip


def _custom_object_fields(i: int, ns: str, has_owner: bool) -> list[Field]:
    """System fields, a Name, a parent lookup and a few typed fields; some with an External ID."""
    fields = list(_system(has_owner))
    if i % 3 == 1:
        fields.append(readonly(text("Name", "Record Number", length=80), auto_number=True))
    else:
        fields.append(text("Name", "Name", length=80, nillable=False))
    parent = f"{ns}Account__c"
    if has_owner:
        fields.append(reference(parent, "Account", ["Account"], custom=True))
    else:
        fields.append(reference(parent, "Account", ["Account"], custom=True, nillable=False))
    fields += [
        picklist(f"{ns}Status__c", "Status", _PICKLIST_VALUES["Status"], custom=True),
        currency(f"{ns}Amount__c", "Amount", custom=True),
        date(f"{ns}Effective_Date__c", "Effective Date", custom=True),
    ]
    if i % 2 == 0:
        ext = text(f"{ns}External_Key__c", "External Key", length=64, custom=True)
        fields.append(replace(ext, external_id=True, unique=i % 4 == 0))
    return fields


@cache
def _system(owner: bool) -> tuple[Field, ...]:
    # Fields are immutable, so every object may share one copy of them.
    return tuple(system_fields(owner=owner))


@cache
def _frozen(f: Field) -> Field:
    """A read-only copy of a field, as companions carry them: never an upsert key."""
    return replace(f, createable=False, updateable=False, external_id=False, unique=False)


@cache
def _companion_extras(kind: str) -> tuple[Field, ...]:
    """The fields, after Id and ParentId, of a History, Share or Feed companion."""
    if kind == "History":
        extra = [text("Field", "Changed Field"), text("OldValue", "Old Value"),
                 text("NewValue", "New Value"), text("DataType", "Data Type")]  # fmt: skip
    elif kind == "Share":
        extra = [reference("UserOrGroupId", "User/Group ID", ["User", "Group"]),
                 picklist("AccessLevel", "Access Level", ["Read", "Edit", "All"]),
                 picklist("RowCause", "Sharing Reason", ["Owner", "Manual", "Rule"])]  # fmt: skip
    else:
        extra = [text("Type", "Feed Item Type", length=40), textarea("Body", "Body"),
                 text("Title", "Title"), url("LinkUrl", "Link URL"),
                 number("CommentCount", "Comment Count", integer=True),
                 number("LikeCount", "Like Count", integer=True)]  # fmt: skip
    system = [f for f in _system(False) if f.name in ("IsDeleted", "CreatedDate")]
    return (*system, *map(_frozen, extra))


def _companion_fields(kind: str, parent: SObject) -> tuple[Field, ...]:
    """The read-only fields of a History, Share, Feed or ChangeEvent companion."""
    id_field = parent.fields[0]
    if kind == "ChangeEvent":
        return (id_field, _frozen(text("ReplayId", "Replay ID")), *map(_frozen, parent.fields[1:]))
    parent_id = Field(
        "ParentId", "Parent ID", "reference", length=18, nillable=False,
        createable=False, updateable=False, reference_to=(parent.name,),
    )  # fmt: skip
    return (id_field, parent_id, *_companion_extras(kind))


def _companion_kinds(i: int, has_owner: bool) -> list[str]:
    """Which companions the i-th custom object has: not all track history or feeds."""
    kinds = ["History"] if i % 3 != 2 else []
    if has_owner:
        kinds.append("Share")
    if i % 2 == 0:
        kinds.append("Feed")
    if i % 5 == 0:
        kinds.append("ChangeEvent")
    return kinds


def _custom_object(i: int, ns: str, noun: str, prefixes: Iterator[str]) -> list[SObject]:
    """The i-th generated custom object followed by its companions."""
    label = noun.replace("_", " ")
    has_owner = i % 4 != 3  # master-detail children: no owner, no sharing.
    fields = _custom_object_fields(i, ns, has_owner)
    obj = SObject(f"{ns}{noun}__c", label, f"{label}s", next(prefixes), tuple(fields),
                  custom=True)  # fmt: skip
    out = [obj]
    for kind in _companion_kinds(i, has_owner):
        kind_label = "Change Event" if kind == "ChangeEvent" else kind
        out.append(SObject(
            f"{ns}{noun}__{kind}", f"{label} {kind_label}", f"{label} {kind_label}",
            next(prefixes), _companion_fields(kind, obj),
            custom=True, createable=False, updateable=False,
        ))  # fmt: skip
    return out


def _object_names() -> Iterator[tuple[str, str]]:
    """(namespace prefix, noun) pairs: one plain object per noun, then managed-package ones."""
    for noun in _NOUNS:
        yield "", noun
    total = len(_NOUNS) * len(_NAMESPACES)
    for combo in _spread(total):
        yield f"{_NAMESPACES[combo // len(_NOUNS)]}__", _NOUNS[combo % len(_NOUNS)]


def _custom_objects(default: OrgSpec) -> list[SObject]:
    """Generated custom objects (with companions) until the org holds enough objects."""
    taken = {o.name.lower() for o in default.objects}
    prefixes = _prefix_counter({o.key_prefix for o in default.objects})
    objects: list[SObject] = []
    for i, (ns, noun) in enumerate(_object_names()):
        if len(default.objects) + len(objects) >= MIN_OBJECT_COUNT:
            break
        companions = {f"{ns}{noun}__{k}".lower() for k in _SUFFIXES}
        if not companions & taken:
            objects += _custom_object(i, ns, noun, prefixes)
    return objects


def build_large_org() -> OrgSpec:
    """The default org with 900 Account fields and over 1,000 objects; same owners and seeds."""
    default = build_default_org()
    objects = [
        _with_fields(o, _account_fields(o)) if o.name == "Account" else o for o in default.objects
    ]
    return replace(default, name="large", objects=(*objects, *_custom_objects(default)))
