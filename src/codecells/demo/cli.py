"""``codecells demo``: the README's main job — demo cells, then the lifecycle diagrams."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``codecells demo`` to the command line."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo", help="run demo cells with built-in demo tools, then render the diagrams"
    )
    parser.add_argument("--out", default="out/diagrams", help="where the diagrams go")
    parser.add_argument("--no-diagrams", action="store_true", help="only run the demo cells")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..cli import main as cli_main
    from .run import main

    ok = main()
    if not args.no_diagrams:
        print(f"lifecycle diagrams -> {args.out}")
        code = cli_main(["diagrams", "--out", args.out])
        ok = ok and code == 0
    return 0 if ok else 1
