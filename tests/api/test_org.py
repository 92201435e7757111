"""The connected org's objects and fields through the API, as the form's dropdowns read
them, and "Refresh options": the next read asks Floqer again."""

from __future__ import annotations

from tests.api.helpers import api, envelope
from tests.support import RunningApp


def options_calls(app: RunningApp) -> int:
    calls: dict[str, int] = app.sandbox_calls()["by_call"]
    return sum(n for call, n in calls.items() if "options" in call)


def test_objects_and_fields_carry_what_the_check_uses_and_refresh_reads_them_again(
    app: RunningApp, config: int, viewer: str, editor: str
) -> None:
    base = f"/api/v1/configurations/{config}"
    with api(app, viewer) as client:
        objects = client.get(f"{base}/salesforce-objects")
        fields = client.get(f"{base}/salesforce-objects/lead/fields")
        typo = client.get(f"{base}/salesforce-objects/Leed/fields")
        calls = options_calls(app)
        client.get(f"{base}/salesforce-objects/Lead/fields")  # cached: Floqer not asked
        cached = options_calls(app)
        refused = client.post(f"{base}/refresh-options")
    with api(app, editor) as client:
        refreshed = client.post(f"{base}/refresh-options")
        client.get(f"{base}/salesforce-objects/Lead/fields")

    names = {o["name"]: o["label"] for o in objects.json()["objects"]}
    assert names["Lead"] == "Lead"
    assert objects.json()["stale"] is False
    shown = fields.json()
    assert shown["object"] == "Lead"  # as the org spells it
    assert "Email" in shown["external_id_fields"], shown
    by_name = {f["name"]: f for f in shown["fields"]}
    assert by_name["LastName"]["required"] is True
    assert by_name["Status"]["type"] == "Picklist"
    assert "Working - Contacted" in by_name["Status"]["picklist_values"]
    assert by_name["NumberOfEmployees"]["type"].startswith("Number(")
    assert any(f["locked"] == "read-only" for f in shown["fields"]), shown
    error = envelope(typo, 404, "not_found")
    assert error["message"].startswith("The connected org has no object “Leed”.")
    assert "Lead" in error["message"]
    assert cached == calls
    envelope(refused, 403, "forbidden")
    assert refreshed.json() == {"configuration_id": config, "refreshed": True}
    assert options_calls(app) > cached  # read from Floqer again after the refresh
