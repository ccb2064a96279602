"""Tool definitions and tool calls (CONTRACT §3, §4)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from .json_types import JsonValue

__all__ = ["ToolCall", "ToolDefinition", "ToolError", "ToolKind", "describe", "normalize_js_name"]

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


class ToolError(Exception):
    """Raise from a tool to reject the script's promise with exactly `message`.

    A `message` that is not a str is described as by `describe` (None: ``"ToolError"``)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def describe(failure: object) -> str:
    """A rejection text for any failure: its ``str()``, or its type's name when that is empty,
    raises, or `failure` is None (a tool's failure must never keep its promise pending)."""
    if failure is None:
        return "ToolError"
    try:
        text = str(failure)
    except Exception:  # noqa: BLE001 - a broken __str__ still gets a text
        text = ""
    return text or type(failure).__name__
