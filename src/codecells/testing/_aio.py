"""Call sync-or-async user callbacks uniformly."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TypeAlias, TypeVar, Union

T = TypeVar("T")

MaybeAwaitable: TypeAlias = Union[T, Awaitable[T]]  # noqa: UP007 - generic alias


async def resolve(value: MaybeAwaitable[T]) -> T:
    """`value`, awaited first when it is awaitable."""
    if inspect.isawaitable(value):
        return await value
    return value
