"""`CodeMode.handle` never raises, whatever the model sends (issue 10 item 8).

Hypothesis sends arbitrary JSON (huge and non-finite numbers, deep nesting, wrong types) as
the arguments of every tool — ``exec``, ``wait`` and unknown names — as mappings, JSON strings
and raw text, with a live cell's id among the candidates. Every call returns a `ToolOutput`
that renders for both APIs, and the session keeps working afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codecells as cc
from codecells.agent import CodeMode, ToolOutput

LIVE = "<live cell>"
SLEEPS = "await new Promise((resolve) => setTimeout(resolve, 1e9));"

NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**53, 2**53 - 1, 2**63, -1, 0, 1]),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=12), st.just(LIVE))
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["cell_id", "yield_time_ms", "max_tokens", "terminate", "code", "max_output_tokens", "x"]
)
OBJECTS = st.dictionaries(FIELDS, JSON, max_size=5)
ARGUMENTS = st.one_of(
    OBJECTS,
    OBJECTS.map(lambda o: json.dumps(o, default=str)),
    JSON,
    st.text(max_size=40),
)
NAMES = st.one_of(st.sampled_from(["exec", "wait"]), st.text(max_size=8))


def _with_live_id(value: Any, live: str) -> Any:
    if value == LIVE:
        return live
    if isinstance(value, dict):
        return {k: _with_live_id(v, live) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_live_id(v, live) for v in value]
    if isinstance(value, str):
        return value.replace(json.dumps(LIVE), json.dumps(live))
    return value


class _Harness:
    def __init__(self, session: cc.Session) -> None:
        self.session = session
        self.code_mode = CodeMode(session)
        self.live: cc.Cell | None = None

    async def call(self, name: str, arguments: Any) -> None:
        if self.live is None or self.live.state in ("completed", "terminated"):
            self.live = await self.session.create_cell(SLEEPS)
        arguments = _with_live_id(arguments, self.live.id)
        try:
            output = await asyncio.wait_for(self.code_mode.handle(name, arguments), 0.5)
        except TimeoutError:
            return  # a valid long wait on the live cell: cancelling it loses nothing
        assert isinstance(output, ToolOutput) and output.items
        json.dumps(output.anthropic_content())
        json.dumps(output.openai_output())
        if output.cell_id is None and self.live.id in output.text().splitlines()[0]:
            self.live = None


def test_handle_never_raises_for_arbitrary_json(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="codecells")
    with asyncio.Runner() as runner:
        session = cc.Session(config=cc.SessionConfig(cpu_time_limit=2.0))
        harness = _Harness(session)

        @settings(
            max_examples=250,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(NAMES, ARGUMENTS)
        def one_call(name: str, arguments: Any) -> None:
            runner.run(harness.call(name, arguments))

        one_call()
        after = runner.run(harness.code_mode.handle("exec", "text(6 * 7)"))
        assert after.text().splitlines() == ["Script completed", "Output:", "42"]
        runner.run(session.shutdown())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"yield_time_ms": 10**400},
            "invalid arguments for tool wait: yield_time_ms: Input should be less than or equal "
            "to 9007199254740991",
        ),
        (
            {"yield_time_ms": float("inf")},
            "invalid arguments for tool wait: yield_time_ms: Input should be a finite number",
        ),
        (
            {"yield_time_ms": -1},
            "invalid arguments for tool wait: yield_time_ms: Input should be greater than or "
            "equal to 0",
        ),
        (
            {"max_tokens": 0},
            "invalid arguments for tool wait: max_tokens: Input should be greater than or equal "
            "to 1",
        ),
        (
            {"terminate": 1},
            "invalid arguments for tool wait: terminate: Input should be a valid boolean",
        ),
    ],
)
async def test_out_of_range_numbers_for_a_live_cell_are_refused(
    arguments: dict[str, Any], message: str
) -> None:
    async with cc.Session() as session:
        live = await session.create_cell(SLEEPS)
        output = await CodeMode(session).handle("wait", {"cell_id": live.id, **arguments})
        assert output.is_error and output.text() == message
        assert live.state not in ("completed", "terminated")  # nothing was lost


async def test_json_strings_too_deep_or_too_long_are_refused() -> None:
    async with cc.Session() as session:
        code_mode = CodeMode(session)
        deep = '{"cell_id": ' + "[" * 100_000 + "]" * 100_000 + "}"
        long_number = '{"cell_id": ' + "1" * 5000 + "}"
        for arguments in (deep, long_number):
            output = await code_mode.handle("wait", arguments)
            assert output.is_error and output.text().startswith("invalid arguments for tool wait")


async def test_a_numeric_cell_id_is_its_text_but_a_boolean_is_not() -> None:
    async with cc.Session() as session:
        live = await session.create_cell(SLEEPS)
        code_mode = CodeMode(session)
        output = await code_mode.handle("wait", {"cell_id": int(live.id), "yield_time_ms": 0})
        assert output.cell_id == live.id
        refused = await code_mode.handle("wait", {"cell_id": True})
        assert (
            refused.text()
            == "invalid arguments for tool wait: cell_id: Input should be a valid string"
        )
