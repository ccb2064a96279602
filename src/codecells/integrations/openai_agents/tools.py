"""Code mode as OpenAI Agents SDK tools, and Agents SDK function tools as codecells tools."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, Literal

from agents import FunctionTool, ToolOutputImage, ToolOutputText
from agents.tool import set_function_tool_failure_error_function
from agents.tool_context import ToolContext
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from ...agent import (
    OPENAI_IMAGE_TYPES,
    CodeMode,
    ToolOutput,
    exec_parameters,
    wait_parameters,
)
from ...agent.output import model_image
from ...events import Item, TextItem
from ...function_tools import describe_validation_error
from ...json_types import JsonValue
from ...session import Session
from ...tools import HandledTool, ToolDefinition, ToolError
from .._codemode import as_code_mode, descriptions
from .._extra import describe

__all__ = ["code_mode_tools", "from_function_tool", "tool_outputs"]

_DETAIL: dict[str | None, Literal["low", "high", "auto"] | None] = {
    None: None,
    "auto": "auto",
    "low": "low",
    "high": "high",
    "original": "high",
}


def code_mode_tools(
    target: Session | CodeMode, *, namespaces: Mapping[str, str] | None = None
) -> list[FunctionTool]:
    """``exec`` and ``wait`` as the SDK's `FunctionTool`s, for ``Agent(tools=...)``.

    Both have strict JSON schemas (``wait``'s optional arguments are nullable: the default). A result keeps
    its images (`ToolOutputImage`); a failed script's result says ``Script failed``.
    """
    code_mode = as_code_mode(target, namespaces, "code_mode_tools")

    async def run_exec(context: ToolContext[Any], arguments: str) -> list[Any]:
        output = await code_mode.handle_exec(arguments, call_id=context.tool_call_id)
        return tool_outputs(output)

    async def run_wait(context: ToolContext[Any], arguments: str) -> list[Any]:
        return tool_outputs(await code_mode.handle_wait(arguments))

    described = descriptions(code_mode)
    return [
        FunctionTool(
            "exec", described["exec"], exec_parameters(), run_exec, strict_json_schema=True
        ),
        FunctionTool(
            "wait", described["wait"], wait_parameters(), run_wait, strict_json_schema=True
        ),
    ]


def tool_outputs(output: ToolOutput) -> list[ToolOutputText | ToolOutputImage]:
    """A code-mode output as the SDK's structured tool outputs (text and images).

    As in `ToolOutput.openai_output`, an image of a type OpenAI rejects (`OPENAI_IMAGE_TYPES`:
    svg, bmp, …) becomes a text saying it was left out, and ``image/jpg`` is sent as
    ``image/jpeg``."""
    return [_tool_output(item) for item in output.items]


def _tool_output(item: Item) -> ToolOutputText | ToolOutputImage:
    if isinstance(item, TextItem):
        return ToolOutputText(text=item.text)
    image = model_image(item.image_url, OPENAI_IMAGE_TYPES)
    if isinstance(image, str):
        return ToolOutputText(text=image)
    media_type, data = image
    return ToolOutputImage(
        image_url=f"data:{media_type};base64,{data}", detail=_DETAIL[item.detail]
    )


def from_function_tool(tool: FunctionTool, *, namespace: str | None = None) -> HandledTool:
    """An Agents SDK `FunctionTool` (e.g. from ``@function_tool``) as a codecells tool.

    The script's input is passed as the JSON arguments; the tool's result reaches the script
    as JSON (a string, or the SDK output objects as plain objects). A tool that raises rejects
    the promise with its message, and so do arguments the tool refuses: the tool's
    ``failure_error_function`` (by default the SDK's "An error occurred while running the tool"
    text, meant for a model) is not used.
    """
    if not isinstance(tool, FunctionTool):
        raise TypeError(f"from_function_tool expects an agents.FunctionTool, got {describe(tool)}")
    raising = _without_failure_text(tool)
    calls = 0

    async def call(arguments: JsonValue) -> JsonValue:
        nonlocal calls
        calls += 1
        raw = json.dumps({} if arguments is None else arguments)
        context: ToolContext[None] = ToolContext(
            None, tool_name=tool.name, tool_call_id=f"codecells-{calls}", tool_arguments=raw
        )
        try:
            result = await raising.on_invoke_tool(context, raw)
        except Exception as err:
            raise ToolError(_message(tool.name, err)) from None
        return to_jsonable_python(result)  # type: ignore[no-any-return]

    definition = ToolDefinition(
        name=tool.name,
        description=tool.description,
        namespace=namespace,
        input_schema=tool.params_json_schema,
    )
    return HandledTool(definition, call)


def _without_failure_text(tool: FunctionTool) -> FunctionTool:
    """A copy of `tool` whose invoker raises instead of returning its failure text (copying
    rebinds the SDK's failure handling to the copy; the caller's tool is left as it is)."""
    return set_function_tool_failure_error_function(copy.copy(tool), None)


def _message(name: str, err: Exception) -> str:
    """The message a failed call rejects with: the refused arguments in detail when the SDK
    kept its validation error, else the exception's own text."""
    if isinstance(err.__cause__, ValidationError):
        return describe_validation_error(name, err.__cause__)
    return str(err) or type(err).__name__
