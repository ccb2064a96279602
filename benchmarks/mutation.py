"""Mutation score of the generated suites: seed single-line bugs, count the ones they catch.

Each mutant changes one line of the package (the lifecycle table, the machine builder, the
executor or the session) in a scratch copy of ``src/``; the generated suites alone — the
transition-cover paths and a derandomised Hypothesis run of both kinds, against real sessions
(`codecells.testing.run_host_suite`) — run on that copy in a subprocess with a time bound. A
mutant is *caught* when the suites report a failure the unmutated package does not (main may
carry known bugs: their failures are the baseline). Prints one line per mutant and the score.

    .venv/bin/python benchmarks/mutation.py [--only N ...] [--examples 4] [--bound 60]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


@dataclass(frozen=True)
class Mutant:
    """Replace `old` (exactly one line of `path`, its `occurrence`-th match) by `new`."""

    path: str
    old: str
    new: str
    bug: str
    occurrence: int = 0


T, B, X, S = "fsm/table.py", "fsm/build.py", "executor/cell.py", "session.py"
MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        T,
        "when=(G.OUTPUT_FITS,), effects=(E.APPEND_OUTPUT,)),",
        "when=(G.OUTPUT_FITS,), effects=()),",
        "output is dropped",
    ),
    Mutant(
        T,
        "effects=(E.COMMIT_WRITES, E.RECORD_COMPLETION)),",
        "effects=(E.RECORD_COMPLETION,)),",
        "an error completion no longer commits its writes",
        occurrence=1,
    ),
    Mutant(
        T,
        "    _row(T.FINISHED_OK, S.TERMINATING, None,",
        "    _row(T.FINISHED_OK, S.TERMINATING, None, effects=(E.COMMIT_WRITES,), doc=",
        "a finish that loses to termination commits its writes",
    ),
    Mutant(
        T,
        "kinds=C, when=(G.HAS_QUEUED_INPUT,), effects=(E.RUN_STEP,)),",
        "kinds=C, when=(G.HAS_QUEUED_INPUT,), effects=()),",
        "a continuing cell with queued input no longer runs on",
    ),
    Mutant(
        T,
        "kinds=P, effects=(E.QUEUE_INPUT,)),",
        "kinds=P, effects=(E.QUEUE_INPUT, E.RUN_STEP)),",
        "a pausable cell runs on at its frontier without resume",
        occurrence=1,
    ),
    Mutant(
        T,
        "kinds=P, when=(G.OBSERVER_FREE,), effects=(E.DELIVER_FRONTIER,)),",
        "kinds=P, when=(G.OBSERVER_FREE,), effects=(E.ATTACH_OBSERVER,)),",
        "observing a held frontier waits instead of delivering it",
        occurrence=1,
    ),
    Mutant(
        T,
        "effects=(E.CLAIM_COMPLETION, E.CLOSE_CELL)),",
        "effects=(E.PUBLISH_TERMINATED, E.CLOSE_CELL)),",
        "terminate() on a completed cell publishes Terminated",
        occurrence=1,
    ),
    Mutant(
        B,
        "for effect in row.effects:",
        "for effect in row.effects[:1]:",
        "the lean machine runs only a row's first effect",
    ),
    Mutant(
        B,
        "self.last_row = row.row",
        "self.last_row = rows[0].row",
        "the trace records the first candidate row, not the row taken",
    ),
    Mutant(
        X,
        "items = self._outbox.take(observer.cut)",
        "items = list(self._outbox.content[: observer.cut])",
        "a continuing yield delivers output without consuming it (delivered twice)",
    ),
    Mutant(
        X,
        "await self._callbacks.drain_notifications()",
        "await asyncio.sleep(0)",
        "natural completion no longer waits for notifications",
    ),
    Mutant(
        X,
        "await self._callbacks.cancel_all()",
        "await self._callbacks.drain_notifications()",
        "termination no longer cancels tool calls",
    ),
    Mutant(
        X,
        "content_items=self._outbox.take_with_initial_yield(),",
        "content_items=list(self._outbox.content),",
        "a pausable frontier does not consume its output (delivered twice)",
    ),
    Mutant(
        X,
        "return self._last_resumed is not None and 1 <= generation <= self._last_resumed",
        "return self._last_resumed is not None and 1 <= generation < self._last_resumed",
        "resuming the generation just consumed is refused instead of already_running",
    ),
    Mutant(
        X,
        "content_items=self._outbox.take_with_initial_yield(),",
        "content_items=self._outbox.take(),",
        "a completion loses the buffered initial yield",
        occurrence=1,
    ),
    Mutant(
        X,
        "            return self._terminal",
        "            return Terminated(content_items=[])",
        "terminate() on a completed cell returns Terminated",
        occurrence=1,
    ),
    Mutant(
        "executor/delivery.py",
        "if self.frontier and not self.frontier_observed else []",
        "if self.frontier else []",
        "Terminated repeats the items of a frontier already delivered",
    ),
    Mutant(
        S,
        "        self._stored.update(writes)",
        "        self._stored.update({})",
        "the session drops committed writes",
    ),
    Mutant(
        S,
        "                cell_closed(cell_id)",
        "                cell_closed(cell_id); cell_closed(cell_id)",
        "cell_closed is called twice",
    ),
    Mutant(
        S,
        "await self._delegate.notify(call_id, cell_id, text)",
        "asyncio.ensure_future(self._delegate.notify(call_id, cell_id, text))",
        "notifications are fired and forgotten (not drained)",
    ),
    Mutant(
        T,
        "T.TERMINATE, (S.TERMINATING,), R.ALREADY_TERMINATING,",
        "T.TERMINATE, (S.TERMINATING,), R.CLOSED_CELL,",
        "a second terminate is refused with ClosedCell instead of AlreadyTerminating",
    ),
    Mutant(
        X,
        "return not self._outbox.has_been_observed and self._outbox.initial_yield is None",
        "return self._outbox.initial_yield is None",
        "a yield after the first observation splits the output again",
    ),
    Mutant(
        X,
        "return self._outbox.initial_yield is not None or bool(observer and observer.due)",
        "return self._outbox.initial_yield is not None",
        "a woken observer is not served (its due yield is ignored)",
    ),
    Mutant(
        S,
        "return trusted(ResolveTool, call_id=call_id, value=value)",
        "return trusted(ResolveTool, call_id=call_id, value=None)",
        "tool results reach the script as null",
    ),
    Mutant(
        X,
        "self._next_generation += 1",
        "self._next_generation += 2",
        "frontier generations skip numbers",
    ),
    Mutant(
        "executor/delivery.py",
        "        if not self.due:",
        "        if True:",
        "a second yield moves the cut of a due observer (it takes later output)",
    ),
    Mutant(
        S,
        "stored = dict(self._stored)  # values are never changed in place (see `_commit`)",
        "stored = self._stored",
        "cells read the session's live stored values, not a snapshot",
    ),
)

CHILD = """
import json, sys
from codecells.testing import Host, run_host_suite
known = json.loads(sys.argv[1])  # None: the baseline, which runs everything
def signature(f):
    what = getattr(f.cause, "what", type(f.cause).__name__)
    return f"{{f.path.kind.value}}|{{f.path}}|{{getattr(f.cause, 'observed', '')!r}}|{{what}}"
