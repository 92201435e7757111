"""The pre-flight check's time on the large org's 900-field Account with 100 rows.

Beside it, in the same run: the sandbox's own Salesforce checks (value coercion and
writability) on the same 100 values, the work a real org does for one row; and the
check as the app runs it per request (with the lookups built afresh each time).
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable

from webapp.floqer.models import FieldOption
from webapp.preflight import OrgFacts, check
from webapp.sandbox.sfdc.orgs.large import build_large_org
from webapp.sandbox.sfdc.values import SalesforceError, coerce
from webapp.upsert_form import FieldRow, UpsertConfig

ROWS = 100


def _median_ms(action: Callable[[], object], runs: int = 30) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _literal(kind: str) -> str:
    return {
        "boolean": "true",
        "int": "42",
        "double": "4.2",
        "currency": "4.2",
        "percent": "4.2",
        "date": "2024-03-31",
        "datetime": "2024-03-31T09:30:00Z",
        "email": "ada@example.com",
    }.get(kind, "some text")


def main() -> None:
    account = next(o for o in build_large_org().objects if o.name == "Account")
    fields = [FieldOption(value=f.name, label=f.label, extras=f.extras()) for f in account.fields]
    writable = [f for f in account.fields if f.createable and f.type not in ("reference", "id")]
    chosen = writable[:ROWS]
    key = next(f for f in account.fields if f.external_id)
    rows = tuple(
        FieldRow(f.name, "{{input.domain}}" if i % 3 == 0 else _literal(f.type))
        for i, f in enumerate(chosen)
    )
    config = UpsertConfig("Account", key.name, (FieldRow(key.name, "{{input.domain}}"), *rows))
    externals = [o for o in fields if o.value == key.name]
    facts = OrgFacts("Account", fields, externals, frozenset({"{{input.domain}}"}))
    report = check(config, facts)
    ours = _median_ms(lambda: check(config, facts))

    def salesforce() -> None:
        for f, row in zip(chosen, rows, strict=True):
            with contextlib.suppress(SalesforceError):
                coerce(f, row.value)

    theirs = _median_ms(salesforce)
    print(
        f"pre-flight check, {len(fields)}-field Account, {len(config.rows)} rows: median "
        f"{ours:.1f} ms ({len(report.problems)} problems found); the sandbox's own value checks "
        f"on the same rows: {theirs:.2f} ms ({ours / theirs:.0f}x: the check also builds its "
        f"lookups over all {len(fields)} fields and checks the form as a whole)"
    )


if __name__ == "__main__":
    main()
