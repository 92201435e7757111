"""Properties of the pre-flight check: it never raises, and what it passes Salesforce accepts.

The second property runs the sandbox's Salesforce (its default org) as the judge: a mapping the
check calls ready must never be refused for a reason the mapping causes. The refusals allowed
depend on the org's data, which no metadata shows (duplicate rules, records a value matches,
records an id points at), or were announced as warnings (`update_only`).
"""

from __future__ import annotations

import string
from datetime import date, datetime
from functools import cache
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from webapp.floqer.models import FieldOption
from webapp.preflight import OrgFacts, Report, check
from webapp.preflight.drift import SavedFields
from webapp.sandbox.sfdc.model import Field, OrgSpec, SObject
from webapp.sandbox.sfdc.org import Org, UpsertRequest
from webapp.sandbox.sfdc.orgs.default import (
    API_USER_ID,
    PRIYA_ID,
    PRODUCT_INTERESTS,
    SDR_QUEUE_ID,
    build_default_org,
)
from webapp.sandbox.sfdc.values import SalesforceError
from webapp.upsert_form import TOGGLES, FieldRow, UpsertConfig

DESCRIBE_KEYS = (
    "type", "length", "required", "nillable", "createable", "updateable", "defaultedOnCreate",
    "externalId", "unique", "idLookup", "calculated", "autoNumber", "custom", "precision",
    "scale", "picklistValues", "restrictedPicklist", "referenceTo", "compoundFieldName",
)  # fmt: skip
FIELD_TYPES = (
    "id", "string", "textarea", "email", "phone", "url", "boolean", "date", "datetime",
    "double", "currency", "percent", "int", "picklist", "multipicklist", "combobox",
    "reference", "address", "encryptedstring", "anyType", "",
)  # fmt: skip
# Refusals that depend on the org's records and rules, not on the mapping.
DATA_DEPENDENT = {"DUPLICATES_DETECTED", "MULTIPLE_CHOICES", "INVALID_CROSS_REFERENCE_KEY"}
UPSERT_OBJECTS = ("Account", "Contact", "Lead", "Opportunity")

# -- (a) the check never raises ------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=4,
)
picklist_entries = st.lists(
    st.fixed_dictionaries(
        {"value": json_values | st.text(max_size=8)},
        optional={"active": json_values, "label": json_values, "defaultValue": json_values},
    ),
    max_size=5,
)
describe_values = (
    json_values
    | st.sampled_from(FIELD_TYPES)
    | st.integers(min_value=-3, max_value=300)
    | picklist_entries
    | st.sampled_from(["Name", "Address", "tRuE"])
)
extras = st.dictionaries(
    st.sampled_from(DESCRIBE_KEYS) | st.text(max_size=6), describe_values, max_size=5
)
names = st.sampled_from(["Name", "OwnerId", "Email", "Ext__c", "LastName"]) | st.text(
    min_size=1, max_size=12
)
texts = st.text(max_size=30) | st.sampled_from(
    ["", " ", "{{", "}}", "{{input.x}}", "a{{b}}c}}", "{{}}", "12", "true", "2024-02-30"]
)


@st.composite
def field_options(draw: st.DrawFn) -> FieldOption:
    return FieldOption(value=draw(names), label=draw(st.text(max_size=12)), extras=draw(extras))


@st.composite
def configs_and_facts(draw: st.DrawFn) -> tuple[UpsertConfig, OrgFacts | None]:
    fields = draw(st.lists(field_options(), max_size=5))
    known = [str(f.value) for f in fields]
    row_names = st.sampled_from(known) | names if known else names
    rows = draw(st.lists(st.builds(FieldRow, row_names, texts), max_size=8))
    toggles = tuple((t[0], draw(st.booleans())) for t in TOGGLES)
    objects = st.sampled_from(["Lead", "Account", "Case", ""]) | st.text(max_size=6)
    config = UpsertConfig(draw(objects), draw(names | st.just("")), tuple(rows), toggles)
    if draw(st.integers(0, 9)) == 0:
        return config, None
    external_ids = draw(st.lists(st.sampled_from(fields), max_size=3)) if fields else []
    references = draw(st.none() | st.frozensets(texts, max_size=4))
    object_names = draw(st.none() | st.lists(objects, max_size=4))
    facts = OrgFacts(
        draw(st.just(config.salesforce_object) | objects),
        fields,
        external_ids,
        references,
        object_names,
        draw(st.none() | saved_fields(config.salesforce_object, row_names)),
    )
    return config, facts


