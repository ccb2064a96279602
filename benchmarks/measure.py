"""Measuring helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable


def best_of_each(repeats: int, runs: int, *bodies: Callable[[], None]) -> list[float]:
    """Best mean CPU seconds (whole process) per run of each body over `repeats` batches of
    `runs`. CPU time, not wall time: the figures should not depend on what else the machine
    runs. The bodies' batches are interleaved (a, b, c, a, b, c, ...), so that all are measured
    under the same conditions: on a shared VM these drift over seconds, and a ratio of two
    figures taken at different times drifts with them."""
    best = [float("inf")] * len(bodies)
    for _ in range(repeats):
        for index, body in enumerate(bodies):
            began = time.process_time()
            for _ in range(runs):
                body()
            best[index] = min(best[index], (time.process_time() - began) / runs)
    return best


def rss_bytes() -> int:
    """This process's resident set size."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def in_fresh_process(script: str, name: str) -> tuple[float, float]:
    """Run `name()` of `script` in a child interpreter (RSS growth is not hidden by reuse).

    The script must print ``json.dumps(globals()[name]())`` when called as ``script name``."""
    child = subprocess.run(
        [sys.executable, script, name], check=True, capture_output=True, text=True
    )
    seconds, rss = json.loads(child.stdout)
    return float(seconds), float(rss)


def print_table(columns: tuple[str, str], rows: list[tuple[str, float, float, str]]) -> None:
    """Print benchmark rows: name, ours, reference, ratio, target."""
    ours_name, ref_name = columns
    print(f"{'benchmark':46} {ours_name:>10} {ref_name:>10} {'ratio':>7}  target")
    for name, ours, ref, target in rows:
        ratio = f"{ours / ref:6.2f}x" if ref else "      -"
        ref_text = f"{ref:10.1f}" if ref else f"{'-':>10}"
        print(f"{name:46} {ours:10.1f} {ref_text} {ratio}  {target}")
