"""`CodeMode`: a session driven by a model through the ``exec`` and ``wait`` tools."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
)

from ..errors import CodeCellsError
from ..events import Completed, Terminated, Yielded
from ..function_tools import describe_validation_error
from ..session import Session
from .catalog import DEFAULT_CATALOG_THRESHOLD
from .description import DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_YIELD_TIME_MS
from .output import ToolOutput, error_output, format_event
from .pragma import MAX_SAFE_INTEGER, PragmaError, parse_exec_source
from .specs import EXEC_TOOL_NAME, WAIT_TOOL_NAME, ToolStyle, tool_specs

__all__ = ["CodeMode", "ExecArgs", "WaitArgs"]


class ExecArgs(BaseModel):
    """``exec``'s arguments as a function tool."""

    model_config = ConfigDict(extra="forbid")

    code: str


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected an integer, not a boolean")
    return value


def _id_text(value: Any) -> Any:
    """A cell id sent as a number (``7``) is its text (``"7"``)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SAFE_INTEGER:
        return str(value)
    return value


_Count = Annotated[int, BeforeValidator(_no_bool), Field(le=MAX_SAFE_INTEGER)]
"""A count from the model: an integer (not a boolean) of at most 2^53 - 1."""


class WaitArgs(BaseModel):
    """``wait``'s arguments (``null`` means the default); every number is bounded, so no
    value the model sends can overflow."""

    model_config = ConfigDict(extra="forbid")

    cell_id: Annotated[StrictStr, BeforeValidator(_id_text)]
    yield_time_ms: Annotated[_Count, Field(ge=0)] | None = None
    max_tokens: Annotated[_Count, Field(ge=1)] | None = None
    terminate: StrictBool | None = None


class CodeMode:
    """Serve a model's ``exec`` / ``wait`` calls with the cells of `session`.

    The session's tools are described to the model; `namespaces` maps a namespace to its
    description; with more than `catalog_threshold` tools only their names and summaries are listed
    (the session needs the tools of `with_tool_catalog`). Every handler
    returns a `ToolOutput`; it never raises for bad model input or an unknown cell, it reports
    them in the output (``is_error``). Cancelling a handler drops its observation of the cell
    (nothing is lost; the next ``wait`` gets the output).
    """

    def __init__(
        self,
        session: Session,
        *,
        namespaces: Mapping[str, str] | None = None,
        catalog_threshold: int | None = DEFAULT_CATALOG_THRESHOLD,
    ) -> None:
        self.session = session
        self.tools = session.tools
        self.namespaces = dict(namespaces or {})
        self.catalog_threshold = catalog_threshold

    def tool_specs(self, style: ToolStyle = ToolStyle.OPENAI_CHAT) -> list[dict[str, Any]]:
        """The ``exec`` and ``wait`` tool definitions in `style`, describing this session's tools
        (names and summaries only beyond `catalog_threshold` tools: see `with_tool_catalog`)."""
        return tool_specs(
            self.tools,
            style=style,
            namespaces=self.namespaces,
            console=self.session.config.console,
            catalog_threshold=self.catalog_threshold,
        )

    async def handle(
        self, name: str, arguments: str | Mapping[str, Any], *, call_id: str | None = None
    ) -> ToolOutput:
        """Run the tool call `name` (``exec`` or ``wait``) with `arguments`."""
        if name == EXEC_TOOL_NAME:
            return await self.handle_exec(arguments, call_id=call_id)
        if name == WAIT_TOOL_NAME:
            return await self.handle_wait(arguments)
        return error_output(f"unknown tool `{name}`; code mode has `exec` and `wait`")

    async def handle_exec(
        self, arguments: str | Mapping[str, Any], *, call_id: str | None = None
    ) -> ToolOutput:
        """Start a cell and wait for its first result.

        `arguments` is ``{"code": source}`` (or that object as a JSON string), or the raw
        source itself (free-form ``exec``); `call_id` is the model's tool-call id, passed to
        ``delegate.notify`` by the cell's ``notify()``.
        """
        decoded = _decode(arguments)
        if isinstance(decoded, str):
            source = decoded
        else:
            try:
                source = ExecArgs.model_validate(decoded).code
            except ValidationError as err:
                return error_output(describe_validation_error(EXEC_TOOL_NAME, err))
        try:
            parsed = parse_exec_source(source)
            cell = await self.session.create_cell(parsed.code, tool_call_id=call_id)
            yield_ms = _or(parsed.yield_time_ms, DEFAULT_YIELD_TIME_MS)
            event = await cell.wait(yield_after=yield_ms / 1000)
        except (PragmaError, CodeCellsError) as err:
            return error_output(str(err))
        return format_event(
            event, cell.id, _or(parsed.max_output_tokens, DEFAULT_MAX_OUTPUT_TOKENS)
        )

    async def handle_wait(self, arguments: str | Mapping[str, Any]) -> ToolOutput:
        """Wait for more output of a running cell, or terminate it (``terminate: true``).

        `arguments` is a mapping or its JSON string."""
        try:
            args = WaitArgs.model_validate(_decode(arguments))
        except ValidationError as err:
            return error_output(describe_validation_error(WAIT_TOOL_NAME, err))
        cell_id = args.cell_id
        event: Yielded | Completed | Terminated
        try:
            if args.terminate:
                event = await self.session.terminate(cell_id)
            else:
                yield_ms = _or(args.yield_time_ms, DEFAULT_YIELD_TIME_MS)
                event = await self.session.cell(cell_id).wait(yield_after=yield_ms / 1000)
        except CodeCellsError as err:
            return error_output(str(err))
        return format_event(event, cell_id, _or(args.max_tokens, DEFAULT_MAX_OUTPUT_TOKENS))


def _decode(arguments: str | Mapping[str, Any]) -> str | Mapping[str, Any]:
    """A string holding a JSON object is decoded (no JavaScript program is one)."""
    if isinstance(arguments, str) and arguments.lstrip().startswith("{"):
        try:
            decoded = json.loads(arguments)
        except (ValueError, RecursionError):  # not JSON, too deep, or a number too long
            return arguments
        if isinstance(decoded, dict):
            return decoded
    return arguments


def _or(value: int | None, default: int) -> int:
    return default if value is None else value
