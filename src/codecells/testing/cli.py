"""The `codecells paths` and `codecells check-trace` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path as FilePath
from typing import Any

from ..fsm import Trace
from ..kinds import CellKind
from .conformance import TraceError, check_trace
from .paths import Cover, paths, uncovered_rows


def register(sub: Any) -> None:
    """Add this package's subcommands to the `codecells` parser."""
    p = sub.add_parser("paths", help="print the test paths generated from a lifecycle")
    p.add_argument("--kind", choices=[k.value for k in CellKind], default=CellKind.PAUSABLE.value)
    p.add_argument("--cover", choices=[c.value for c in Cover], default=Cover.TRANSITIONS.value)
    p.add_argument("--json", action="store_true", help="print the paths as JSON")
    p.set_defaults(handler=_paths)
    t = sub.add_parser("check-trace", help="check a recorded trace (JSON) against its lifecycle")
    t.add_argument("trace", help="a file written by Trace.to_json(), or - for stdin")
    t.add_argument("--require-final", action="store_true", help="the trace must end final")
    t.set_defaults(handler=_check_trace)


def _paths(args: argparse.Namespace) -> int:
    found = paths(args.kind, args.cover)
    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in found], indent=2))
        return 0
    steps = sum(len(p.steps) for p in found)
    what = {"states": "state-cover", "transitions": "transition-cover"}.get(args.cover, "simple")
    print(f"{args.kind}: {len(found)} {what} paths, {steps} steps")
    for n, path in enumerate(found, 1):
        rows = ",".join(str(s.row_index) for s in path.steps) or "-"
        print(f"{n:3}. {path}    [rows {rows}]")
    for row, reason in uncovered_rows(args.kind).items():
        print(f"  row {row} not covered: {reason}")
    return 0


def _check_trace(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.trace == "-" else FilePath(args.trace).read_text()
    trace = Trace.from_json(text)
    try:
        report = check_trace(trace.kind, trace, require_final=args.require_final)
    except TraceError as err:
        print(f"{trace.kind.value} trace does not conform: {err}")
        return 1
    ended = " or ".join(sorted(s.value for s in report.states))
    print(f"{trace.kind.value} trace conforms: {len(report.rows)} steps, ends in {ended}")
    return 0
