"""A local Ray cluster for the tests marked `ray` (started once per run, then checked gone).

Ray is started with 2 CPUs, no dashboard, on 127.0.0.1, with token authentication off
(``RAY_AUTH_MODE=disabled``: a fresh CI machine has no token) and its files in a temporary
directory. Every process it starts inherits a marker in its environment; after
``ray.shutdown()`` the teardown fails if any process with that marker is still alive.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the codecells[ray] extra is not installed")

from codecells.cluster import Cluster  # noqa: E402
from codecells.store import SQLiteStore  # noqa: E402

MARKER = "CODECELLS_RAY_TESTS"


def _marked(token: str) -> list[int]:
    """Processes whose environment carries `token` (those this run's Ray started)."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.fixture(scope="session")
def ray_session() -> Iterator[None]:
    """Ray, started for this test run and shut down (with every process it started) after."""
    token = uuid.uuid4().hex
    temp = tempfile.mkdtemp(prefix="ccray-")  # short: Ray's unix sockets live under it
    saved = dict(os.environ)
    os.environ.update({MARKER: token, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"})
    ray.init(
        num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", _temp_dir=temp,
        log_to_driver=False,
    )  # fmt: skip
    try:
        yield
    finally:
        ray.shutdown()
        os.environ.clear()
        os.environ.update(saved)
        deadline = time.monotonic() + 20
        while (left := _marked(token)) and time.monotonic() < deadline:
            time.sleep(0.2)  # processes exit on their own: nothing to await but their absence
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(temp, ignore_errors=True)
        assert not left, f"Ray processes left after ray.shutdown(): {left}"


@pytest.fixture(scope="session")
def cluster(ray_session: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two hosts over one SQLite store, shared by the tests that kill no host."""
    store = functools.partial(SQLiteStore, tmp_path_factory.mktemp("cluster") / "cells.db")
    with Cluster(store, hosts=2, cpus_per_host=0.5) as started:
        yield started
