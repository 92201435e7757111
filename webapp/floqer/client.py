"""The one client of Floqer's API: every path and method it uses, typed answers, its own errors.

Paths and methods live in `ENDPOINTS` and nowhere else, each marked with where it comes
from (contract: `../shared/floqer-contract.md`), so that when Floqer's docs correct an
[ours] guess the fix is one line. httpx exceptions never leave this module.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal, NamedTuple, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter, ValidationError

from webapp.floqer.errors import (
    FloqerConnectionLost,
    FloqerError,
    FloqerNotFound,
    FloqerTimeout,
    FloqerUnauthorized,
    FloqerUnexpectedAnswer,
    FloqerUnreachable,
    error_for_answer,
)
from webapp.floqer.limits import FloqerGate, deadline, deadline_transport
from webapp.floqer.models import (
    ActionInstance,
    ActionNode,
    AddedRows,
    Envelope,
    FieldOption,
    FieldOptions,
    FloqerUser,
    RowPage,
    SheetRow,
    ValidItems,
    WorkflowOverview,
    WorkflowSummary,
)

T = TypeVar("T")
Provenance = Literal["doc", "ours", "third-party"]
RunAfterAdd = Literal["none", "first_10", "all"]
log = logging.getLogger("webapp.floqer")

USER_AGENT = "floqer-upsert-configurator/0.1"


class Endpoint(NamedTuple):
    method: str
    path: str
    provenance: Provenance


_SHEET = "/workflows/{workflow_id}/sheets/{sheet_id}"
_ACTION = _SHEET + "/actions/{action_instance_id}"

# The single table of Floqer paths and methods. "ours": Floqer's docs are silent, this is
# the project's guess (README, "Assumptions about the Floqer API"); "third-party": seen in
# a third-party client, not in Floqer's docs.
ENDPOINTS: Final[Mapping[str, Endpoint]] = MappingProxyType(
    {
        "who_am_i": Endpoint("GET", "/user/", "third-party"),
        "list_workflows": Endpoint("GET", "/workflows/", "doc"),
        "workflow": Endpoint("GET", "/workflows/{workflow_id}", "doc"),
        "action_chain": Endpoint("GET", _SHEET + "/actions", "ours"),
        "add_action": Endpoint("POST", _SHEET + "/actions", "ours"),
        # Floqer's action pages: "Configure Action body (PATCH /api/v1/workflows/…)".
        "configure": Endpoint("PATCH", _ACTION, "doc"),
        "field_options": Endpoint("POST", _ACTION + "/options/{field_name}", "doc"),
        "add_rows": Endpoint("POST", _SHEET + "/rows", "doc"),
        "list_rows": Endpoint("POST", _SHEET + "/rows/list", "doc"),
        # Runs rows already in the sheet (a test run of an existing row): not in the docs.
        "run_rows": Endpoint("POST", _SHEET + "/rows/run", "ours"),
    }
)

_USER = TypeAdapter(FloqerUser)
# A list item without what the app needs (an id) is dropped, not fatal to the whole list.
_WORKFLOWS = TypeAdapter(Annotated[list[WorkflowSummary], ValidItems])
_OVERVIEW = TypeAdapter(WorkflowOverview)
_CHAIN = TypeAdapter(Annotated[list[ActionNode], ValidItems])
_ACTION_INSTANCE = TypeAdapter(ActionInstance)
_OPTIONS = TypeAdapter(FieldOptions)
_ADDED_ROWS = TypeAdapter(AddedRows)
_ROW_PAGE = TypeAdapter(RowPage)
_ANYTHING = TypeAdapter(Any)
# A header value must be visible ASCII; anything else could never be a Floqer key.
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def build_http_client(
    base_url: str, timeout_seconds: float, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """The app's one long-lived client for Floqer: explicit timeouts, redirects never followed.

    Each operation's timeout is the whole budget; `deadline()` in FloqerClient clamps them
    so that a call as a whole, connect to last byte, ends within it.
    """
    return httpx.Client(
        base_url=base_url,
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        transport=transport or deadline_transport(base_url),
    )


class FloqerClient:
    """Floqer's API for one API key, over the app's shared httpx client.

    Every call ends within `deadline_seconds` (waiting for a slot of the gate included).
    """

    def __init__(
        self,
        http: httpx.Client,
        api_key: str,
        *,
        gate: FloqerGate | None = None,
        deadline_seconds: float | None = None,
        before_call: Callable[[], None] | None = None,
    ) -> None:
        self._http = http
        self._before_call = before_call  # run before each call (webapp.transactions)
        self._api_key = api_key.strip()
        self._gate = gate
        timeout = http.timeout.read if http.timeout.read is not None else 15.0
        self._deadline_seconds = deadline_seconds or timeout

    def before_waiting(self) -> None:
        """Calls for this client's request are about to run on other threads (the metadata
        cache's loads) while the request waits: run the before-call hook now, on the
        request's own thread, so that no transaction stays open during that wait."""
        if self._before_call is not None:
            self._before_call()

    def __repr__(self) -> str:
        # Never the key: a repr ends up in logs and tracebacks.
        return f"FloqerClient(base_url={str(self._http.base_url)!r})"

    def who_am_i(self) -> FloqerUser:
        return self._call("who_am_i", _USER, {})

    def list_workflows(self) -> list[WorkflowSummary]:
        return self._call("list_workflows", _WORKFLOWS, {})

    def workflow(self, workflow_id: str) -> WorkflowOverview:
        what = f"workflow with the id {workflow_id}"
        return self._call("workflow", _OVERVIEW, {"workflow_id": workflow_id}, what=what)

    def action_chain(self, workflow_id: str, sheet_id: str) -> list[ActionNode]:
        ids = {"workflow_id": workflow_id, "sheet_id": sheet_id}
        what = _sheet(workflow_id, sheet_id)
        return self._call("action_chain", _CHAIN, ids, what=what)

    def add_action(
        self,
        workflow_id: str,
        sheet_id: str,
        action_id: str,
        after: str | None = None,
        name: str | None = None,
    ) -> str | None:
        """Add a step; its action_instance_id when Floqer's answer names it."""
        body: dict[str, Any] = {"action_id": action_id}
        if after is not None:
            body["after"] = after
        if name is not None:
            body["name"] = name
        ids = {"workflow_id": workflow_id, "sheet_id": sheet_id}
        what = _sheet(workflow_id, sheet_id)
        data = self._call("add_action", _ANYTHING, ids, body, what=what)
        try:
            return _ACTION_INSTANCE.validate_python(data).action_instance_id
        except ValidationError:
            return None  # added all the same; the page just cannot point at it

    def field_options(
        self,
        workflow_id: str,
        sheet_id: str,
        action_instance_id: str,
        field_name: str,
        context: dict[str, str] | None = None,
    ) -> list[FieldOption]:
        ids = {**_action_ids(workflow_id, sheet_id, action_instance_id), "field_name": field_name}
        body: dict[str, Any] = {} if context is None else {"context": context}
        what = _step(workflow_id, sheet_id, action_instance_id)
        return self._call("field_options", _OPTIONS, ids, body, what=what).options

    def configure(
        self, workflow_id: str, sheet_id: str, action_instance_id: str, inputs: dict[str, Any]
    ) -> None:
        """Floqer's configure is a partial update: inputs left out keep their value.

        The answer's content is not used (its shape is not documented): a success status
        with a readable body is the acceptance.
        """
        ids = _action_ids(workflow_id, sheet_id, action_instance_id)
        what = _step(workflow_id, sheet_id, action_instance_id)
        self._call("configure", _ANYTHING, ids, {"inputs": inputs}, what=what, places=True)

    def add_rows(
        self,
        workflow_id: str,
        sheet_id: str,
        rows: list[dict[str, Any]],
        *,
        run_after_add: RunAfterAdd,
    ) -> AddedRows:
        """Against real Floqer a run writes to Salesforce, hence no default for the run."""
        ids = {"workflow_id": workflow_id, "sheet_id": sheet_id}
        body = {"rows": rows, "run_after_add": run_after_add}
        what = _sheet(workflow_id, sheet_id)
        return self._call("add_rows", _ADDED_ROWS, ids, body, what=what)

    def list_rows(self, workflow_id: str, sheet_id: str, row_ids: list[str]) -> list[SheetRow]:
        ids = {"workflow_id": workflow_id, "sheet_id": sheet_id}
        what = _sheet(workflow_id, sheet_id)
        return self._call("list_rows", _ROW_PAGE, ids, {"row_ids": row_ids}, what=what).rows

    def recent_rows(self, workflow_id: str, sheet_id: str, limit: int = 20) -> list[SheetRow]:
        """The sheet's newest rows (at most `limit`), newest first.

        A page is asked for by `{limit, offset}` [ours]; which end a page starts from is not
        documented, so the first page also gives the row count (`total` or `total_count`)
        and, when the sheet holds more, the last page is asked for too: two calls at most.
        """
        ids = {"workflow_id": workflow_id, "sheet_id": sheet_id}
        what = _sheet(workflow_id, sheet_id)
        page = self._call("list_rows", _ROW_PAGE, ids, {"limit": limit, "offset": 0}, what=what)
        if page.total is not None and page.total > limit:
            body = {"limit": limit, "offset": page.total - limit}
            page = self._call("list_rows", _ROW_PAGE, ids, body, what=what)
        return _newest_first(page.rows[-limit:])

    def run_rows(self, workflow_id: str, sheet_id: str, row_ids: list[str]) -> int | None:
        """Run rows already in the sheet; how many Floqer queued, when it says.

        Against real Floqer a run writes to Salesforce."""
        ids = {"workflow_id": workflow_id, "sheet_id": sheet_id}
        what = _sheet(workflow_id, sheet_id)
        return self._call(
            "run_rows", _ADDED_ROWS, ids, {"row_ids": row_ids}, what=what
        ).rows_queued_for_run

    def _call(
        self,
        operation: str,
        shape: TypeAdapter[T],
        ids: Mapping[str, str],
        body: Any = None,
        *,
        what: str = "",
        places: bool = False,
    ) -> T:
        endpoint = ENDPOINTS[operation]
        path = endpoint.path.format_map({name: _segment(v) for name, v in ids.items()})
        response = self._send(operation, endpoint.method, path, body)
        data = _data(response, what=what, places_problems=places)
        try:
            return shape.validate_python(data)
        except ValidationError:
            # Raised outside the handler: pydantic's details are for us, not the page.
            failure = FloqerUnexpectedAnswer(status=response.status_code, accepted=True)
        raise failure

    def _send(self, operation: str, method: str, path: str, body: Any) -> httpx.Response:
        if not _HEADER_SAFE.fullmatch(self._api_key):
            raise FloqerUnauthorized()
        if self._before_call is not None:
            self._before_call()
        started = time.perf_counter()
        response: httpx.Response | None = None
        failure: FloqerError | None = None
        with deadline(self._deadline_seconds) as ends, self._slot(ends):
            try:
                response = self._http.request(
                    method,
                    path,
                    json=body,
                    headers={"Authorization": f"Bearer {self._api_key}"},
                    # Even if the shared client follows redirects, a Floqer call must not:
                    # a redirect means a wrong base URL, and the key must not travel on.
                    follow_redirects=False,
                )
            except (httpx.RequestError, httpx.InvalidURL) as exc:
                failure = _transport_failure(exc)
        outcome = str(response.status_code) if response is not None else type(failure).__name__
        elapsed_ms = round((time.perf_counter() - started) * 1000)
        log.info("floqer %s: %s %s -> %s in %d ms", operation, method, path, outcome, elapsed_ms)
        if response is None:
            # Raised here, outside the handler, so no httpx exception rides along as context.
            raise failure or FloqerUnreachable()
        return response

    @contextmanager
    def _slot(self, ends: float) -> Iterator[None]:
        if self._gate is None:
            yield
            return
        with self._gate.slot(self._api_key, ends - time.monotonic()):
            yield


