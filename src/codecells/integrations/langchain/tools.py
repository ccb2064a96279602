"""LangChain tools (`BaseTool`, e.g. from ``@tool``) as codecells tools."""

from __future__ import annotations

from langchain_core.tools import BaseTool, ToolException
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from ...function_tools import describe_validation_error
from ...json_types import JsonValue
from ...tools import HandledTool, ToolDefinition, ToolError
from .._extra import describe

__all__ = ["from_langchain_tool"]


def from_langchain_tool(tool: BaseTool, *, namespace: str | None = None) -> HandledTool:
    """A LangChain `BaseTool` as a codecells tool, declared with the tool's own call schema.

    The script's input goes to ``tool.ainvoke``; invalid input, a `ToolException` or another
    error rejects the promise with a readable message."""
    if not isinstance(tool, BaseTool):
        raise TypeError(f"from_langchain_tool expects a langchain BaseTool, got {describe(tool)}")

    async def call(arguments: JsonValue) -> JsonValue:
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict | str):
            raise ToolError(f"tool {tool.name} takes an object (or a string) argument")
        try:
            result = await tool.ainvoke(arguments)
        except ValidationError as err:
            raise ToolError(describe_validation_error(tool.name, err)) from None
        except ToolException as err:
            raise ToolError(str(err) or f"tool {tool.name} failed") from None
        except Exception as err:
            raise ToolError(str(err) or type(err).__name__) from None
        return to_jsonable_python(result)  # type: ignore[no-any-return]

    function = convert_to_openai_tool(tool)["function"]
    definition = ToolDefinition(
        name=tool.name,
        description=tool.description,
        namespace=namespace,
        input_schema=function.get("parameters"),
    )
    return HandledTool(definition, call)
