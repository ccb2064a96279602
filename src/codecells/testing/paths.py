"""Path generation in the spirit of XState's ``getShortestPaths``/``getSimplePaths``.

The graph explored has one node per (state, context). Without a `PathContext` the context is
always None and guards are free: any guard assignment a row needs is assumed producible. A
`PathContext` abstracts the history guards depend on (observers attached, generations
consumed, ...) so that only steps the real system can take are generated.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterator
from enum import StrEnum
from typing import Protocol

from ..fsm import LifecycleDefinition, State
from ._defs import Lifecycle, by_definition, lifecycle
from .model import Path, Step, dead_rows, row_steps

__all__ = [
    "Cover",
    "PathContext",
    "enabled_steps",
    "path_to_final",
    "paths",
    "shortest_paths",
    "simple_paths",
    "steps_toward_untaken",
    "transition_paths",
    "uncovered_rows",
]

DEFAULT_MAX_DEPTH = 12

Node = tuple[State, Hashable]


class Cover(StrEnum):
    """What a path set covers."""

    STATES = "states"
    """One shortest path to every reachable state."""
    TRANSITIONS = "transitions"
    """Every transition row, internal rows and guarded branches included."""
    SIMPLE = "simple"
    """Every path that visits no state twice (internal rows excluded)."""


class PathContext(Protocol):
    """The history guards depend on, as hashable values (keep the set of values finite)."""

    def initial(self) -> Hashable:
        """The context of a fresh system."""

    def allows(self, context: Hashable, step: Step) -> bool:
        """Whether `step`'s guard assignment can hold in `context`."""

    def after(self, context: Hashable, step: Step) -> Hashable:
        """The context once `step` was taken."""


@by_definition
def _by_source(d: LifecycleDefinition) -> dict[State, tuple[Step, ...]]:
    return {st: tuple(s for s in row_steps(d) if s.source == st) for st in d.states}


def enabled_steps(
    kind: Lifecycle, state: State, context: Hashable = None, ctx: PathContext | None = None
) -> list[Step]:
    """The steps that can be taken in `state` (and `context`, under `ctx`), in row order."""
    steps = _by_source(kind).get(state, ())
    return list(steps) if ctx is None else [s for s in steps if ctx.allows(context, s)]


def _after(ctx: PathContext | None, context: Hashable, step: Step) -> Hashable:
    return None if ctx is None else ctx.after(context, step)


def bfs(
    kind: Lifecycle, start: Node, ctx: PathContext | None, max_depth: int
) -> Iterator[tuple[Node, tuple[Step, ...]]]:
    """Every node reachable from `start` within `max_depth` steps, with a shortest path to it."""
    seen = {start}
    queue: deque[tuple[Node, tuple[Step, ...]]] = deque([(start, ())])
    while queue:
        node, path = queue.popleft()
        yield node, path
        if len(path) >= max_depth:
            continue
        for step in enabled_steps(kind, node[0], node[1], ctx):
            nxt = (step.dest, _after(ctx, node[1], step))
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, (*path, step)))


def _start(kind: Lifecycle, ctx: PathContext | None) -> Node:
    return (lifecycle(kind).initial, None if ctx is None else ctx.initial())


