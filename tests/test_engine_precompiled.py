"""The prelude installed from bytecode behaves as the prelude compiled from source."""

from __future__ import annotations

import pytest
from hostile.engine_driver import engine, outcome, run

from codecells.engine import fallback_only, precompiled
from codecells.engine.binding import internals_allowed
from codecells.engine.protocol import AnyEngineEvent, RejectTool, ResolveTool, ToolCallRequested

bytecode_only = pytest.mark.skipif(
    not internals_allowed(), reason="the bytecode prelude needs the pinned quickjs-ng binding"
)

SNIPPETS = [
    "text(JSON.stringify(Object.getOwnPropertyNames(globalThis).sort()))",
    "text(JSON.stringify(ALL_TOOLS)); text(Object.isFrozen(tools))",
    'store("k", [1, {"a": 2}]); text(JSON.stringify(load("k")))',
    "text(await tools.echo({x: 1})); text(await tools.echo())",
    "try { await tools.fail(1) } catch (e) { text(typeof e + ':' + e) }",
    "image('not a url')",
    "setTimeout(() => text('late'), 5); text('now')",
    "notify('hi'); yield_control(); exit(); text('never')",
    "null.x",
    "throw new Error('boom')",
    "import x from 'y'",
]


def answer(call: ToolCallRequested) -> ResolveTool | RejectTool:
    if call.tool_index == 1:
        return RejectTool(call_id=call.call_id, message="no")
    return ResolveTool(call_id=call.call_id, value=call.input)


def events_of(source: str) -> list[AnyEngineEvent]:
    return run(engine(source, tools=["echo", "fail"]), answer, fire_timers=True)


@pytest.mark.parametrize("source", SNIPPETS)
def test_bytecode_and_source_prelude_give_the_same_events(source: str) -> None:
    loaded = events_of(source)
    with fallback_only():
        compiled = events_of(source)
    # Stack lines name the prelude's frames "<prelude>" when it comes from bytecode; the
    # binding compiles source under the name "<input>".
    assert [e.model_dump_json().replace("<prelude>", "<input>") for e in loaded] == [
        e.model_dump_json() for e in compiled
    ]


@bytecode_only
def test_prelude_frames_are_named_in_stack_traces() -> None:
    _, error = outcome("await tools.t(10n)", tools=["t"])
    assert error is not None
    assert "BigInt" in error
    assert "(<prelude>:" in error
    assert "(<input>:1:" in error  # the cell's own frame


@bytecode_only
def test_helpers_do_not_show_the_prelude_source() -> None:
    shown, _ = outcome("text(String(text)); text(String(tools.t))", tools=["t"])
    assert all("[native code]" in item and "S.put" not in item for item in shown)
    with fallback_only():
        shown, _ = outcome("text(String(text))")
    assert "S.put" in shown[0]


def test_many_contexts_in_a_row_stay_isolated() -> None:
    for value in range(50):
        shown, error = outcome(f"globalThis.leak = {value}; text(typeof leak + ':' + leak)")
        assert (shown, error) == ([f"number:{value}"], None)


def test_a_failing_self_test_falls_back_to_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, context: object) -> None:
        raise RuntimeError("the prelude's bytecode could not be read")

    monkeypatch.setattr(precompiled, "_compiled", {})  # forget the verified bytecode
    monkeypatch.setattr(precompiled._Compiled, "install", broken)
    shown, error = outcome("text(String(text))")
    assert error is None and "S.put" in shown[0]  # the prelude compiled from source
