"""A context's heap freed without the GIL (`release_context`), and left alone when unsafe."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import quickjs

from codecells.engine.binding import CONTEXT_POINTER, pointer_at
from codecells.engine.release import release_context


def test_a_context_still_referenced_by_an_object_is_left_to_the_binding() -> None:
    context = quickjs.Context()
    array = context.eval("[1, 2, 3]")
    before = pointer_at(context, CONTEXT_POINTER)
    release_context(context)
    assert pointer_at(context, CONTEXT_POINTER) == before
    assert array.json() == "[1,2,3]" and context.eval("6 * 7") == 42


def test_released_contexts_free_their_heaps_and_deallocate_cleanly() -> None:
    script = textwrap.dedent(
        """
        import quickjs
        from codecells.engine.binding import CONTEXT_POINTER, pointer_at
        from codecells.engine.interrupt import memory_interrupts
        from codecells.engine.release import release_context

        swapped = 0
        for i in range(200):
            context = quickjs.Context()
            context.set_time_limit(10)
            context.eval("globalThis.a = []; for (let i = 0; i < 2000; i++) a.push({i, s: 'x' + i})")
            before = pointer_at(context, CONTEXT_POINTER)
            release_context(context)
            swapped += pointer_at(context, CONTEXT_POINTER) != before
            del context
        fresh = quickjs.Context()
        assert fresh.eval("[1, 2].map((x) => x * 2).join()") == "2,4"
        print(swapped == (200 if memory_interrupts() else 0))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
