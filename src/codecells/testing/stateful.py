"""A Hypothesis bridge: a `RuleBasedStateMachine` generated from a lifecycle definition.

Unlike a hand-written rule per trigger, the generated machine has a single rule that draws
only among the steps enabled in the model's current state (no wasted draws), preferring those
that start a shortest route to a row not yet taken in the example. Invariants check the system against the model and that a final
state stays reachable; teardown drives the system to a final state by a shortest path.
Drivers may be sync or async: coroutines run on an event loop the machine owns.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from ..fsm import State
from ._aio import MaybeAwaitable, resolve
from ._defs import Lifecycle, lifecycle
from .model import Path, Step
from .paths import (
    DEFAULT_MAX_DEPTH,
    PathContext,
    enabled_steps,
    path_to_final,
    steps_toward_untaken,
    uncovered_rows,
)
from .runner import PathFailure

if TYPE_CHECKING:
    from hypothesis import settings as Settings
    from hypothesis.stateful import RuleBasedStateMachine

__all__ = ["Driver", "StopCondition", "every_row_taken", "lifecycle_state_machine", "run_until"]

T = TypeVar("T")


class Driver(Protocol):
    """Your system under test, as the generated state machine drives it (sync or async)."""

    def reset(self) -> MaybeAwaitable[None]:
        """Start a fresh lifecycle in the initial state (at the start and after a final state)."""

    def apply(self, step: Step) -> MaybeAwaitable[None]:
        """Make the system take `step` (its trigger, with its guard assignment)."""

    def state(self) -> MaybeAwaitable[State | str]:
        """The system's current lifecycle state."""

    def close(self) -> MaybeAwaitable[None]:
        """Release the system at the end of an example."""


