"""Code mode as tools for the Anthropic SDK's tool runner (``client.beta.messages.tool_runner``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anthropic.lib.tools import BetaAsyncBuiltinFunctionTool, BetaFunctionToolResultType, ToolError
from anthropic.types.beta import BetaToolUnionParam

from ...agent import (
    EXEC_TOOL_NAME,
    WAIT_TOOL_NAME,
    CodeMode,
    ToolOutput,
    ToolStyle,
)
from ...session import Session
from .._codemode import as_code_mode

__all__ = ["CodeModeTool", "code_mode_tools"]


class CodeModeTool(BetaAsyncBuiltinFunctionTool):
    """``exec`` or ``wait`` as a runnable tool of the Anthropic SDK's tool runner.

    Its result is the ``tool_result`` content (text and base64 image blocks); a failed script or
    refused call raises the SDK's `ToolError` with that content, so the runner sends it with
    ``is_error: true``."""

    def __init__(self, code_mode: CodeMode, spec: dict[str, Any]) -> None:
        self._code_mode = code_mode
        self._spec = spec

    def to_dict(self) -> BetaToolUnionParam:
        return self._spec  # type: ignore[return-value]  # {name, description, input_schema}

    async def call(self, input: object) -> BetaFunctionToolResultType:
        name = self._spec["name"]
        if not isinstance(input, Mapping):
            raise ToolError(f"{name} expects a JSON object, got {type(input).__name__}")
        return tool_result(await self._code_mode.handle(name, input))


def tool_result(output: ToolOutput) -> BetaFunctionToolResultType:
    """The content of a ``tool_result`` block; raises `ToolError` for an error output."""
    content: Any = output.anthropic_content()
    if output.is_error:
        raise ToolError(content)
    return content  # type: ignore[no-any-return]


def code_mode_tools(
    target: Session | CodeMode, *, namespaces: Mapping[str, str] | None = None
) -> list[CodeModeTool]:
    """``exec`` and ``wait`` for ``client.beta.messages.tool_runner(tools=...)``.

    Results keep their image blocks, and failed scripts or refused calls reach the model with
    ``is_error: true``."""
    code_mode = as_code_mode(target, namespaces, "code_mode_tools")
    specs = {spec["name"]: spec for spec in code_mode.tool_specs(ToolStyle.ANTHROPIC)}
    return [CodeModeTool(code_mode, specs[name]) for name in (EXEC_TOOL_NAME, WAIT_TOOL_NAME)]