def new_failure(report):
    return known is not None and any(signature(f) not in known for f in report.failures)
report = run_host_suite(Host, examples={examples}, steps={steps}, timeout={timeout},
                        derandomize=True, stop=new_failure)
print(json.dumps(sorted(signature(f) for f in report.failures)))
"""


def apply(mutant: Mutant, root: Path) -> None:
    """Change the one line of the scratch copy under `root` (ValueError if it is not there)."""
    path = root / "codecells" / mutant.path
    lines = path.read_text().splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if mutant.old in line]
    if len(hits) <= mutant.occurrence:
        raise ValueError(f"{mutant.path}: {mutant.old!r} not found")
    i = hits[mutant.occurrence]
    lines[i] = lines[i].replace(mutant.old, mutant.new, 1)
    path.write_text("".join(lines))


def run_suites(
    src: Path, args: argparse.Namespace, known: set[str] | None
) -> tuple[set[str] | None, float]:
    """The failure signatures of the generated suites on the package in `src`, which stop at
    the first failure not in `known` (None: they did not finish within the bound), and the
    seconds they took."""
    code = CHILD.format(examples=args.examples, steps=args.steps, timeout=args.timeout)
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(None if known is None else sorted(known))],
            env=env,
            capture_output=True,
            text=True,
            timeout=args.bound,
            cwd=tempfile.gettempdir(),
        )
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - start
    took = time.monotonic() - start
    if done.returncode != 0:
        return {f"crashed: {done.stderr.strip().splitlines()[-1:]}"}, took
    return set(json.loads(done.stdout.strip().splitlines()[-1])), took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", type=int, nargs="*", help="mutant numbers (1-based)")
    parser.add_argument("--examples", type=int, default=4, help="Hypothesis examples per kind")
    parser.add_argument("--steps", type=int, default=25, help="steps per Hypothesis example")
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds a step may take")
    parser.add_argument("--bound", type=float, default=60.0, help="seconds per mutant")
    args = parser.parse_args()
    baseline, took = run_suites(SRC, args, None)
    if baseline is None:
        print(f"the unmutated suites did not finish within {args.bound} s")
        return 2
    print(f"baseline: {len(baseline)} failure(s) on the unmutated package ({took:.1f} s)")
    for sig in sorted(baseline):
        print(f"  known: {sig}")
    chosen = [(n, m) for n, m in enumerate(MUTANTS, 1) if not args.only or n in args.only]
    caught = 0
    print(f"\n{'#':>2}  {'verdict':<8} {'secs':>5}  file: bug")
    for n, mutant in chosen:
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "src"
            shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
            apply(mutant, copy)
            found, took = run_suites(copy, args, baseline)
        new = sorted((found or set()) - baseline)
        if found is None:
            verdict, how = "timeout", ""
        elif any(sig.startswith("crashed") for sig in new):
            verdict, how = "crashed", new[0]
        else:
            verdict = "caught" if new else "missed"
            how = new[0].rsplit("|", 1)[-1] if new else ""
        caught += verdict == "caught"
        by = f"  [{how}]" if how else ""
        print(f"{n:>2}  {verdict:<8} {took:5.1f}  {mutant.path}: {mutant.bug}{by}", flush=True)
    score = 100 * caught / len(chosen)
    print(f"\ncaught {caught}/{len(chosen)} mutants ({score:.0f}%); [..]: what failed first")
    return 0


if __name__ == "__main__":
    sys.exit(main())
