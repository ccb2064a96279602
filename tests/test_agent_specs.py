"""exec / wait tool definitions in the OpenAI and Anthropic shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from codecells.agent import (
    ToolStyle,
    exec_description,
    exec_parameters,
    exec_tool_spec,
    tool_specs,
    wait_description,
    wait_parameters,
    wait_tool_spec,
)
from codecells.demo.tools import DEMO_TOOLS


def test_openai_chat_shape() -> None:
    exec_spec, wait_spec = tool_specs(DEMO_TOOLS, style=ToolStyle.OPENAI_CHAT)
    assert exec_spec == {
        "type": "function",
        "function": {
            "name": "exec",
            "description": exec_description(DEMO_TOOLS, freeform=False),
            "parameters": exec_parameters(),
            "strict": True,
        },
    }
    assert wait_spec == {
        "type": "function",
        "function": {
            "name": "wait",
            "description": wait_description(),
            "parameters": wait_parameters(),
            "strict": True,
        },
    }


def test_openai_responses_shape_makes_exec_freeform() -> None:
    exec_spec = exec_tool_spec(DEMO_TOOLS, style=ToolStyle.OPENAI_RESPONSES)
    assert exec_spec == {
        "type": "custom",
        "name": "exec",
        "description": exec_description(DEMO_TOOLS, freeform=True),
    }
    assert wait_tool_spec(style=ToolStyle.OPENAI_RESPONSES) == {
        "type": "function",
        "name": "wait",
        "description": wait_description(),
        "parameters": wait_parameters(),
        "strict": True,
    }


def test_anthropic_shape() -> None:
    assert exec_tool_spec(style=ToolStyle.ANTHROPIC) == {
        "name": "exec",
        "description": exec_description(freeform=False),
        "input_schema": exec_parameters(),
        "strict": False,
    }
    assert wait_tool_spec(style=ToolStyle.ANTHROPIC) == {
        "name": "wait",
        "description": wait_description(),
        "input_schema": wait_parameters(strict=False),
        "strict": False,
    }
    assert wait_parameters(strict=False)["required"] == ["cell_id"]
    assert wait_parameters(strict=False)["properties"]["max_tokens"]["type"] == "integer"


def test_parameter_schemas() -> None:
    assert exec_parameters()["required"] == ["code"]
    wait = wait_parameters()
    assert set(wait["properties"]) == {"cell_id", "yield_time_ms", "max_tokens", "terminate"}
    assert wait["properties"]["max_tokens"]["minimum"] == 1  # a budget cannot empty a result
    assert wait["properties"]["yield_time_ms"]["maximum"] == 2**53 - 1
    json.dumps(tool_specs(DEMO_TOOLS))  # plain JSON


def test_namespace_descriptions_reach_the_exec_description() -> None:
    from codecells import ToolDefinition

    spec = exec_tool_spec(
        [ToolDefinition(name="t", namespace="ns")],
        style=ToolStyle.ANTHROPIC,
        namespaces={"ns": "About ns."},
    )
    assert "## ns\nAbout ns." in spec["description"]


def _strict_compatible(schema: dict[str, Any]) -> bool:
    """OpenAI's strict-mode rules: objects close and require every property, recursively."""
    if schema.get("type") == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return (
            schema.get("additionalProperties") is False
            and set(schema.get("required", [])) == set(props)
            and all(_strict_compatible(p) for p in props.values())
        )
    return True


@pytest.mark.parametrize("style", [ToolStyle.OPENAI_CHAT, ToolStyle.OPENAI_RESPONSES])
def test_every_openai_function_spec_is_explicitly_strict_and_strict_compatible(
    style: ToolStyle,
) -> None:
    functions = [
        spec.get("function", spec)
        for spec in tool_specs(DEMO_TOOLS, style=style)
        if spec["type"] == "function"
    ]
    assert functions and all(f["strict"] is True for f in functions)
    assert all(_strict_compatible(f["parameters"]) for f in functions)
