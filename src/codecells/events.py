"""Output items and the events a cell delivers to its observer (CONTRACT §4)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CellEvent",
    "Completed",
    "ImageDetail",
    "ImageItem",
    "Item",
    "PausableCellEvent",
    "Pending",
    "ResumeOutcome",
    "TerminalEvent",
    "Terminated",
    "TextItem",
    "Yielded",
    "ITEM_OVERHEAD",
    "item_size",
]

ImageDetail: TypeAlias = Literal["auto", "low", "high", "original"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextItem(_Frozen):
    """A piece of text output (``text(value)``)."""

    type: Literal["text"] = "text"
    text: str


class ImageItem(_Frozen):
    """An image output (``image(url, detail)``); ``image_url`` is a ``data:`` URL."""

    type: Literal["image"] = "image"
    image_url: str
    detail: ImageDetail | None = None


Item: TypeAlias = Annotated[TextItem | ImageItem, Field(discriminator="type")]


class Yielded(_Frozen):
    """A continuing cell's output so far; the cell goes on running."""

    type: Literal["yielded"] = "yielded"
    content_items: list[Item] = Field(default_factory=list)


class Pending(_Frozen):
    """A pausable cell holds at a pending frontier until ``resume(generation)``."""

    type: Literal["pending"] = "pending"
    generation: Annotated[int, Field(strict=True, ge=1)]  # counts 1, 2, ... (not a bool)
    content_items: list[Item] = Field(default_factory=list)
    pending_tool_call_ids: list[str] = Field(default_factory=list)


class Completed(_Frozen):
    """The cell's script settled; ``error_text`` is set when it failed."""

    type: Literal["completed"] = "completed"
    content_items: list[Item] = Field(default_factory=list)
    error_text: str | None = None


class Terminated(_Frozen):
    """The cell was stopped before it completed; its stored-value writes were discarded."""

    type: Literal["terminated"] = "terminated"
    content_items: list[Item] = Field(default_factory=list)


CellEvent: TypeAlias = Annotated[Yielded | Completed | Terminated, Field(discriminator="type")]
PausableCellEvent: TypeAlias = Annotated[
    Pending | Completed | Terminated, Field(discriminator="type")
]
TerminalEvent: TypeAlias = Completed | Terminated


class ResumeOutcome(StrEnum):
    """What ``PausableCell.resume(generation)`` did."""

    RESUMED = "resumed"
    ALREADY_RUNNING = "already_running"


ITEM_OVERHEAD = 512
"""Bytes every item counts on top of its text: about what Python needs to hold one item, so
a flood of empty items is bounded too."""


def item_size(item: Item) -> int:
    """Bytes an item counts against `SessionConfig.output_limit`: its text, or its image URL,
    in UTF-8 (lone surrogates, which JavaScript strings may hold, count 3 bytes each), plus
    `ITEM_OVERHEAD`."""
    text = item.text if item.type == "text" else item.image_url
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    return size + ITEM_OVERHEAD
