"""codecells[langchain]: LangChain tools as codecells tools."""

from __future__ import annotations

import pytest
from langchain_core.tools import ToolException, tool
from support import script_texts

from codecells.integrations.langchain import from_langchain_tool


@tool
def shout(text: str, times: int = 1) -> str:
    """Shout the text."""
    return text.upper() * times


@tool
def broken(reason: str) -> str:
    """Always fails."""
    raise ToolException(reason)


async def test_langchain_tools_become_codecells_tools() -> None:
    tools = [
        from_langchain_tool(shout, namespace="lc"),
        from_langchain_tool(broken, namespace="lc"),
    ]
    assert tools[0].definition.description == "Shout the text."
    assert tools[0].definition.input_schema is not None
    assert tools[0].definition.input_schema["required"] == ["text"]
    shouted, failed, invalid, not_object = await script_texts(
        tools,
        'text(await tools.lc.shout({text: "hi", times: 2}));'
        'await tools.lc.broken({reason: "disk full"}).catch((e) => text(e));'
        'await tools.lc.shout({times: "x"}).catch((e) => text(e));'
        "await tools.lc.shout([1]).catch((e) => text(e));",
    )
    assert not_object == "tool shout takes an object (or a string) argument"
    assert (shouted, failed) == ("HIHI", "disk full")
    assert invalid.startswith("invalid arguments for tool shout: ")
    assert "text: Field required" in invalid


def test_wrong_objects_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match=r"expects a langchain BaseTool, got builtins\.function"):
        from_langchain_tool(lambda: 1)  # type: ignore[arg-type]
