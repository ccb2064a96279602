"""codecells[langchain]: LangChain tools in code mode.

`from_langchain_tool(tool)` turns a `langchain_core.tools.BaseTool` into a codecells tool.
"""

from __future__ import annotations

from .._extra import require

require("langchain_core", "langchain", "langchain-core")

from .tools import from_langchain_tool  # noqa: E402

__all__ = ["from_langchain_tool"]
