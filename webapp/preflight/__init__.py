"""The pre-flight check: what Salesforce would refuse on every row, told before a push.

Pure (no FastAPI, database or I/O): it reads a configuration and the org metadata the form's
options already brought, the field options' `extras` (contract section 2), and tells what
Salesforce would refuse on every row (errors) or may do unexpectedly (warnings). Floqer sends
`extras` "when present", so every rule reads its metadata defensively: a key that is missing or
of another type keeps the rule silent, never a guess or a crash. The value rules mirror
Salesforce's own checks (contract section 4) as the sandbox's org applies them
(webapp/sandbox/sfdc/values.py and org.py), which the app never imports.

The package: report.py (what it tells), fields.py (metadata read defensively), values.py
(one value's rules), rules.py (the form's and each row's rules).
"""

from __future__ import annotations

from webapp.preflight.report import (
    ASSIGNMENT_RULES,
    CONTROL_NAMES,
    EXTERNAL_ID_CONTROL,
    IGNORE_EMPTY,
    OBJECT_CONTROL,
    OrgFacts,
    Part,
    Problem,
    Report,
    Severity,
)
from webapp.preflight.rules import Check
from webapp.upsert_form import UpsertConfig

__all__ = [
    "ASSIGNMENT_RULES",
    "CONTROL_NAMES",
    "EXTERNAL_ID_CONTROL",
    "IGNORE_EMPTY",
    "OBJECT_CONTROL",
    "OrgFacts",
    "Part",
    "Problem",
    "Report",
    "Severity",
    "check",
]


def check(config: UpsertConfig, facts: OrgFacts | None) -> Report:
    """Every problem Salesforce would raise on every row, from the metadata alone; never raises.

    Facts about another object than the configuration's (a stale load) check nothing.
    """
    if facts is None:
        return Report((), checked=False)
    return Check(config, facts).report()
