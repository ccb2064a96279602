"""``codecells run FILE.js`` runs a script in a cell and streams its output;
``codecells describe`` prints the tool definitions a model is given."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

from ..function_tools import bind_tool
from ..loading import load_attribute
from ..tools import refuse_name_clashes
from .catalog import DEFAULT_CATALOG_THRESHOLD, with_tool_catalog
from .run import run_script
from .specs import ToolStyle, tool_specs
from .tooldefs import Tool

__all__ = ["register"]


_STYLES = {
    "openai": ToolStyle.OPENAI_CHAT,
    "responses": ToolStyle.OPENAI_RESPONSES,
    "anthropic": ToolStyle.ANTHROPIC,
}


def register(sub: Any) -> None:
    """Add ``run`` and ``describe`` to the ``codecells`` subcommands."""
    _register_describe(sub)
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


def _register_describe(sub: Any) -> None:
    p = sub.add_parser(
        "describe",
        help="print the exec and wait tool definitions exactly as the model reads them",
        description=(
            "Print the code-mode tool definitions (exec and wait) for a list of tools: each "
            "tool's name, kind and description verbatim, then its parameters' JSON Schema; "
            "or, with --json, the definitions exactly as they are sent to the API. Past the "
            "catalog threshold the tools get the catalog tools, as `with_tool_catalog` gives."
        ),
    )
    p.add_argument(
        "--tools",
        metavar="MODULE:ATTR",
        help="a list of ToolDefinitions and/or functions (default: the demo tools)",
    )
    p.add_argument(
        "--style",
        choices=sorted(_STYLES),
        default="openai",
        help="openai (Chat Completions), responses (Responses API) or anthropic (default: openai)",
    )
    p.add_argument(
        "--catalog-threshold",
        type=int,
        default=DEFAULT_CATALOG_THRESHOLD,
        metavar="N",
        help=f"list names and summaries only beyond N tools (default: {DEFAULT_CATALOG_THRESHOLD})",
    )
    p.add_argument("--json", action="store_true", help="print the definitions as JSON")
    p.set_defaults(handler=_describe)


def _describe(args: argparse.Namespace) -> int:
    try:
        tools = with_tool_catalog(_load_tools(args.tools), threshold=args.catalog_threshold)
    except (ImportError, ValueError) as err:
        print(f"codecells describe: {err}", file=sys.stderr)
        return 2
    specs = tool_specs(tools, style=_STYLES[args.style], catalog_threshold=args.catalog_threshold)
    if args.json:
        print(json.dumps(specs, indent=2, ensure_ascii=False))
        return 0
    for spec in specs:
        body = spec.get("function", spec)
        kind = spec.get("type", "function")
        print(f"===== {body['name']} ({kind} tool) =====")
        print(body["description"])
        schema = body.get("parameters", body.get("input_schema"))
        if schema is not None:
            strict = f", strict: {str(body['strict']).lower()}" if "strict" in body else ""
            print(f"\n----- parameters (JSON Schema{strict}) -----")
            print(json.dumps(schema, indent=2, ensure_ascii=False))
        print()
    return 0


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
    try:
        value = load_attribute(spec)
    except ValueError as err:
        raise ValueError(f"--tools {err}") from None
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{spec} must be a list of ToolDefinitions and/or functions")
    try:  # refused here as the session would refuse them: a usage error, not a traceback
        refuse_name_clashes(bind_tool(t).definition for t in value)
    except TypeError as err:
        raise ValueError(f"{spec}: {err}") from None
    return list(value)
