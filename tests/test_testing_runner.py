"""`TestModel`: generated paths replayed against sync and async systems, failures located."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from codecells import CellKind
from codecells.fsm import State, Trigger, definition
from codecells.testing import MachineDriver, Path, PathFailure, Step, TestModel, transition_paths


class Buggy(MachineDriver):
    """Reports `running` after a resume-to-running, except it stays `pending`: a planted bug."""

    def apply(self, step: Step) -> None:
        if (
            step.trigger == Trigger.RESUME
            and step.dest == State.RUNNING
            and step.source == State.PENDING
        ):
            return
        super().apply(step)


def fire(system: MachineDriver, step: Step) -> None:
    system.apply(step)


def expect(state: State) -> Callable[[MachineDriver], None]:
    def check(system: MachineDriver) -> None:
        assert system.state() == state, f"expected {state.value}, got {system.state().value}"

    return check


ASSERTIONS = {s: expect(s) for s in State}


def model(kind: CellKind) -> TestModel[MachineDriver]:
    triggers = definition(kind).triggers
    return TestModel(kind, {t: fire for t in triggers}, ASSERTIONS)


@pytest.mark.parametrize("kind", list(CellKind))
async def test_every_transition_path_passes_on_the_reference_machine(kind: CellKind) -> None:
    started: list[MachineDriver] = []

    def factory() -> MachineDriver:
        started.append(MachineDriver(kind))
        return started[-1]

    report = await model(kind).check(factory)
    assert report.ok and not report.skipped
    assert report.passed == transition_paths(kind)
    assert len(started) == len(report.passed)


async def test_failure_names_the_path_the_step_and_the_phase() -> None:
    kind = CellKind.PAUSABLE
    report = await model(kind).run(lambda: Buggy(kind), cover="transitions")
    assert not report.ok
    first = report.failures[0]
    assert first.phase == "assertion"
    assert first.step is not None and first.step.trigger == Trigger.RESUME
    assert first.step_index == 1
    assert "expected running, got pending" in str(first)
    assert "step 2/2: pending --resume[" in str(first)
    assert f"generation_claimed]--> running (row {first.step.row_index})" in str(first)
    assert isinstance(first.__cause__, AssertionError)
    with pytest.raises(PathFailure) as info:
        report.raise_first()
    assert info.value is first


async def test_async_systems_actions_assertions_and_teardown() -> None:
    kind = CellKind.CONTINUING
    closed: list[State] = []

    async def factory() -> MachineDriver:
        await asyncio.sleep(0)
        return MachineDriver(kind)

    async def act(system: MachineDriver, step: Step) -> None:
        await asyncio.sleep(0)
        system.apply(step)

    async def in_closed(system: MachineDriver) -> None:
        assert system.state() == State.CLOSED

    async def teardown(system: MachineDriver) -> None:
        closed.append(system.state())

    tm: TestModel[MachineDriver] = TestModel(
        kind, {t: act for t in definition(kind).triggers}, {State.CLOSED: in_closed}
    )
    report = await tm.check(factory, teardown=teardown, cover="states")
    assert [p.target for p in report.passed] == closed


async def test_action_errors_and_missing_actions() -> None:
    kind = CellKind.PAUSABLE

    def broken(system: MachineDriver, step: Step) -> None:
        raise RuntimeError("cannot do that")

    actions = {t: fire for t in definition(kind).triggers if t != Trigger.RUNTIME_LOST}
    actions[Trigger.CLEANUP_DONE] = broken
    report = await TestModel(kind, actions, ASSERTIONS).run(lambda: MachineDriver(kind))
    assert all(Trigger.RUNTIME_LOST in p.triggers for p in report.skipped) and report.skipped
    assert {f.phase for f in report.failures} == {"action"}
    assert all(f.step and f.step.trigger == Trigger.CLEANUP_DONE for f in report.failures)
    with pytest.raises(ValueError, match="no trigger yield_due"):
        TestModel(kind, {Trigger.YIELD_DUE: fire})


async def test_setup_and_teardown_failures_are_reported() -> None:
    kind = CellKind.PAUSABLE
    tm = model(kind)
    only = [Path(kind=kind)]

    def no_system() -> MachineDriver:
        raise OSError("no system")

    report = await tm.run(no_system, path_set=only)
    assert report.failures[0].phase == "setup" and report.failures[0].step is None

    def bad_teardown(system: MachineDriver) -> None:
        raise OSError("leak")

    report = await tm.run(lambda: MachineDriver(kind), teardown=bad_teardown, path_set=only)
    assert report.failures[0].phase == "teardown"
    assert "teardown (outside the steps): OSError: leak" in str(report.failures[0])
