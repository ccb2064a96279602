"""Write diagrams to files: DOT and Mermaid text directly, SVG and PNG through Graphviz `dot`."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Protocol

from ..fsm import LifecycleDefinition, Trace
from ..kinds import CellKind
from .doc import embed
from .dot import compare_dot, to_dot
from .markdown import to_markdown
from .mermaid import to_mermaid

__all__ = [
    "BOTH",
    "REGENERATE",
    "TABLES_FILE",
    "DotNotFoundError",
    "Format",
    "committed_texts",
    "render",
    "write_coverage",
    "write_diagrams",
]

Which = CellKind | str | LifecycleDefinition
"""A kind, `BOTH`, or a lifecycle definition of your own."""

BOTH = "both"
"""Pass as the kind to draw both kinds side by side."""
REGENERATE = "codecells diagrams --out docs/diagrams --doc docs/lifecycle.md"
"""The command that regenerates the committed diagrams and the generated blocks of the docs."""
TABLES_FILE = "lifecycle-tables.md"
"""The generated Markdown tables, written beside the diagrams."""
INSTALL_DOT = (
    "Graphviz 'dot' is needed for SVG/PNG and was not found on PATH; install it with "
    "'apt-get install graphviz' (Debian/Ubuntu; scripts/setup.sh does it) or 'brew install graphviz'"
)

Format = Literal["dot", "svg", "png", "mmd"]


class DotNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not installed; the message says how to install it."""


def _text(
    which: Which, fmt: Format, trace: Trace | None, coverage: Mapping[int, int] | None
) -> str:
    if isinstance(which, str) and which == BOTH:
        if fmt == "mmd" or trace is not None or coverage is not None:
            raise ValueError("the side-by-side diagram exists only as dot, svg or png, unmarked")
        return compare_dot()
    if fmt == "mmd":
        return to_mermaid(which)
    return to_dot(which, trace=trace, coverage=coverage)


def render(
    which: Which,
    fmt: Format,
    path: Path | str,
    *,
    trace: Trace | None = None,
    coverage: Mapping[int, int] | None = None,
) -> Path:
    """Write the diagram of a kind, a definition (or `BOTH`) as `fmt` to `path`, optionally
    with a trace or coverage overlay; `DotNotFoundError` when an image format needs `dot` and
    it is missing."""
    path = Path(path)
    text = _text(which, fmt, trace, coverage)
    if fmt in ("dot", "mmd"):
        path.write_text(text, encoding="utf-8")
        return path
    exe = shutil.which("dot")
    if exe is None:
        raise DotNotFoundError(INSTALL_DOT)
    image = subprocess.run(
        [exe, f"-T{fmt}"], input=text.encode(), capture_output=True, check=True
    ).stdout
    path.write_bytes(image)
    return path


def committed_texts() -> dict[str, str]:
    """The text files of ``docs/diagrams`` by name, as the definitions generate them now."""
    texts = {TABLES_FILE: to_markdown(REGENERATE), f"{BOTH}.dot": compare_dot()}
    for k in CellKind:
        texts[f"{k.value}.dot"] = to_dot(k)
        texts[f"{k.value}.mmd"] = to_mermaid(k)
    return texts


class CoverageLike(Protocol):
    """What a coverage overlay needs (`codecells.testing.Coverage` is one)."""

    @property
    def definition(self) -> LifecycleDefinition: ...

    @property
    def rows(self) -> Mapping[int, int]: ...


def write_coverage(out: Path | str, coverage: CoverageLike) -> list[Path]:
    """Write ``<kind>-coverage.{dot,svg}`` into `out`: the lifecycle with the rows `coverage`
    took counted and the rows never taken struck through and dashed. The DOT file is written
    even when Graphviz is missing (then `DotNotFoundError`)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    d = coverage.definition
    stem = out / f"{d.kind.value}-coverage"
    rows = dict(coverage.rows)
    return [render(d, fmt, stem.with_suffix(f".{fmt}"), coverage=rows) for fmt in ("dot", "svg")]


def write_diagrams(
    out: Path | str,
    *,
    trace: Trace | None = None,
    doc: Path | str | None = None,
    definition: LifecycleDefinition | None = None,
) -> list[Path]:
    """Write every diagram (or, with `trace`, its kind's overlay; with `definition`, that
    lifecycle's diagrams) into `out` and refresh the generated blocks of `doc`; the text files
    first, so that a `DotNotFoundError` for the images leaves them written."""
    out = Path(out)
    if definition is not None:
        out.mkdir(parents=True, exist_ok=True)
        own = out / definition.kind.value
        fmts_own: tuple[Format, ...] = ("dot", "mmd", "svg", "png")
        return [render(definition, f, own.with_suffix(f".{f}")) for f in fmts_own]
    if doc is not None:
        doc = Path(doc)
        doc.write_text(embed(doc.read_text(encoding="utf-8"), committed_texts()), "utf-8")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if trace is not None:
        stem = f"{trace.kind.value}-trace"
        written.append(render(trace.kind, "dot", out / f"{stem}.dot", trace=trace))
        images: list[tuple[Which, Path]] = [(trace.kind, out / stem)]
    else:
        for name, text in committed_texts().items():
            (out / name).write_text(text, encoding="utf-8")
            written.append(out / name)
        images = [(k, out / k.value) for k in CellKind] + [(BOTH, out / BOTH)]
    fmts: tuple[Format, ...] = ("svg", "png")
    for which, stem_path in images:
        for fmt in fmts:
            written.append(render(which, fmt, stem_path.with_suffix(f".{fmt}"), trace=trace))
    return written