def _transport_failure(exc: Exception) -> FloqerError:
    # Before the request went out (no connection, no free connection): Floqer saw nothing.
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return FloqerTimeout(sent=False)
    if isinstance(exc, httpx.TimeoutException):
        return FloqerTimeout(sent=True)
    if isinstance(exc, httpx.ConnectError | httpx.InvalidURL | httpx.UnsupportedProtocol):
        return FloqerUnreachable()
    if isinstance(exc, httpx.TransportError):
        return FloqerConnectionLost()  # sent, then the connection broke mid-answer
    return FloqerUnexpectedAnswer()


def _newest_first(rows: list[SheetRow]) -> list[SheetRow]:
    """Rows by creation time, newest first (rows of the same second: as Floqer listed them,
    reversed); without times, the order Floqer gave, reversed."""
    stamped = [(_utc(row.created_at), row) for row in reversed(rows)]
    if any(when is None for when, _ in stamped):
        return [row for _, row in stamped]
    return [row for _, row in sorted(stamped, key=lambda pair: pair[0] or _EPOCH, reverse=True)]


def _utc(when: datetime | None) -> datetime | None:
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


def _action_ids(workflow_id: str, sheet_id: str, action_instance_id: str) -> dict[str, str]:
    return {
        "workflow_id": workflow_id,
        "sheet_id": sheet_id,
        "action_instance_id": action_instance_id,
    }


