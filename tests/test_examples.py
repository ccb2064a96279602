"""The examples run end to end (as a user runs them: ``python examples/<name>.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_openai_style() -> None:
    lines = run_example("openai_style.py")
    assert lines[0] == "→ exec (script)"
    assert lines[1] == "← Script running with cell ID 1"
    assert "  Looking up 3 cities..." in lines
    assert "← Script completed" in lines
    assert "  Lagos: 31 °C, humid" in lines
    assert lines[-1] == "The warmest city right now is Lagos."


def test_anthropic_style() -> None:
    lines = run_example("anthropic_style.py")
    assert "  (notification from cell 1, for toolu_1: found 4 entries)" in lines
    assert lines.count("← Script completed") == 1
    assert "← Script running with cell ID 2" in lines
    assert "→ wait {'cell_id': '2', 'terminate': True}" in lines
    assert "← Script terminated" in lines
    assert lines[-1] == "I found 4 glossary entries and stopped the watcher."


def test_durable_approval_across_two_processes() -> None:
    lines = run_example("durable_approval.py")
    assert lines[0].startswith("[request] Planning a refund of 42.5 EUR on A-1001")
    assert lines[1].startswith("[request] cell 1 waits for approval of ['tool-1'] (generation 1)")
    assert lines[2] == "[approve] found cell 1 suspended at generation 1"
    assert "[approve] refunded 42.50 EUR on A-1001" in lines
    assert lines[-1] == (
        "[approve] completed; stored: "
        "{'last_refund': {'order': 'A-1001', 'amount': 42.5, 'by': 'dana'}}"
    )


def test_mcp_servers() -> None:
    lines = run_example("mcp_servers.py")
    assert lines[0] == (
        "declare const tools: { docs: { search(args: { query: string })"
        ": Promise<CallToolResult<{ result: string[] }>>; } };"
    )
    assert lines[1] == "declare const tools: {"
    assert "  tickets: {" in lines
    assert "docs: Configuring webhooks; Troubleshooting webhooks" in lines
    assert lines[-1] == "Answer: see the docs, and ticket #17 is already open."


def test_openai_agents_sdk() -> None:
    lines = run_example("openai_agents_sdk.py")
    assert lines[0] == "tools: exec, wait"
    assert "Lagos: 31 °C, 15400k people" in lines
    assert lines[-1] == "Most populous: Lagos: 31 °C, 15400k people"


def test_pydantic_ai_agent() -> None:
    assert run_example("pydantic_ai_agent.py") == ['totals {"north":16,"south":13}, with 1 chart']


def test_anthropic_tool_runner() -> None:
    lines = run_example("anthropic_tool_runner.py")
    assert lines[0].startswith("tool_result is_error=True: Script failed Output: | Script error: ")
    assert lines[1] == "tool_result is_error=False: Script completed Output: | Paris: 14 °C"
    assert lines[-1] == "It is 14 °C in Paris."
