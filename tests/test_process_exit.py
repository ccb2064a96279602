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


def test_a_spinning_cell_of_a_forgotten_session_does_not_block_exit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORGOTTEN_SESSION], capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "exiting"