def _sheet(workflow_id: str, sheet_id: str) -> str:
    """What a 404 on a sheet's path says Floqer does not have."""
    return f"sheet {sheet_id} in workflow {workflow_id}"


def _step(workflow_id: str, sheet_id: str, action_instance_id: str) -> str:
    return f"step {action_instance_id} on sheet {sheet_id} of workflow {workflow_id}"


def _segment(value: str) -> str:
    """One path segment, quoted so an id can never reach another path."""
    quoted = quote(value, safe="")
    # "", "." and ".." survive quoting and would name another resource once normalised.
    if quoted in {"", ".", ".."}:
        raise FloqerNotFound()
    return quoted


def _data(response: httpx.Response, *, what: str, places_problems: bool) -> Any:
    """The `data` of Floqer's success envelope, or the error the answer stands for."""
    try:
        body = response.json()
    except ValueError:
        body = None
    status = response.status_code
    claimed = body.get("status") if isinstance(body, dict) else None
    if 200 <= status < 300 and isinstance(claimed, int) and claimed >= 400:
        status = claimed  # an error envelope inside an HTTP 200: believe the envelope
    if not 200 <= status < 300:
        raise error_for_answer(
            status, body, response.headers, what=what, places_problems=places_problems
        )
    if isinstance(body, list):
        return body  # documented answers are all enveloped; a bare list is read as data
    if not isinstance(body, dict):
        # A success status whose body cannot be read: Floqer may well have done the work.
        raise FloqerUnexpectedAnswer(status=status, accepted=True)
    return Envelope.model_validate(body).data
