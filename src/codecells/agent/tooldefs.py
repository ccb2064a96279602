"""Tool definitions for the model-facing description, from ``ToolDefinition``s or functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

from ..function_tools import bind_tool
from ..tools import ToolDefinition

__all__ = ["Tool", "tool_definition"]

Tool: TypeAlias = ToolDefinition | Callable[..., Any]
"""What a session accepts as a tool: a ``ToolDefinition`` or a plain (sync or async) function."""


def tool_definition(tool: Tool) -> ToolDefinition:
    """`tool` as a session defines it (a function's return annotation gives its output schema)."""
    return bind_tool(tool).definition
