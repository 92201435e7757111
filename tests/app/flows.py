"""Walks through the app over HTTP that many tests share: connect, find a step, post forms."""

from __future__ import annotations

import re
from typing import Any

import httpx
from bs4 import BeautifulSoup, Tag

KEY = "floq_test_0001"
INBOUND = "Inbound leads → Salesforce"
ACCOUNT_SYNC = "Account sync from product DB"
EVENT_CLEANUP = "Event list cleanup"


def soup(response: httpx.Response) -> BeautifulSoup:
    assert "Traceback" not in response.text
    return BeautifulSoup(response.text, "html.parser")


def text_of(response: httpx.Response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def add_connection(web: httpx.Client, key: str = KEY, label: str = "Production") -> int:
    response = web.post("/connections", data={"label": label, "api_key": key})
    assert response.status_code == 303, text_of(response)
    location = response.headers["location"]
    match = re.fullmatch(r"/connections/(\d+)/workflows\?notice=connection-added", location)
    assert match, location
    return int(match.group(1))


def workflow_url(web: httpx.Client, connection_id: int, name: str) -> str:
    page = soup(web.get(f"/connections/{connection_id}/workflows"))
    link = page.find("a", string=name)
    assert isinstance(link, Tag), f"no workflow named {name}"
    return str(link["href"])


def configure_forms(web: httpx.Client, url: str) -> list[str]:
    page = soup(web.get(url))
    return [
        str(form["action"])
        for form in page.find_all("form")
        if str(form.get("action", "")).endswith("/configure")
    ]


def start_configuration(
    web: httpx.Client, connection_id: int, workflow: str = INBOUND, index: int = 0
) -> int:
    """Press "Configure this step" on the workflow's `index`-th upsert step."""
    action = configure_forms(web, workflow_url(web, connection_id, workflow))[index]
    response = web.post(action)
    assert response.status_code == 303, text_of(response)
    return configuration_id(response)


def configuration_id(response: httpx.Response) -> int:
    """The configuration a redirect leads to (/configurations/ID?notice=…)."""
    match = re.match(r"/configurations/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def base_version(web: httpx.Client, config: int) -> int:
    """The version the configuration's form is opened at now."""
    page = soup(web.get(f"/configurations/{config}"))
    field = page.find("input", attrs={"name": "base_version"})
    assert isinstance(field, Tag)
    return int(str(field["value"]))


def form_fields(
    name: str,
    obj: str,
    key: str,
    rows: list[tuple[str, str]],
    *,
    loaded: bool = True,
    version: int = 1,
    **toggles: bool,
) -> dict[str, Any]:
    """The fields the configuration form posts, as the browser would send them, opened at
    `version` (the version a fresh configuration starts at)."""
    fields: dict[str, Any] = {
        "base_version": str(version),
        "name": name,
        "salesforce_object": obj,
        "salesforce_external_id_field": key,
        "field_name": [n for n, _ in rows],
        "field_value": [v for _, v in rows],
        "push_nonce": "",
    }
    if loaded:
        fields["object_picker_loaded"] = "1"
        fields["object_fields_loaded"] = "1"
    defaults = {"ignore_empty_values": True, "run_salesforce_assignment_rules": True}
    for toggle, on in {**defaults, **toggles}.items():
        if on:
            fields[toggle] = "on"
    return fields


# The Lead: a read-only field, words in a number, a value outside a restricted
# picklist, "yes" in a checkbox, and LastName and Company (required to create) missing.
BROKEN_LEAD = [
    ("Email", "{{input.email}}"),
    ("Name", "{{input.company_name}}"),
    ("NumberOfEmployees", "lots"),
    ("Status", "Hot lead"),
    ("HasOptedOutOfEmail", "yes"),
]

CONTACT_ROWS = [
    ("Email", "{{input.email}}"),
    ("LastName", "{{input.last_name}}"),
    ("FirstName", "{{input.first_name}}"),
]


def sandbox_step_values(api: httpx.Client, page: httpx.Response) -> dict[str, Any]:
    """The inputs the sandbox holds for the step a configuration page is about."""
    path = curl_path(page)
    action = api.get(path).json()["data"]
    return {i["name"]: i["value"] for i in action["inputs"] if "value" in i}


def curl_path(page: httpx.Response) -> str:
    curl = soup(page).find(id="curl-command")
    assert isinstance(curl, Tag)
    match = re.search(r"/api/v1(/workflows/\S+?)'? \\", curl.get_text())
    assert match, curl.get_text()
    return match.group(1)
