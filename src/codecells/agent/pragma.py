"""The optional first-line ``// @exec: {...}`` pragma of an ``exec`` call's source."""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = ["PRAGMA_PREFIX", "ExecSource", "PragmaError", "parse_exec_source"]

PRAGMA_PREFIX = "// @exec:"
_FIELDS = ("yield_time_ms", "max_output_tokens")
_MAX_SAFE_INTEGER = 2**53 - 1
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

    Without a pragma the source is returned unchanged. With one, the pragma line is removed;
    it must be a JSON object with only ``yield_time_ms`` / ``max_output_tokens``, each a
    non-negative safe integer, and JavaScript must follow on later lines.
    """
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
    except json.JSONDecodeError as err:
        if not directive:
            raise PragmaError(f"exec pragma must be a JSON object with {_SUPPORTED}") from None
        raise PragmaError(f"exec pragma must be valid JSON with {_SUPPORTED}: {err}") from None
    if not isinstance(settings, dict):
        raise PragmaError(f"exec pragma must be a JSON object with {_SUPPORTED}")
    for key in settings:
        if key not in _FIELDS:
            raise PragmaError(
                f"exec pragma only supports `yield_time_ms` and `max_output_tokens`; got `{key}`"
            )
    values = {key: _safe_integer(key, value) for key, value in settings.items()}
    return ExecSource(rest, values.get("yield_time_ms"), values.get("max_output_tokens"))


def _safe_integer(key: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_SAFE_INTEGER:
        raise PragmaError(f"exec pragma field `{key}` must be a non-negative safe integer")
    return value
