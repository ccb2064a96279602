"""``codecells run FILE.js``: run a script in a cell and stream its output."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

from ..tools import ToolDefinition
from .run import run_script
from .tooldefs import Tool

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``run`` to the ``codecells`` subcommands."""
    p = sub.add_parser(
        "run",
        help="run a JavaScript file in a cell, streaming its output",
        description=(
            "Run FILE.js in a cell of a fresh session. Output items stream to stdout as they "
            "arrive; progress, notifications and the outcome go to stderr. Exits 1 when the "
            "script fails or is terminated, 2 on a usage error."
        ),
    )
    p.add_argument("file", metavar="FILE.js", help="the script; '-' reads standard input")
    p.add_argument(
        "--tools",
        metavar="MODULE:ATTR",
        help="a list of ToolDefinitions and/or functions to offer (default: the demo tools)",
    )
    p.add_argument(
        "--pausable",
        action="store_true",
        help="run a pausable cell: report every pending frontier, then resume it",
    )
    p.add_argument(
        "--yield-after",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds between output deliveries of a continuing cell (default: 1.0)",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="animate a progress line on stderr while waiting (default: if stderr is a terminal)",
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        source = _read(args.file)
        tools = _load_tools(args.tools)
    except (OSError, ImportError, ValueError) as err:
        print(f"codecells run: {err}", file=sys.stderr)
        return 2
    if not 0 < args.yield_after < math.inf:  # also refuses nan
        print(
            f"codecells run: --yield-after must be positive and finite, got {args.yield_after}",
            file=sys.stderr,
        )
        return 2
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    run = run_script(
        source,
        tools,
        pausable=args.pausable,
        yield_after=args.yield_after,
        progress=progress,
        out=sys.stdout,
        err=sys.stderr,
    )
    try:
        return asyncio.run(run)
    except KeyboardInterrupt:
        print("codecells run: interrupted", file=sys.stderr)
        return 130


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as f:
        return f.read()


def _load_tools(spec: str | None) -> Sequence[Tool]:
    """The tools named by ``MODULE:ATTR`` (importable from the working directory too)."""
    if spec is None:
        from ..demo.tools import DEMO_TOOLS

        return list(DEMO_TOOLS)
    module_name, sep, attr = spec.partition(":")
    if not (module_name and sep and attr):
        raise ValueError(f"--tools expects MODULE:ATTR, got {spec!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    value = getattr(importlib.import_module(module_name), attr, None)
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(t, ToolDefinition) or callable(t) for t in value
    ):
        raise ValueError(f"{spec} must be a list of ToolDefinitions and/or functions")
    return list(value)
