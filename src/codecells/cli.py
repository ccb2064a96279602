"""The ``codecells`` command. Each subcommand lives beside the code it drives."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from .agent import cli as agent_cli
    from .demo import cli as demo_cli
    from .diagrams import cli as diagrams_cli
    from .integrations import cli as integrations_cli
    from .testing import cli as testing_cli

    parser = argparse.ArgumentParser(
        prog="codecells", description="Code mode for AI agents: JavaScript cells in QuickJS."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (demo_cli, diagrams_cli, testing_cli, agent_cli, integrations_cli):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``codecells`` command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`codecells paths | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
