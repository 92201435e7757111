"""What the API answers: one pydantic model per shape, so OpenAPI describes every response."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from webapp.services import MAX_ID
from webapp.upsert_form import MAX_NAME, MAX_ROWS, MAX_VALUE

Role = Literal["viewer", "editor", "admin"]


class TokenRef(BaseModel):
    id: int
    name: str


class Me(BaseModel):
    email: str
    role: Role = Field(description="What this token may do: its role, capped by the user's.")
    user_role: Role
    token: TokenRef


class ConnectionOut(BaseModel):
    """A Floqer connection: never its key, nor any part of it."""

    id: int
    label: str
    floqer_user_email: str
    is_sandbox: bool
    created_at: datetime


class ConnectionList(BaseModel):
    connections: list[ConnectionOut]


class StepOut(BaseModel):
    """Where the configured step lives in Floqer, with the names last seen for it."""

    workflow_id: str
    workflow_name: str
    sheet_id: str
    sheet_name: str
    step_id: str
    step_name: str


class PushState(BaseModel):
    last_pushed_at: datetime | None = Field(description="The last push from this app.")
    last_push_status: Literal["pushed", "failed", "unknown", "sending"] | None
    in_floqer: Literal["this", "older", "changed", "empty", "unchecked"] = Field(
        description=(
            "What Floqer held when the app last read the step: this version, an older saved "
            "one, none of them (changed in Floqer), nothing, or not read yet."
        )
    )
    floqer_version: int | None = Field(description="The saved version Floqer held, if any.")
    floqer_seen_at: datetime | None


class ConfigurationSummary(BaseModel):
    id: int
    name: str
    connection_id: int
    step: StepOut
    salesforce_object: str
    version: int = Field(description="The saved version the configuration is at.")
    updated_at: datetime
    push: PushState


class ConfigurationList(BaseModel):
    configurations: list[ConfigurationSummary]


class ConfigurationOut(ConfigurationSummary):
    body: dict[str, Any] = Field(
        description='Exactly Floqer\'s Configure Action body (`{"inputs": {...}}`), as a push '
        "sends it and an export holds it."
    )


class TokenOut(BaseModel):
    """A personal API token as an admin sees it: never its secret."""

    id: int
    user_email: str
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    role: Role
    state: Literal["active", "revoked", "expired"]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenList(BaseModel):
    tokens: list[TokenOut]


# --- saving, versions, pre-flight, push and pull ---------------------------------------------


class FieldItem(BaseModel):
    """One mapped field of the body: Salesforce's API name and its value (a template)."""

    model_config = ConfigDict(extra="allow", strict=True)

    name: str = Field(max_length=255)
    value: str = Field(max_length=MAX_VALUE)


class InputsIn(BaseModel):
    """Configure Action's `inputs`, each value of the type Floqer takes."""

    model_config = ConfigDict(extra="allow", strict=True)

    salesforce_object: str = Field("", max_length=255)
    salesforce_external_id_field: str = Field("", max_length=255)
    add_fields_and_their_values: list[FieldItem] = Field(default_factory=list, max_length=MAX_ROWS)
    force_update_on_collision: bool = False
    ignore_empty_values: bool = True
    run_salesforce_assignment_rules: bool = True


class BodyIn(BaseModel):
    """Exactly Floqer's Configure Action body, as GET /configurations/{id} and the export
    give it."""

    model_config = ConfigDict(strict=True)

    inputs: InputsIn


class VersionIn(BaseModel):
    base_version: int = Field(
        ge=1,
        lt=10**9,
        description="The version this body was made from: the configuration's head, or the "
        "save is refused with 409 (someone saved since).",
    )
    name: str | None = Field(
        None, min_length=1, max_length=MAX_NAME, description="A new name; none keeps it."
    )
    body: BodyIn


class RestoreIn(BaseModel):
    base_version: int = Field(ge=1, lt=10**9, description="The head version, as you last read it.")


class SavedOut(BaseModel):
    configuration_id: int
    version: int = Field(description="The version that holds the body now.")
    created: bool = Field(description="False: the body was already the head's, nothing saved.")
    renamed: bool


class VersionSummary(BaseModel):
    version: int
    author: str
    created_at: datetime
    note: str
    summary: str = Field(description="What this version changed from the one before it.")
    pushed: bool = Field(description="A push of this version succeeded at least once.")
    in_floqer: bool = Field(description="Floqer's step held exactly this version when last read.")
    current: bool = Field(description="This is the configuration's head.")


