"""The sandbox as an HTTP server: Floqer's endpoints under /api/v1, answered from memory."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from webapp.sandbox.errors import FloqerApiError, problem, success
from webapp.sandbox.faults import FAULTS, Fault, fault_for
from webapp.sandbox.gate import API_PREFIX, Gate
from webapp.sandbox.ratelimit import RateLimiter
from webapp.sandbox.record_page import missing_page, record_page
from webapp.sandbox.service import Sandbox
from webapp.sandbox.settings import SandboxSettings
from webapp.sandbox.sfdc.setup import RetypeTo


class OptionsBody(BaseModel):
    context: dict[str, Any] = Field(default_factory=dict)


class ConfigureBody(BaseModel):
    inputs: dict[str, Any]


class AddActionBody(BaseModel):
    action_id: str
    after: str | None = None
    name: str | None = Field(default=None, max_length=200)


class AddRowsBody(BaseModel):
    rows: list[Any] = Field(min_length=1, max_length=1000)
    run_after_add: Literal["none", "first_10", "all"] = "none"


class ListRowsBody(BaseModel):
    row_ids: list[str] | None = Field(default=None, max_length=1000)
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class RunRowsBody(BaseModel):
    row_ids: list[str] = Field(min_length=1, max_length=1000)


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _api_key(request: Request) -> str:
    key: str = request.scope["state"]["api_key"]
    return key


def _fault(api_key: Annotated[str, Depends(_api_key)]) -> Fault | None:
    return fault_for(api_key)


def _account_url(request: Request) -> str:
    """The simulated org's base URL: `{account_url}/{record_id}` is the sandbox's record view,
    as `{account_url}/{record_id}` opens a record in a real Salesforce org."""
    return str(request.base_url).rstrip("/") + "/_sandbox/records"


SandboxDep = Annotated[Sandbox, Depends(_sandbox)]
FaultDep = Annotated["Fault | None", Depends(_fault)]
AccountUrlDep = Annotated[str, Depends(_account_url)]
SHEET = "/workflows/{wid}/sheets/{sid}"
api = APIRouter(prefix=API_PREFIX)


@api.get("/user/")
def who_am_i(sandbox: SandboxDep, api_key: Annotated[str, Depends(_api_key)]) -> JSONResponse:
    return success(sandbox.who_am_i(api_key))


@api.get("/workflows/")
def list_workflows(sandbox: SandboxDep) -> JSONResponse:
    return success(sandbox.list_workflows())


@api.get("/workflows/{wid}")
def workflow_overview(sandbox: SandboxDep, wid: str) -> JSONResponse:
    return success(sandbox.workflow(wid))


@api.get(SHEET + "/actions")
def action_chain(sandbox: SandboxDep, wid: str, sid: str) -> JSONResponse:
    return success(sandbox.action_chain(wid, sid))


@api.post(SHEET + "/actions")
def add_action(sandbox: SandboxDep, wid: str, sid: str, body: AddActionBody) -> JSONResponse:
    return success(sandbox.add_action(wid, sid, body.action_id, body.after, body.name))


@api.get(SHEET + "/actions/{aiid}")
def get_action(sandbox: SandboxDep, wid: str, sid: str, aiid: str) -> JSONResponse:
    return success(sandbox.action(wid, sid, aiid))


@api.patch(SHEET + "/actions/{aiid}")
def configure_action(
    sandbox: SandboxDep, fault: FaultDep, wid: str, sid: str, aiid: str, body: ConfigureBody
) -> JSONResponse:
    data = sandbox.configure(wid, sid, aiid, body.inputs, fault)
    return success(data, message="Action configured")


@api.post(SHEET + "/actions/{aiid}/options/{field_name}")
def field_options(
    sandbox: SandboxDep,
    fault: FaultDep,
    wid: str,
    sid: str,
    aiid: str,
    field_name: str,
    body: Annotated[OptionsBody | None, Body()] = None,
) -> JSONResponse:
    context = body.context if body else {}
    return success(sandbox.options(wid, sid, aiid, field_name, context, fault))


@api.post(SHEET + "/rows")
def add_rows(
    sandbox: SandboxDep,
    fault: FaultDep,
    account_url: AccountUrlDep,
    wid: str,
    sid: str,
    body: AddRowsBody,
) -> JSONResponse:
    data = sandbox.add_rows(wid, sid, body.rows, body.run_after_add, fault, account_url)
    return success(data)


@api.post(SHEET + "/rows/list")
def list_rows(sandbox: SandboxDep, wid: str, sid: str, body: ListRowsBody) -> JSONResponse:
    return success(sandbox.list_rows(wid, sid, body.row_ids, body.limit, body.offset))


@api.post(SHEET + "/rows/run")
def run_rows(
    sandbox: SandboxDep,
    fault: FaultDep,
    account_url: AccountUrlDep,
    wid: str,
    sid: str,
    body: RunRowsBody,
) -> JSONResponse:
    return success(sandbox.run_rows(wid, sid, body.row_ids, fault, account_url))


extras = APIRouter(prefix="/_sandbox")


@extras.get("/records/{record_id}")
def sandbox_record(request: Request, sandbox: SandboxDep, record_id: str) -> Response:
    """One record: a readable page for a browser (the upsert's `{account_url}/{record_id}`),
    JSON for everyone else."""
    if "text/html" not in request.headers.get("accept", ""):
        return success(sandbox.record(record_id))
    try:
        found = sandbox.record(record_id)
    except FloqerApiError:
        return HTMLResponse(missing_page(record_id), status_code=404)
    return HTMLResponse(record_page(found))


@extras.get("/objects/{object_name}/records")
def sandbox_records(sandbox: SandboxDep, object_name: str) -> JSONResponse:
    return success(sandbox.records(object_name))


class DeleteField(BaseModel):
    action: Literal["delete"]


class RetypeField(BaseModel):
    action: Literal["retype"]
    type: RetypeTo


FieldChange = Annotated[DeleteField | RetypeField, Field(discriminator="action")]
SalesforceName = Annotated[str, Path(min_length=1, max_length=255)]


@extras.post("/objects/{object_name}/fields/{field_name}")
def change_field(
    sandbox: SandboxDep, object_name: SalesforceName, field_name: SalesforceName, body: FieldChange
) -> JSONResponse:
    """Delete a custom field, or change its type, from now on, as an admin would in Setup:
    the options endpoints answer without it, or with the new type (`{"action": "delete"}`,
    `{"action": "retype", "type": "double"}`)."""
    retype_to = body.type if isinstance(body, RetypeField) else None
    return success(sandbox.change_field(object_name, field_name, retype_to))


@extras.get("/calls")
def sandbox_calls(request: Request) -> JSONResponse:
    """Every /api/v1 request received so far, by method and path, and how many were options."""
    calls: Counter[str] = request.app.state.calls
    options = sum(n for call, n in calls.items() if "/options/" in call)
    return success({"total": sum(calls.values()), "options": options, "by_call": dict(calls)})


class RevokeBody(BaseModel):
    api_key: str = Field(min_length=1, max_length=500)


@extras.post("/revoked-keys")
def revoke_key(request: Request, body: RevokeBody) -> JSONResponse:
    """Revoke a key from now on, as a Floqer admin would: every later call answers 401."""
    request.app.state.revoked.add(body.api_key)
    return success({"revoked": True})


@extras.get("/health")
def sandbox_health() -> JSONResponse:
    return success({"ok": True})


def create_sandbox_app(settings: SandboxSettings | None = None) -> FastAPI:
    settings = settings or SandboxSettings()
    app = FastAPI(
        title="Floqer sandbox",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
    )
    app.state.sandbox = Sandbox(settings.org)
    app.state.settings = settings
    # As webapp.app does: the routes built once at import (their prefixes are in their paths),
    # not derived again for every sandbox a test starts.
    app.router.routes.extend([*api.routes, *extras.routes])

    @app.get("/")
    def index() -> JSONResponse:
        return success(
            {
                "name": "Floqer sandbox",
                "base_url": f"{API_PREFIX}",
                "org": settings.org,
                "fault_keys": {key: f.summary for key, f in FAULTS.items()},
            }
        )

    _install_error_handlers(app)
    limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_per_day)
    app.state.calls = Counter()
    app.state.revoked = set()
    app.add_middleware(
        Gate,
        calls=app.state.calls,
        revoked=app.state.revoked,
        limiter=limiter,
        latency_ms=settings.latency_ms,
        slow_key_seconds=settings.slow_key_seconds,
        max_body_bytes=settings.max_body_bytes,
    )
    return app


def _install_error_handlers(app: FastAPI) -> None:
    async def floqer_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, FloqerApiError)
        return exc.response()

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        message = "Not found" if exc.status_code == 404 else str(exc.detail)
        return FloqerApiError(exc.status_code, message).response()

    async def invalid_request(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = [_validation_problem(e) for e in exc.errors()]
        malformed = any(p["code"] == "json_invalid" for p in problems)
        message = "Malformed JSON body" if malformed else "The request is not valid"
        return FloqerApiError(400, message, errors=problems).response()

    app.add_exception_handler(FloqerApiError, floqer_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)


def _validation_problem(error: Any) -> dict[str, str]:
    loc = [str(part) for part in error.get("loc", ()) if part != "body"]
    field = ".".join(loc) or "body"
    code = str(error.get("type", "invalid"))
    message = "Body must be a JSON object" if field == "body" else str(error.get("msg", ""))
    if code == "json_invalid":
        message = "The body is not valid JSON"
    return problem(field, code, message)
