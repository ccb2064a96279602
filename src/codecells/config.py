"""Session configuration and per-cell limits (CONTRACT §8)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SessionConfig"]


class SessionConfig(BaseModel):
    """Defaults and limits that apply to every cell of a session."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default_yield_after: float = Field(10.0, gt=0, description="seconds `wait()` waits by default")
    cpu_time_limit: float | None = Field(
        30.0, gt=0, description="seconds of JavaScript CPU time per cell (None: unlimited)"
    )
    memory_limit: int | None = Field(
        256 * 1024 * 1024, gt=0, description="bytes of JavaScript heap per cell (None: unlimited)"
    )
    stack_limit: int | None = Field(
        1024 * 1024, gt=0, description="bytes of JavaScript stack per cell (None: engine default)"
    )
    console: bool = Field(False, description="expose `console.*`, mapped to text items")
    suspend_idle_after: float | None = Field(
        None,
        gt=0,
        description="durable sessions: suspend pausable cells held at a frontier this many "
        "seconds (None: never automatically)",
    )
