"""Random interleavings on real sessions (real QuickJS): create, observe, resume, answer tools,
terminate. Checked: one terminal event per cell, every item delivered once and in order, stored
values only from completed cells, `cell_closed` once per cell, every trace conforms."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import codecells as cc
from codecells.fsm import Trigger
from codecells.testing import check_trace

GATE = cc.ToolDefinition(name="gate", description="answers when the test says so")

PROGRAMS: dict[str, tuple[str, int]] = {
    # name: (source with {n}, number of texts it emits when it completes)
    "tool": (
        'text("{n}:0"); store("k{n}", {n}); await tools.gate({n}); text("{n}:1");'
        ' yield_control(); text("{n}:2");',
        3,
    ),
    "quick": ('text("{n}:0"); store("k{n}", {n}); text("{n}:1");', 2),
    "error": ('text("{n}:0"); store("k{n}", {n}); throw new Error("boom");', 1),
    "pair": (
        'text("{n}:0"); await Promise.all([tools.gate(1), tools.gate(2)]);'
        ' store("k{n}", {n}); text("{n}:1");',
        2,
    ),
    "timer": (
        'await new Promise(r => setTimeout(r, 1)); text("{n}:0"); store("k{n}", {n});'
        ' await tools.gate(0); text("{n}:1");',
        2,
    ),
}


class Delegate:
    def __init__(self) -> None:
        self.waiting: dict[tuple[str, str], asyncio.Event] = {}
        self.closed: list[str] = []

    async def invoke_tool(self, call: cc.ToolCall) -> Any:
        gate = self.waiting.setdefault((call.cell_id, call.call_id), asyncio.Event())
        await gate.wait()
        return call.input

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        pass

    def cell_closed(self, cell_id: str) -> None:
        self.closed.append(cell_id)


@dataclass
class Record:
    handle: Any
    n: int
    program: str
    texts: list[str] = field(default_factory=list)
    terminal: list[Any] = field(default_factory=list)
    observer: asyncio.Task[Any] | None = None
    generation: int | None = None
    gone: bool = False

    @property
    def expected(self) -> list[str]:
        return [f"{self.n}:{i}" for i in range(PROGRAMS[self.program][1])]

    def deliver(self, event: Any) -> None:
        if event.type in ("completed", "terminated"):
            if any(e is event or e == event for e in self.terminal):
                return  # the same terminal event, seen by observer and terminate()
            self.terminal.append(event)
        if event.type == "pending":
            if event.generation == self.generation:
                return  # the same frontier again (repeatable until resumed)
            self.generation = event.generation
        self.texts += [i.text for i in event.content_items if i.type == "text"]


class SessionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.delegate = Delegate()
        self.session = cc.Session([GATE], delegate=self.delegate)
        self.cells: dict[str, Record] = {}
        self.count = 0

    def run(self, coro: Any) -> Any:
        async def settle() -> Any:
            result = await coro
            await asyncio.sleep(0.002)  # let worker steps and callbacks interleave
            self.collect()
            return result

        return self.loop.run_until_complete(asyncio.wait_for(settle(), 10))

    def collect(self) -> None:
        for rec in self.cells.values():
            task = rec.observer
            if task is not None and task.done():
                rec.observer = None
                if not task.cancelled() and task.exception() is None:
                    rec.deliver(task.result())
                elif isinstance(task.exception(), cc.MissingCell):
                    rec.gone = True

    def pick(self, data: st.DataObject) -> Record | None:
        """A cell chosen independently of timing; None when it is already over."""
        ids = list(self.cells)
        rec = self.cells[ids[data.draw(st.integers(0, len(ids) - 1), label="cell")]]
        return None if rec.gone or rec.terminal else rec

    @rule(kind=st.sampled_from(list(cc.CellKind)), program=st.sampled_from(sorted(PROGRAMS)))
    def create(self, kind: cc.CellKind, program: str) -> None:
        self.count += 1
        source = PROGRAMS[program][0].format(n=self.count)

        async def go() -> Any:
            if kind is cc.CellKind.CONTINUING:
                return await self.session.create_cell(source)
            return await self.session.create_pausable_cell(source)

        handle = self.run(go())
        self.cells[handle.id] = Record(handle, self.count, program)

    @precondition(lambda self: bool(self.cells))
    @rule(data=st.data())
    def observe(self, data: st.DataObject) -> None:
        rec = self.pick(data)
        if rec is None or rec.observer is not None:
            return
        if rec.handle.kind is cc.CellKind.CONTINUING:
            coro = rec.handle.wait(yield_after=0.001)
        else:
            coro = rec.handle.wait_to_pending()
        rec.observer = self.loop.create_task(coro)
        self.run(asyncio.sleep(0))

    @precondition(lambda self: bool(self.cells))
    @rule(data=st.data(), offset=st.sampled_from([0, 0, 0, -1, 1]))
    def resume(self, data: st.DataObject, offset: int) -> None:
        rec = self.pick(data)
        if rec is None or rec.handle.kind is not cc.CellKind.PAUSABLE or rec.generation is None:
            return
        g = rec.generation + offset

        async def go() -> Any:
            try:
                return await rec.handle.resume(g)
            except (cc.InvalidGeneration, cc.MissingCell, cc.ClosedCell) as exc:
                return exc

        outcome = self.run(go())
        if offset > 0:
            assert not isinstance(outcome, cc.ResumeOutcome), outcome

    @precondition(lambda self: bool(self.cells))
    @rule(data=st.data())
    def answer(self, data: st.DataObject) -> None:
        """Answer the oldest outstanding tool call of a cell, if any."""
        rec = self.pick(data)
        waiting = [
            e
            for (cid, _), e in sorted(self.delegate.waiting.items())
            if rec is not None and cid == rec.handle.id and not e.is_set()
        ]
        if waiting:
            waiting[0].set()
        self.run(asyncio.sleep(0))

    @precondition(lambda self: bool(self.cells))
    @rule(data=st.data())
    def terminate(self, data: st.DataObject) -> None:
        rec = self.pick(data)
        if rec is None:
            return

        async def go() -> Any:
            try:
                return await self.session.terminate(rec.handle.id)
            except (cc.MissingCell, cc.AlreadyTerminating) as exc:
                return exc

        event = self.run(go())
        if isinstance(event, (cc.Completed, cc.Terminated)):
            rec.deliver(event)

    @invariant()
    def delivered_once_in_order(self) -> None:
        for rec in self.cells.values():
            assert rec.texts == rec.expected[: len(rec.texts)], (rec.texts, rec.expected)
            assert len(rec.terminal) <= 1, rec.terminal

    @invariant()
    def stored_values_only_from_completed_cells(self) -> None:
        finished = {
            f"k{rec.n}"
            for rec in self.cells.values()
            if any(
                s.trigger in (Trigger.FINISHED_OK, Trigger.FINISHED_ERROR)
                and s.source.value == "running"
                for s in rec.handle.trace.steps
            )
        }
        assert set(self.session.stored_values) <= finished

    def drain(self, rec: Record) -> None:
        while not rec.terminal and not rec.gone:
            if rec.observer is None:
                if rec.handle.kind is cc.CellKind.CONTINUING:
                    rec.observer = self.loop.create_task(rec.handle.wait(yield_after=0.001))
                else:
                    rec.observer = self.loop.create_task(rec.handle.wait_to_pending())
            for event in self.delegate.waiting.values():
                event.set()
            self.run(asyncio.wait({rec.observer}))
            if rec.generation is not None and not rec.terminal and not rec.gone:
                g = rec.generation

                async def go(g: int = g) -> None:
                    try:
                        await rec.handle.resume(g)
                    except (cc.InvalidGeneration, cc.MissingCell):
                        pass

                self.run(go())

    def teardown(self) -> None:
        try:
            for rec in self.cells.values():
                self.drain(rec)
            self.run(self.session.shutdown())
            for cid, rec in self.cells.items():
                assert len(rec.terminal) == 1, (cid, rec.terminal)
                if rec.terminal[0].type == "completed":
                    assert rec.texts == rec.expected, (cid, rec.texts)
                    assert (rec.terminal[0].error_text is not None) == (rec.program == "error")
                trace = rec.handle.trace
                assert check_trace(trace.kind, trace, require_final=True).ok
            assert sorted(self.delegate.closed, key=int) == sorted(self.cells, key=int)
            stored = self.session.stored_values
            for rec in self.cells.values():  # every program stores before it can complete
                completed = rec.terminal[0].type == "completed"
                assert stored.get(f"k{rec.n}") == (rec.n if completed else None), (rec, stored)
        finally:
            self.loop.close()


SessionMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSessionInterleavings = SessionMachine.TestCase
