"""A small org whose names, labels, help texts and picklist values carry attack payloads."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import replace

from webapp.sandbox.sfdc.model import (
    Field,
    OrgSpec,
    PicklistValue,
    SObject,
    checkbox,
    number,
    reference,
    system_fields,
    text,
    textarea,
    url,
)
from webapp.sandbox.sfdc.orgs.default import build_default_org

# Exactly 2,000 characters, closing with markup, so truncation must not split a tag unescaped.
_LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "
_LONG_LABEL = (_LOREM * 40)[:1990] + "<b>END</b>"

PAYLOADS: tuple[str, ...] = (
    '<script>alert("xss-label")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(2)>",
    '"><svg onload=alert(7)>',
    "javascript:alert(3)",
    "{{7*7}}",
    "{{ config.items() }}",
    "{% raw %}{{ config }}{% endraw %}",
    "{# jinja comment #}{% if true %}jinja-block{% endif %}",
    "</textarea><script>alert(4)</script>",
    "</script><script>alert(8)</script>",
    "' OR '1'='1",
    '"; alert(9); //',
    "\u202eRTL override",
    "Rocket \U0001f680 Party \U0001f389 Flag \U0001f1fa\U0001f1f8 Thumbs \U0001f44d\U0001f3fd",
    "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 zero\u200dwidth\u200djoiner",
    _LONG_LABEL,
    "<style>body{display:none}</style>",
    '<a href="https://evil.example/">click</a>',
    "data:text/html,<script>alert(5)</script>",
    "`backticks` and ${alert(6)}",
    "&lt;b&gt;already escaped&lt;/b&gt; &amp;amp; &#x3C;",
    "Line one\nLine two\r\n\tTabbed",
    'C:\\path\\to\\file \\" backslash',
    "%3Cscript%3Ealert(10)%3C%2Fscript%3E",
    "<!-- comment --> ]]> <![CDATA[x]]>",
    "\u00dcn\u00efc\u00f8d\u00e9 \u03a9mega \u65e5\u672c\u8a9e "
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "   leading and trailing spaces   ",
)

# Payloads that also go into field API names (each as `Xss_<payload>__c`).
_NAME_PAYLOADS = (
    PAYLOADS[0],
    "{{7*7}}",
    "{{ config.items() }}",
    "' OR '1'='1",
    "javascript:alert(3)",
    "\u202eRTL override",
    "`backticks` and ${alert(6)}",
)
_EVIL_EXTERNAL_ID = 'Evil_"><svg onload=alert(7)>__c'


def _options(values: list[str], codes: bool = False) -> tuple[PicklistValue, ...]:
    """Picklist entries labelled by payload; valued by payload, or by a safe code."""
    return tuple(PicklistValue(f"code_{i}" if codes else v, v) for i, v in enumerate(values))


def _payload_field(i: int, payload: str) -> Field:
    """A custom field labelled (and helped) by one payload; its type varies with `i`."""
    values = [payload, PAYLOADS[(i + 1) % len(PAYLOADS)]]

    def picklist_of(name: str, label: str) -> Field:
        return Field(name, label, "picklist", length=255, picklist_values=_options(values))

    makers: tuple[Callable[[str, str], Field], ...] = (
        text,
        textarea,
        picklist_of,
        url,
        number,
        checkbox,
    )
    field = makers[i % len(makers)](f"Payload_Label_{i:02d}__c", payload)
    return replace(field, custom=True, help_text=payload)


def _payload_name_fields() -> list[Field]:
    """Fields whose API names carry payloads, plus the External ID with a payload name."""
    fields = [
        text(f"Xss_{p}__c", f"Payload in API name #{k}", custom=True, help_text=p)
        for k, p in enumerate(_NAME_PAYLOADS, start=1)
    ]
    evil_label = f"Evil {PAYLOADS[0]} External ID"
    evil = text(_EVIL_EXTERNAL_ID, evil_label, length=80, custom=True, help_text=PAYLOADS[18])
    return [*fields, replace(evil, external_id=True, unique=True)]


def _account(default: SObject) -> SObject:
    """The default Account, plus fields whose labels, names and values are payloads."""
    every_value = Field(
        "Payload_Values__c",
        "Every payload as a picklist value",
        "picklist",
        length=255,
        picklist_values=_options(list(PAYLOADS)),
        custom=True,
        help_text=PAYLOADS[1],
    )
    every_label = Field(
        "Payload_Labels__c",
        "Every payload as a multi-select label",
        "multipicklist",
        length=4099,
        picklist_values=_options(list(PAYLOADS), codes=True),
        custom=True,
    )
    fields = (
        *default.fields,
        *(_payload_field(i, p) for i, p in enumerate(PAYLOADS)),
        every_value,
        every_label,
        *_payload_name_fields(),
    )
    return SObject(
        default.name,
        default.label,
        default.label_plural,
        default.key_prefix,
        fields,
        custom=default.custom,
        createable=default.createable,
        updateable=default.updateable,
    )


def _custom_object(name: str, labels: tuple[str, str, str], prefix: str) -> SObject:
    """A custom object named and labelled by payloads, with payload-labelled fields."""
    label, plural, name_label = labels
    fields = [
        *system_fields(),
        text("Name", name_label, length=80, nillable=False),
        reference("Account__c", PAYLOADS[9], ["Account"], custom=True, help_text=PAYLOADS[10]),
        Field(
            "Status__c",
            PAYLOADS[11],
            "picklist",
            length=255,
            custom=True,
            picklist_values=_options(list(PAYLOADS[:8])),
            help_text=PAYLOADS[12],
        ),
        text(
            "Tpl_{{ config.items() }}__c",
            PAYLOADS[6],
            length=64,
            custom=True,
            external_id=True,
            unique=True,
            help_text=PAYLOADS[5],
        ),
    ]
    return SObject(name, label, plural, prefix, tuple(fields), custom=True)


def _custom_objects(taken_prefixes: set[str]) -> list[SObject]:
    """Three custom objects: HTML, template and Unicode payloads in names and labels."""
    prefixes = (p for p in (f"a0{c}" for c in string.ascii_uppercase) if p not in taken_prefixes)
    specs = (
        ('Evil_"><img src=x onerror=alert(1)>__c', (PAYLOADS[1], PAYLOADS[0], PAYLOADS[17])),
        ("Tpl_{{7*7}}__c", (PAYLOADS[5], PAYLOADS[7], PAYLOADS[8])),
        ("Uni_\u202e_Emoji__c", (PAYLOADS[13], PAYLOADS[14], PAYLOADS[15])),
    )
    return [_custom_object(name, labels, next(prefixes)) for name, labels in specs]


def build_hostile_org() -> OrgSpec:
    """Account with payload fields, payload custom objects, and the default Contact and Lead."""
    default = build_default_org()
    by_name = {o.name: o for o in default.objects}
    objects = (
        _account(by_name["Account"]),
        by_name["Contact"],
        by_name["Lead"],
        *_custom_objects({o.key_prefix for o in default.objects}),
    )
    account = objects[0]
    kept = {o.name for o in objects}
    seeds = tuple(
        (obj, values)
        for obj, values in default.seed_records
        if obj == "Account" and all(account.field(k) is not None for k in values)
    )
    return replace(
        default,
        name="hostile",
        objects=objects,
        duplicate_rules=tuple(r for r in default.duplicate_rules if r.object in kept),
        assignment_rules=tuple(r for r in default.assignment_rules if r.object in kept),
        seed_records=seeds,
    )
