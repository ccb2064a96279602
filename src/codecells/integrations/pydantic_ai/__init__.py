"""codecells[pydantic-ai]: code mode as a pydantic-ai toolset, and pydantic-ai tools in code mode.

- `code_mode_toolset(session)`: ``exec`` and ``wait`` as a `FunctionToolset` for an ``Agent``;
- `from_pydantic_ai_tool(tool)`: a pydantic-ai `Tool` as a codecells tool for a `Session`.
"""

from __future__ import annotations

from .._extra import require

require("pydantic_ai", "pydantic-ai", "pydantic-ai-slim")

from .toolset import (  # noqa: E402
    MODEL_IMAGE_TYPES,
    code_mode_toolset,
    from_pydantic_ai_tool,
    tool_return,
)

__all__ = ["MODEL_IMAGE_TYPES", "code_mode_toolset", "from_pydantic_ai_tool", "tool_return"]
