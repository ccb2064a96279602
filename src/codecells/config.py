"""Session configuration and per-cell limits (CONTRACT §8)."""

from __future__ import annotations

import math
import numbers
import sys

from pydantic import BaseModel, ConfigDict, Field

from .engine.failures import MAX_STACK_BYTES

__all__ = [
    "DEFAULT_OUTPUT_LIMIT",
    "MIN_STACK_LIMIT",
    "SessionConfig",
    "check_seconds",
    "check_yield_after",
]

DEFAULT_OUTPUT_LIMIT = 16 * 1024 * 1024
"""Bytes of undelivered output the host holds per cell by default (16 MiB)."""
MIN_STACK_LIMIT = 32 * 1024
"""Smallest `stack_limit` accepted: below about 8 KiB the engine cannot even install the
helpers, so every cell would fail with an error that names no limit."""


def check_yield_after(seconds: float) -> float:
    """`seconds` as a `yield_after`: a finite number >= 0 (0: return at once); else ValueError
    (TypeError for what is not a real number: a bool or a str is a mistake, not a duration)."""
    return check_seconds("yield_after", seconds, positive=False)


def check_seconds(name: str, seconds: object, *, positive: bool) -> float:
    """`seconds`, the argument `name`, as a float: a finite number > 0 (`positive`) or >= 0;
    else ValueError, and TypeError for what is not a real number (a bool, a str)."""
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds, got {seconds!r}")
    try:
        as_float = float(seconds)
    except OverflowError:  # an int past the largest float
        as_float = math.inf
    if not math.isfinite(as_float) or as_float < 0 or (positive and as_float == 0):
        shown = repr(seconds)
        shown = shown if len(shown) <= 40 else f"{shown[:20]}…"
        bound = (
            "a positive finite number of seconds" if positive else "a finite number of seconds >= 0"
        )
        raise ValueError(f"{name} must be {bound}, got {shown}")
    return as_float


class SessionConfig(BaseModel):
    """Defaults and limits that apply to every cell of a session.

    NaN and infinities are refused everywhere (use None for "unlimited"), and so are values of
    the wrong type (no coercion: `True` is not 1 byte, `"5"` is not 5 seconds) and sizes the
    engine cannot represent."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)

    default_yield_after: float = Field(
        10.0, ge=0, description="seconds `wait()` waits by default (0: return at once)"
    )
    cpu_time_limit: float | None = Field(
        30.0, gt=0, description="seconds of JavaScript CPU time per cell (None: unlimited)"
    )
    memory_limit: int | None = Field(
        256 * 1024 * 1024,
        gt=0,
        le=sys.maxsize,
        description=(
            "bytes of JavaScript heap per cell, and characters of input the host holds for its "
            "outstanding tool calls (None: unlimited)"
        ),
    )
    stack_limit: int | None = Field(
        1024 * 1024,
        ge=MIN_STACK_LIMIT,
        le=MAX_STACK_BYTES,  # the worker threads' C stack must hold it
        description=(
            "bytes of JavaScript stack per cell, 32 KiB to 6 MiB (None: engine default, 4 MiB)"
        ),
    )
    output_limit: int | None = Field(
        DEFAULT_OUTPUT_LIMIT,
        gt=0,
        description=(
            "bytes of undelivered output the host holds per cell (UTF-8 text and image URLs, "
            "plus 512 per item); a cell exceeding it completes with an error naming the limit "
            "(None: unlimited)"
        ),
    )
    console: bool = Field(False, description="expose `console.*`, mapped to text items")
    suspend_idle_after: float | None = Field(
        None,
        gt=0,
        description="durable sessions: suspend pausable cells held at a frontier this many "
        "seconds (None: never automatically)",
    )
