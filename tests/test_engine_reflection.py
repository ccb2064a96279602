"""No host or prelude function is reachable from cell code by reflection, and the binding never
runs cell code with the GIL held (issue 10, item 1).

Each script of `hostile/reflection_corpus.py` runs on an event loop with a heartbeat in a
subprocess (a frozen process then fails these tests instead of hanging the suite), with the
binding internals on and off. Every script ends its cell with a clear error or harmlessly,
finds no function, and the loop keeps beating."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hostile.reflection_corpus import CORPUS, INTERNALS_ONLY

from codecells.engine.binding import DISABLE_ENV

RUNNER = Path(__file__).parent / "hostile" / "reflection_corpus.py"
TIMEOUT_SECONDS = 120
MAX_LOOP_GAP_SECONDS = 1.0
CPU = "cpu_time_limit exceeded"
PLAIN_ONLY = "TypeError: only plain Promise objects are supported in cells"

# id -> the start of the cell's error text (None: ends without error)
EXPECTED: dict[str, str | None] = {
    "timer-callback": None,
    "text-tojson": None,
    "tool-input-getter": None,
    "tool-input-proxy": None,
    "store-proxy": None,
    "image-argument-getter": None,
    "notify-tojson": None,
    "timeout-delay-valueof": None,
    "thrown-tostring-in-timer": "x",
    "rejection-stack-getter": "[object Object]",
    "tool-result-thenable-getter": None,
    "stack-trace-limit-valueof": "TypeError: cannot read property 'x' of null",
    "species-capability-in-job": PLAIN_ONLY,
    "static-capability-captures-interrupt": CPU,
    "using-captures-interrupt": CPU,
    "thrown-proxy": CPU,
}
REPORTING = {case_id for case_id, source, _ in CORPUS if "attack" in source}
"""Scripts that run the attack, which reports how many functions it found."""


def run_corpus(internals: bool) -> dict[str, dict[str, Any]]:
    """Outcomes by script id; a script missing from the result froze or crashed the process."""
    env = {**os.environ, "PYTHONPATH": str(RUNNER.parent.parent)}
    env.pop(DISABLE_ENV, None)
    ids = [case_id for case_id, _, _ in CORPUS if internals or case_id not in INTERNALS_ONLY]
    if not internals:
        env[DISABLE_ENV] = "1"
    try:
        done = subprocess.run(
            [sys.executable, str(RUNNER), *ids],
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        stdout = done.stdout
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout or b""
        stdout = out.decode() if isinstance(out, bytes) else out
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return {line["id"]: line for line in lines}


@pytest.fixture(scope="module", params=[True, False], ids=["internals", "fallback"])
def outcomes(request: pytest.FixtureRequest) -> tuple[bool, dict[str, dict[str, Any]]]:
    return request.param, run_corpus(request.param)


@pytest.mark.parametrize("case_id", [case[0] for case in CORPUS])
def test_reflection_script_is_contained(
    outcomes: tuple[bool, dict[str, dict[str, Any]]], case_id: str
) -> None:
    internals, results = outcomes
    if not internals and case_id in INTERNALS_ONLY:
        pytest.skip("closed only with the binding internals (docs/engine.md)")
    assert case_id in results, f"{case_id} froze or crashed the process"
    result = results[case_id]
    assert result["end"] == "finished", result
    expected = EXPECTED[case_id]
    if expected is None:
        assert result["error"] is None, result
    else:
        assert result["error"] is not None and result["error"].startswith(expected), result
    found = [text for text in result["texts"] if text.startswith("found:")]
    if case_id in REPORTING:
        assert found, result
    assert all(text == "found:0" for text in found), result
    assert result["gap"] < MAX_LOOP_GAP_SECONDS, result


def test_next_cell_runs_after_the_corpus(outcomes: tuple[bool, dict[str, dict[str, Any]]]) -> None:
    _, results = outcomes
    assert results.get("next-cell", {}).get("texts") == ["next cell"], results.get("next-cell")
