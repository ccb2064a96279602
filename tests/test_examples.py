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
