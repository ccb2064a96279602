"""The cost of well-formed strings at the engine boundary (docs/engine.md, "Strings").

    python benchmarks/drain.py

A step's drained messages are parsed by `codecells.engine.wire.messages`, which replaces lone
UTF-16 surrogates by U+FFFD. Each case times `messages()` against the bare C scanner the
messages are parsed with (the same parse, without the check), in the same run, interleaved:
drains without a backslash cost one memchr, drains with escapes one substring search, and only
a drain with a lone surrogate is walked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from measure import best_of_each

from codecells.engine import wire

ITEMS = 3_000  # a drain of 3,000 text() items is ~56 KB: parsed at once (below 64 KiB)


def _drain(text: Callable[[int], str]) -> str:
    return ",".join(json.dumps(["t", text(i)], separators=(",", ":")) for i in range(ITEMS))


CASES = {
    "3,000 plain items": _drain(lambda i: f"line {i}"),
    "3,000 items with a \\n each": _drain(lambda i: f"line\n{i}"),
    "3,000 items, one lone surrogate": _drain(lambda i: f"line {i}" + "\ud800" * (i == 5)),
}


_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def bare(text: str) -> None:
    """The parse without the check: what `messages` did before."""
    _scan("[" + text + "]", 0)


def checked(text: str) -> None:
    """`messages`, consumed."""
    list(wire.messages(text))


def main() -> None:
    print(f"{'drain':34} {'bare scan':>10} {'messages()':>11} {'ratio':>6}")
    for label, text in CASES.items():
        plain, walked = best_of_each(7, 200, partial(bare, text), partial(checked, text))
        print(f"{label:34} {plain * 1e3:7.3f} ms {walked * 1e3:8.3f} ms {walked / plain:6.2f}")


if __name__ == "__main__":
    main()
