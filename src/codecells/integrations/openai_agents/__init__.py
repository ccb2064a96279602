"""codecells[openai-agents]: code mode in the OpenAI Agents SDK, and its tools in code mode.

- `code_mode_tools(session)`: ``exec`` and ``wait`` as `agents.FunctionTool`s for an ``Agent``;
- `from_function_tool(tool)`: an SDK `FunctionTool` as a codecells tool for a `Session`.
"""

from __future__ import annotations

from .._extra import require

require("agents", "openai-agents", "openai-agents")

from .tools import code_mode_tools, from_function_tool, tool_outputs  # noqa: E402

__all__ = ["code_mode_tools", "from_function_tool", "tool_outputs"]
