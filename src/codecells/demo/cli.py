"""The `codecells demo` subcommand(s). (Placeholder: filled in by its own issue.)"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add this package's subcommands to the `codecells` parser."""
    _ = sub, argparse