def shortest_paths(
    kind: Lifecycle, *, context: PathContext | None = None, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[Path]:
    """A shortest path to every reachable state, in order of discovery (breadth first)."""
    k = lifecycle(kind)
    found: dict[State, Path] = {}
    for (state, _), steps in bfs(k, _start(k, context), context, max_depth):
        found.setdefault(state, Path(kind=k.kind, steps=steps))
    return list(found.values())


def _row_paths(
    kind: LifecycleDefinition, ctx: PathContext | None, max_depth: int
) -> dict[int, Path]:
    nodes = list(bfs(kind, _start(kind, ctx), ctx, max_depth - 1))
    found: dict[int, Path] = {}
    for step in row_steps(kind):
        for (state, context), prefix in nodes:
            if state == step.source and (ctx is None or ctx.allows(context, step)):
                found[step.row_index] = Path(kind=kind.kind, steps=(*prefix, step))
                break
    return found


def transition_paths(
    kind: Lifecycle, *, context: PathContext | None = None, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[Path]:
    """A set of paths taking every coverable row at least once, in row order.

    Each row is reached by a shortest path and taken last; paths that are a prefix of another
    path of the set are dropped (the longer one covers them).
    """
    k = lifecycle(kind)
    candidates = list(_row_paths(k, context, max_depth).values())
    keys = [tuple(s.row_index for s in p.steps) for p in candidates]
    return [
        p
        for p, key in zip(candidates, keys, strict=True)
        if not any(len(o) > len(key) and o[: len(key)] == key for o in keys)
    ]


def uncovered_rows(
    kind: Lifecycle, *, context: PathContext | None = None, max_depth: int = DEFAULT_MAX_DEPTH
) -> dict[int, str]:
    """Rows no path can take, with the reason: dead guards, or unreachable in the context."""
    k = lifecycle(kind)
    out = {i: "no guard assignment selects it (shadowed by earlier rows)" for i in dead_rows(k)}
    covered = _row_paths(k, context, max_depth)
    for step in row_steps(k):
        if step.row_index not in covered:
            out[step.row_index] = f"not reachable within {max_depth} steps in the context"
    return dict(sorted(out.items()))


def simple_paths(
    kind: Lifecycle, *, context: PathContext | None = None, max_length: int | None = None
) -> list[Path]:
    """Every path from the initial state that visits no state twice, depth first in row order.

    Internal rows never appear (they revisit their state); `max_length` bounds the steps.
    """
    k = lifecycle(kind)
    limit = len(k.states) if max_length is None else max_length
    out: list[Path] = []

    def walk(node: Node, steps: tuple[Step, ...], visited: frozenset[State]) -> None:
        out.append(Path(kind=k.kind, steps=steps))
        if len(steps) >= limit:
            return
        for step in enabled_steps(k, node[0], node[1], context):
            if step.dest not in visited:
                nxt = (step.dest, _after(context, node[1], step))
                walk(nxt, (*steps, step), visited | {step.dest})

    start = _start(k, context)
    walk(start, (), frozenset({start[0]}))
    return out


def path_to_final(
    kind: Lifecycle,
    state: State,
    context: Hashable = None,
    *,
    ctx: PathContext | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> tuple[Step, ...] | None:
    """A shortest sequence of steps from (`state`, `context`) to a final state, or None."""
    finals = lifecycle(kind).final_states
    for (s, _), steps in bfs(kind, (state, context), ctx, max_depth):
        if s in finals:
            return steps
    return None


def steps_toward_untaken(
    kind: Lifecycle,
    state: State,
    taken: set[int],
    context: Hashable = None,
    *,
    ctx: PathContext | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[Step]:
    """The steps enabled in (`state`, `context`) that start a shortest route to a row not in
    `taken`; empty if none is left. When untaken rows are enabled here, those are returned,
    internal ones only if there are any (leaving first could strand them)."""
    here = [x for x in enabled_steps(kind, state, context, ctx) if x.row_index not in taken]
    if here:
        internal = [x for x in here if x.internal]
        return internal or here
    out: dict[int, Step] = {}
    best: int | None = None
    for (s, c), prefix in bfs(kind, (state, context), ctx, max_depth):
        if best is not None and len(prefix) > best:
            break
        fresh = [x for x in enabled_steps(kind, s, c, ctx) if x.row_index not in taken]
        if fresh:
            best = len(prefix)
            out.update((f.row_index, f) for f in ([prefix[0]] if prefix else fresh))
    return list(out.values())


def paths(
    kind: Lifecycle,
    cover: Cover | str = Cover.TRANSITIONS,
    *,
    context: PathContext | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[Path]:
    """The path set of `kind` for `cover`."""
    match Cover(cover):
        case Cover.STATES:
            return shortest_paths(kind, context=context, max_depth=max_depth)
        case Cover.TRANSITIONS:
            return transition_paths(kind, context=context, max_depth=max_depth)
        case Cover.SIMPLE:
            return simple_paths(kind, context=context)
