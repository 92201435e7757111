"""Deterministic stand-ins for Floqer's enrichment actions: the same input, the same output."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

_INDUSTRIES = ("Technology", "Manufacturing", "Banking", "Healthcare", "Retail", "Education")
_COUNTRIES = ("United States", "United Kingdom", "Germany", "France", "Canada", "Australia")
_TECH = (
    ("Salesforce", "CRM"),
    ("HubSpot", "Marketing"),
    ("Snowflake", "Data"),
    ("Segment", "Data"),
    ("Zendesk", "Support"),
    ("Slack", "Collaboration"),
)


def _pick(seed: str, salt: str, size: int) -> int:
    digest = hashlib.sha256(f"{salt}:{seed.lower()}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % size


def enrich_company(inputs: dict[str, str]) -> dict[str, Any]:
    domain = inputs.get("domain", "").strip().lower()
    if not domain:
        return {}
    stem = domain.split(".")[0]
    employees = 10 * (1 + _pick(domain, "size", 500))
    return {
        "company_name": stem.replace("-", " ").title(),
        "industry": _INDUSTRIES[_pick(domain, "industry", len(_INDUSTRIES))],
        "employee_count": employees,
        "annual_revenue": employees * 150_000,
        "country": _COUNTRIES[_pick(domain, "country", len(_COUNTRIES))],
        "phone": f"+1 415 555 {_pick(domain, 'phone', 10_000):04d}",
        "linkedin_url": f"https://www.linkedin.com/company/{stem}",
        "founded_year": 1950 + _pick(domain, "founded", 74),
        "technologies": [
            {"name": name, "category": category}
            for i, (name, category) in enumerate(_TECH)
            if _pick(domain, f"tech{i}", 2)
        ],
    }


def find_work_email(inputs: dict[str, str]) -> dict[str, Any]:
    first = inputs.get("first_name", "").strip().lower()
    last = inputs.get("last_name", "").strip().lower()
    domain = inputs.get("domain", "").strip().lower()
    if not (first and last and domain):
        return {"email": "", "email_status": "not_found"}
    return {"email": f"{first}.{last}@{domain}", "email_status": "valid"}


def clean_domain(inputs: dict[str, str]) -> dict[str, Any]:
    text = inputs.get("url", "").strip().lower()
    text = text.split("@")[-1]
    for prefix in ("https://", "http://", "www."):
        text = text.removeprefix(prefix)
    return {"domain": text.split("/")[0]}


ENRICHMENTS: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "enrich_company": enrich_company,
    "find_work_email": find_work_email,
    "clean_domain": clean_domain,
}
