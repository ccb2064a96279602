"""Graphviz DOT text for one kind's lifecycle, both kinds side by side, or a trace overlay.

Each non-final state is a box whose lower compartment lists its internal transitions (they keep
the state) and the requests it refuses; final states are double circles; a point marks the start.
State-changing rows between the same two states share one edge, one line per row:
``trigger [guard, !unless_guard] / effects``. Rows only one kind has are drawn in that kind's
colour; trace overlays fill visited states and thicken taken edges, with visit counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from ..fsm import LifecycleDefinition, State, Trace, TransitionSpec, definition
from ..kinds import CellKind
from .graph import Edge, TraceCounts, edges, guard_text, internal_rows, kind_only

__all__ = ["KIND_COLOURS", "compare_dot", "to_dot"]

KIND_COLOURS: dict[CellKind, str] = {CellKind.CONTINUING: "#1565c0", CellKind.PAUSABLE: "#c62828"}
"""The ink of each kind: its frame, title and the rows only it has."""
_KIND_FILLS = {CellKind.CONTINUING: "#eef4fb", CellKind.PAUSABLE: "#fdf0ee"}
_SHARED = "#37474f"
_MUTED = "#78909c"
_TRACE = "#2e7d32"
_TRACE_FILL = "#dcedc8"
_FONT = "Helvetica"


def _q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _h(text: str) -> str:
    return escape(text, quote=True)


class _Style:
    """Colours and counts for drawing one kind, optionally with a trace."""

    def __init__(
        self, d: LifecycleDefinition, counts: TraceCounts | None, coverage: bool = False
    ) -> None:
        self.d = d
        self.only = kind_only(d)
        self.counts = counts
        self.coverage = coverage
        self.ink = KIND_COLOURS[d.kind]

    def never(self, t: TransitionSpec) -> bool:
        """A coverage overlay and the row was never taken."""
        return self.coverage and not self.taken(t)

    def node(self, s: State) -> str:
        return f"{self.d.kind.value}_{s.value}"

    def row_html(self, t: TransitionSpec) -> str:
        """One row as an HTML line: trigger, guards, effects, trace count."""
        colour = self.ink if t in self.only else _SHARED
        text = _h(" ".join(p for p in (t.trigger.value, guard_text(self.d, t)) if p))
        if self.never(t):
            colour, text = _MUTED, f"<S>{text}</S>"
        line = f'<FONT COLOR="{colour}">{"<B>" + text + "</B>" if t in self.only else text}</FONT>'
        if t.effects:
            effects = _h(" / " + ", ".join(e.value for e in t.effects))
            line += f'<FONT POINT-SIZE="9" COLOR="{_MUTED}">{effects}</FONT>'
        if self.taken(t):
            line += f'<FONT COLOR="{_TRACE}"><B> &#215;{self.taken(t)}</B></FONT>'
        return line

    def taken(self, t: TransitionSpec) -> int:
        """How often the trace took `t` (0 without a trace)."""
        return self.counts.taken(t) if self.counts else 0


def _state_node(st: _Style, s: State) -> str:
    d = st.d
    visits = st.counts.states[s] if st.counts else 0
    fill = _TRACE_FILL if visits else "white"
    title = f"<B>{_h(s.value)}</B>" + (
        f'<FONT COLOR="{_TRACE}"><B> &#215;{visits}</B></FONT>' if visits else ""
    )
    tooltip = _q(d.state_descriptions.get(s, s.value))
    if s in d.final_states:
        border = _TRACE if visits else _SHARED
        return (
            f"{st.node(s)} [shape=doublecircle, style=filled, fillcolor={_q(fill)}, "
            f"color={_q(border)}, label=<{title}>, tooltip={tooltip}];"
        )
    cells = [f'<TR><TD BGCOLOR="{fill}" CELLPADDING="6">{title}</TD></TR>']
    rows = internal_rows(d, s)
    if rows:
        cells.append("<HR/>")
        cells.append(
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{_MUTED}">'
            "<I>internal (state kept)</I></FONT></TD></TR>"
        )
        for t in rows:
            bg = f' BGCOLOR="{_TRACE_FILL}"' if st.taken(t) else ""
            cells.append(
                f'<TR><TD ALIGN="LEFT"{bg} HREF="#" TOOLTIP="{_h(t.description)}">'
                f"{st.row_html(t)}</TD></TR>"
            )
    refusals = [r for r in d.rejections if r.source == s]
    if refusals:
        cells.append("<HR/>")
        for r in refusals:
            cells.append(
                f'<TR><TD ALIGN="LEFT" HREF="#" TOOLTIP="{_h(r.description)}">'
                f'<FONT POINT-SIZE="9" COLOR="{_MUTED}">refuses {_h(r.trigger.value)}: '
                f"{_h(r.error.value)}</FONT></TD></TR>"
            )
    border = _TRACE if visits else _SHARED
    table = (
        f'<TABLE BORDER="{2 if visits else 1}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
        f'STYLE="ROUNDED" BGCOLOR="white" COLOR="{border}">' + "".join(cells) + "</TABLE>"
    )
    return f"{st.node(s)} [shape=plain, label=<{table}>, tooltip={tooltip}];"


def _edge(st: _Style, e: Edge) -> str:
    lines = "".join(f'<TR><TD ALIGN="LEFT">{st.row_html(t)}</TD></TR>' for t in e.rows)
    label = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{lines}</TABLE>'
    taken = sum(st.taken(t) for t in e.rows)
    only = all(t in st.only for t in e.rows)
    colour = _TRACE if taken else (st.ink if only else _SHARED)
    width = 3 if taken else (2 if only else 1)
    dashed = ", style=dashed" if st.coverage and not taken else ""
    colour = _MUTED if dashed else colour
    tip = _q("\n".join(f"{t.trigger.value}: {t.description}" for t in e.rows))
    return (
        f"{st.node(e.source)} -> {st.node(e.dest)} [label=<{label}>, color={_q(colour)}, "
        f"penwidth={width}{dashed}, tooltip={tip}, labeltooltip={tip}];"
    )


def _cluster(
    d: LifecycleDefinition, counts: TraceCounts | None, title: str, coverage: bool = False
) -> list[str]:
    kind = d.kind
    st = _Style(d, counts, coverage)
    start = f"{kind.value}__start"
    out = [
        f"subgraph cluster_{kind.value} {{",
        (
            f'style="rounded,filled"; color={_q(st.ink)}; fillcolor={_q(_KIND_FILLS[kind])}; '
            f"penwidth=3; fontsize=22; fontcolor={_q(st.ink)}; label=<<B>{_h(title)}</B>>;"
        ),
        f'{start} [shape=point, width=0.25, color={_q(_SHARED)}, tooltip="start"];',
        (
            f"{start} -> {st.node(d.initial)} [penwidth={3 if counts else 2}, "
            f"color={_q(_TRACE if counts else _SHARED)}, "
            'tooltip="a cell starts running"];'
        ),
    ]
    out += [_state_node(st, s) for s in d.states]
    out += [_edge(st, e) for e in edges(d)]
    out.append("}")
    return out


def _legend(kinds: tuple[CellKind, ...], trace: bool, coverage: bool = False) -> str:
    def row(colour: str, text: str, bold: bool = False) -> str:
        body = f"<B>{_h(text)}</B>" if bold else _h(text)
        return f'<TR><TD ALIGN="LEFT"><FONT COLOR="{colour}">{body}</FONT></TD></TR>'

    rows = [row(_SHARED, "legend", True), row(_SHARED, "dark grey: row shared by both kinds")]
    rows += [
        row(KIND_COLOURS[k], f"{k.value} colour, bold: only {k.value} has this row", True)
        for k in kinds
    ]
    rows += [
        row(_SHARED, "trigger [guard, !unless] / effects"),
        row(_SHARED, "box compartment: internal transitions, refused requests"),
        row(_SHARED, "filled dot: start; double circle: final state"),
    ]
    if trace:
        what = "by the traces" if coverage else "in the trace"
        rows.append(row(_TRACE, f"green, xN: visited / taken N times {what}", True))
    if coverage:
        rows.append(row(_MUTED, "grey, struck through, dashed: never taken", True))
    table = (
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="white" '
        f'COLOR="{_MUTED}">' + "".join(rows) + "</TABLE>"
    )
    return f"legend [shape=plain, label=<{table}>];"


def _graph(name: str, body: list[str]) -> str:
    head = [
        f"digraph {name} {{",
        (
            f"graph [fontname={_q(_FONT)}, rankdir=TB, nodesep=0.4, ranksep=0.5, "
            'bgcolor="white", tooltip=" "];'
        ),
        f"node [fontname={_q(_FONT)}, fontsize=11];",
        f"edge [fontname={_q(_FONT)}, fontsize=10, arrowsize=0.8];",
    ]
    return "\n".join(head + body + ["}"]) + "\n"


def to_dot(
    kind: CellKind | str | LifecycleDefinition,
    *,
    trace: Trace | None = None,
    coverage: Mapping[int, int] | None = None,
) -> str:
    """The DOT source of a lifecycle (a kind or a definition of your own). With `trace`,
    visited states and taken rows are highlighted with counts (`ValueError` if the trace is of
    another kind or does not conform); with `coverage` (row index -> times taken, e.g.
    `codecells.testing.Coverage.rows`), rows never taken are struck through and their edges
    dashed."""
    d = kind if isinstance(kind, LifecycleDefinition) else definition(CellKind(kind))
    counts = TraceCounts.of(d, trace) if trace is not None else None
    if coverage is not None:
        counts = TraceCounts.of_rows(d, coverage)
    title = f"{d.kind.value} cell"
    if trace is not None:
        title += f" - trace {trace.cell_id}" if trace.cell_id else " - trace"
    if coverage is not None:
        taken = sum(1 for n in coverage.values() if n)
        title += f" - coverage {taken}/{len(d.transitions)} rows"
    body = _cluster(d, counts, title, coverage is not None)
    marked = counts is not None
    return _graph(d.kind.value, body + [_legend((d.kind,), marked, coverage is not None)])


def compare_dot() -> str:
    """The DOT source of both kinds side by side; rows only one kind has in that kind's colour."""
    kinds = (CellKind.CONTINUING, CellKind.PAUSABLE)
    body = [line for k in kinds for line in _cluster(definition(k), None, f"{k.value} cell")]
    return _graph("both", body + [_legend(kinds, False)])
