"""Keep generated blocks of a Markdown document (e.g. docs/lifecycle.md) up to date.

A block is written as ``<!-- BEGIN GENERATED name -->`` ... ``<!-- END GENERATED name -->``;
its body is the generated text `name` (a ``.mmd`` file is fenced as a ``mermaid`` block).
"""

from __future__ import annotations

import re

__all__ = ["embed"]

_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED (?P<name>[\w.-]+) -->\n)(?:.*?\n)?(<!-- END GENERATED (?P=name) -->)",
    re.DOTALL,
)


def _body(name: str, text: str) -> str:
    fence = "mermaid" if name.endswith(".mmd") else ""
    return f"```{fence}\n{text.rstrip()}\n```"


def embed(document: str, texts: dict[str, str]) -> str:
    """`document` with every generated block replaced by the current `texts[name]`;
    `KeyError` names a block whose text is unknown."""

    def replace(m: re.Match[str]) -> str:
        return m.group(1) + _body(m.group("name"), texts[m.group("name")]) + "\n" + m.group(3)

    return _BLOCK.sub(replace, document)
