"""Sessions and cell handles (CONTRACT §3). Placeholder until the session issue lands."""

from __future__ import annotations

from typing import Any


class Session:
    """Placeholder."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("codecells.Session is being built (issue 4)")


class Cell:
    """Placeholder."""


class PausableCell:
    """Placeholder."""


class Delegate:
    """Placeholder."""
