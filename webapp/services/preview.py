"""The exact request a push sends: its JSON body, and a copy-able curl with the key left out."""

from __future__ import annotations

import json
import shlex
from urllib.parse import quote

from webapp.db import SavedConfiguration
from webapp.floqer.client import ENDPOINTS
from webapp.upsert_form import UpsertConfig


def body_json(config: SavedConfiguration) -> str:
    return json.dumps(config.body, indent=2, ensure_ascii=False)


def draft_json(draft: UpsertConfig, config: SavedConfiguration) -> str | None:
    """The body a push of the form as it stands would send; None when it is the saved one."""
    if draft == UpsertConfig.from_inputs(config.inputs):
        return None
    return json.dumps(draft.body(), indent=2, ensure_ascii=False)


def curl_command(base_url: str, config: SavedConfiguration) -> str:
    endpoint = ENDPOINTS["configure"]
    path = endpoint.path.format(
        workflow_id=quote(config.workflow_id, safe=""),
        sheet_id=quote(config.sheet_id, safe=""),
        action_instance_id=quote(config.step_id, safe=""),
    )
    body = json.dumps(config.body, ensure_ascii=False)
    return (
        f"curl -X {endpoint.method} {shlex.quote(base_url + path)} \\\n"
        '  -H "Authorization: Bearer $FLOQER_API_KEY" \\\n'
        "  -H 'Content-Type: application/json' \\\n"
        f"  --data {shlex.quote(body)}"
    )
