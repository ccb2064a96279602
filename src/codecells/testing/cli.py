"""The `codecells paths`, `check-trace`, `coverage` and `test-host` subcommands."""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from ..fsm import DefinitionError, LifecycleDefinition, Trace, validate_definition
from ..kinds import CellKind
from ._defs import Lifecycle
from .conformance import TraceError, check_trace
from .coverage import coverage_of
from .paths import Cover, PathContext, paths, uncovered_rows
from .predict import HostContext

__all__ = ["CliError", "load_definition", "read_trace", "register"]

CONTEXTS = ("none", "host")
"""Path contexts the command line offers: free guards, or what a real host cell can do."""


class CliError(Exception):
    """A bad argument or input file; the message says which and why."""


def register(sub: Any) -> None:
    """Add this package's subcommands to the `codecells` parser."""
    p = sub.add_parser("paths", help="print the test paths generated from a lifecycle")
    _lifecycle_options(p)
    p.add_argument("--cover", choices=[c.value for c in Cover], default=Cover.TRANSITIONS.value)
    p.add_argument("--json", action="store_true", help="print the paths as JSON")
    p.set_defaults(handler=_guarded(_paths))
    t = sub.add_parser("check-trace", help="check a recorded trace (JSON) against its lifecycle")
    t.add_argument("trace", help="a file written by Trace.to_json(), or - for stdin")
    t.add_argument("--require-final", action="store_true", help="the trace must end final")
    _lifecycle_options(t, kind=False)
    t.set_defaults(handler=_guarded(_check_trace))
    c = sub.add_parser("coverage", help="rows, guards and effects exercised by recorded traces")
    c.add_argument("traces", nargs="+", help="trace JSON files (e.g. traces/*.json)")
    c.add_argument("--definition", type=FilePath, help="your own lifecycle (definition JSON)")
    c.add_argument("--out", type=FilePath, help="also draw <kind>-coverage.{dot,svg} here")
    c.set_defaults(handler=_guarded(_coverage))
    h = sub.add_parser(
        "test-host",
        help="run the generated suites against your host (module:factory returning a Host)",
    )
    h.add_argument("factory", help="module:attribute, a codecells.testing.Host or a factory")
    h.add_argument("--kind", choices=[k.value for k in CellKind], action="append")
    h.add_argument(
        "--examples", type=_count(0), default=10, help="Hypothesis examples per kind (0: none)"
    )
    h.add_argument("--steps", type=_count(1), default=30, help="steps per Hypothesis example")
    h.add_argument("--timeout", type=_seconds, default=5.0, help="seconds a step may take")
    h.add_argument("--traces", type=FilePath, help="write every recorded trace into this dir")
    h.add_argument("--verbose", action="store_true", help="also show what the session logs")
    h.set_defaults(handler=_guarded(_test_host))


def _count(least: int) -> Any:
    """An argparse type: an int of at least `least` (argparse makes a refusal a usage error)."""

    def parse(text: str) -> int:
        value = int(text)
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
        return value

    parse.__name__ = "integer"  # argparse names it in "invalid integer value: 'x'"
    return parse


