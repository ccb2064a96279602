"""exec / wait tool definitions in the OpenAI and Anthropic shapes."""

from __future__ import annotations

import json

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
        },
    }
    assert wait_spec == {
        "type": "function",
        "function": {
            "name": "wait",
            "description": wait_description(),
            "parameters": wait_parameters(),
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
    }


def test_anthropic_shape() -> None:
    assert exec_tool_spec(style=ToolStyle.ANTHROPIC) == {
        "name": "exec",
        "description": exec_description(freeform=False),
        "input_schema": exec_parameters(),
    }
    assert wait_tool_spec(style=ToolStyle.ANTHROPIC) == {
        "name": "wait",
        "description": wait_description(),
        "input_schema": wait_parameters(),
    }


def test_parameter_schemas() -> None:
    assert exec_parameters()["required"] == ["code"]
    wait = wait_parameters()
    assert wait["required"] == ["cell_id"]
    assert set(wait["properties"]) == {"cell_id", "yield_time_ms", "max_tokens", "terminate"}
    assert wait["additionalProperties"] is False
    json.dumps(tool_specs(DEMO_TOOLS))  # plain JSON


def test_namespace_descriptions_reach_the_exec_description() -> None:
    from codecells import ToolDefinition

    spec = exec_tool_spec(
        [ToolDefinition(name="t", namespace="ns")],
        style=ToolStyle.ANTHROPIC,
        namespaces={"ns": "About ns."},
    )
    assert "## ns\nAbout ns." in spec["description"]
