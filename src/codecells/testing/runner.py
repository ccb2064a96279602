"""`TestModel`: replay generated paths against a real system, XState ``createTestModel`` style.

Map every trigger to an action that makes your system take that step, and (optionally) every
state to an assertion that checks your system is in it. Each path runs on a fresh system from
your factory; a failure names the path, the step and what raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from ..fsm import State, Trigger
from ._aio import MaybeAwaitable, resolve
from ._defs import Lifecycle, lifecycle
from .model import Path, Step
from .paths import Cover, PathContext, paths

__all__ = ["PathFailure", "RunReport", "TestModel"]

S = TypeVar("S")

Action = Callable[[S, Step], MaybeAwaitable[None]]
Assertion = Callable[[S], MaybeAwaitable[None]]
Phase = Literal["setup", "action", "assertion", "teardown"]


class PathFailure(AssertionError):
    """A path failed: `step_index` (None: before the first step) in `phase` raised `cause`."""

    def __init__(
        self, path: Path, step_index: int | None, phase: Phase, cause: BaseException
    ) -> None:
        self.path = path
        self.step_index = step_index
        self.phase = phase
        self.cause = cause
        super().__init__(self._message())
        self.__cause__ = cause

    @property
    def step(self) -> Step | None:
        """The failing step (None when the failure came before the first step)."""
        return None if self.step_index is None else self.path.steps[self.step_index]

    def _message(self) -> str:
        if self.step_index is None:
            where = f"{self.phase} (outside the steps)"
        else:
            where = (
                f"{self.phase} of step {self.step_index + 1}/{len(self.path.steps)}: {self.step}"
            )
        return (
            f"{self.path.kind.value} path failed at the {where}: "
            f"{type(self.cause).__name__}: {self.cause}\n  path: {self.path}"
        )


@dataclass
class RunReport:
    """The outcome of a run, in path order: paths that passed, failures, and paths skipped
    because a trigger on them has no action."""

    passed: list[Path] = field(default_factory=list)
    failures: list[PathFailure] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every path passed."""
        return not self.failures

    def raise_first(self) -> None:
        """Raise the first failure, if any."""
        if self.failures:
            raise self.failures[0]


class TestModel(Generic[S]):
    """Generated paths of one kind, replayed through user `actions` and `assertions`."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        kind: Lifecycle,
        actions: Mapping[Trigger | str, Action[S]],
        assertions: Mapping[State | str, Assertion[S]] | None = None,
        *,
        context: PathContext | None = None,
    ) -> None:
        d = self.definition = lifecycle(kind)
        self.kind = d.kind
        self.actions = {Trigger(t): a for t, a in actions.items()}
        self.assertions = {State(s): a for s, a in (assertions or {}).items()}
        self.context = context
        unknown = set(self.actions) - set(d.triggers)
        if unknown:
            raise ValueError(f"{self.kind.value} has no trigger {', '.join(sorted(unknown))}")

    def paths(self, cover: Cover | str = Cover.TRANSITIONS) -> list[Path]:
        """The generated paths of this model's lifecycle for `cover`."""
        return paths(self.definition, cover, context=self.context)

    async def run_path(
        self,
        path: Path,
        factory: Callable[[], MaybeAwaitable[S]],
        teardown: Callable[[S], MaybeAwaitable[None]] | None = None,
    ) -> None:
        """Run one path on a fresh system; raise `PathFailure` on the first problem.

        `teardown` runs after the path whatever happened; its own failure is reported only
        when the path itself passed.
        """
        try:
            system = await resolve(factory())
        except Exception as exc:
            raise PathFailure(path, None, "setup", exc) from exc
        failure: PathFailure | None = None
        try:
            failure = await self._replay(path, system)
        finally:
            if teardown is not None:
                try:
                    await resolve(teardown(system))
                except Exception as exc:  # noqa: BLE001 - any failure is reported
                    failure = failure or PathFailure(path, None, "teardown", exc)
        if failure is not None:
            raise failure

    async def _replay(self, path: Path, system: S) -> PathFailure | None:
        index: int | None = None
        phase: Phase = "assertion"
        try:
            await self._check(system, path.steps[0].source if path.steps else path.target)
            for i, step in enumerate(path.steps):
                index, phase = i, "action"
                await resolve(self.actions[step.trigger](system, step))
                phase = "assertion"
                await self._check(system, step.dest)
        except Exception as exc:  # noqa: BLE001 - any failure is reported
            return PathFailure(path, index, phase, exc)
        return None

    async def _check(self, system: S, state: State) -> None:
        check = self.assertions.get(state)
        if check is not None:
            await resolve(check(system))

    async def run(
        self,
        factory: Callable[[], MaybeAwaitable[S]],
        *,
        teardown: Callable[[S], MaybeAwaitable[None]] | None = None,
        cover: Cover | str = Cover.TRANSITIONS,
        path_set: Iterable[Path] | None = None,
    ) -> RunReport:
        """Run every path (of `cover`, or `path_set`) and report; never raises `PathFailure`."""
        report = RunReport()
        for path in self.paths(cover) if path_set is None else path_set:
            if not all(t in self.actions for t in path.triggers):
                report.skipped.append(path)
                continue
            try:
                await self.run_path(path, factory, teardown)
            except PathFailure as failure:
                report.failures.append(failure)
            else:
                report.passed.append(path)
        return report

    async def check(
        self,
        factory: Callable[[], MaybeAwaitable[S]],
        *,
        teardown: Callable[[S], MaybeAwaitable[None]] | None = None,
        cover: Cover | str = Cover.TRANSITIONS,
    ) -> RunReport:
        """Like `run`, but raise the first `PathFailure`."""
        report = await self.run(factory, teardown=teardown, cover=cover)
        report.raise_first()
        return report
