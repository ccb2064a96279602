"""What the model is told: exec/wait descriptions and typed tool declarations."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from codecells import ToolDefinition, ToolKind
from codecells.agent import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_YIELD_TIME_MS,
    MCP_TYPES,
    exec_description,
    tool_declaration,
    tool_definition,
    tool_types,
    wait_description,
)
from codecells.agent.description import markdown_safe

MCP_OUTPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "content": {"type": "array", "items": {"type": "object"}},
        "isError": {"type": "boolean"},
        "_meta": {"type": "object"},
    },
    "required": ["content"],
}


class Forecast(BaseModel):
    temperature_c: float
    sky: str


def forecast(city: str, days: int = 1) -> Forecast:
    """Forecast for a city."""
    raise NotImplementedError


async def ping() -> None:
    """Check the service."""


def test_function_tool_declaration_from_signature_and_return_annotation() -> None:
    assert tool_declaration(forecast) == (
        "declare const tools: {\n"
        "  forecast(args: {\n"
        "    city: string;\n"
        "    /** @default 1 */\n"
        "    days?: number;\n"
        "  }): Promise<{ temperature_c: number; sky: string }>;\n"
        "};"
    )
    assert tool_declaration(ping) == "declare const tools: { ping(): Promise<null>; };"


def test_tool_types_place_a_signature_in_a_namespace_block() -> None:
    types = tool_types(ToolDefinition(name="get", input_schema={"type": "object"}))
    assert types.signature == "get(): Promise<unknown>;"
    assert (
        types.declaration("my-ns")
        == "declare const tools: { my_ns: { get(): Promise<unknown>; } };"
    )


@pytest.mark.parametrize(
    "schema",
    [
        {},
        {"type": "object", "properties": {}, "required": [], "additionalProperties": False},
        {"type": "object", "title": "Nothing", "minProperties": 0, "x-vendor": {"a": 1}},
    ],
)
def test_a_schema_asking_for_nothing_declares_no_argument(schema: dict[str, Any]) -> None:
    assert tool_types(ToolDefinition(name="go", input_schema=schema)).signature == (
        "go(): Promise<unknown>;"
    )


@pytest.mark.parametrize(
    ("schema", "parameter"),
    [
        ({"enum": ["fast", "slow"]}, '"fast" | "slow"'),
        ({"const": "go"}, '"go"'),
        ({"type": "object", "minProperties": 1}, "{ [key: string]: unknown }"),
        ({"not": {"type": "null"}}, "unknown"),
        ({"type": "object", "unevaluatedProperties": True}, "{ [key: string]: unknown }"),
        ({"type": "object", "dependentRequired": {"a": ["b"]}}, "{ [key: string]: unknown }"),
    ],
)
def test_a_schema_asking_for_a_value_declares_the_argument(
    schema: dict[str, Any], parameter: str
) -> None:
    assert tool_types(ToolDefinition(name="go", input_schema=schema)).signature == (
        f"go(args: {parameter}): Promise<unknown>;"
    )


def test_annotated_fields_and_docstring_arguments_reach_the_declaration() -> None:
    def weather(
        city: str, days: Annotated[int, Field(ge=1, le=100, description="days ahead")] = 1
    ) -> None:
        """Forecast.

        Args:
            city: The city name.
            days: Overridden by the Field's description.
        """

    assert tool_declaration(weather) == (
        "declare const tools: {\n"
        "  weather(args: {\n"
        "    /** The city name. */\n"
        "    city: string;\n"
        "    /** days ahead @default 1 @minimum 1 @maximum 100 */\n"
        "    days?: number;\n"
        "  }): Promise<null>;\n"
        "};"
    )
    assert tool_definition(weather).description == "Forecast."


def test_definition_without_schemas_is_unknown_and_freeform_takes_a_string() -> None:
    bare = ToolDefinition(name="x-y")
    assert (
        tool_declaration(bare) == "declare const tools: { x_y(args: unknown): Promise<unknown>; };"
    )
    patch = ToolDefinition(name="apply_patch", kind=ToolKind.FREEFORM)
    assert tool_declaration(patch) == (
        "declare const tools: { apply_patch(input: string): Promise<unknown>; };"
    )


def test_mcp_outputs_render_as_call_tool_result() -> None:
    plain = ToolDefinition(name="a", output_schema=MCP_OUTPUT)
    assert tool_declaration(plain).endswith("Promise<CallToolResult>; };")
    structured = {
        **MCP_OUTPUT,
        "properties": {
            **MCP_OUTPUT["properties"],
            "structuredContent": {"type": "object", "properties": {"n": {"type": "integer"}}},
        },
    }
    typed = ToolDefinition(name="b", output_schema=structured)
    assert tool_declaration(typed).endswith("Promise<CallToolResult<{ n?: number }>>; };")
    not_mcp = {"type": "object", "properties": {"content": {"type": "array"}}}
    assert "CallToolResult" not in tool_declaration(ToolDefinition(name="c", output_schema=not_mcp))


def test_exec_description_states_the_surface_pragma_and_defaults() -> None:
    text = exec_description()
    for helper in ("text(", "image(", "store(", "load(", "notify(", "yield_control()", "exit()"):
        assert f"`{helper}" in text
    assert "setTimeout(" in text and "clearTimeout(" in text and "`ALL_TOOLS`" in text
    assert "// @exec: {" in text
    assert f"(default {DEFAULT_YIELD_TIME_MS})" in text
    assert f"(default {DEFAULT_MAX_OUTPUT_TOKENS})" in text
    assert "Script running with cell ID" in text
    assert "raw JavaScript source text: not JSON" in text
    assert "The `code` argument is raw JavaScript" in exec_description(freeform=False)
    assert "Shared MCP types" not in text and "###" not in text


def test_exec_description_lists_tools_grouped_by_namespace() -> None:
    tools = [
        ToolDefinition(name="gh.search", namespace="github", description="Search GitHub."),
        ToolDefinition(name="local", description="A local tool."),
        ToolDefinition(name="mail_send", namespace="mail", output_schema=MCP_OUTPUT),
        ToolDefinition(name="gh_issue", namespace="github"),
    ]
    text = exec_description(tools, namespaces={"github": "Tools for GitHub."})
    assert f"Shared MCP types:\n```ts\n{MCP_TYPES}\n```" in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "### `local`",
        "## github",
        "### `gh_search` (`gh.search`)",
        "### `gh_issue`",
        "## mail",
        "### `mail_send`",
    ]
    assert "## github\nTools for GitHub.\n\n### `gh_search` (`gh.search`)\nSearch GitHub.\n" in text
    assert (
        "exec tool declaration:\n```ts\n"
        "declare const tools: { github: { gh_search(args: unknown): Promise<unknown>; } };\n```"
    ) in text
    assert text.index("Shared MCP types") < text.index("### `local`")


def test_wait_description() -> None:
    text = wait_description()
    assert "Script running with cell ID" in text
    for field in ("`cell_id`", "`yield_time_ms`", "`max_tokens`", "`terminate: true`"):
        assert field in text


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Fetch.\n```", "Fetch.\n```\n```"),
        ("Fetch.\r````", "Fetch.\r````\n````"),
        ("Fetch.\r\n~~~", "Fetch.\r\n~~~\n~~~"),
        ("```py\nx\n```", "```py\nx\n```"),
        # markdown ends lines at \n, \r\n and \r only: no fence here, nothing to close
        ("Fetch.\u2028```", "Fetch.\u2028```"),
        ("Fetch.\x85````", "Fetch.\x85````"),
        ("Fetch.\x0b```", "Fetch.\x0b```"),
        # a closing fence may be followed by spaces and tabs only
        ("```\nx\n``` \t", "```\nx\n``` \t"),
        ("```\nx\n```\u2028", "```\nx\n```\u2028\n```"),
    ],
)
def test_markdown_safe_closes_a_fence_as_markdown_reads_it(text: str, safe: str) -> None:
    assert markdown_safe(text) == safe
