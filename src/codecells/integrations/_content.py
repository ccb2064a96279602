"""Cell output items in the shapes integrations need (base64 data URLs split and joined)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import NamedTuple

__all__ = ["Base64Image", "data_url", "parse_data_url"]

_DATA_URL = re.compile(r"data:(?P<mime>[^;,]+)(?P<params>(?:;[^;,]*)*),(?P<data>.*)", re.DOTALL)


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


def data_url(media_type: str, data: str) -> str:
    """A ``data:`` URL for base64 `data` of `media_type`."""
    return f"data:{media_type};base64,{data}"
