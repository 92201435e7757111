"""A field's describe metadata read defensively, and "did you mean" over names."""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from webapp.floqer.models import FieldOption
from webapp.preflight.report import Severity

# Floqer's reference syntax, whitespace inside the braces allowed (contract section 3).
TOKEN = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
NAME_CUTOFF = 0.75
VALUE_CUTOFF = 0.6

# Did-you-mean: difflib is slow over many candidates, so past this many it compares only
# the likeliest (see Suggestions).
BUCKET_FROM = 200


class Hit(NamedTuple):
    """What a row rule found, before it is placed on its row."""

    code: str
    message: str
    severity: Severity = "error"
    suggestion: str | None = None


@dataclass(frozen=True)
class Meta:
    """One field's describe metadata, read defensively: a wrong type counts as absent."""

    name: str
    label: str
    extras: Mapping[str, Any]

    @classmethod
    def of(cls, option: FieldOption) -> Meta:
        extras = option.extras if isinstance(option.extras, Mapping) else {}
        return cls(str(option.value), str(option.label), extras)

    @property
    def named(self) -> str:
        if not self.label or self.label == self.name:
            return self.name
        return f"{self.label} ({self.name})"

    def flag(self, key: str) -> bool | None:
        value = self.extras.get(key)
        return value if isinstance(value, bool) else None

    def number(self, key: str) -> int | None:
        value = self.extras.get(key)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def text(self, key: str) -> str | None:
        value = self.extras.get(key)
        return value if isinstance(value, str) else None


class Suggestions:
    """Did-you-mean: the candidate closest to a word (case-insensitive), or None.

    difflib compares a word with every candidate in Python, about 8 ms for a 900-field
    object's names and labels (1,800 candidates). Over that many, it compares only those
    that start with the word's first letter and are about as long: a typo rarely changes
    either.
    """

    def __init__(self, candidates: Mapping[str, str]) -> None:
        self.candidates = {key.lower(): value for key, value in candidates.items() if key}
        self.buckets: dict[str, list[str]] | None = None
        if len(self.candidates) > BUCKET_FROM:
            self.buckets = {}
            for key in sorted(self.candidates, key=len):
                self.buckets.setdefault(key[0], []).append(key)

    def closest(self, word: str, cutoff: float = NAME_CUTOFF) -> str | None:
        word = word.lower()
        found = difflib.get_close_matches(word, self._shortlist(word), n=1, cutoff=cutoff)
        return self.candidates[found[0]] if found else None

    def _shortlist(self, word: str) -> list[str]:
        if self.buckets is None:
            return list(self.candidates)
        bucket = self.buckets.get(word[:1], [])
        slack = 1 + len(word) // 8
        low = bisect_left(bucket, len(word) - slack, key=len)
        high = bisect_right(bucket, len(word) + slack, key=len)
        return bucket[low:high]


def closest(word: str, candidates: Mapping[str, str], cutoff: float = NAME_CUTOFF) -> str | None:
    return Suggestions(candidates).closest(word, cutoff)


def is_empty(value: str) -> bool:
    return value.strip() == ""


def clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