def saved_fields(object_name: str, row_names: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """What a version kept of its fields: well-formed, odd, or not even a mapping."""
    entry = st.fixed_dictionaries(
        {},
        optional={
            "label": st.text(max_size=8) | json_values,
            "type": st.sampled_from(FIELD_TYPES) | json_values,
            "length": json_values,
        },
    )
    stored = st.fixed_dictionaries(
        {},
        optional={
            "object": st.just(object_name) | json_values,
            "fields": st.dictionaries(row_names, entry | json_values, max_size=4) | json_values,
        },
    )
    return st.builds(SavedFields, st.integers(), stored | json_values)


@settings(max_examples=100, deadline=None)
@given(configs_and_facts())
def test_the_check_never_raises_whatever_the_metadata_and_rows(
    case: tuple[UpsertConfig, OrgFacts | None],
) -> None:
    config, facts = case
    report = check(config, facts)
    assert report.ready == (report.checked and not report.errors)
    order = [(-1 if p.row is None else p.row, p.severity != "error") for p in report.problems]
    assert order == sorted(order)
    assert all(p.row is None or 0 <= p.row < len(config.rows) for p in report.problems)


# -- (b) what the check passes, the sandbox's Salesforce accepts --------------------------------


@cache
def default_org() -> OrgSpec:
    return build_default_org()


@cache
def org_facts(object_name: str) -> OrgFacts:
    spec = default_org()
    sobject = _sobject(object_name)
    return OrgFacts(
        sobject.name,
        [_option(f) for f in sobject.fields],
        [_option(f) for f in sobject.external_id_fields()],
        references=None,
        object_names=[o.name for o in spec.objects],
    )


def _sobject(name: str) -> SObject:
    return next(o for o in default_org().objects if o.name == name)


def _option(f: Field) -> FieldOption:
    return FieldOption(value=f.name, label=f.label, extras=f.extras())


def _digits(f: Field) -> int:
    return max(1, min(f.precision - f.scale, 12)) if f.precision else 12


def _active(f: Field) -> list[str]:
    return [p.value for p in f.picklist_values if p.active] or ["Anything"]


def valid_values(f: Field) -> st.SearchStrategy[str]:
    """Values Salesforce takes for `f` (as the sandbox checks them)."""
    kind, top = f.type, 10 ** _digits(f) - 1
    if kind == "boolean":
        return st.sampled_from(["true", "false", "TRUE", " False "])
    if kind == "int":
        return st.integers(-top, top).map(str)
    if kind in ("double", "currency", "percent"):
        parts = st.tuples(st.sampled_from(["", "-", "+"]), st.integers(0, top).map(str))
        return st.tuples(parts.map("".join), st.sampled_from(["", ".5", ".25"])).map("".join)
    if kind == "date":
        return st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat)
    if kind == "datetime":
        stamp = st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1))
        zone = st.sampled_from(["Z", ".123Z", "+01:00", "-0500"])
        return st.tuples(stamp.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S")), zone).map("".join)
    if kind == "email":
        return st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,5})?@[a-z]{1,8}\.(com|io)", fullmatch=True)
    if kind == "reference":
        return st.sampled_from([API_USER_ID, PRIYA_ID[:15], SDR_QUEUE_ID])
    if kind == "picklist":
        return st.sampled_from(_active(f))
    if kind == "multipicklist":
        chosen = st.lists(st.sampled_from(_active(f)), min_size=1, max_size=3, unique=True)
        return chosen.map(";".join)
    alphabet = string.ascii_letters + string.digits + " .-"
    longest = max(min(f.length or 40, 40) - 1, 0)
    return st.text(alphabet, max_size=longest).map(lambda s: "v" + s)


def invalid_values(f: Field) -> st.SearchStrategy[str]:
    """Values Salesforce refuses for `f`: the mistakes a RevOps user makes most often."""
    kind, digits = f.type, _digits(f)
    too_long = ["x" * (f.length + 1)] if f.length else ["x"]
    by_type: dict[str, list[str]] = {
        "boolean": ["yes", "1", "on", "t"],
        "int": ["lots", "1.5", "1,000", "9" * (digits + 1)],
        "double": ["lots", "1,000", "1e3", "12a", "9" * (digits + 1)],
        "date": ["2024-02-30", "31/12/2024", "2024-1-1", "2024-01-01T00:00:00Z"],
        "datetime": ["2024-01-01", "2024-01-01 10:00:00", "2024-13-01T00:00:00Z"],
        "email": ["not-an-email", "a@b", "a b@c.com", "a@b.com "],
        "reference": ["Priya Raman", "005", API_USER_ID[:15] + "ZZZ"],
        "picklist": ["Not A Value", _active(f)[0].upper(), _active(f)[0] + " "],
        "multipicklist": [_active(f)[0] + ";Nope", "nope"],
    }
    by_type["currency"] = by_type["percent"] = by_type["double"]
    return st.sampled_from(by_type.get(kind, []) + too_long)


MISTAKES = (
    "none",
    "a value Salesforce refuses",
    "an empty value",
    "a field that cannot be created",
    "no value to match on",
    "a required field left out",
)


def spellings(name: str) -> st.SearchStrategy[str]:
    # Field names are case-insensitive in Salesforce, and so must they be in the check.
    return st.sampled_from([name, name.lower(), name.upper()])


