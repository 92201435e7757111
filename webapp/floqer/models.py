"""Typed models of Floqer's answers (contract section 2): a tolerant reader of what the app uses.

Each model declares only the keys the app reads; every other key, whatever its shape, passes
by unread. Only what the app cannot work without is required (an id, an input's or output's
name); anything else of an unexpected type falls back to its default, and one malformed item
of a list is dropped rather than failing the whole answer. Floqer's documented shapes
(floqer.com/docs/schemas) and the contract's are both accepted, e.g. an output column's
reference under `structured_array_reference` (documented) or `reference` (the contract).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A value the app cannot read counts as absent (e.g. a timestamp in another format)."""
    try:
        return handler(value)
    except ValidationError:
        return None


def _text(value: Any) -> str:
    """Text as sent; a number becomes its digits; anything else (null, a list) is ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _identifier(value: Any) -> str:
    """An id the app needs: text or a number (ids are uuids in Floqer's docs, slugs too)."""
    text = _text(value)
    if not text:
        raise ValueError("an id is required")
    return text


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else False


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _skip_invalid(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A list whose malformed items are dropped; anything but a list is an empty one."""
    if not isinstance(value, list | tuple):
        return []
    kept: list[Any] = []
    for item in value:
        try:
            kept.extend(handler([item]))
        except ValidationError:
            continue
    return kept


def _skip_invalid_values(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A map whose malformed values are dropped; anything but a map is an empty one."""
    if not isinstance(value, dict):
        return {}
    kept: dict[Any, Any] = {}
    for key, item in value.items():
        try:
            kept.update(handler({key: item}))
        except ValidationError:
            continue
    return kept


def _list_of_valid_items(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """For an answer that is a list: malformed items are dropped, but no list is an error."""
    if not isinstance(value, list | tuple):
        raise ValueError("a list was expected")
    return _skip_invalid(value, handler)


Text = Annotated[str, BeforeValidator(_text)]
Identifier = Annotated[str, BeforeValidator(_identifier)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Mapping = Annotated[dict[str, Any], BeforeValidator(_mapping)]
LenientDatetime = Annotated[datetime | None, WrapValidator(_or_none)]
LenientInt = Annotated[int | None, WrapValidator(_or_none)]
SkipInvalid = WrapValidator(_skip_invalid)
ValidItems = WrapValidator(_list_of_valid_items)


class FloqerModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class FloqerUser(FloqerModel):
    """Who-am-I: whose key this is (shown next to the connection)."""

    email: Text = ""
    first_name: Text = ""
    last_name: Text = ""


class WorkflowSummary(FloqerModel):
    workflow_id: Identifier
    name: Text = ""
    updated_at: LenientDatetime = None
    last_run_at: LenientDatetime = None


class SheetSummary(FloqerModel):
    sheet_id: Identifier
    name: Text = ""
    is_main_sheet: Flag = False


class WorkflowOverview(FloqerModel):
    """A workflow's name and sheets; sharing and settings are Floqer's business, not ours."""

    workflow_id: Text = ""
    name: Text = ""
    sheets: Annotated[list[SheetSummary], SkipInvalid] = Field(default_factory=list)

    def main_sheet_id(self, workflow_id: str) -> str | None:
        # Floqer: the main sheet has sheet_id == workflow_id and comes first in `sheets`.
        for sheet in self.sheets:
            if sheet.is_main_sheet or sheet.sheet_id == workflow_id:
                return sheet.sheet_id
        return self.sheets[0].sheet_id if self.sheets else None


class OutputColumn(FloqerModel):
    """One column of a list output (`structured_array`)."""

    name: Identifier
    reference: Text = Field(
        default="", validation_alias=AliasChoices("structured_array_reference", "reference")
    )


class OutputRef(FloqerModel):
    name: Identifier
    reference: Text = ""
    label: Text = ""
    type: Text = ""  # the input node's: a column's type, shown on the workflow page
    columns: Annotated[list[OutputColumn], SkipInvalid] = Field(default_factory=list)


def _with_references(node: Any) -> Any:
    """Fill in the reference tokens a node's outputs left out, as Floqer writes them."""
    if not isinstance(node, dict) or not isinstance(node.get("outputs"), list):
        return node
    owner = "input" if node.get("action_id") == "input" else _text(node.get("action_instance_id"))
    outputs = [_output_with_reference(output, owner) for output in node["outputs"]]
    return {**node, "outputs": outputs}


def _output_with_reference(output: Any, owner: str) -> Any:
    if not isinstance(output, dict) or not _text(output.get("name")):
        return output
    name = _text(output["name"])
    filled = dict(output)
    if not _text(output.get("reference")):
        filled["reference"] = _token(owner, name)
    if isinstance(output.get("columns"), list):
        filled["columns"] = [_column_with_reference(c, owner, name) for c in output["columns"]]
    return filled


def _column_with_reference(column: Any, owner: str, output: str) -> Any:
    if not isinstance(column, dict):
        return column
    if _text(column.get("structured_array_reference")) or _text(column.get("reference")):
        return column
    return {**column, "reference": _token(owner, output, _text(column.get("name")))}


def _token(*path: str) -> str:
    """A reference as Floqer writes it: {{input.column}}, {{step.output}}, {{step.list.col}}."""
    return "{{" + ".".join(path) + "}}"


class ActionNode(FloqerModel):
    """One node of a sheet's action chain; the first is the sheet's input node.

    `inputs` is the step's configuration as Floqer holds it (absent on the input node and
    for unconfigured steps): the documented place to read a configured value back.
    """

    action_instance_id: Identifier
    action_id: Text = ""
    display_name: Text = ""
    inputs: Mapping = Field(default_factory=dict)
    outputs: Annotated[list[OutputRef], SkipInvalid] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _fill_references(cls, data: Any) -> Any:
        return _with_references(data)

    @property
    def is_input(self) -> bool:
        return self.action_id == "input" or self.action_instance_id == "input"


class ActionInstance(FloqerModel):
    """Add Action's answer: the app reads only the new step's id (to point at it)."""

    action_instance_id: Identifier


def _label_defaults_to_value(data: Any) -> Any:
    if isinstance(data, dict) and not _text(data.get("label")) and "value" in data:
        return {**data, "label": data["value"]}
    return data


class FieldOption(FloqerModel):
    value: Identifier
    label: Text = ""
    # Salesforce field metadata "when present" (contract 2): anything else means none.
    extras: Mapping = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _label(cls, data: Any) -> Any:
        return _label_defaults_to_value(data)


def _wrapped_options(data: Any) -> Any:
    # The {"options": [...]} wrapper is ours (contract 2): a bare list is accepted too.
    return {"options": data} if isinstance(data, list) else data


class FieldOptions(FloqerModel):
    options: Annotated[list[FieldOption], SkipInvalid]

    @model_validator(mode="before")
    @classmethod
    def _wrapper(cls, data: Any) -> Any:
        return _wrapped_options(data)


class FieldProblem(FloqerModel):
    field: Text = ""
    code: Text = ""
    message: Text = ""


class AddedRows(FloqerModel):
    row_ids: Annotated[list[Identifier], SkipInvalid] = Field(default_factory=list)
    rows_queued_for_run: LenientInt = None
    # Why rows were refused: the sandbox's {index, reason}, Floqer's {row, errors[]}; read
    # only to say why a test row was not added.
    rejected: Annotated[list[Mapping], SkipInvalid] = Field(default_factory=list)


class CellError(FloqerModel):
    """A failed cell's error: Floqer documents it as text; the sandbox sends an object with
    Salesforce's code, message and the fields it concerns."""

    code: Text = ""
    message: Text = ""
    fields: Annotated[list[Text], SkipInvalid] = Field(default_factory=list)


def _cell_error(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return {"message": value}
    if isinstance(value, dict):
        return value
    return {"message": _text(value)} if _text(value) else None


class RowCell(FloqerModel):
    """One step's result on one row: queued, running, complete, failed, error, …"""

    status: Text = ""
    outputs: Mapping = Field(default_factory=dict)
    # Documented as text on a failed cell; an object with code and message is accepted too.
    error: Annotated[CellError | None, BeforeValidator(_cell_error), WrapValidator(_or_none)] = None


class SheetRow(FloqerModel):
    row_id: Identifier
    created_at: LenientDatetime = None
    values: Mapping = Field(default_factory=dict, validation_alias=AliasChoices("inputs", "values"))
    cells: Annotated[dict[str, RowCell], WrapValidator(_skip_invalid_values)] = Field(
        default_factory=dict
    )


class RowPage(FloqerModel):
    rows: Annotated[list[SheetRow], SkipInvalid] = Field(default_factory=list)
    # The sheet's row count: `total` in the sandbox, `total_count` in Floqer's docs.
    total: LenientInt = Field(default=None, validation_alias=AliasChoices("total_count", "total"))


class Envelope(FloqerModel):
    """Floqer's success envelope: {"status": 200, "data": …, "message"?: "…"}."""

    data: Any = None


def _error_parts(data: Any) -> Any:
    """Floqer's flat error body, or one whose `error` is an object {code, message}."""
    if not isinstance(data, dict) or not isinstance(data.get("error"), dict):
        return data
    inner: dict[str, Any] = data["error"]
    return {**inner, **{k: v for k, v in data.items() if k != "error" and v is not None}}


class ErrorBody(FloqerModel):
    """Floqer's error envelope; `errors` on a 400, `retryAfter` on a 429, `code` ours.

    Every key is lenient: a garbled error body must still become the right error type.
    """

    message: Text = ""
    code: Text = ""
    errors: Annotated[list[FieldProblem], SkipInvalid] = Field(default_factory=list)
    retry_after: LenientInt = Field(default=None, alias="retryAfter")

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        return _error_parts(data)
