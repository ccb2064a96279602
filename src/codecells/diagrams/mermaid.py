"""Mermaid ``stateDiagram-v2`` text for one kind's lifecycle."""

from __future__ import annotations

from ..fsm import LifecycleDefinition, TransitionSpec, definition
from ..kinds import CellKind
from .graph import edges, guard_text, internal_rows, kind_only

__all__ = ["to_mermaid"]


def _label(d: LifecycleDefinition, t: TransitionSpec, only: frozenset[TransitionSpec]) -> str:
    text = " ".join(p for p in (t.trigger.value, guard_text(d, t)) if p)
    if t.effects:
        text += " / " + ", ".join(e.value for e in t.effects)
    return text + (" *" if t in only else "")


def to_mermaid(kind: CellKind | str | LifecycleDefinition) -> str:
    """`kind`'s lifecycle as Mermaid: ``[*] -->`` the initial state, finals ``--> [*]``, one
    arrow per state-changing row, internal transitions and refusals in a note on their state.
    Rows only this kind has end with ``*``."""
    d = kind if isinstance(kind, LifecycleDefinition) else definition(CellKind(kind))
    only = kind_only(d)
    out = [
        "---",
        f"title: {d.kind.value} cell lifecycle (rows marked * exist only in {d.kind.value})",
        "---",
        "stateDiagram-v2",
        "    direction TB",
    ]
    out.append(f"    [*] --> {d.initial.value}")
    for e in edges(d):
        out += [f"    {e.source.value} --> {e.dest.value} : {_label(d, t, only)}" for t in e.rows]
    out += [f"    {s.value} --> [*]" for s in d.final_states]
    for s in d.states:
        rows = internal_rows(d, s)
        refusals = [r for r in d.rejections if r.source == s]
        if not rows and not refusals:
            continue
        out.append(f"    note right of {s.value}")
        if rows:
            out.append("        internal (state kept):")
            out += [f"        {_label(d, t, only)}" for t in rows]
        out += [f"        refuses {r.trigger.value}: {r.error.value}" for r in refusals]
        out.append("    end note")
    return "\n".join(out) + "\n"