class VersionList(BaseModel):
    versions: list[VersionSummary]
    page: int
    pages: int
    total: int


class VersionOut(BaseModel):
    version: int
    author: str
    created_at: datetime
    note: str
    current: bool
    body: dict[str, Any]


class CheckIn(BaseModel):
    body: BodyIn | None = Field(
        None, description="A body to check instead of the saved head (nothing is saved)."
    )


class CheckProblem(BaseModel):
    severity: Literal["error", "warning"]
    code: str
    where: str = Field(description="The part of the mapping, as the page names it.")
    message: str


class CheckOut(BaseModel):
    checked: bool = Field(description="False: nothing is known of this object's fields yet.")
    ready: bool = Field(description="Checked, and no error: a push would not be refused.")
    problems: list[CheckProblem]


class PushIn(BaseModel):
    force: bool = Field(False, description="Push even when the pre-flight check finds errors.")


class PushOut(BaseModel):
    configuration_id: int
    version: int
    outcome: Literal["pushed", "failed", "unknown", "sending"]
    summary: str
    pushed_at: datetime
    problems: list[dict[str, str]] = Field(description="Floqer's problems, field by field.")


class DifferenceOut(BaseModel):
    what: str
    saved: str
    floqer: str


class PullOut(BaseModel):
    configuration_id: int
    floqer_body: dict[str, Any] = Field(description="What Floqer's step holds now.")
    same: bool
    differences: list[DifferenceOut]


# --- browsing Floqer and creating a configuration for a step ---------------------------------


class WorkflowOut(BaseModel):
    workflow_id: str
    name: str
    updated_at: datetime | None
    last_run_at: datetime | None


class WorkflowList(BaseModel):
    workflows: list[WorkflowOut]


class UpsertStepOut(BaseModel):
    step_id: str
    name: str
    configuration_id: int | None = Field(description="Its configuration here, if it has one.")


class SheetOut(BaseModel):
    sheet_id: str
    name: str
    is_main_sheet: bool
    upsert_steps: list[UpsertStepOut]


class WorkflowDetail(BaseModel):
    workflow_id: str
    name: str
    sheets: list[SheetOut]


class CreateIn(BaseModel):
    connection_id: int = Field(ge=1, le=MAX_ID)
    workflow_id: str = Field(min_length=1, max_length=200)
    sheet_id: str = Field(min_length=1, max_length=200)
    step_id: str = Field(min_length=1, max_length=200)
    template_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Start from this configuration's head, not Floqer's."
    )


class CreatedOut(BaseModel):
    how: Literal["created", "template", "existing"] = Field(
        description="Read from Floqer's step, copied from the template, or the step's "
        "configuration that already existed (nothing created)."
    )
    configuration: ConfigurationOut


# --- the document of configurations: export and import ---------------------------------------


class DocumentStep(BaseModel):
    workflow_id: str
    workflow_name: str = ""
    sheet_id: str
    sheet_name: str = ""
    step_id: str
    step_name: str = ""


class DocumentConfiguration(BaseModel):
    name: str = ""
    version: int | None = None
    connection: str = Field("", description="The connection's label (never its key).")
    step: DocumentStep
    body: dict[str, Any] = Field(description='Configure Action\'s body: `{"inputs": {...}}`.')


class Document(BaseModel):
    """The versioned document the browser's export and the command line write and read."""

    format: str
    format_version: int
    exported_at: str = ""
    exported_by: str = ""
    configurations: list[DocumentConfiguration]


class ImportedOut(BaseModel):
    index: int = Field(description="Its place in the document, from 1.")
    title: str
    status: Literal["new", "changed", "unchanged"]
    configuration_id: int | None
    version: int | None = Field(description="The version that holds it now.")
    saved: bool
    pushed: bool


class ImportOut(BaseModel):
    configurations: list[ImportedOut]


class ChangeIn(BaseModel):
    """What PATCH changes: the name, the connection, or both (what the page's Rename and
    *Use this connection* do). Neither is a version: the body stays as it is."""

    name: str | None = Field(default=None, max_length=1000)
    connection_id: int | None = Field(default=None, ge=1, lt=2**31)


class DeletedOut(BaseModel):
    configuration_id: int
    deleted: bool = True
