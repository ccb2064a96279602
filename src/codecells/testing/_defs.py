"""Accept a kind or a `LifecycleDefinition` wherever the toolkit takes a lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, TypeVar

from ..fsm import LifecycleDefinition, definition
from ..kinds import CellKind

__all__ = ["Lifecycle", "by_definition", "lifecycle"]

Lifecycle: TypeAlias = CellKind | str | LifecycleDefinition
"""A cell kind (its built-in definition) or a lifecycle definition of your own."""

T = TypeVar("T")


def lifecycle(which: Lifecycle) -> LifecycleDefinition:
    """The definition `which` names: itself, or `definition(kind)`."""
    return which if isinstance(which, LifecycleDefinition) else definition(which)


def by_definition(fn: Callable[[LifecycleDefinition], T]) -> Callable[[Lifecycle], T]:
    """Memoise `fn` per definition object (definitions are immutable; few exist)."""
    memo: dict[int, tuple[LifecycleDefinition, T]] = {}

    def wrapper(which: Lifecycle) -> T:
        d = lifecycle(which)
        hit = memo.get(id(d))
        if hit is None or hit[0] is not d:
            hit = memo[id(d)] = (d, fn(d))
        return hit[1]

    wrapper.__doc__ = fn.__doc__
    return wrapper
