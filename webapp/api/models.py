"""What the API answers: one pydantic model per shape, so OpenAPI describes every response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

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


# --- test on one row -------------------------------------------------------------------------

MAX_RUN_COLUMNS = 100  # the panel's bound on the sheet's input columns


class RowIn(BaseModel):
    """The row a test run uses: a row already in the sheet, or the values of a new one."""

    row_id: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="A row of the sheet (GET …/sheet-rows), run again as it is.",
    )
    values: dict[str, Annotated[str, Field(max_length=1000)]] | None = Field(
        None,
        max_length=MAX_RUN_COLUMNS,
        description="A new row: the sheet's input columns and their values (a column left out "
        "is empty). Ignored when `row_id` is given.",
    )


class TestRunIn(RowIn):
    __test__ = False  # not a pytest class

    confirm: bool = Field(
        description="Must be true: a run writes one record to the Salesforce org connected to "
        "Floqer (the sandbox's simulated org in sandbox mode)."
    )


class PreviewIn(RowIn):
    body: BodyIn | None = Field(
        None, description="A body to preview instead of the saved head (nothing is saved)."
    )


class FieldPreviewOut(BaseModel):
    name: str
    value: str = Field(description="The value as configured: a literal or a template.")
    resolved: str = Field(description="What it resolves to from the row.")
    action: Literal["send", "skip", "clear", "later"] = Field(
        description="Sent; left out (empty, with ignore_empty_values); cleared in Salesforce; or "
        "known only after the run (an earlier step's output)."
    )
    note: str
    is_key: bool = Field(description="The External ID field the row is matched on.")


class PreviewOut(BaseModel):
    fields: list[FieldPreviewOut]
    key_field: str
    key_problem: str | None = Field(description="Why the row cannot be matched, if it cannot.")


class TestRunOut(BaseModel):
    __test__ = False  # not a pytest class

    id: int
    configuration_id: int
    version: int = Field(description="The version the run tested.")
    actor: str
    outcome: Literal[
        "sending", "waiting", "complete", "failed", "error", "timeout", "cancelled", "unknown"
    ] = Field(
        description="sending or waiting: not ended (POST …/check reads it again); complete: "
        "Salesforce wrote the record; failed: Salesforce refused the row; error: Floqer could "
        "not run it; timeout or cancelled: the app stopped waiting (the row may still run)."
    )
    done: bool = Field(description="The run has ended: its outcome will not change.")
    summary: str = Field(description="What happened, in the page's words.")
    row_source: Literal["new", "existing"]
    row_id: str
    inputs: dict[str, Any] = Field(description="A new row's values, as sent.")
    fields: list[FieldPreviewOut] = Field(description="What each mapped field was to receive.")
    operation_type: str = Field(description="Insert or Update, once complete.")
    record_id: str
    record_url: str
    error_code: str
    error_message: str
    error_field: str = Field(description="The mapped field Salesforce's refusal is about.")
    started_at: datetime
    finished_at: datetime | None


class TestRunList(BaseModel):
    __test__ = False  # not a pytest class

    runs: list[TestRunOut] = Field(description="Newest first; the newest 50 are kept.")


class SheetRowOut(BaseModel):
    row_id: str
    values: dict[str, str]


class SheetRowList(BaseModel):
    columns: list[str] = Field(description="The sheet's input columns.")
    rows: list[SheetRowOut] = Field(description="The sheet's newest rows, newest first.")


# --- comparing versions, and applying a mapping to other steps -------------------------------


class CompareRowOut(BaseModel):
    what: str = Field(description="The setting: Salesforce object, an option, or Field X.")
    a: str
    b: str
    change: Literal["same", "changed", "added", "removed"]


class CompareSide(BaseModel):
    label: str
    version: int | None = Field(description="None: Floqer's step (now, or its last known copy).")


class CompareOut(BaseModel):
    a: CompareSide | None = Field(description="None: Floqer's step could not be read or known.")
    b: CompareSide | None
    floqer_failure: str | None = Field(description="Why Floqer's step could not be read now.")
    rows: list[CompareRowOut] = Field(description="Every setting, in the form's order.")


class StepProblem(BaseModel):
    severity: Literal["error", "warning"]
    where: str
    message: str


class OtherStepOut(BaseModel):
    key: str = Field(description="What POST …/apply-to-steps names the step by.")
    where: str
    configuration_id: int | None = Field(description="Its configuration here, if it has one.")
    base_version: int = Field(description="Its version here (0: none): send it back to apply.")
    status: Literal["new", "changed", "unchanged"]
    changes: list[CompareRowOut] = Field(description="What applying would change there.")
    problems: list[StepProblem] = Field(description="The pre-flight check against its org.")
    problem: str = Field(description="Why the check could not read the org ('': it could).")


class OtherStepList(BaseModel):
    source_version: int = Field(description="The version whose mapping would be applied.")
    steps: list[OtherStepOut]
    workflows_read: int
    more_workflows: bool = Field(description="The org has more workflows than were read.")
    problem: str = Field(description="Floqer failed part way ('': it did not).")


class ChosenStep(BaseModel):
    key: str = Field(min_length=1, max_length=700)
    base_version: int = Field(ge=0, lt=10**9, description="As GET …/other-steps gave it.")


class ApplyIn(BaseModel):
    source_version: int = Field(
        ge=1, lt=10**9, description="The version GET …/other-steps listed: 409 if it moved."
    )
    steps: list[ChosenStep] = Field(min_length=1, max_length=100)
    push: bool = Field(False, description="Push each step after saving it.")
    push_anyway: bool = Field(
        False, description="Push steps whose pre-flight check finds errors (else held back)."
    )


class AppliedStep(BaseModel):
    where: str
    kind: Literal["success", "info", "warning", "error"]
    message: str
    configuration_id: int | None


class ApplyOut(BaseModel):
    results: list[AppliedStep] = Field(description="One per chosen step, in order.")


# --- the org's metadata, as the form's dropdowns read it -------------------------------------


class SalesforceObjectOut(BaseModel):
    name: str = Field(description="The object's API name, as `salesforce_object` takes it.")
    label: str


class ObjectList(BaseModel):
    objects: list[SalesforceObjectOut]
    fetched_at: datetime = Field(description="When the list was read from Floqer.")
    stale: bool = Field(description="Older than the cache's age: being read again.")


class SalesforceFieldOut(BaseModel):
    name: str = Field(description="The field's API name, as a row's `name` takes it.")
    label: str
    type: str = Field(description="As Setup writes it: Text(80), Picklist, Lookup(Account)…")
    required: bool = Field(description="Salesforce needs a value to create a record.")
    custom: bool
    locked: str = Field(description="Why no row can set it ('': a row can).")
    length: int | None = Field(description="The most characters a text field takes.")
    picklist_values: list[str] = Field(description="Its active values, for a picklist.")
    restricted: bool = Field(description="A value outside `picklist_values` is refused.")


class FieldList(BaseModel):
    object: str = Field(description="The object's name as the org spells it.")
    external_id_fields: list[str] = Field(
        description="The fields rows can be matched on (`salesforce_external_id_field`)."
    )
    fields: list[SalesforceFieldOut]
    fetched_at: datetime | None = Field(description="When the older list was read, if not now.")


class RefreshedOut(BaseModel):
    configuration_id: int
    refreshed: bool = True


class AddStepIn(BaseModel):
    after: str | None = Field(
        None, min_length=1, max_length=200, description="The step it follows; none: the end."
    )


class AddedStepOut(BaseModel):
    step_id: str | None = Field(description="The new step, when Floqer says which it is.")
