"""``exec`` and ``wait`` as tool definitions for model APIs (JSON Schema parameters).

``exec`` takes raw JavaScript. Where an API accepts free-form tool input (OpenAI Responses
``custom`` tools) ``exec`` is such a tool and its input is the source itself; elsewhere it is
a function tool with one string parameter, ``code``. ``wait`` is always a function tool.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from .catalog import DEFAULT_CATALOG_THRESHOLD
from .description import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_YIELD_TIME_MS,
    exec_description,
    wait_description,
)
from .pragma import MAX_SAFE_INTEGER
from .tooldefs import Tool

__all__ = [
    "EXEC_TOOL_NAME",
    "WAIT_TOOL_NAME",
    "ToolStyle",
    "exec_parameters",
    "exec_tool_spec",
    "tool_specs",
    "wait_parameters",
    "wait_tool_spec",
]

EXEC_TOOL_NAME = "exec"
WAIT_TOOL_NAME = "wait"


class ToolStyle(StrEnum):
    """The shape of a tool definition."""

    OPENAI_CHAT = "openai-chat"
    """Chat Completions: ``{"type": "function", "function": {name, description, parameters}}``."""

    OPENAI_RESPONSES = "openai-responses"
    """Responses API: ``exec`` as ``{"type": "custom", name, description}`` (free-form input),
    ``wait`` as ``{"type": "function", name, description, parameters}``."""

    ANTHROPIC = "anthropic"
    """Anthropic Messages: ``{name, description, input_schema}``."""


def exec_parameters() -> dict[str, Any]:
    """The JSON Schema of ``exec``'s arguments when it is a function tool: ``{"code": str}``."""
    return {
        "type": "object",
        "properties": {
            "code": {
                "type": "string",
                "description": "JavaScript source, optionally starting with a `// @exec:` pragma",
            }
        },
        "required": ["code"],
        "additionalProperties": False,
    }


def wait_parameters(*, strict: bool = True) -> dict[str, Any]:
    """The JSON Schema of ``wait``'s arguments.

    Every number is bounded, and ``max_tokens`` is at least 1, so a result can never be
    emptied by its budget. With `strict` the schema is strict-compatible (OpenAI structured
    outputs): every property is required, the optional ones nullable (``null``: the default);
    without it only ``cell_id`` is required."""

    def optional(kind: str) -> str | list[str]:
        return [kind, "null"] if strict else kind

    properties: dict[str, Any] = {
        "cell_id": {"type": "string", "description": "the running cell's id"},
        "yield_time_ms": {
            "type": optional("integer"),
            "minimum": 0,
            "maximum": MAX_SAFE_INTEGER,
            "description": "how long to wait for more output, in milliseconds "
            f"(default {DEFAULT_YIELD_TIME_MS})",
        },
        "max_tokens": {
            "type": optional("integer"),
            "minimum": 1,
            "maximum": MAX_SAFE_INTEGER,
            "description": "the token budget of the returned output "
            f"(default {DEFAULT_MAX_OUTPUT_TOKENS})",
        },
        "terminate": {
            "type": optional("boolean"),
            "description": "stop the cell instead of waiting (default false)",
        },
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if strict else ["cell_id"],
        "additionalProperties": False,
    }


def exec_tool_spec(
    tools: Iterable[Tool] = (),
    *,
    style: ToolStyle = ToolStyle.OPENAI_CHAT,
    namespaces: Mapping[str, str] | None = None,
    console: bool = False,
    catalog_threshold: int | None = DEFAULT_CATALOG_THRESHOLD,
) -> dict[str, Any]:
    """The ``exec`` tool definition in `style`, describing `tools` (see `exec_description`)."""
    freeform = style is ToolStyle.OPENAI_RESPONSES
    description = exec_description(
        tools,
        namespaces=namespaces,
        freeform=freeform,
        console=console,
        catalog_threshold=catalog_threshold,
    )
    if freeform:
        return {"type": "custom", "name": EXEC_TOOL_NAME, "description": description}
    return _function(style, EXEC_TOOL_NAME, description, exec_parameters())


def wait_tool_spec(*, style: ToolStyle = ToolStyle.OPENAI_CHAT) -> dict[str, Any]:
    """The ``wait`` tool definition in `style`."""
    strict = _strict(style)
    return _function(style, WAIT_TOOL_NAME, wait_description(), wait_parameters(strict=strict))


def tool_specs(
    tools: Iterable[Tool] = (),
    *,
    style: ToolStyle = ToolStyle.OPENAI_CHAT,
    namespaces: Mapping[str, str] | None = None,
    console: bool = False,
    catalog_threshold: int | None = DEFAULT_CATALOG_THRESHOLD,
) -> list[dict[str, Any]]:
    """``[exec_tool_spec(...), wait_tool_spec(...)]``: everything a model needs for code mode."""
    return [
        exec_tool_spec(
            tools,
            style=style,
            namespaces=namespaces,
            console=console,
            catalog_threshold=catalog_threshold,
        ),
        wait_tool_spec(style=style),
    ]


def _strict(style: ToolStyle) -> bool:
    """Whether `style`'s function definitions are strict: OpenAI's are (their strict mode
    keeps the numeric bounds); Anthropic's are not (its strict mode drops them)."""
    return style is not ToolStyle.ANTHROPIC


def _function(
    style: ToolStyle, name: str, description: str, parameters: dict[str, Any]
) -> dict[str, Any]:
    """A function tool, with an explicit ``strict`` so that no API decides it on its own."""
    strict = _strict(style)
    if style is ToolStyle.ANTHROPIC:
        return {
            "name": name,
            "description": description,
            "input_schema": parameters,
            "strict": strict,
        }
    if style is ToolStyle.OPENAI_RESPONSES:
        return {
            "type": "function",
            "name": name,
            "description": description,
            "parameters": parameters,
            "strict": strict,
        }
    function = {
        "name": name,
        "description": description,
        "parameters": parameters,
        "strict": strict,
    }
    return {"type": "function", "function": function}
