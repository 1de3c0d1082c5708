"""The answers of the HTTP API as pydantic models: the handlers build their bodies from these,
and the OpenAPI document's response schemas are generated from them, so the two cannot drift."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ShortId = Annotated[str, Field(pattern=r"^A-[0-9]+$", description="The bot's short id.")]
ErrorText = Annotated[str, Field(description="What went wrong, in words.")]


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class Error(Answer):
    error: ErrorText


class FieldProblem(Answer):
    index: (
        Annotated[int, Field(ge=0, description="The record's position in the input, from 0.")]
        | None
    ) = None
    field: Annotated[str, Field(examples=["target.device_name"])]
    message: str


class Problem(Answer):
    error: Annotated[str, Field(description="A summary: nothing was stored.")]
    errors: Annotated[
        list[FieldProblem], Field(description="Every invalid field of every invalid record.")
    ]


class Ingested(Answer):
    new: Annotated[int, Field(ge=0)]
    updated: Annotated[int, Field(ge=0)]
    unchanged: Annotated[int, Field(ge=0)]
    ids: Annotated[
        list[ShortId], Field(description="The bot's short id of each action, in input order.")
    ]


class StatusAccepted(Answer):
    id: Annotated[str, Field(description="The upstream id.")]
    short_id: ShortId
    status: str
    changed: Annotated[
        bool,
        Field(description="False when the action already had this status (a repeated report)."),
    ]


class Conflict(Answer):
    error: ErrorText
    status: Annotated[str, Field(description="The action's current status.")]


class Health(Answer):
    status: Literal["ok", "unavailable"]
    database: str | None = None


MODELS: tuple[type[Answer], ...] = (Error, Problem, Ingested, StatusAccepted, Conflict, Health)
