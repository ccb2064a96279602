"""A two-process approval flow over a durable session (SQLite store); no network.

Run it with ``python examples/durable_approval.py``. It runs two separate processes:

1. ``request``: a cell plans a refund, asks a person for approval through the externally
   answered tool ``request_approval`` and holds at that frontier; the process prints the
   pending request and exits (a server restarting, a replica going away).
2. ``approve``: a new process opens the same store and session id, finds the cell suspended at
   the identical frontier, answers the approval call, resumes it, and prints the result.

Each phase can also be run by hand: ``python examples/durable_approval.py request DB`` and
``python examples/durable_approval.py approve DB``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

import codecells as cc
from codecells.store import SQLiteStore

SESSION = "support-ticket-4711"

APPROVAL = cc.ToolDefinition(
    name="request_approval",
    description="Ask a person to approve an action; answered later, possibly elsewhere.",
    answered_externally=True,
)


def refund(order: str, amount: float) -> str:
    """Refund `amount` on `order` (a stand-in for a real payment call)."""
    return f"refunded {amount:.2f} EUR on {order}"


SCRIPT = """
const order = "A-1001", amount = 42.5;
text(`Planning a refund of ${amount} EUR on ${order} (${new Date().toISOString().slice(0, 4)})`);
const answer = await tools.request_approval({action: "refund", order, amount});
if (!answer.approved) { text(`Not approved: ${answer.reason}`); exit(); }
text(await tools.refund({order, amount}));
store("last_refund", {order, amount, by: answer.by});
"""


def session(db: Path) -> cc.Session:
    return cc.Session([APPROVAL, refund], store=SQLiteStore(db), session_id=SESSION)


async def request(db: Path) -> None:
    async with session(db) as s:
        cell = await s.create_pausable_cell(SCRIPT)
        pending = await cell.wait_to_pending()
        assert isinstance(pending, cc.Pending)
        for item in pending.content_items:
            print(f"[request] {getattr(item, 'text', item)}")
        waiting = [c for c in pending.pending_tool_call_ids if cell.waits_for_answer(c)]
        print(f"[request] cell {cell.id} waits for approval of {waiting} (generation "
              f"{pending.generation}); this process exits now")  # fmt: skip
    # leaving the session keeps the cell suspended in the store


async def approve(db: Path) -> None:
    async with session(db) as s:
        cell = s.pausable_cell("1")
        pending = await cell.wait_to_pending()  # the identical frontier, from the store
        assert isinstance(pending, cc.Pending)
        print(f"[approve] found cell {cell.id} {cell.state} at generation {pending.generation}")
        await cell.answer(pending.pending_tool_call_ids[0], {"approved": True, "by": "dana"})
        event: cc.Pending | cc.Completed | cc.Terminated = pending
        while isinstance(event, cc.Pending):  # a pausable cell stops at every frontier
            await cell.resume(event.generation)
            event = await cell.wait_to_pending()
            for item in event.content_items:
                print(f"[approve] {getattr(item, 'text', item)}")
        print(f"[approve] {event.type}; stored: {s.stored_values}")


def main() -> None:
    if len(sys.argv) == 3:
        phase = {"request": request, "approve": approve}[sys.argv[1]]
        asyncio.run(phase(Path(sys.argv[2])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cells.db"
        for phase in ("request", "approve"):
            done = subprocess.run(
                [sys.executable, __file__, phase, str(db)], capture_output=True, text=True
            )
            print(done.stdout, end="")
            if done.returncode:
                sys.exit(done.stderr)


if __name__ == "__main__":
    main()