def lifecycle_state_machine(
    kind: Lifecycle,
    driver: Driver | Callable[[], Driver],
    *,
    context: PathContext | None = None,
    settings: Settings | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> type[RuleBasedStateMachine]:
    """A `RuleBasedStateMachine` subclass testing `driver` against the lifecycle (a kind or
    a definition).

    `driver` is a `Driver` (reset at the start of every example) or a factory of drivers
    (one per example). Run it with ``TestX = lifecycle_state_machine(...).TestCase``.
    The class attribute `rows_taken` counts the rows taken across all examples.
    """
    from hypothesis import strategies as st
    from hypothesis import target
    from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

    d = lifecycle(kind)
    is_factory = isinstance(driver, type) or not hasattr(driver, "apply")
    make_driver = driver if callable(driver) and is_factory else None

    strategies: dict[tuple[tuple[int, ...], tuple[int, ...]], st.SearchStrategy[Step]] = {}

    class LifecycleMachine(RuleBasedStateMachine):
        rows_taken: ClassVar[Counter[int]] = Counter()

        def __init__(self) -> None:
            super().__init__()
            self._loop = asyncio.new_event_loop()
            self._failed = False
            self.driver: Driver = make_driver() if make_driver else driver  # type: ignore[assignment]
            self.taken: set[int] = set()
            self.history: list[Step] = []
            self._restart()

        def _run(self, value: MaybeAwaitable[T]) -> T:
            return self._loop.run_until_complete(resolve(value))

        def _guarded(self, check: Callable[[], None]) -> None:
            try:
                check()
            except Exception:  # not BaseException: Hypothesis aborts examples with those
                self._failed = True
                raise

        def _restart(self) -> None:
            self._run(self.driver.reset())
            self._lifecycle: list[Step] = []
            self.model_state: State = d.initial
            self.context: Hashable = None if context is None else context.initial()

        def _take(self, step: Step) -> None:
            try:
                self._run(self.driver.apply(step))
            except Exception as exc:  # not BaseException: Hypothesis aborts examples with those
                path = Path(kind=d.kind, steps=(*self._lifecycle, step))
                raise PathFailure(path, len(self._lifecycle), "action", exc) from exc
            self._lifecycle.append(step)
            self.history.append(step)
            self.taken.add(step.row_index)
            self.rows_taken[step.row_index] += 1
            self.model_state = step.dest
            self.context = None if context is None else context.after(self.context, step)

        def _where(self) -> str:
            return " ".join(str(s) for s in self.history[-8:]) or "(no steps yet)"

        @rule(data=st.data())
        def step(self, data: Any) -> None:
            """Take one enabled step, preferring untaken rows; restart after a final state."""

            def go() -> None:
                if self.model_state in d.final_states:
                    self._restart()
                    return
                enabled = enabled_steps(d, self.model_state, self.context, context)
                assert enabled, (
                    f"no step is enabled in {self.model_state.value} after {self._where()}"
                )
                toward = steps_toward_untaken(
                    d, self.model_state, self.taken, self.context, ctx=context, max_depth=max_depth
                )
                if len(toward) == len(enabled):
                    toward = []
                key = (tuple(s.row_index for s in enabled), tuple(s.row_index for s in toward))
                if key not in strategies:
                    # plain choices first: shrinking moves towards them, so failures shrink as
                    # well as with uniform draws; generation takes a guided step half the time
                    plain = st.sampled_from(enabled)
                    strategies[key] = st.one_of(plain, st.sampled_from(toward)) if toward else plain
                self._take(data.draw(strategies[key], label="step"))

            self._guarded(go)

        @invariant()
        def system_matches_model(self) -> None:
            """The driver reports the model's state."""

            def go() -> None:
                actual = State(self._run(self.driver.state()))
                assert actual == self.model_state, (
                    f"system is {actual.value}, model is {self.model_state.value}; "
                    f"last steps: {self._where()}"
                )

            self._guarded(go)

        @invariant()
        def final_state_reachable(self) -> None:
            """A final state can still be reached from the model state."""

            def go() -> None:
                route = path_to_final(
                    d, self.model_state, self.context, ctx=context, max_depth=max_depth
                )
                assert route is not None, f"no final state reachable from {self.model_state.value}"

            self._guarded(go)

        def teardown(self) -> None:
            """Drive the system to a final state (unless the example failed), then close it."""
            try:
                if not self._failed:
                    target(float(len(self.taken)), label="rows taken")
                    route = path_to_final(
                        d, self.model_state, self.context, ctx=context, max_depth=max_depth
                    )
                    for step in route or ():
                        self._take(step)
                        self.system_matches_model()
                    assert self.model_state in d.final_states, f"ended in {self.model_state.value}"
            finally:
                try:
                    self._run(self.driver.close())
                except Exception as exc:
                    path = Path(kind=d.kind, steps=tuple(self._lifecycle))
                    raise PathFailure(path, None, "teardown", exc) from exc
                finally:
                    self._loop.close()

    LifecycleMachine.__name__ = LifecycleMachine.__qualname__ = f"{d.kind.value.title()}Lifecycle"
    if settings is not None:
        LifecycleMachine.TestCase.settings = settings
    return LifecycleMachine


StopCondition = Callable[[Counter[int]], bool]
"""Decides from the rows taken so far (row index -> count) whether a run may stop."""


def every_row_taken(
    kind: Lifecycle, *, context: PathContext | None = None, max_depth: int = DEFAULT_MAX_DEPTH
) -> StopCondition:
    """Stop once every row a path can reach (in `context`) was taken at least once."""
    d = lifecycle(kind)
    reachable = set(range(len(d.transitions))) - set(
        uncovered_rows(d, context=context, max_depth=max_depth)
    )
    return lambda taken: reachable <= {row for row, n in taken.items() if n}


def run_until(
    machine: type[RuleBasedStateMachine],
    stop: StopCondition,
    *,
    batch: Settings | None = None,
    max_batches: int = 20,
) -> bool:
    """Run `machine` (from `lifecycle_state_machine`) in batches of examples until `stop`
    holds for its `rows_taken`, GraphWalker style; True when it did within `max_batches`.
    A failing example raises as usual. Batches are never derandomized (Hypothesis's CI profile
    would otherwise replay the same examples in every batch and never reach new rows)."""
    from hypothesis import settings as make_settings
    from hypothesis.stateful import run_state_machine_as_test

    chosen = batch or make_settings(max_examples=10, stateful_step_count=40, deadline=None)
    taken: Counter[int] = machine.rows_taken  # type: ignore[attr-defined]
    for _ in range(max_batches):
        if stop(taken):
            return True
        run_state_machine_as_test(
            machine, settings=make_settings(chosen, database=None, derandomize=False)
        )
    return stop(taken)
