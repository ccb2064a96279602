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
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import codecells as cc
from codecells.agent import CodeMode, PragmaError, ToolOutput, parse_exec_source

LIVE = "<live cell>"
SLEEPS = "await new Promise((resolve) => setTimeout(resolve, 1e9));"

EXTREMES = st.sampled_from(
    [10**400, -(10**400), 2**53, 2**63, float("inf"), float("-inf"), float("nan"), -1, 0, 1.5]
)
NUMBERS = st.one_of(EXTREMES, st.integers(), st.floats(allow_nan=True, allow_infinity=True))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=12), st.just(LIVE))
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
VALUES = st.one_of(NUMBERS, JSON)
WAIT_OBJECTS = st.fixed_dictionaries(
    {"cell_id": st.one_of(st.just(LIVE), JSON)},
    optional={"yield_time_ms": VALUES, "max_tokens": VALUES, "terminate": VALUES},
)
EXEC_OBJECTS = st.fixed_dictionaries(
    {"code": st.one_of(st.text(max_size=30), JSON)}, optional={"yield_time_ms": VALUES}
)
ANYTHING = st.one_of(
    JSON,
    st.text(max_size=40),
    st.dictionaries(st.text(max_size=6), JSON).map(lambda o: json.dumps(o, default=str)),
)


def _as_sent(objects: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """Objects as a mapping or as a JSON string (as Chat Completions sends them), or anything."""
    return st.one_of(objects, objects.map(lambda o: json.dumps(o, default=str)), ANYTHING)


ARGUMENTS = {"exec": _as_sent(EXEC_OBJECTS), "wait": _as_sent(WAIT_OBJECTS), "other": ANYTHING}


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


def _may_take_long(name: str, arguments: Any, live: str) -> bool:
    """Whether the call is one that may legitimately outlast the harness's patience: a script
    that runs (the pragma accepts it) or a wait on the live cell. A hang on refused input
    fails the fuzz instead of passing as a timeout."""
    if isinstance(arguments, str) and arguments.lstrip().startswith("{"):
        try:
            arguments = json.loads(arguments)
        except (ValueError, RecursionError):
            pass
    if name == "exec":
        source = arguments.get("code") if isinstance(arguments, dict) else arguments
        try:
            return isinstance(source, str) and bool(parse_exec_source(source).code)
        except PragmaError:
            return False
    return (
        name == "wait"
        and isinstance(arguments, dict)
        and str(arguments.get("cell_id")) == live
        and not arguments.get("terminate")
    )


class _Harness:
    def __init__(self, session: cc.Session) -> None:
        self.session = session
        self.code_mode = CodeMode(session)
        self.live: cc.Cell | None = None
        self.longest_stall = 0.0  # of the event loop, during any call

    async def call(self, name: str, arguments: Any) -> None:
        if self.live is None or self.live.state in ("completed", "terminated"):
            self.live = await self.session.create_cell(SLEEPS)
        arguments = _with_live_id(arguments, self.live.id)
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            output = await asyncio.wait_for(self.code_mode.handle(name, arguments), 0.5)
        except TimeoutError:  # cancelling loses nothing, but only a valid call may take long
            assert _may_take_long(name, arguments, self.live.id), (name, arguments)
            return
        finally:
            heartbeat.cancel()
        assert isinstance(output, ToolOutput) and output.items
        json.dumps(output.anthropic_content())
        json.dumps(output.openai_output())
        if output.cell_id is None and self.live.id in output.text().splitlines()[0]:
            self.live = None

    async def _heartbeat(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(0.01)
            now = loop.time()
            self.longest_stall = max(self.longest_stall, now - last)
            last = now


@pytest.mark.parametrize("tool", sorted(ARGUMENTS))
def test_handle_never_raises_for_arbitrary_json(
    tool: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="codecells")
    with asyncio.Runner() as runner:
        session = cc.Session(config=cc.SessionConfig(cpu_time_limit=2.0))
        harness = _Harness(session)
        names = st.just(tool) if tool != "other" else st.text(max_size=8)

        @settings(
            max_examples=150,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(names, ARGUMENTS[tool])
        @example("wait", {"cell_id": LIVE, "yield_time_ms": 10**400})  # issue 10 item 8
        @example("wait", {"cell_id": LIVE, "max_tokens": float("nan")})
        @example("wait", '{"cell_id": ' + "1" * 5000 + "}")
        @example("exec", '{"code": ' + "[" * 50_000 + "]" * 50_000 + "}")
        @example("exec", {"code": '// @exec: {"yield_time_ms": 1' + "0" * 5000 + "}\ntext(1)"})
        @example("exec", {"code": "// @exec: " + "[" * 100_000 + "\ntext(1)"})
        def one_call(name: str, arguments: Any) -> None:
            runner.run(harness.call(name, arguments))

        one_call()
        after = runner.run(harness.code_mode.handle("exec", "text(6 * 7)"))
        assert after.text().splitlines() == ["Script completed", "Output:", "42"]
        runner.run(session.shutdown())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert harness.longest_stall < 1.0  # the loop never froze


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
