"""The home list as a dashboard: search, filters and sort over the saved configurations.

Filters come from the page's address (a GET form: a filtered view can be bookmarked and
shared); a value the list does not offer is ignored rather than refused, so an old link
still opens the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.db import SavedConfiguration
from webapp.services.configurations import list_configurations
from webapp.services.floqer_state import SHORT, FloqerState, pushed_versions, state_of
from webapp.upsert_form import UpsertConfig

Row = tuple[SavedConfiguration, UpsertConfig, FloqerState]

# What the State filter offers: Floqer's copy of the step as the list shows it, and the
# configurations whose last push failed.
STATES = {
    "this": SHORT["this"],
    "older": "In Floqer: an older version",
    "changed": SHORT["changed"],
    "empty": SHORT["empty"],
    "unchecked": SHORT["unchecked"],
    "failed": "Last push failed",
}
SORTS = {"changed": "Last change", "pushed": "Last push", "name": "Name"}
MAX_SEARCH = 200  # characters of the search text read
MAX_LISTED = 500  # rows on one view; the filters narrow a longer list


@dataclass(frozen=True)
class Filters:
    search: str = ""
    connection: str = ""  # a connection's id, as text (the select's value)
    object: str = ""
    workflow: str = ""
    state: str = ""
    sort: str = "changed"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        state = query.get("state", "")
        sort = query.get("sort", "")
        return cls(
            search=" ".join(query.get("q", "").split())[:MAX_SEARCH],
            connection=query.get("connection", "")[:20],
            object=query.get("object", "")[:200],
            workflow=query.get("workflow", "")[:500],
            state=state if state in STATES else "",
            sort=sort if sort in SORTS else "changed",
        )

    @property
    def narrowing(self) -> bool:
        """Whether any filter hides configurations (the sort alone hides none)."""
        return any((self.search, self.connection, self.object, self.workflow, self.state))


@dataclass(frozen=True)
class Choices:
    """What each filter offers: only values some saved configuration has."""

    connections: list[tuple[str, str]]
    objects: list[tuple[str, str]]
    workflows: list[tuple[str, str]]
    states: list[tuple[str, str]]
    sorts: list[tuple[str, str]]


def every_row(session: Session) -> list[Row]:
    """Every saved configuration with its mapping and the state of Floqer's copy."""
    configs = list_configurations(session)
    pushed = pushed_versions(session, [c.id for c in configs])
    return [(c, UpsertConfig.from_inputs(c.inputs), state_of(c, pushed[c.id])) for c in configs]


def choices(rows: Iterable[Row]) -> Choices:
    rows = list(rows)
    connections = {str(c.connection_id): c.connection.label for c, _, _ in rows}
    objects = {u.salesforce_object for _, u, _ in rows if u.salesforce_object}
    workflows = {c.workflow_name for c, _, _ in rows}
    return Choices(
        connections=sorted(connections.items(), key=lambda item: item[1].casefold()),
        objects=[(o, o) for o in sorted(objects, key=str.casefold)],
        workflows=[(w, w) for w in sorted(workflows, key=str.casefold)],
        states=list(STATES.items()),
        sorts=list(SORTS.items()),
    )


def apply(rows: Iterable[Row], filters: Filters) -> list[Row]:
    """The rows the filters keep, in the order they ask for (the newest change first by
    default; by last push, the never-pushed last; by name, A to Z)."""
    kept = [row for row in rows if _matches(row, filters)]
    if filters.sort == "pushed":
        pushed = [r for r in kept if r[0].last_pushed_at is not None]
        never = [r for r in kept if r[0].last_pushed_at is None]
        pushed.sort(key=lambda r: _when(r[0].last_pushed_at), reverse=True)
        return pushed + never
    if filters.sort == "name":
        return sorted(kept, key=lambda r: (r[0].name.casefold(), r[0].id))
    return sorted(kept, key=lambda r: (_when(r[0].updated_at), r[0].id), reverse=True)


def _when(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def _matches(row: Row, filters: Filters) -> bool:
    config, upsert, state = row
    if filters.connection and str(config.connection_id) != filters.connection:
        return False
    if filters.object and upsert.salesforce_object != filters.object:
        return False
    if filters.workflow and config.workflow_name != filters.workflow:
        return False
    if filters.state == "failed":
        if config.last_push_status != "failed":
            return False
    elif filters.state and state.kind != filters.state:
        return False
    if filters.search:
        haystack = " ".join(
            (
                config.name,
                upsert.salesforce_object,
                upsert.external_id_field,
                config.workflow_name,
                config.sheet_name,
                config.step_name,
                config.connection.label,
            )
        ).casefold()
        return all(word in haystack for word in filters.search.casefold().split())
    return True


def described(filters: Filters, offered: Choices) -> str:
    """The filters in words, for the count line and the empty state."""
    labels = dict(offered.connections)
    parts = []
    if filters.search:
        parts.append(f"matching “{filters.search}”")
    if filters.connection:
        parts.append(f"on connection {labels.get(filters.connection, filters.connection)}")
    if filters.object:
        parts.append(f"for {filters.object}")
    if filters.workflow:
        parts.append(f"in workflow {filters.workflow}")
    if filters.state:
        parts.append(f"in state “{STATES[filters.state]}”")
    return ", ".join(parts)
