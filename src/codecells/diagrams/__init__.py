"""Lifecycle diagrams generated from `codecells.fsm.definition(kind)`.

>>> from codecells.diagrams import to_dot, to_mermaid, compare_dot
>>> to_mermaid("pausable").splitlines()[3]
'stateDiagram-v2'
"""

from __future__ import annotations

from .doc import embed
from .dot import KIND_COLOURS, compare_dot, to_dot
from .markdown import to_markdown
from .mermaid import to_mermaid
from .render import BOTH, REGENERATE, DotNotFoundError, committed_texts, render, write_diagrams

__all__ = [
    "BOTH",
    "KIND_COLOURS",
    "REGENERATE",
    "DotNotFoundError",
    "committed_texts",
    "compare_dot",
    "embed",
    "render",
    "to_dot",
    "to_markdown",
    "to_mermaid",
    "write_diagrams",
]
