"""The QuickJS engine: one cell's JavaScript, limits, and the host<->engine protocol."""

from .binding import fallback_only
from .interrupt import memory_interrupts
from .quickjs_engine import QuickJSEngine
from .runner import run_step

__all__ = ["QuickJSEngine", "fallback_only", "memory_interrupts", "run_step"]
