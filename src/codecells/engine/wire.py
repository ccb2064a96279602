"""Fast conversions on the hot path between the prelude's messages and protocol objects."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring_ascii
from typing import Any, TypeVar

from pydantic import BaseModel

from ..json_types import JsonValue, copy_json

__all__ = ["messages", "to_json", "trusted"]

_encode_json = json.JSONEncoder(allow_nan=False).encode
_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


_Model = TypeVar("_Model", bound=BaseModel)
_TEMPLATES: dict[type[BaseModel], dict[str, Any]] = {}
_FIELDS_SETS: dict[tuple[type[BaseModel], tuple[str, ...]], set[str]] = {}
_new = object.__new__
_set_attribute = object.__setattr__
# BaseModel's slots, set through their descriptors (faster than object.__setattr__).
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def trusted(model: type[_Model], **fields: Any) -> _Model:
    """`model` built from fields known to be valid (they come from the prelude), skipping
    validation: validating costs ~2.5 us per event and `model_construct` more. The caller
    passes every required field; the others take their (immutable, non-factory) defaults.

    Instances of a model built with the same fields share one fields-set (the models are
    frozen: nothing adds to it), so an instance is one object fewer for the garbage collector
    to traverse: an event storm's hundreds of thousands of items make full collections long."""
    template = _TEMPLATES.get(model)
    if template is None:
        template = _TEMPLATES[model] = {
            name: None if info.is_required() or info.default_factory else info.default
            for name, info in model.model_fields.items()
        }
    values = template.copy()  # keeps the model's field order
    values.update(fields)
    instance: _Model = _new(model)
    _set_attribute(instance, "__dict__", values)
    key = (model, tuple(fields))
    fields_set = _FIELDS_SETS.get(key)
    if fields_set is None:
        fields_set = _FIELDS_SETS[key] = set(fields)
    _set_fields_set(instance, fields_set)
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance


_ONE_PARSE_CHARS = 1 << 16


def messages(text: str) -> Iterable[Any]:
    """The JSON values of `text` (well-formed, joined with "," by the prelude, no whitespace),
    by the C scanner without `json.loads`'s whitespace handling. A long drain is parsed one
    value at a time: parsing 200,000 messages at once would hold the GIL for tens of
    milliseconds and keep every message alive until the last is handled.

    Every string of the messages is well-formed Unicode (`_well_formed`). `JSON.stringify`
    writes a lone surrogate as a `\\udXXX` escape and a surrogate pair as its character, so
    text without a backslash before "ud" holds none: only such a drain takes the slow path."""
    if len(text) < _ONE_PARSE_CHARS:
        parsed: list[Any] = _scan_json("[" + text + "]", 0)[0]
    else:
        parsed = _one_by_one(text)  # type: ignore[assignment]
    # a one-character search is a memchr (~0.5 us per 56 KB), the escape's ~60 times slower
    if "\\" in text and _SURROGATE_ESCAPE in text:
        return map(_well_formed_message, parsed)
    return parsed


def _one_by_one(text: str) -> Iterator[Any]:
    end, at = len(text), 0
    while at < end:
        message, at = _scan_json(text, at)
        yield message
        at += 1  # the separating comma


_SURROGATE_ESCAPE = "\\ud"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# `\\udXXX` escapes of surrogates in JSON text, after an even number of backslashes (an odd
# one escapes the backslash that would begin the escape)
_ESCAPED_SURROGATE = re.compile(r"(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_REPLACEMENT = "\ufffd"


def _well_formed(value: Any) -> Any:
    """`value` (parsed JSON) with each lone surrogate of its strings and keys replaced by
    U+FFFD, as `TextDecoder` and WebIDL's USVString conversion do. Python's `json` decodes a
    lone `\\udXXX` escape to a lone surrogate, which no UTF-8 encoder accepts (pydantic's
    JSON, SQLite, a terminal). Without recursion: a tool input nests up to 800 levels."""
    return copy_json(value, strings=_well_formed_text)


def _well_formed_text(text: str) -> str:
    return _LONE_SURROGATE.sub(_REPLACEMENT, text)


def _well_formed_json(text: str) -> str:
    """JSON text made by `JSON.stringify` with each lone surrogate's escape replaced by
    U+FFFD's, so that it parses to well-formed strings (`JSON.stringify` never escapes a
    surrogate pair: every surrogate escape in its output is a lone one)."""
    if _SURROGATE_ESCAPE not in text:
        return text
    return _ESCAPED_SURROGATE.sub(r"\1\\ufffd", text)


def _well_formed_message(message: list[Any]) -> list[Any]:
    """A prelude message with well-formed strings; a stored value's JSON text (`["s", key,
    json]`) is made well-formed as text, to be parsed later."""
    fixed: list[Any] = _well_formed(message)
    if fixed[0] == "s":
        fixed[2] = _well_formed_json(fixed[2])
    return fixed


def to_json(value: JsonValue) -> str:
    """JSON text for a tool result; fast paths for the common scalars. Raises ValueError for
    non-finite floats (JSON.parse would reject them)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _encode_json(value)
