"""One call, a pytest entry point and a CLI command for the ready suite (`codecells.testing.host`).

>>> report = run_host_suite(lambda: Host(tools=[...], delegate=MyDelegate()))  # doctest: +SKIP
>>> print(report.text())                                                     # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..fsm import LifecycleDefinition, Trace
from ..kinds import CellKind
from ..loading import load_attribute
from ._aio import resolve
from ._defs import Lifecycle, lifecycle
from .coverage import Coverage, coverage_of
from .host import STEP_TIMEOUT, Host, HostDriver, PredictionError
from .model import Path
from .paths import Cover, paths, uncovered_rows
from .predict import HostContext, prediction_paths
from .runner import PathFailure
from .stateful import lifecycle_state_machine

__all__ = [
    "HostFactory",
    "FactoryError",
    "HostReport",
    "check_host",
    "host_suite",
    "load_factory",
    "run_host_suite",
]

HostFactory = Callable[[], Host | Awaitable[Host]]
"""Builds your `Host` (called once per generated path or Hypothesis example)."""

KINDS: tuple[Lifecycle, ...] = (CellKind.CONTINUING, CellKind.PAUSABLE)


@dataclass
class HostReport:
    """What a run of the ready suite found: failures (path, step, predicted, observed), the
    number of paths and Hypothesis examples run, and every recorded trace."""

    failures: list[PathFailure] = field(default_factory=list)
    paths_run: int = 0
    examples_run: int = 0
    traces: list[Trace] = field(default_factory=list)
    lifecycles: tuple[Lifecycle, ...] = KINDS

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def coverage(self) -> list[Coverage]:
        """The coverage of each lifecycle by the traces of the run."""
        return [coverage_of(k, self.traces) for k in self.lifecycles]

    def text(self) -> str:
        """A readable report: each failure, then the coverage."""
        out = [
            f"host suite: {self.paths_run} paths, {self.examples_run} Hypothesis examples, "
            f"{len(self.failures)} failed"
        ]
        for n, failure in enumerate(self.failures, 1):
            out.append(f"\n{n}. {describe(failure)}")
        out += [""] + [
            c.text(unreachable=uncovered_rows(c.definition, context=HostContext(c.definition)))
            for c in self.coverage()
        ]
        return "\n".join(out)


def describe(failure: PathFailure) -> str:
    """A failure as path, step, predicted and observed."""
    lines = [
        f"{failure.path.kind.value} path: {failure.path}",
        (
            f"   before the first step ({failure.phase})"
            if failure.step_index is None
            else f"   step {failure.step_index + 1}: {failure.step}"
        ),
    ]
    cause = failure.cause
    if isinstance(cause, PredictionError):
        lines += [
            f"   {cause.what}",
            f"   predicted: {cause.predicted!r}",
            f"   observed:  {cause.observed!r}",
        ]
    else:
        lines.append(f"   {type(cause).__name__}: {cause}")
    return "\n".join(lines)


async def _run_paths(
    which: Lifecycle,
    factory: HostFactory,
    cover: Cover | str,
    timeout: float,
    report: HostReport,
    stop: Callable[[HostReport], bool],
) -> None:
    d = lifecycle(which)
    chosen = paths(d, cover, context=HostContext(d)) + prediction_paths(d)
    for path in {str(p): p for p in chosen}.values():
        if stop(report):
            return
        driver = HostDriver(d, await _make_host(factory), timeout=timeout)
        try:
            await driver.reset()
            for step in path.steps:
                await driver.apply(step)
            await driver.finish()
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            taken = Path(kind=d.kind, steps=tuple(driver.taken))
            failing = len(taken.steps) - 1 if taken.steps else None  # None: at its reset
            failure = PathFailure(taken, failing, "action", exc)
            if not any(str(f.path) == str(taken) for f in report.failures):
                report.failures.append(failure)  # else another path led to the same failure
        finally:
            try:
                await driver.close()
            except Exception as exc:  # noqa: BLE001
                if (
                    not report.failures
                    or report.failures[-1].path.steps[: len(path.steps)] != path.steps
                ):
                    report.failures.append(PathFailure(path, None, "teardown", exc))
        report.traces += driver.traces
        report.paths_run += 1


def _run_machine(
    which: Lifecycle,
    factory: HostFactory,
    examples: int,
    steps: int,
    timeout: float,
    report: HostReport,
    derandomize: bool,
) -> None:
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    d = lifecycle(which)
    drivers: list[HostDriver] = []

    class Factory:
        """A driver per example, on the example's own loop (the host is built in `reset`)."""

        def __call__(self) -> HostDriver:
            driver = _LazyHostDriver(d, factory, timeout=timeout)
            drivers.append(driver)
            return driver

    machine = lifecycle_state_machine(d, Factory(), context=HostContext(d))
    chosen = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        derandomize=derandomize,
        # real sessions make every example cost real time: report the failing lifecycle as
        # found (its steps since the cell was created) instead of shrinking it
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
    )
    try:
        run_state_machine_as_test(machine, settings=chosen)
    except Exception as exc:  # noqa: BLE001 - every failure is reported
        report.failures += _failures(d, exc)
    for driver in drivers:
        report.traces += driver.traces
    report.examples_run += len(drivers)


