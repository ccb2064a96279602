"""Tool definitions and tool calls (CONTRACT §3, §4)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from .json_types import JsonValue

__all__ = [
    "HandledTool",
    "ToolCall",
    "ToolDefinition",
    "ToolError",
    "ToolKind",
    "current_tool_call",
    "describe",
    "normalize_js_name",
    "refuse_name_clashes",
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
    """A tool the script can call as ``tools.<js_name>(input)`` (with a namespace:
    ``tools.<js_namespace>.<js_name>(input)``); dispatched to the delegate."""

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

    @property
    def js_namespace(self) -> str | None:
        """The normalised namespace: the script sees the tool as ``tools.<js_namespace>.<js_name>``."""
        return None if self.namespace is None else normalize_js_name(self.namespace)


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


@dataclass(frozen=True)
class HandledTool:
    """A `ToolDefinition` with its own handler, for integrations (MCP servers, other agent
    frameworks): ``await handler(input)`` gets the script's input as is (no validation) and
    returns the JSON result; raise `ToolError` to reject. Calling the object calls the handler."""

    definition: ToolDefinition
    handler: Callable[[JsonValue], Awaitable[JsonValue]]

    async def __call__(self, input: JsonValue) -> JsonValue:
        return await self.handler(input)


class ToolError(Exception):
    """Raise from a tool to reject the script's promise with exactly `message`.

    A `message` that is not a str is described as by `describe` (None: ``"ToolError"``)."""

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


def refuse_name_clashes(definitions: Iterable[ToolDefinition]) -> None:
    """Raise `ValueError`, naming both, if two tools would be the same ``tools.…`` path.

    Tools may share a name in different namespaces; a namespace may not share its name with a
    top-level tool (CONTRACT §6)."""
    seen: dict[str, tuple[str, str]] = {}  # what a script writes after `tools.` -> (kind, name)
    for definition in definitions:
        space, js_name = definition.js_namespace, definition.js_name
        claims = [(js_name, ("tool", definition.name))]
        if space is not None:
            claims = [
                (space, ("namespace", definition.namespace or "")),
                (f"{space}.{js_name}", ("tool", definition.name)),
            ]
        for path, claim in claims:
            known = seen.get(path)
            if known is None:
                seen[path] = claim
            elif known != claim or claim[0] == "tool":  # a namespace is shared by its tools
                raise ValueError(f"{_both(known, claim)} both appear to scripts as tools.{path}")


def _both(first: tuple[str, str], second: tuple[str, str]) -> str:
    (kind, name), (other_kind, other_name) = first, second
    if kind == other_kind:
        return f"{kind}s {name!r} and {other_name!r}"
    return f"{kind} {name!r} and {other_kind} {other_name!r}"
