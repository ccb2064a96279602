"""Large catalogs: summaries in the exec description, declarations read at run time."""

from __future__ import annotations

import json

import pytest

import codecells as cc
from codecells.agent import (
    MCP_TYPES,
    CodeMode,
    ToolStyle,
    exec_description,
    tool_catalog,
    tool_declaration,
    with_tool_catalog,
)


def _tools(count: int) -> list[cc.ToolDefinition]:
    return [
        cc.ToolDefinition(
            name=f"tool-{i}",
            description=f"Look up record {i} in the ledger.\nSecond line, only in full.",
            input_schema={
                "type": "object",
                "properties": {"id": {"type": "integer", "description": f"record id {i}"}},
                "required": ["id"],
            },
        )
        for i in range(count)
    ]


def _weather(city: str) -> str:
    """Current weather for a city."""
    return f"sunny in {city}"


def test_small_catalogs_are_declared_in_full_and_get_no_catalog_tools() -> None:
    tools = _tools(3)
    assert with_tool_catalog(tools, threshold=3) == tools
    description = exec_description(tools, catalog_threshold=3)
    assert all(tool_declaration(t) in description for t in tools)


def test_large_catalogs_list_names_and_summaries_only() -> None:
    tools = with_tool_catalog(_tools(5), threshold=4)
    description = exec_description(tools, catalog_threshold=4)
    assert "- `tool_3`: Look up record 3 in the ledger." in description
    assert "Second line" not in description and "record id 3" not in description
    assert "### `search_tools`" in description and "### `describe_tools`" in description
    assert "This session has 5 tools" in description


def test_a_large_catalog_without_the_catalog_tools_is_refused() -> None:
    with pytest.raises(ValueError, match=r"5 tools are more than catalog_threshold=4"):
        exec_description(_tools(5), catalog_threshold=4)
    assert "### `tool_4`" in exec_description(_tools(5), catalog_threshold=None)


async def test_scripts_search_and_describe_tools_at_run_time() -> None:
    tools = [*_tools(8), _weather]
    async with cc.Session(with_tool_catalog(tools, threshold=4)) as session:
        code_mode = CodeMode(session, catalog_threshold=4)
        spec = code_mode.tool_specs(ToolStyle.ANTHROPIC)[0]
        assert "- `_weather`: Current weather for a city." in spec["description"]
        script = """
            const found = await tools.search_tools({query: "weather city", limit: 2});
            text(JSON.stringify(found));
            const [info] = await tools.describe_tools({names: [found[0].name]});
            text(info.declaration);
            text(await tools[found[0].name]({city: "Oslo"}));
            text(await tools.describe_tools({names: ["nope"]}).catch((e) => e));
        """
        output = await code_mode.handle("exec", script)
        first, declaration, called, refused = output.text().split("\n")[2:6]
        assert json.loads(first)[0] == {
            "name": "_weather",
            "description": "Current weather for a city.",
        }
        assert (
            declaration
            == "declare const tools: { _weather(args: { city: string }): Promise<string>; };"
        )
        assert called == "sunny in Oslo"
        assert refused == "no tool named 'nope'; find names with tools.search_tools"


async def test_search_ranks_name_matches_first_and_limits() -> None:
    search, describe = tool_catalog(
        [
            cc.ToolDefinition(name="send_mail", description="Send an email."),
            cc.ToolDefinition(name="archive", description="Archive a mail thread."),
            cc.ToolDefinition(name="ping"),
        ]
    )
    assert [s.name for s in await search("mail")] == ["send_mail", "archive"]
    assert [s.name for s in await search("mail", limit=1)] == ["send_mail"]
    assert [s.name for s in await search("")] == ["send_mail", "archive", "ping"]
    (info,) = await describe(["ping"])
    assert info.declaration == "declare const tools: { ping(args: unknown): Promise<unknown>; };"


def test_a_large_catalog_of_mcp_tools_defines_the_mcp_types() -> None:
    mcp_output = {
        "type": "object",
        "properties": {
            "content": {"type": "array", "items": {"type": "object"}},
            "isError": {"type": "boolean"},
            "_meta": {"type": "object"},
        },
    }
    tools = [t.model_copy(update={"output_schema": mcp_output}) for t in _tools(5)]
    description = exec_description(with_tool_catalog(tools, threshold=4), catalog_threshold=4)
    assert "Promise<CallToolResult>" not in description  # declared at run time only
    assert f"Shared MCP types:\n```ts\n{MCP_TYPES}\n```" in description
    assert "Shared MCP types" not in exec_description(
        with_tool_catalog(_tools(5), threshold=4), catalog_threshold=4
    )


async def test_describe_tools_refuses_a_bare_name_shared_by_namespaces() -> None:
    tools = [
        cc.ToolDefinition(name="search", namespace=ns, description=f"Search {ns}.")
        for ns in ("github", "jira")
    ]
    _, describe = tool_catalog([*tools, cc.ToolDefinition(name="ping"), _weather])
    with pytest.raises(cc.ToolError) as refused:
        await describe(["search", "nope", "ping"])
    assert refused.value.message == (
        "no tool named 'nope'; 'search' is ambiguous: github.search or jira.search; "
        "find names with tools.search_tools"
    )
    found = await describe(["jira.search", "github.search", "ping", "_weather"])
    assert [info.name for info in found] == ["jira.search", "github.search", "ping", "_weather"]
    top_level = cc.ToolDefinition(name="search", description="Search everything.")
    _, describe = tool_catalog([*tools, top_level])
    assert [info.description for info in await describe(["search"])] == ["Search everything."]
