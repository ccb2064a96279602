"""Markdown tables of both kinds' lifecycles: states, guards, every transition and refusal."""

from __future__ import annotations

from ..fsm import Guard, State, Trigger, definition
from ..kinds import CellKind
from .graph import guard_text

__all__ = ["to_markdown"]

_KINDS = (CellKind.CONTINUING, CellKind.PAUSABLE)


def _kinds_cell(present: tuple[bool, ...]) -> str:
    return (
        "both" if all(present) else next(k.value for k, p in zip(_KINDS, present, strict=True) if p)
    )


def to_markdown(regenerate: str) -> str:
    """The lifecycle tables of both kinds; `regenerate` is the command named in the header."""
    defs = [definition(k) for k in _KINDS]
    first = defs[0]
    states, triggers = list(State), list(Trigger)
    out = [
        "# Cell lifecycle tables",
        "",
        f"Generated from `codecells.fsm.definition(kind)` by `{regenerate}`; do not edit.",
        "",
        "## States",
        "",
        "| state | role | meaning |",
        "| --- | --- | --- |",
    ]
    for s in first.states:
        role = "initial" if s == first.initial else "final" if s in first.final_states else ""
        out.append(f"| `{s.value}` | {role} | {first.state_descriptions.get(s, '')} |")
    guards = {g: text for d in defs for g, text in d.guard_descriptions.items()}
    out += ["", "## Guards", "", "| guard | holds when |", "| --- | --- |"]
    out += [f"| `{g.value}` | {guards[g]} |" for g in Guard if g in guards]
    rows = list(dict.fromkeys(t for d in defs for t in d.transitions))
    rows.sort(
        key=lambda t: (
            states.index(t.source),
            triggers.index(t.trigger),
            0 if t in defs[0].transitions else 1,
        )
    )
    out += [
        "",
        "## Transitions",
        "",
        "Rows for the same state and trigger are tried top to bottom within a kind; the first",
        "whose guards hold is taken (`!guard`: taken only when the guard fails). The guards shown",
        "are the effective ones: a row's own, and the negated guards of the earlier rows that",
        "must fail for it to be taken.",
        "",
        "| in | trigger | guards | goes to | kinds | effects | what happens |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in rows:
        dest = "(stays)" if t.internal else f"`{t.dest.value}`"
        texts = {guard_text(d, t): d.kind.value for d in defs if t in d.transitions}
        if len(texts) == 1:
            guard = f"`{next(iter(texts))}`" if next(iter(texts)) else ""
        else:
            guard = " / ".join(f"`{g or '-'}` ({k})" for g, k in texts.items())
        effects = ", ".join(f"`{e.value}`" for e in t.effects)
        kinds = _kinds_cell(tuple(t in d.transitions for d in defs))
        out.append(
            f"| `{t.source.value}` | `{t.trigger.value}` | {guard} | {dest} | {kinds} "
            f"| {effects} | {t.description} |"
        )
    refusals = list(dict.fromkeys(r for d in defs for r in d.rejections))
    out += [
        "",
        "## Refused requests",
        "",
        "A control request that matches no row is refused with this error.",
        "",
        "| in | request | error | kinds | why |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in refusals:
        kinds = _kinds_cell(tuple(r in d.rejections for d in defs))
        out.append(
            f"| `{r.source.value}` | `{r.trigger.value}` | `{r.error.value}` | {kinds} "
            f"| {r.description} |"
        )
    return "\n".join(out) + "\n"
