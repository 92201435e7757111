"""Floqer's reference tokens: `{{input.col}}`, `{{aiid.output}}`, `{{aiid.list.column}}`.

Tokens may be mixed with literal text anywhere in a string value (contract section 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

TOKEN = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class Reference:
    raw: str
    source: str  # "input" or an action_instance_id
    path: tuple[str, ...]  # (column,) for inputs; (output,) or (list, column) for actions

    @property
    def is_input(self) -> bool:
        return self.source == "input"


def parse_reference(raw: str) -> Reference | None:
    source, dot, rest = raw.partition(".")
    if not dot or not source or not rest:
        return None
    if source == "input":
        return Reference(raw, source, (rest,))
    output, _, column = rest.partition(".")
    if not output:
        return None
    return Reference(raw, source, (output, column) if column else (output,))


def references(value: str) -> Iterator[Reference | str]:
    """Each token of `value`, parsed; a token that cannot be parsed comes back as its text."""
    for match in TOKEN.finditer(value):
        ref = parse_reference(match.group(1))
        yield ref if ref is not None else match.group(0)


def render(value: str, resolve: Callable[[Reference], str]) -> str:
    """`value` with every token replaced by what `resolve` gives (unparseable ones: empty)."""

    def substitute(match: re.Match[str]) -> str:
        ref = parse_reference(match.group(1))
        return resolve(ref) if ref is not None else ""

    return TOKEN.sub(substitute, value)
