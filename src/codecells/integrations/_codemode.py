"""What every framework adapter needs from a session: its `CodeMode`, and the descriptions of
``exec`` and ``wait`` exactly as `CodeMode` tells the model."""

from __future__ import annotations

from collections.abc import Mapping

from ..agent import CodeMode, ToolStyle
from ..session import Session
from ._extra import describe

__all__ = ["as_code_mode", "descriptions"]


def as_code_mode(
    target: Session | CodeMode, namespaces: Mapping[str, str] | None, adapter: str
) -> CodeMode:
    """`target` as a `CodeMode` (a session gets one describing its tools and `namespaces`)."""
    if isinstance(target, CodeMode):
        if namespaces is not None:
            raise TypeError(f"{adapter}: pass namespaces to CodeMode(...) itself, not here")
        return target
    if isinstance(target, Session):
        return CodeMode(target, namespaces=namespaces)
    raise TypeError(f"{adapter} expects a codecells.Session or CodeMode, got {describe(target)}")


def descriptions(code_mode: CodeMode) -> dict[str, str]:
    """``{"exec": ..., "wait": ...}`` for a function-style ``exec`` (a ``code`` argument), as
    `CodeMode.tool_specs` gives them (a large catalog listed by name only, console rule, …)."""
    return {spec["name"]: spec["description"] for spec in code_mode.tool_specs(ToolStyle.ANTHROPIC)}
