"""Code mode as a pydantic-ai toolset, and pydantic-ai tools as codecells tools."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError
from pydantic_ai import BinaryContent, FunctionToolset, ModelRetry, RunContext, Tool, ToolFailed
from pydantic_ai.tools import ToolDefinition as PydanticAiToolDefinition
from pydantic_ai.tools import ToolPrepareFunc
from pydantic_core import to_jsonable_python

from ...agent import (
    ANTHROPIC_IMAGE_TYPES,
    EXEC_TOOL_NAME,
    OPENAI_IMAGE_TYPES,
    WAIT_TOOL_NAME,
    CodeMode,
    ToolOutput,
    ToolStyle,
)
from ...agent.output import model_image
from ...events import Item, TextItem
from ...function_tools import describe_validation_error
from ...json_types import JsonValue
from ...session import Session
from ...tools import HandledTool, ToolDefinition, ToolError
from .._codemode import as_code_mode
from .._extra import describe

__all__ = ["MODEL_IMAGE_TYPES", "code_mode_toolset", "from_pydantic_ai_tool", "tool_return"]


def code_mode_toolset(
    target: Session | CodeMode, *, namespaces: Mapping[str, str] | None = None
) -> FunctionToolset[Any]:
    """``exec`` and ``wait`` as a pydantic-ai `FunctionToolset`, for ``Agent(toolsets=[...])``.

    Both are declared with `CodeMode`'s own descriptions and (non-strict) argument schemas, and
    their arguments go to `CodeMode` as sent. Results keep their images (as `BinaryContent`); a
    failed script or refused call is a failed tool result (`ToolFailed`: the provider's error
    flag, e.g. Anthropic's ``is_error``), unless it carries images, which only an ordinary
    result can. The tool call id is the cell's ``tool_call_id`` (passed to ``delegate.notify``).
    """
    code_mode = as_code_mode(target, namespaces, "code_mode_toolset")

    async def exec(ctx: RunContext[Any], **arguments: Any) -> list[str | BinaryContent]:
        return _result(await code_mode.handle_exec(arguments, call_id=ctx.tool_call_id))

    async def wait(ctx: RunContext[Any], **arguments: Any) -> list[str | BinaryContent]:
        return _result(await code_mode.handle_wait(arguments))

    run = {EXEC_TOOL_NAME: exec, WAIT_TOOL_NAME: wait}
    return FunctionToolset(
        [
            Tool(
                run[spec["name"]],
                takes_ctx=True,
                name=spec["name"],
                description=spec["description"],
                prepare=_declared_as(spec["input_schema"]),
            )
            for spec in code_mode.tool_specs(ToolStyle.ANTHROPIC)
        ]
    )


def _declared_as(schema: dict[str, Any]) -> ToolPrepareFunc[Any]:
    """A ``prepare`` hook declaring a tool with `schema`: its function takes ``**arguments``
    (so pydantic-ai only checks that they are an object) and `CodeMode` validates them."""

    async def prepare(
        ctx: RunContext[Any], definition: PydanticAiToolDefinition
    ) -> PydanticAiToolDefinition:
        return replace(definition, parameters_json_schema=schema)

    return prepare


def _result(output: ToolOutput) -> list[str | BinaryContent]:
    if output.is_error and all(isinstance(item, TextItem) for item in output.items):
        raise ToolFailed(output.text())
    return tool_return(output)


MODEL_IMAGE_TYPES = OPENAI_IMAGE_TYPES & ANTHROPIC_IMAGE_TYPES
"""The image media types passed to a pydantic-ai model, whichever provider it talks to."""


def tool_return(output: ToolOutput) -> list[str | BinaryContent]:
    """A code-mode output as a pydantic-ai tool return: strings and images.

    An image of a type a provider rejects (not in `MODEL_IMAGE_TYPES`: svg, bmp, …) becomes a
    string saying it was left out, and ``image/jpg`` is sent as ``image/jpeg``."""
    return [_part(item) for item in output.items]


def _part(item: Item) -> str | BinaryContent:
    if isinstance(item, TextItem):
        return item.text
    image = model_image(item.image_url, MODEL_IMAGE_TYPES)
    if isinstance(image, str):
        return image
    media_type, data = image
    return BinaryContent(data=base64.b64decode(data), media_type=media_type)


def from_pydantic_ai_tool(tool: Tool[Any], *, namespace: str | None = None) -> HandledTool:
    """A pydantic-ai `Tool` (one that takes no `RunContext`) as a codecells tool.

    The script's input is validated by the tool's own schema; invalid input, a `ModelRetry` or
    another exception rejects the promise with a readable message.
    """
    if not isinstance(tool, Tool):
        raise TypeError(f"from_pydantic_ai_tool expects a pydantic_ai.Tool, got {describe(tool)}")
    if tool.takes_ctx:
        raise TypeError(
            f"pydantic-ai tool {tool.name} takes a RunContext, which exists only in an agent "
            "run: wrap a function without one"
        )
    schema = tool.function_schema

    async def call(arguments: JsonValue) -> JsonValue:
        try:
            validated = schema.validator.validate_python({} if arguments is None else arguments)
            result = await schema.call(validated, None)  # type: ignore[arg-type]  # no ctx taken
        except ValidationError as err:
            raise ToolError(describe_validation_error(tool.name, err)) from None
        except ModelRetry as err:
            raise ToolError(err.message) from None
        except Exception as err:
            raise ToolError(str(err) or type(err).__name__) from None
        return to_jsonable_python(result)  # type: ignore[no-any-return]

    definition = ToolDefinition(
        name=tool.name,
        description=tool.description or "",
        namespace=namespace,
        input_schema=tool.tool_def.parameters_json_schema,
    )
    return HandledTool(definition, call)
