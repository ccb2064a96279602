"""An ``exec`` call's source: an optional markdown fence around it, and the optional first-line
``// @exec: {...}`` pragma."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

__all__ = [
    "MAX_SAFE_INTEGER",
    "PRAGMA_PREFIX",
    "ExecSource",
    "PragmaError",
    "parse_exec_source",
    "unwrap_code_fence",
]

PRAGMA_PREFIX = "// @exec:"
MAX_SAFE_INTEGER = 2**53 - 1
"""The largest count ``exec`` and ``wait`` accept (JavaScript's ``Number.MAX_SAFE_INTEGER``)."""

_MINIMUM = {"yield_time_ms": 0, "max_output_tokens": 1}
_OPENING = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)")
_CLOSING = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})[ \t]*")
_EXAMPLE = '`// @exec: {"yield_time_ms": 10000, "max_output_tokens": 1000}`'
_SUPPORTED = "supported fields `yield_time_ms` and `max_output_tokens`"


class PragmaError(ValueError):
    """The ``exec`` input is empty or its pragma is malformed; ``str(err)`` is for the model."""


@dataclass(frozen=True)
class ExecSource:
    """An ``exec`` input split into the JavaScript to run and the pragma's settings."""

    code: str
    yield_time_ms: int | None = None
    max_output_tokens: int | None = None


def parse_exec_source(source: str) -> ExecSource:
    """Split `source` into code and pragma settings; raise `PragmaError` when it is invalid.

    A script wrapped whole in one markdown code fence is unwrapped first (before and after the
    pragma line). Without a pragma the source is otherwise returned unchanged. With one, the
    pragma line is removed; it must be a JSON object with only ``yield_time_ms`` (a
    non-negative safe integer) and ``max_output_tokens`` (a positive one), and JavaScript must
    follow on later lines.
    """
    source = unwrap_code_fence(source)
    if not source.strip():
        raise PragmaError(
            "exec expects raw JavaScript source text (non-empty). Provide JS only, optionally "
            f"with first-line {_EXAMPLE}."
        )
    first, _, rest = source.partition("\n")
    stripped = first.lstrip()
    if not stripped.startswith(PRAGMA_PREFIX):
        return ExecSource(source)
    if not rest.strip():
        raise PragmaError("exec pragma must be followed by JavaScript source on subsequent lines")
    directive = stripped[len(PRAGMA_PREFIX) :].strip()
    try:
        settings = json.loads(directive)
    except (ValueError, RecursionError) as err:  # also numbers past Python's digit limit
        if not directive:
            raise PragmaError(f"exec pragma must be a JSON object with {_SUPPORTED}") from None
        reason = "nested too deeply" if isinstance(err, RecursionError) else err
        raise PragmaError(f"exec pragma must be valid JSON with {_SUPPORTED}: {reason}") from None
    if not isinstance(settings, dict):
        raise PragmaError(f"exec pragma must be a JSON object with {_SUPPORTED}")
    for key in settings:
        if key not in _MINIMUM:
            raise PragmaError(
                f"exec pragma only supports `yield_time_ms` and `max_output_tokens`; got `{key}`"
            )
    values = {key: _safe_integer(key, value) for key, value in settings.items()}
    code = unwrap_code_fence(rest)
    if not code.strip():
        raise PragmaError("exec pragma must be followed by JavaScript source on subsequent lines")
    return ExecSource(code, values.get("yield_time_ms"), values.get("max_output_tokens"))


def unwrap_code_fence(source: str) -> str:
    """The body of `source` when all of it is one markdown code fence (```` ```js ```` …
    ```` ``` ````, surrounding blank lines allowed); otherwise `source` unchanged."""
    lines = source.strip("\r\n").splitlines()
    if len(lines) < 2:
        return source
    opening, closing = _OPENING.fullmatch(lines[0]), _CLOSING.fullmatch(lines[-1])
    if opening is None or closing is None:
        return source
    fence = opening["fence"]
    if closing["fence"][0] != fence[0] or len(closing["fence"]) < len(fence):
        return source
    body = lines[1:-1]
    for line in body:  # a fence line inside: not one fence around the whole script
        inner = _CLOSING.fullmatch(line) or _OPENING.fullmatch(line)
        if (
            inner is not None
            and inner["fence"][0] == fence[0]
            and len(inner["fence"]) >= len(fence)
        ):
            return source
    return "\n".join(body)


def _safe_integer(key: str, value: object) -> int | None:
    if value is None:
        return None
    minimum = _MINIMUM[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not minimum <= value <= MAX_SAFE_INTEGER
    ):
        kind = "non-negative" if minimum == 0 else "positive"
        raise PragmaError(f"exec pragma field `{key}` must be a {kind} safe integer")
    return value
