"""What crosses between a caller and a host actor: events as JSON, errors as plain data.

Events travel as ``model_dump(mode="json")`` dictionaries (the caller's process never unpickles
a codecells type); errors raised on the host travel as ``{"error": name, "message": ...,
"attributes": {...}}`` and are raised again in the caller as the same codecells error class.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from pydantic import Field, TypeAdapter

from .. import errors
from ..events import Completed, Pending, Terminated, Yielded

__all__ = ["Reply", "decode_event", "encode_error", "raise_error"]

Reply = dict[str, Any]
"""A host's answer to one call: ``{"value": ...}`` or an encoded error."""

AnyEvent: TypeAlias = Annotated[
    Yielded | Pending | Completed | Terminated, Field(discriminator="type")
]
_EVENTS: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)
_RAISABLE: dict[str, type[Exception]] = {
    **{name: getattr(errors, name) for name in errors.__all__},
    "TypeError": TypeError,
    "ValueError": ValueError,
}


def decode_event(data: dict[str, Any]) -> AnyEvent:
    """The event a host sent as JSON."""
    return _EVENTS.validate_python(data)


def encode_error(exc: Exception) -> Reply | None:
    """A codecells error (or a TypeError/ValueError of bad input) as data; None for others."""
    name = type(exc).__name__
    if _RAISABLE.get(name) is not type(exc):
        return None
    attributes = {k: v for k, v in vars(exc).items() if isinstance(v, str | int | None)}
    return {"error": name, "message": str(exc), "attributes": attributes}


def raise_error(reply: Reply) -> None:
    """Raise the error a host encoded in `reply`, if it holds one."""
    name = reply.get("error")
    if name is None:
        return
    cls = _RAISABLE[name]
    exc = cls.__new__(cls)
    Exception.__init__(exc, reply["message"])
    exc.__dict__.update(reply["attributes"])
    raise exc
