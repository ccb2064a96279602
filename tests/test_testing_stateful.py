"""The Hypothesis bridge: enabled steps only, coverage, invariants, final-state teardown."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from codecells import CellKind
from codecells.fsm import State, Trigger, definition
from codecells.testing import MachineDriver, Step, lifecycle_state_machine

FAST = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
NO_SHRINK = settings(FAST, phases=[Phase.generate])  # planted bugs: finding them is the point


class Counting(MachineDriver):
    """Records every call so tests can see what the machine did."""

    def __init__(self, kind: CellKind) -> None:
        super().__init__(kind)
        self.applied: list[Step] = []
        self.closed_in: list[State] = []
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1
        super().reset()

    def apply(self, step: Step) -> None:
        self.applied.append(step)
        super().apply(step)

    def close(self) -> None:
        self.closed_in.append(self.state())


@pytest.mark.parametrize("kind", list(CellKind))
def test_only_enabled_steps_are_drawn_and_every_row_is_covered(kind: CellKind) -> None:
    drivers: list[Counting] = []

    def make() -> Counting:
        drivers.append(Counting(kind))
        return drivers[-1]

    long_runs = settings(FAST, max_examples=80, stateful_step_count=120)  # 90 pausable rows
    machine = lifecycle_state_machine(kind, make, settings=long_runs)
    run_state_machine_as_test(machine, settings=long_runs)
    assert set(machine.rows_taken) == set(range(len(definition(kind).transitions)))  # type: ignore[attr-defined]
    finals = set(definition(kind).final_states)
    for d in drivers:
        assert len(d.closed_in) == 1 and d.closed_in[0] in finals  # teardown ended final
        state = definition(kind).initial
        for step in d.applied:  # every drawn step was enabled where it was taken
            state = definition(kind).initial if state in finals else state
            assert step.source == state
            state = step.dest


def test_one_driver_is_reset_per_example_and_after_each_final_state() -> None:
    driver = Counting(CellKind.PAUSABLE)
    run_state_machine_as_test(lifecycle_state_machine("pausable", driver), settings=FAST)
    assert driver.resets > FAST.max_examples


class Lying(MachineDriver):
    """A planted bug: after cleanup the system claims to be closed, not terminated."""

    def state(self) -> State:
        s = super().state()
        return State.CLOSED if s == State.TERMINATED else s


def test_a_state_mismatch_is_found_and_reported() -> None:
    machine = lifecycle_state_machine("continuing", lambda: Lying("continuing"))
    with pytest.raises(AssertionError, match="system is closed, model is terminated"):
        run_state_machine_as_test(machine, settings=NO_SHRINK)


class AsyncDriver:
    """An asyncio system: every method is a coroutine and needs the machine's loop."""

    def __init__(self) -> None:
        self.inner = MachineDriver(CellKind.PAUSABLE)
        self.loop: asyncio.AbstractEventLoop | None = None

    async def reset(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.inner.reset()

    async def apply(self, step: Step) -> None:
        assert asyncio.get_running_loop() is self.loop
        await asyncio.sleep(0)
        self.inner.apply(step)

    async def state(self) -> State:
        return self.inner.state()

    async def close(self) -> None:
        assert self.inner.state() in definition(CellKind.PAUSABLE).final_states


def test_async_drivers_run_on_the_machines_loop() -> None:
    run_state_machine_as_test(lifecycle_state_machine("pausable", AsyncDriver), settings=FAST)


class Stuck(MachineDriver):
    """A planted bug: cleanup never finishes, so teardown cannot reach a final state."""

    def apply(self, step: Step) -> None:
        if step.trigger != Trigger.CLEANUP_DONE:
            super().apply(step)


def test_teardown_insists_on_ending_in_a_final_state() -> None:
    machine = lifecycle_state_machine("pausable", lambda: Stuck("pausable"))
    # cleanup ends terminating and detaching alike: the search finds either, as the table allows
    stuck = "system is (terminating|detaching), model is (terminated|detached)"
    with pytest.raises(AssertionError, match=stuck):
        run_state_machine_as_test(machine, settings=NO_SHRINK)
