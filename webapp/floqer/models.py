"""Typed models of Floqer's answers (contract section 2), tolerant of what Floqer may add or omit.

Every model ignores keys it does not know, so a new field in Floqer's API never breaks the
app; only the keys the app cannot work without (ids, names of inputs and outputs) are
required, and a missing one makes the answer unusable rather than silently wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)


def _lenient(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A timestamp in a format we do not read is shown as unknown, not a broken page.
    try:
        return handler(value)
    except ValidationError:
        return None


LenientDatetime = Annotated[datetime | None, WrapValidator(_lenient)]
LenientInt = Annotated[int | None, WrapValidator(_lenient)]
LenientStr = Annotated[str | None, WrapValidator(_lenient)]


class FloqerModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class FloqerUser(FloqerModel):
    email: str
    first_name: str | None = None
    last_name: str | None = None
    role: str | None = None


class WorkflowSummary(FloqerModel):
    workflow_id: str
    name: str = ""
    created_at: LenientDatetime = None
    updated_at: LenientDatetime = None
    last_run_at: LenientDatetime = None


class SheetSummary(FloqerModel):
    sheet_id: str
    name: str = ""
    is_main_sheet: bool = False
    auto_run: bool | None = None
    cache_enabled: bool | None = None
    cache_since: LenientDatetime = None
    webhook_url: str | None = None


class WorkflowOverview(WorkflowSummary):
    is_owner: bool | None = None
    shared_users: list[dict[str, Any]] = Field(default_factory=list)
    sheets: list[SheetSummary] = Field(default_factory=list)

    @property
    def main_sheet(self) -> SheetSummary | None:
        # Floqer: the main sheet has sheet_id == workflow_id and comes first in `sheets`.
        for sheet in self.sheets:
            if sheet.is_main_sheet or sheet.sheet_id == self.workflow_id:
                return sheet
        return self.sheets[0] if self.sheets else None


class OutputRef(FloqerModel):
    name: str
    type: str = "string"
    reference: str
    label: str | None = None
    columns: list[OutputRef] = Field(default_factory=list)


class ActionNode(FloqerModel):
    """One node of a sheet's action chain; the first is the sheet's input node."""

    action_instance_id: str
    action_id: str
    display_name: str = ""
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: list[OutputRef] = Field(default_factory=list)
    next: list[str] = Field(default_factory=list)

    @property
    def is_input(self) -> bool:
        return self.action_id == "input"


class ActionInput(FloqerModel):
    name: str
    type: str = ""
    required: bool = False
    description: str | None = None
    label: str | None = None
    default: Any = None
    value: Any = None

    @property
    def has_value(self) -> bool:
        """True when Floqer sent `value` at all: an explicit null is a configured value."""
        return "value" in self.model_fields_set


class ActionInstance(FloqerModel):
    action_instance_id: str
    action_id: str
    display_name: str = ""
    inputs: list[ActionInput] = Field(default_factory=list)
    outputs: list[OutputRef] = Field(default_factory=list)

    def values(self) -> dict[str, Any]:
        """{input name: configured value}, for the inputs that carry one."""
        return {item.name: item.value for item in self.inputs if item.has_value}

    def input(self, name: str) -> ActionInput | None:
        return next((item for item in self.inputs if item.name == name), None)


class FieldOption(FloqerModel):
    value: str
    label: str
    extras: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _label_defaults_to_value(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("label") is None and "value" in data:
            return {**data, "label": data["value"]}
        return data

    @field_validator("extras", mode="before")
    @classmethod
    def _extras_may_be_null(cls, value: Any) -> Any:
        # Floqer sends Salesforce metadata "when present": null means none, not an error.
        return {} if value is None else value


class FieldOptions(FloqerModel):
    options: list[FieldOption]


class FieldProblem(FloqerModel):
    field: str = ""
    code: str = ""
    message: str = ""


class RejectedRow(FloqerModel):
    index: int | None = None
    reason: str = ""


class AddedRows(FloqerModel):
    row_count: int = 0
    row_ids: list[str] = Field(default_factory=list)
    rejected: list[RejectedRow] = Field(default_factory=list)
    rows_queued_for_run: int = 0


class RowCell(FloqerModel):
    """One step's result on one row: not_run, complete, failed or error."""

    status: str
    outputs: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class SheetRow(FloqerModel):
    row_id: str
    created_at: LenientDatetime = None
    values: dict[str, Any] = Field(default_factory=dict)
    cells: dict[str, RowCell] = Field(default_factory=dict)


class RowPage(FloqerModel):
    rows: list[SheetRow] = Field(default_factory=list)
    total: int | None = None


class Envelope(FloqerModel):
    """Floqer's success envelope: {"status": 200, "data": …, "message"?: "…"}."""

    status: int | None = None
    data: Any
    message: str | None = None


class ErrorBody(FloqerModel):
    """Floqer's error envelope; `errors` on a 400, `retryAfter` on a 429, `code` ours.

    Every key is lenient: a garbled error body must still become the right error type.
    """

    status: LenientInt = None
    error: LenientStr = None
    message: LenientStr = None
    code: LenientStr = None
    errors: Annotated[list[FieldProblem] | None, WrapValidator(_lenient)] = None
    retry_after: LenientInt = Field(default=None, alias="retryAfter")
