"""What the API answers: one pydantic model per shape, so OpenAPI describes every response."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

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