@st.composite
def candidates(draw: st.DrawFn) -> tuple[UpsertConfig, str]:
    """A right configuration of a default-org object, with at most one mistake, and the mistake.

    One mistake at a time, so that a rule the check lacks shows as a ready configuration that
    Salesforce refuses rather than hiding behind another error of the same row set.
    """
    sobject = _sobject(draw(st.sampled_from(UPSERT_OBJECTS)))
    key = draw(st.sampled_from(sobject.external_id_fields()))
    writable = [f for f in sobject.fields if f.createable and f != key]
    optional = [f for f in writable if not f.required_on_create]
    chosen = [f for f in writable if f.required_on_create]
    chosen += draw(st.lists(st.sampled_from(optional), max_size=5, unique=True))
    rows = [FieldRow(draw(spellings(f.name)), draw(valid_values(f))) for f in chosen]
    unique = draw(st.uuids()).hex  # a match value no record has: the upsert inserts
    rows.append(FieldRow(key.name, f"{unique}@example.com" if key.type == "email" else unique))
    mistake = draw(st.sampled_from(MISTAKES))
    rows = draw(with_mistake(sobject, rows, mistake))
    toggles = tuple((t[0], draw(st.booleans())) for t in TOGGLES)
    config = UpsertConfig(sobject.name, key.name, tuple(draw(st.permutations(rows))), toggles)
    return config, mistake


@st.composite
def with_mistake(
    draw: st.DrawFn, sobject: SObject, rows: list[FieldRow], mistake: str
) -> list[FieldRow]:
    rows = list(rows)
    index = draw(st.integers(0, len(rows) - 1))
    field = sobject.field(rows[index].name)
    assert field is not None
    if mistake == "a value Salesforce refuses":
        # Each type as likely as any other, however many fields of it the object has.
        kinds: dict[str, list[Field]] = {}
        for f in sobject.fields:
            if f.createable:
                kinds.setdefault(f.type, []).append(f)
        wrong = draw(st.sampled_from(kinds[draw(st.sampled_from(sorted(kinds)))]))
        rows = [r for r in rows if r.name.lower() != wrong.name.lower()]
        rows.append(FieldRow(wrong.name, draw(invalid_values(wrong))))
    elif mistake == "an empty value":
        rows[index] = FieldRow(rows[index].name, draw(st.sampled_from(["", "  "])))
    elif mistake == "a field that cannot be created":
        locked = draw(st.sampled_from([f for f in sobject.fields if not f.createable]))
        rows.append(FieldRow(locked.name, draw(valid_values(locked))))
    elif mistake == "no value to match on":
        rows = rows[:-1] + draw(st.sampled_from([[], [FieldRow(rows[-1].name, "")]]))
    elif mistake == "a required field left out":
        rows = [r for r in rows if not _required(sobject, r.name) or draw(st.booleans())]
    return rows


def _required(sobject: SObject, name: str) -> bool:
    field = sobject.field(name)
    return field is not None and field.required_on_create


@settings(max_examples=40, deadline=None)
@given(candidates())
def test_a_configuration_the_check_passes_is_accepted_by_salesforce(
    case: tuple[UpsertConfig, str],
) -> None:
    config, mistake = case
    report = check(config, org_facts(config.salesforce_object))
    event(f"{mistake}: {'ready' if report.ready else 'not ready'}")
    if not report.ready:
        return
    refused = _refusal(config)
    if refused is not None:
        assert refused.code in DATA_DEPENDENT or _was_warned(refused, report, config), (
            f"the check passed {config.rows} but Salesforce said {refused}"
        )


def _refusal(config: UpsertConfig) -> SalesforceError | None:
    """What a fresh org answers the upsert of one row with these literal values."""
    try:
        Org(default_org()).upsert(_request(config))
    except SalesforceError as refused:
        return refused
    return None


def _request(config: UpsertConfig) -> UpsertRequest:
    return UpsertRequest(
        object_name=config.salesforce_object,
        external_id_field=config.external_id_field,
        values=tuple((row.name, row.value) for row in config.rows),
        ignore_empty_values=config.toggle("ignore_empty_values"),
        run_assignment_rules=config.toggle("run_salesforce_assignment_rules"),
        allow_save_on_duplicates=config.toggle("force_update_on_collision"),
    )


def _was_warned(refused: SalesforceError, report: Report, config: UpsertConfig) -> bool:
    """An insert refused only for fields the check warned can only be updated."""
    if refused.code != "INVALID_FIELD_FOR_INSERT_UPDATE" or not refused.fields:
        return False
    warned = {
        config.rows[p.row].name.lower()
        for p in report.warnings
        if p.code == "update_only" and p.row is not None
    }
    return {name.lower() for name in refused.fields} <= warned


def test_a_correct_lead_of_the_default_org_is_ready_and_accepted() -> None:
    rows = (
        FieldRow("Floqer_Id__c", "lead-0001"),
        FieldRow("LastName", "Lovelace"),
        FieldRow("Company", "Analytical Engines"),
        FieldRow("NumberOfEmployees", "42"),
        FieldRow("HasOptedOutOfEmail", "false"),
        FieldRow("Status", "Working - Contacted"),
        FieldRow("Lead_Score__c", "87"),
        FieldRow("Product_Interest__c", PRODUCT_INTERESTS[0]),
    )
    config = UpsertConfig("Lead", "Floqer_Id__c", rows)
    assert check(config, org_facts("Lead")).ready
    assert Org(default_org()).upsert(_request(config)).created
