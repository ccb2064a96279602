"""Cell events as ``exec`` / ``wait`` tool outputs, truncated to a token budget.

An output is a header text item, then the cell's items, then (for a failed script) the error:

- ``Script running with cell ID <id>`` + ``Output:`` — the cell goes on; call ``wait``;
- ``Script completed`` / ``Script failed`` / ``Script terminated`` + ``Output:`` — it ended;
  a failed script's last item is ``Script error:`` and the error text.

Tokens are estimated as one per 4 characters (rounded up). Text beyond the budget is cut and
a marker ``…[output truncated: about N more tokens]`` takes its place; the header does not
count, and images are always kept (they are not text).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..events import CellEvent, ImageItem, Item, Terminated, TextItem, Yielded

__all__ = [
    "ANTHROPIC_IMAGE_TYPES",
    "CHARS_PER_TOKEN",
    "NOT_A_DATA_URL",
    "OPENAI_IMAGE_TYPES",
    "Base64Image",
    "ToolOutput",
    "error_output",
    "format_event",
    "model_image",
    "parse_data_url",
]

CHARS_PER_TOKEN = 4
"""The token estimate used for truncation: one token per this many characters."""

_DATA_URL = re.compile(r"data:(?P<mime>[^;,]+)(?P<params>(?:;[^;,]*)*),(?P<data>.*)", re.DOTALL)

NOT_A_DATA_URL = "[image: not a base64 data: URL]"
"""What stands for an image whose URL is not a base64 ``data:`` URL."""


class Base64Image(NamedTuple):
    """An image as a media type and its base64 data."""

    media_type: str
    data: str

    def decode(self) -> bytes:
        """The image's bytes."""
        return base64.b64decode(self.data)


def parse_data_url(url: str) -> Base64Image | None:
    """The media type and base64 data of a ``data:<type>;base64,...`` URL, else None."""
    match = _DATA_URL.fullmatch(url)
    if match is None or ";base64" not in match["params"]:
        return None
    try:
        base64.b64decode(match["data"], validate=True)
    except (binascii.Error, ValueError):
        return None
    return Base64Image(match["mime"], match["data"])


ANTHROPIC_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
"""The image media types the Anthropic Messages API accepts."""

OPENAI_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
"""The image media types OpenAI's ``input_image`` accepts (as data URLs)."""

_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}


@dataclass(frozen=True)
class ToolOutput:
    """One ``exec`` / ``wait`` result: content items for the model, plus status for the host.

    ``cell_id`` is set while the cell is still running (the model should call ``wait``);
    ``is_error`` is set for a failed script (an uncaught error) and for a refused call.
    """

    items: tuple[Item, ...]
    is_error: bool = False
    cell_id: str | None = None

    def text(self) -> str:
        """All items as one string; an image shows as ``[image]``."""
        return "\n".join(i.text if isinstance(i, TextItem) else "[image]" for i in self.items)

    def openai_output(self) -> str | list[dict[str, Any]]:
        """The output for an OpenAI ``function_call_output`` / ``custom_tool_call_output``
        (Responses API): the text, or ``input_text`` / ``input_image`` parts when there are
        images. An image of a type OpenAI rejects (`OPENAI_IMAGE_TYPES`; svg, bmp, …) is
        described in a text part instead, so the next request cannot fail on it."""
        if not any(isinstance(i, ImageItem) for i in self.items):
            return self.text()
        return [_openai_part(i) for i in self.items]

    def anthropic_content(self) -> list[dict[str, Any]]:
        """The ``content`` of an Anthropic ``tool_result`` block: text and base64 image blocks.
        An image that is not a base64 ``data:`` URL of a type Anthropic accepts
        (`ANTHROPIC_IMAGE_TYPES`: jpeg, png, gif, webp) is described in a text block."""
        return [_anthropic_block(i) for i in self.items]


def error_output(message: str) -> ToolOutput:
    """A refused call (bad input, unknown cell, …) reported to the model as `message`."""
    return ToolOutput((TextItem(text=message),), is_error=True)


def format_event(event: CellEvent, cell_id: str, max_tokens: int) -> ToolOutput:
    """`event` of cell `cell_id` as a tool output, its text cut to `max_tokens` tokens."""
    body: list[Item] = list(event.content_items)
    if isinstance(event, Yielded):
        header, is_error, running = f"Script running with cell ID {cell_id}", False, cell_id
    elif isinstance(event, Terminated):
        header, is_error, running = "Script terminated", False, None
    elif event.error_text is not None:
        header, is_error, running = "Script failed", True, None
        body.append(TextItem(text=f"Script error:\n{event.error_text}"))
    else:
        header, is_error, running = "Script completed", False, None
    items = (TextItem(text=f"{header}\nOutput:"), *_truncate(body, max_tokens))
    return ToolOutput(items, is_error=is_error, cell_id=running)


def _truncate(items: list[Item], max_tokens: int) -> list[Item]:
    budget = max_tokens * CHARS_PER_TOKEN
    kept: list[Item] = []
    cut = 0  # characters dropped
    for item in items:
        if not isinstance(item, TextItem):
            kept.append(item)
        elif cut or len(item.text) > budget:
            if budget:
                kept.append(TextItem(text=item.text[:budget]))
            cut += len(item.text) - budget
            budget = 0
        else:
            kept.append(item)
            budget -= len(item.text)
    if cut:
        marker = f"…[output truncated: about {-(-cut // CHARS_PER_TOKEN)} more tokens]"
        kept.append(TextItem(text=marker))
    return kept


def _openai_part(item: Item) -> dict[str, Any]:
    if isinstance(item, TextItem):
        return {"type": "input_text", "text": item.text}
    image = model_image(item.image_url, OPENAI_IMAGE_TYPES)
    if isinstance(image, str):
        return {"type": "input_text", "text": image}
    media_type, data = image
    url = f"data:{media_type};base64,{data}"
    return {"type": "input_image", "image_url": url, "detail": item.detail or "auto"}


def _anthropic_block(item: Item) -> dict[str, Any]:
    if isinstance(item, TextItem):
        return {"type": "text", "text": item.text}
    image = model_image(item.image_url, ANTHROPIC_IMAGE_TYPES)
    if isinstance(image, str):
        return {"type": "text", "text": image}
    media_type, data = image
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def model_image(url: str, accepted: frozenset[str]) -> tuple[str, str] | str:
    """``(media type, base64 data)`` of a base64 ``data:`` URL of an `accepted` type (its
    type normalised: ``image/jpg`` is ``image/jpeg``), else the text that stands for it
    (``[image of type … left out: the model accepts …]``)."""
    image = parse_data_url(url)
    if image is None:
        return NOT_A_DATA_URL
    media_type = image.media_type.strip().lower()
    media_type = _ALIASES.get(media_type, media_type)
    if media_type not in accepted:
        kinds = ", ".join(sorted(t.removeprefix("image/") for t in accepted))
        return f"[image of type {media_type} left out: the model accepts {kinds}]"
    return media_type, image.data
