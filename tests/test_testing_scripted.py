"""`ScriptedEngine`: scripted steps, recorded commands, gates, interrupts."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from codecells import TextItem
from codecells.engine.protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    Engine,
    Finished,
    FireTimer,
    Interrupted,
    Lost,
    Output,
    Quiescent,
    ResolveTool,
    Started,
    ToolCallRequested,
)
from codecells.testing import ScriptedEngine, ScriptError

WAIT = 5.0  # seconds: an upper bound on a thread handshake, never a synchronisation sleep


def hi(text: str) -> Output:
    return Output(item=TextItem(text=text))


def test_steps_play_in_order_and_commands_are_recorded() -> None:
    engine: Engine = ScriptedEngine(
        [
            [Started(), ToolCallRequested(call_id="tool-1", tool_index=0), Quiescent()],
            [hi("done"), Finished()],
        ]
    )
    assert isinstance(engine, ScriptedEngine)
    assert engine.step() == [
        Started(),
        ToolCallRequested(call_id="tool-1", tool_index=0),
        Quiescent(),
    ]
    assert not engine.has_queued_input
    engine.post(ResolveTool(call_id="tool-1", value=1))
    engine.post(FireTimer(timer_id=3))
    assert engine.has_queued_input
    assert engine.step() == [hi("done"), Finished()]
    assert not engine.has_queued_input
    assert engine.applied == [[], [ResolveTool(call_id="tool-1", value=1), FireTimer(timer_id=3)]]
    assert engine.commands == engine.applied[1]
    assert engine.step() == [Lost(message="scripted engine: the script ran out")]
    assert engine.steps_run == 3


def test_a_callable_step_sees_the_commands_it_consumed() -> None:
    def answer(commands: list[AnyEngineCommand]) -> list[AnyEngineEvent]:
        return [hi(repr([c.type for c in commands])), Finished()]

    engine = ScriptedEngine([[Started(), Quiescent()], answer], exhausted=Interrupted())
    engine.step()
    engine.post(ResolveTool(call_id="tool-1"))
    assert engine.step() == [hi("['resolve_tool']"), Finished()]
    assert engine.step() == [Interrupted()]


def test_malformed_steps_are_refused() -> None:
    with pytest.raises(ScriptError):
        ScriptedEngine([[Started()]])
    with pytest.raises(ScriptError):
        ScriptedEngine([[Quiescent(), hi("late"), Finished()]])
    engine = ScriptedEngine([lambda commands: [Started()]])
    with pytest.raises(ScriptError):
        engine.step()


def run_in_thread(engine: ScriptedEngine) -> Future[list[AnyEngineEvent]]:
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(engine.step)
    pool.shutdown(wait=False)
    return future


def test_a_held_step_returns_its_events_once_released() -> None:
    engine = ScriptedEngine([[Started(), Quiescent()], [hi("x"), Finished()]])
    gate = engine.hold(1)
    assert engine.step() == [Started(), Quiescent()]
    future = run_in_thread(engine)
    assert gate.entered.wait(WAIT)
    assert not future.done()
    with pytest.raises(RuntimeError, match="while another step runs"):
        engine.step()
    gate.release()
    assert future.result(WAIT) == [hi("x"), Finished()]


def test_interrupt_ends_the_held_step_and_every_later_one() -> None:
    engine = ScriptedEngine([[Started(), Quiescent()], [Finished()]])
    gate = engine.hold()
    future = run_in_thread(engine)
    assert gate.entered.wait(WAIT)
    engine.interrupt()
    assert future.result(WAIT) == [Interrupted()]
    assert engine.step() == [Interrupted()]
    assert engine.interrupted and not engine.closed


def test_close_is_idempotent_and_unblocks_a_held_step() -> None:
    engine = ScriptedEngine([[Started(), Quiescent()]])
    gate = engine.hold(0)
    future = run_in_thread(engine)
    assert gate.entered.wait(WAIT)
    engine.close()
    engine.close()
    assert future.result(WAIT) == [Interrupted()]
    assert engine.closed and not engine.interrupted


def test_post_and_has_queued_input_are_thread_safe() -> None:
    engine = ScriptedEngine([[Started(), Quiescent()]])
    start = threading.Barrier(4)

    def poster(n: int) -> None:
        start.wait(WAIT)
        for i in range(100):
            engine.post(ResolveTool(call_id=f"{n}-{i}"))

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    engine.step()
    assert len(engine.applied[0]) == 400 and not engine.has_queued_input
