"""Hostile JavaScript must not hang the Python process, not even at interpreter exit."""

from __future__ import annotations

import subprocess
import sys
import textwrap

FORGOTTEN_SESSION = textwrap.dedent(
    """
    import asyncio
    import codecells as cc

    async def main():
        session = cc.Session(config=cc.SessionConfig(cpu_time_limit=120))
        cell = await session.create_cell("while (true) {}")
        await cell.wait(yield_after=0.1)   # the step is burning CPU; never shut down

    asyncio.run(main())
    print("exiting")
    """
)


def run_to_exit(program: str) -> list[str]:
    """The words `program` prints; it must exit, successfully, within 20 s."""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_spinning_cell_of_a_forgotten_session_does_not_block_exit() -> None:
    assert run_to_exit(FORGOTTEN_SESSION) == ["exiting"]


BLOCKED_SYNC_TOOL = textwrap.dedent(
    """
    import asyncio, threading, time
    import codecells as cc

    started, never = threading.Event(), threading.Event()

    def stuck() -> None:
        '''Blocks until an event nobody sets.'''
        started.set()
        never.wait()

    async def main():
        async with cc.Session([stuck]) as session:
            cell = await session.create_cell("await tools.stuck()")
            while not started.is_set():
                await asyncio.sleep(0.01)
            final = await cell.terminate()
            print(final.type)
            began = time.monotonic()
        print("shut down in time" if time.monotonic() - began < 1 else "slow shutdown")

    asyncio.run(main())
    print("exiting")
    """
)


def test_a_blocked_plain_def_tool_does_not_block_shutdown_or_exit() -> None:
    words = run_to_exit(BLOCKED_SYNC_TOOL)
    assert words == ["terminated", "shut", "down", "in", "time", "exiting"]
