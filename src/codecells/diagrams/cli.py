"""The `codecells diagrams` subcommand: write the lifecycle diagrams, or a trace overlay."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..fsm import Trace
from .render import DotNotFoundError, write_diagrams

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add this package's subcommands to the `codecells` parser."""
    p = sub.add_parser(
        "diagrams",
        help="draw the cell lifecycles (DOT, SVG, PNG, Mermaid) from their definitions",
        description="Write continuing.*, pausable.* and both.* (side by side) into --out (default: "
        "the current directory); with --trace, write <kind>-trace.{dot,svg,png} highlighting "
        "that recorded run; with --definition, the diagrams of your own lifecycle.",
    )
    p.add_argument(
        "--out", type=Path, default=Path("."), help="output directory (default: current)"
    )
    p.add_argument("--definition", type=Path, help="your own lifecycle (definition JSON)")
    p.add_argument(
        "--doc", type=Path, help="a Markdown file whose GENERATED blocks to refresh (in place)"
    )
    p.add_argument("--trace", type=Path, help="a trace JSON file (codecells.fsm.Trace) to overlay")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    trace = definition = None
    if args.definition is not None:
        from ..testing.cli import CliError, load_definition

        try:
            definition = load_definition(args.definition)
        except CliError as e:
            print(f"codecells diagrams: {e}", file=sys.stderr)
            return 2
    if args.trace is not None:
        try:
            trace = Trace.from_json(args.trace.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"codecells diagrams: cannot read trace {args.trace}: {e}", file=sys.stderr)
            return 2
    try:
        written = write_diagrams(args.out, trace=trace, doc=args.doc, definition=definition)
    except DotNotFoundError as e:
        print(f"codecells diagrams: wrote the text files in {args.out}, but {e}", file=sys.stderr)
        return 3
    except (OSError, KeyError, ValueError) as e:
        print(f"codecells diagrams: {e}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0
