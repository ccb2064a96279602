"""Pydantic models and function tools for the TypeScript corpus (tests/test_agent_typescript_corpus.py)
and the description benchmark: recursive, discriminated, optional, enum and constrained types."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field


class Eq(BaseModel):
    """`field` equals `value`."""

    op: Literal["eq"]
    field: str
    value: str | int | float | bool | None


class In(BaseModel):
    """`field` is one of `values`."""

    op: Literal["in"]
    field: str
    values: list[str | int]


class And(BaseModel):
    op: Literal["and"]
    filters: list[Filter]


class Or(BaseModel):
    op: Literal["or"]
    filters: list[Filter]


class Not(BaseModel):
    op: Literal["not"]
    filter: Filter


Filter = Annotated[Eq | In | And | Or | Not, Field(discriminator="op")]


class Search(BaseModel):
    """A search with a recursive filter."""

    filter: Filter
    limit: int = 10


class Node(BaseModel):
    """A tree node."""

    name: str
    children: list[Node] = []


class Color(StrEnum):
    RED = "red"
    GREEN = "green"


class Cat(BaseModel):
    pet_type: Literal["cat"]
    meows: int


class Dog(BaseModel):
    pet_type: Literal["dog"]
    barks: float
    color: Color | None = None


class Owner(BaseModel):
    """Somebody with pets."""

    id: UUID
    email: Annotated[str, Field(pattern=r"^[^@]+@[^@]+$", description="where to write")]
    pets: list[Annotated[Cat | Dog, Field(discriminator="pet_type")]]
    favourite: Color = Color.RED
    nickname: str | None = None
    scores: dict[str, Annotated[int, Field(ge=0, le=100)]] = {}
    location: tuple[float, float] | None = None
    tags: tuple[str, ...] = ()
    born: datetime | None = None


for model in (And, Or, Not, Node):
    model.model_rebuild()


def search(filter: Filter, limit: Annotated[int, Field(ge=1, le=100)] = 10) -> list[Node]:
    """Search the tree."""
    return []


def add_owner(owner: Owner, notify: bool = False) -> Owner:
    """Register an owner.

    Args:
        owner: The owner to add.
        notify: Whether to send a welcome email.
    """
    return owner


def grow(
    tree: Node, depth: Annotated[int, Field(ge=1, le=5, description="levels to add")] = 1
) -> Node:
    """Grow a tree."""
    return tree


def ping() -> None:
    """No arguments at all."""


def search_model(query: Search) -> int:
    """The Search model as one argument."""
    return 0


PYDANTIC_TOOLS = [search, add_owner, grow, ping, search_model]
