"""A real PostgreSQL server for the tests, started in a temporary directory (pytest plugin).

`postgres_dsn` (session scope) runs Debian's ``initdb`` and ``pg_ctl`` from
/usr/lib/postgresql/<version>/bin on a free 127.0.0.1 port, as the ``postgres`` user when the
tests run as root (PostgreSQL refuses to run as root), and stops it at the end.
`postgres_schema` gives each test a schema of its own in that server.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator

import pytest


def _binaries() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL is not installed: run scripts/setup.sh (apt-get install postgresql)"
        )
    return os.path.dirname(found[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """The connection string of a PostgreSQL server these tests started (and stop)."""
    bin_dir = _binaries()
    home = tempfile.mkdtemp(prefix="ccpg-")
    data = os.path.join(home, "data")
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_server_user(
            [
                f"{bin_dir}/initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        ),
        **run,  # fmt: skip
    )
    options = f"-k {home} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [f"{bin_dir}/pg_ctl", "-D", data, "-w", "-t", "60"]
    subprocess.run(_as_server_user([*ctl, "-o", options, "-l", f"{home}/log", "start"]), **run)
    try:
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        subprocess.run(_as_server_user([*ctl, "-m", "immediate", "stop"]), **run)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def postgres_schema() -> str:
    """A fresh schema name: each test's tables apart from the others'."""
    return "t" + uuid.uuid4().hex[:12]
