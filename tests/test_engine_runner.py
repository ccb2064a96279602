"""Steps on persistent worker threads: reuse, concurrency, cancellation, failures, exit."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading

import pytest

import codecells as cc
from codecells.engine import run_step
from codecells.engine.pool import WORKER_THREADS
from codecells.engine.protocol import AnyEngineCommand, AnyEngineEvent, Quiescent
from codecells.engine.runner import start_step
from codecells.executor.cell import RUNTIME_LOST_TEXT

WAIT = 5.0  # seconds; a bound on waiting for an event, never a synchronisation by sleeping


class Instant:
    """An engine whose steps return at once, recording the thread they ran on."""

    has_queued_input = False

    def __init__(self) -> None:
        self.threads: list[int] = []

    def post(self, command: AnyEngineCommand) -> None: ...

    def step(self) -> list[AnyEngineEvent]:
        self.threads.append(threading.get_ident())
        return [Quiescent()]

    def interrupt(self) -> None: ...

    def close(self) -> None: ...


class Gate(Instant):
    """An engine whose step blocks until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()
        self.returned = threading.Event()

    def step(self) -> list[AnyEngineEvent]:
        self.entered.set()
        assert self.release.wait(WAIT)
        events = super().step()
        self.returned.set()
        return events


class Broken(Instant):
    def step(self) -> list[AnyEngineEvent]:
        raise ValueError("boom")


async def wait_for(event: threading.Event) -> None:
    assert await asyncio.to_thread(event.wait, WAIT)


def workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("codecells-js")]


async def test_steps_run_on_worker_threads_that_are_reused() -> None:
    engine = Instant()
    await run_step(engine)
    before = len(workers())
    for _ in range(50):
        assert await run_step(engine) == [Quiescent()]
    assert len(workers()) == before, "sequential steps start no threads"
    assert threading.get_ident() not in engine.threads
    assert all(t.daemon for t in workers()), "a blocked tool must not keep the process alive"


@pytest.mark.parametrize("engine", [Instant(), Broken()], ids=["events", "exception"])
async def test_start_step_calls_back_on_the_event_loop_thread(engine: Instant) -> None:
    called = asyncio.get_running_loop().create_future()
    start_step(engine, lambda outcome: called.set_result((threading.get_ident(), outcome)))
    thread, outcome = await called
    assert thread == threading.get_ident()
    if isinstance(engine, Broken):
        assert isinstance(outcome, ValueError) and str(outcome) == "boom"
    else:
        assert outcome == [Quiescent()] and engine.threads != [thread]


async def test_a_blocked_step_holds_up_no_other_step() -> None:
    # Every idle worker, and one more (leaving one for the step that must not be held up).
    gates = [Gate() for _ in range(min(len(workers()) + 1, WORKER_THREADS - 1))]
    stack_size = threading.stack_size()
    steps = [run_step(gate) for gate in gates]
    for gate in gates:
        await wait_for(gate.entered)
    assert threading.stack_size() == stack_size, "the large stack is set only around spawns"
    assert await asyncio.wait_for(run_step(Instant()), WAIT) == [Quiescent()]
    for gate in gates:
        gate.release.set()
    assert await asyncio.gather(*steps) == [[Quiescent()]] * len(gates)
    assert len({gate.threads[0] for gate in gates}) == len(gates)


async def test_cancelling_the_awaiter_does_not_stop_the_step() -> None:
    gate = Gate()
    waiter = asyncio.ensure_future(run_step(gate))
    await wait_for(gate.entered)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    gate.release.set()
    await wait_for(gate.returned)
    assert await run_step(Instant()) == [Quiescent()]


async def test_a_step_that_raises_raises_in_the_awaiter() -> None:
    with pytest.raises(ValueError, match="boom"):
        await run_step(Broken())
    assert await run_step(Instant()) == [Quiescent()]


async def test_a_cell_whose_engine_raises_completes_with_the_loss() -> None:
    async with cc.Session(engine_factory=lambda spec: Broken()) as session:
        event = await (await session.create_cell("1")).wait()
    assert event == cc.Completed(error_text=f"{RUNTIME_LOST_TEXT}: ValueError: boom")


async def test_a_step_that_outlives_its_event_loop_keeps_its_worker() -> None:
    gate = Gate()

    async def start() -> None:
        run_step(gate)
        await wait_for(gate.entered)

    def on_another_loop() -> None:
        loop = asyncio.new_event_loop()
        loop.run_until_complete(start())
        loop.close()

    await asyncio.to_thread(on_another_loop)
    gate.release.set()
    await wait_for(gate.returned)
    # Every worker there is, the one that answered a closed loop included, takes steps.
    gates = [Gate() for _ in range(len(workers()) + 1)]
    steps = [run_step(g) for g in gates]
    for g in gates:
        await wait_for(g.entered)
    for g in gates:
        g.release.set()
    await asyncio.gather(*steps)


def test_workers_end_at_interpreter_exit() -> None:
    script = textwrap.dedent(
        """
        import asyncio, threading
        from codecells.engine import run_step
        from codecells.engine.protocol import Quiescent

        class Engine:
            def step(self):
                return [Quiescent()]

        async def main():
            await asyncio.gather(*(run_step(Engine()) for _ in range(4)))

        asyncio.run(main())
        print(sum(t.name.startswith("codecells-js") for t in threading.enumerate()) > 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
