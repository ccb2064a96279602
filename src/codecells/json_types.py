"""JSON value type shared by tools, stored values and the engine protocol."""

from __future__ import annotations

from pydantic import JsonValue

__all__ = ["JsonValue"]
