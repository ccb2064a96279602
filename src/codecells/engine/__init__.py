"""The QuickJS engine: one cell's JavaScript, limits, and the host<->engine protocol."""

from .interrupt import fallback_only, memory_interrupts
from .quickjs_engine import QuickJSEngine
from .runner import run_step

__all__ = ["QuickJSEngine", "fallback_only", "memory_interrupts", "run_step"]