def _seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds."""
    value = float(text)
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be a positive, finite number, got {text}")
    return value


_seconds.__name__ = "number"  # argparse names it in "invalid number value: 'x'"


def _lifecycle_options(p: argparse.ArgumentParser, *, kind: bool = True) -> None:
    if kind:
        p.add_argument(
            "--kind", choices=[k.value for k in CellKind], default=CellKind.PAUSABLE.value
        )
    p.add_argument("--definition", type=FilePath, help="your own lifecycle (definition JSON)")
    p.add_argument(
        "--context",
        choices=CONTEXTS,
        default="none",
        help="host: only steps a real cell of a host can take (default: guards are free)",
    )


def _guarded(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            code: int = handler(args)
        except CliError as err:
            print(f"codecells {args.command}: {err}", file=sys.stderr)
            return 2
        return code

    return run


def load_definition(path: FilePath) -> LifecycleDefinition:
    """A lifecycle definition from a JSON file (`LifecycleDefinition.model_dump_json()`)."""
    try:
        d = LifecycleDefinition.model_validate_json(path.read_text(encoding="utf-8"))
        validate_definition(d)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not a text file") from None
    except ValidationError as exc:
        raise CliError(f"{path} is not a lifecycle definition: {_brief(exc)}") from None
    except DefinitionError as exc:
        raise CliError(str(exc)) from None
    return d


def read_trace(name: str) -> Trace:
    """A trace from a file (or - for stdin), with a clear `CliError` when it is not one."""
    try:
        text = sys.stdin.read() if name == "-" else FilePath(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CliError(f"{name} is not a text file") from None
    try:
        return Trace.from_json(text)
    except ValidationError as exc:
        raise CliError(f"{name} is not a trace (Trace.to_json()): {_brief(exc)}") from None


def _brief(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the document"
    return f"{where}: {first['msg']} ({exc.error_count()} problem(s))"


def _which(args: argparse.Namespace, kind: str | None = None) -> Lifecycle:
    if args.definition is not None:
        return load_definition(args.definition)
    return CellKind(kind or args.kind)


def _context(args: argparse.Namespace, which: Lifecycle) -> PathContext | None:
    return HostContext(which) if args.context == "host" else None


def _paths(args: argparse.Namespace) -> int:
    which = _which(args)
    context = _context(args, which)
    found = paths(which, args.cover, context=context)
    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in found], indent=2))
        return 0
    steps = sum(len(p.steps) for p in found)
    what = {"states": "state-cover", "transitions": "transition-cover"}.get(args.cover, "simple")
    name = found[0].kind.value if found else str(which)
    print(f"{name}: {len(found)} {what} paths, {steps} steps")
    for n, path in enumerate(found, 1):
        rows = ",".join(str(s.row_index) for s in path.steps) or "-"
        print(f"{n:3}. {path}    [rows {rows}]")
    for row, reason in uncovered_rows(which, context=context).items():
        print(f"  row {row} not covered: {reason}")
    return 0


def _check_trace(args: argparse.Namespace) -> int:
    trace = read_trace(args.trace)
    which = _which(args, trace.kind.value)
    try:
        report = check_trace(
            which, trace, context=_context(args, which), require_final=args.require_final
        )
    except TraceError as err:
        print(f"{trace.kind.value} trace does not conform: {err}")
        return 1
    ended = " or ".join(sorted(s.value for s in report.states))
    print(f"{trace.kind.value} trace conforms: {len(report.rows)} steps, ends in {ended}")
    return 0


def _coverage(args: argparse.Namespace) -> int:
    traces = [read_trace(name) for name in args.traces]
    kinds = sorted({t.kind for t in traces})
    lifecycles: list[Lifecycle] = [load_definition(args.definition)] if args.definition else []
    lifecycles = lifecycles or list(kinds)
    for which in lifecycles:
        try:
            cov = coverage_of(which, traces)
        except TraceError as err:
            raise CliError(f"a trace does not conform: {err}") from None
        print(cov.text())
        if args.out is not None:
            from ..diagrams.render import write_coverage

            for path in write_coverage(args.out, cov):
                print(path)
    return 0


def _test_host(args: argparse.Namespace) -> int:
    from .suite import FactoryError, load_factory, run_host_suite

    try:
        factory = load_factory(args.factory)
    except ValueError as exc:
        raise CliError(f"cannot load {args.factory}: {exc}") from None
    kinds = tuple(CellKind(k) for k in args.kind or [k.value for k in CellKind])
    if not args.verbose:  # the report says what went wrong; the session's own warnings repeat it
        logging.getLogger("codecells").setLevel(logging.ERROR)
    try:
        report = run_host_suite(
            factory,
            lifecycles=kinds,
            examples=args.examples,
            steps=args.steps,
            timeout=args.timeout,
        )
    except (ImportError, FactoryError) as exc:
        raise CliError(str(exc)) from None
    print(report.text())
    if args.traces is not None:
        args.traces.mkdir(parents=True, exist_ok=True)
        for n, trace in enumerate(report.traces, 1):
            (args.traces / f"{trace.kind.value}-{n}.json").write_text(trace.to_json())
    return 0 if report.ok else 1
