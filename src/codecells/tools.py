"""Tool definitions and tool calls (CONTRACT §3, §4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from .json_types import JsonValue

__all__ = [
    "ToolCall",
    "ToolDefinition",
    "ToolError",
    "ToolKind",
    "current_tool_call",
    "normalize_js_name",
]

_NOT_IDENT = re.compile(r"[^A-Za-z0-9_$]")


def normalize_js_name(name: str) -> str:
    """`name` as a JavaScript identifier: characters outside ``[A-Za-z0-9_$]`` and a leading
    digit become ``_``; an empty name becomes ``_``."""
    ident = _NOT_IDENT.sub("_", name)
    if not ident:
        return "_"
    if ident[0].isdigit():
        ident = "_" + ident[1:]
    return ident


class ToolKind(StrEnum):
    """How the model calls a tool: with a JSON object (function) or a string (freeform)."""

    FUNCTION = "function"
    FREEFORM = "freeform"


class ToolDefinition(BaseModel):
    """A tool the script can call as ``tools.<js_name>(input)``; dispatched to the delegate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    kind: ToolKind = ToolKind.FUNCTION
    namespace: str | None = None
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    answered_externally: bool = False
    """Calls are not run by the host: they stay outstanding until
    ``PausableCell.answer(call_id, ...)``, possibly from another process (durable sessions)."""

    @property
    def js_name(self) -> str:
        """The normalised identifier under which the script sees this tool."""
        return normalize_js_name(self.name)


class ToolCall(BaseModel):
    """One call of a tool by a cell, as handed to ``delegate.invoke_tool``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cell_id: str
    call_id: str
    tool_name: str
    namespace: str | None = None
    kind: ToolKind = ToolKind.FUNCTION
    input: JsonValue = None
    session_id: str = ""

    @property
    def idempotency_key(self) -> str:
        """``session/cell/call``: the same for a call dispatched again after a crash."""
        return f"{self.session_id}/{self.cell_id}/{self.call_id}"


class ToolError(Exception):
    """Raise from a tool to reject the script's promise with exactly `message`."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


_current_call: ContextVar[Callable[[], ToolCall] | None] = ContextVar(
    "codecells_tool_call", default=None
)  # built on demand: most tools never ask


def current_tool_call() -> ToolCall | None:
    """Inside a tool function (or delegate): the call being run, with its `idempotency_key`."""
    make = _current_call.get()
    return None if make is None else make()
