"""codecells[anthropic]: code mode for the Anthropic SDK's tool runner.

`code_mode_tools(session)` gives ``exec`` and ``wait`` as runnable tools for
``client.beta.messages.tool_runner(tools=...)``; image blocks and ``is_error`` are kept.
Without the runner, use ``CodeMode.tool_specs(ToolStyle.ANTHROPIC)`` and
``ToolOutput.anthropic_content()`` (see ``codecells.agent``).
"""

from __future__ import annotations

from .._extra import require

require("anthropic", "anthropic")

from .tools import CodeModeTool, code_mode_tools, tool_result  # noqa: E402

__all__ = ["CodeModeTool", "code_mode_tools", "tool_result"]
