"""The sandbox's record view as a page: what `{account_url}/{record_id}` opens in a browser,
as the same link opens the record in a real Salesforce org."""

from __future__ import annotations

import json
from html import escape
from typing import Any

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} · Floqer sandbox</title></head>
<body>
<main>
<h1>{title}</h1>
<p>A record of the Floqer sandbox's simulated Salesforce org (nothing here is real).</p>
{body}
</main>
</body>
</html>
"""


def record_page(found: dict[str, Any]) -> str:
    """`found` is the record view's JSON data: {"object": name, "record": {field: value}}."""
    obj = str(found.get("object", ""))
    record: dict[str, Any] = found.get("record") or {}
    rows = "\n".join(
        f'<tr><th scope="row">{escape(str(name))}</th><td>{escape(_shown(value))}</td></tr>'
        for name, value in record.items()
    )
    table = (
        f"<table>\n<caption>{escape(obj)} fields</caption>\n"
        '<thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )
    title = f"{obj} {record.get('Id', '')}".strip()
    return _PAGE.format(title=escape(title), body=table)


def missing_page(record_id: str) -> str:
    body = f"<p>The sandbox's org has no record with the id {escape(record_id)}.</p>"
    return _PAGE.format(title="Record not found", body=body)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value)
