"""The error texts a cell ends with when it breaks a limit or throws."""

from __future__ import annotations

import re

from .protocol import EngineLimits

__all__ = [
    "DEFAULT_STACK_BYTES",
    "MAX_STACK_BYTES",
    "cpu_limit_text",
    "engine_error_text",
    "is_interrupt",
    "memory_limit_text",
    "output_limit_text",
    "script_error_text",
    "stack_limit_text",
    "tool_input_limit_text",
]

MAX_STACK_BYTES = 6 * 1024 * 1024
"""Largest stack limit honoured: worker threads have 8 MB of C stack (see runner)."""
DEFAULT_STACK_BYTES = 4 * 1024 * 1024
"""The engine's stack limit when `EngineLimits.stack` is None (QuickJS's own 1 MB default
allows only ~600 nested calls; 4 MB allows ~2,400)."""
_UNLOADABLE_MODULE = re.compile(r"ReferenceError: could not load module '(.*)'")
_SPECIFIER = re.compile(r"""\b(?:from|import)\s*\(?\s*(["'])(.*?)\1""")
_OUT_OF_MEMORY = "InternalError: out of memory"
_STACK_OVERFLOW = "RangeError: Maximum call stack size exceeded"


def cpu_limit_text(limits: EngineLimits) -> str:
    """The error text for a cell that used up its CPU budget."""
    return (
        f"cpu_time_limit exceeded: the cell used more than {limits.cpu_time} s "
        "of JavaScript CPU time"
    )


def memory_limit_text(limits: EngineLimits) -> str:
    """The error text for a cell that ran out of memory."""
    if limits.memory is None:
        return "memory_limit exceeded: the JavaScript engine ran out of memory"
    return (
        f"memory_limit exceeded: the cell used more than {limits.memory} bytes of JavaScript memory"
    )


def tool_input_limit_text(limits: EngineLimits) -> str:
    """The error text for a cell whose outstanding tool calls' inputs, held by the host until
    each call is answered, outgrew its memory limit (counted in characters of their JSON)."""
    return (
        f"memory_limit exceeded: the cell's outstanding tool calls held more than {limits.memory}"
        " characters of input (await some before making more)"
    )


def output_limit_text(limit: int) -> str:
    """The error of a cell whose undelivered output outgrew `SessionConfig.output_limit`."""
    return (
        f"output_limit exceeded: the cell produced more than {limit} bytes of output "
        "not yet delivered"
    )


def stack_limit_text(limits: EngineLimits) -> str:
    """The error text for a cell whose call stack overflowed."""
    size = limits.stack if limits.stack is not None else DEFAULT_STACK_BYTES
    size = min(size, MAX_STACK_BYTES)
    return (
        f"stack_limit exceeded: the cell's JavaScript call stack grew beyond {size} bytes "
        "(Maximum call stack size exceeded)"
    )


def is_interrupt(message: str) -> bool:
    """True for the uncatchable error QuickJS raises when its interrupt handler fires.

    Only for errors that escaped an entry into JavaScript: the prelude catches everything cell
    code throws, so only the engine's own errors escape (docs/engine.md, security model)."""
    return message.startswith("InternalError: interrupted")


def _written_specifier(resolved: str, source: str) -> str:
    """The specifier as written in `source` that QuickJS resolved to `resolved` (it drops
    leading "./" segments relative to the unnamed main module)."""
    for match in _SPECIFIER.finditer(source):
        written = match.group(2)
        stripped = written
        while stripped.startswith("./"):
            stripped = stripped[2:]
        if resolved in (written, stripped):
            return written
    return resolved


def script_error_text(text: str, source: str = "") -> str:
    """The script's own failure as the cell reports it (`String(error)` and its stack, built by
    the prelude). Imports get the contract's text; limits are never read from this text."""
    text = text.rstrip("\n")
    unloadable = _UNLOADABLE_MODULE.match(text)
    if unloadable:
        return f"Unsupported import in exec: {_written_specifier(unloadable.group(1), source)}"
    return text


def engine_error_text(raw: str, limits: EngineLimits, source: str = "") -> str:
    """An error that escaped an entry into JavaScript, which only the engine's own errors can:
    out of memory or stack overflow get the limit's text."""
    if raw.startswith(_OUT_OF_MEMORY):
        return memory_limit_text(limits)
    if raw.startswith(_STACK_OVERFLOW):
        return stack_limit_text(limits)
    return script_error_text(raw, source)