def _failures(d: LifecycleDefinition, exc: BaseException) -> list[PathFailure]:
    if isinstance(exc, PathFailure):
        return [exc]
    if isinstance(exc, BaseExceptionGroup):
        return [f for sub in exc.exceptions for f in _failures(d, sub)]
    return [PathFailure(Path(kind=d.kind), None, "action", exc)]  # e.g. a bridge invariant


class _LazyHostDriver(HostDriver):
    """A `HostDriver` that builds its host from the factory at each reset."""

    def __init__(self, which: Lifecycle, factory: HostFactory, *, timeout: float) -> None:
        super().__init__(which, timeout=timeout)
        self._factory = factory

    async def reset(self) -> None:
        self.host = await _make_host(self._factory)
        await super().reset()


async def check_host(
    factory: HostFactory,
    *,
    lifecycles: Sequence[Lifecycle] = KINDS,
    cover: Cover | str = Cover.TRANSITIONS,
    examples: int = 10,
    steps: int = 30,
    timeout: float = STEP_TIMEOUT,
    derandomize: bool = False,
    stop: Callable[[HostReport], bool] | None = None,
) -> HostReport:
    """Run the generated paths (`cover`, plus `prediction_paths`) and the Hypothesis machine (`examples` examples of up
    to `steps` steps; `derandomize` for the same examples every run) of every lifecycle
    against real sessions of the host `factory` builds. `stop` ends the run early once it
    holds for the report so far (checked after each path and each Hypothesis run)."""
    if examples:
        _need_hypothesis()
    report = HostReport(lifecycles=tuple(lifecycles))
    done = stop or (lambda _report: False)
    for which in lifecycles:
        await _run_paths(which, factory, cover, timeout, report, done)
        if examples and not done(report):
            await asyncio.to_thread(
                _run_machine, which, factory, examples, steps, timeout, report, derandomize
            )
        if done(report):
            break
    return report


def _need_hypothesis() -> None:
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        raise ImportError(
            "the property-based part of the suite needs Hypothesis: pip install "
            "'codecells[test]' (or run the generated paths alone with examples=0)"
        ) from None


def run_host_suite(factory: HostFactory, **options: Any) -> HostReport:
    """`check_host` from synchronous code (its own event loop, in a thread when one runs)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(check_host(factory, **options))
    outcome: list[HostReport | BaseException] = []

    def run() -> None:
        try:
            outcome.append(asyncio.run(check_host(factory, **options)))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def host_suite(factory: HostFactory, **options: Any) -> Callable[[], None]:
    """A pytest test running the ready suite on your host; it fails with the report.

    In a test module: ``test_my_host = host_suite(make_host)``."""

    def test_host() -> None:
        report = run_host_suite(factory, **options)
        assert report.ok, report.text()

    test_host.__test__ = True  # type: ignore[attr-defined]
    return test_host


def load_factory(spec: str) -> HostFactory:
    """``module:attribute`` -> that factory (a callable returning a `Host`, or a `Host`);
    ValueError with a one-line reason."""
    target = load_attribute(spec)
    if isinstance(target, Host):
        return lambda: target
    if not callable(target):
        raise ValueError(f"{spec} is neither a Host nor a callable returning one")
    return target  # type: ignore[no-any-return]


class FactoryError(Exception):
    """The host factory raised, or returned something that is not a `Host`."""


async def _make_host(factory: HostFactory) -> Host:
    """`factory()`'s host, awaited if need be; `FactoryError` if it fails or is no `Host`."""
    try:
        host = await resolve(factory())
    except Exception as exc:  # noqa: BLE001 - the factory's own failure, reported as such
        raise FactoryError(f"the host factory raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(host, Host):
        raise FactoryError(f"the host factory returned {host!r}, not a codecells.testing.Host")
    return host
