"""The core package stays light: no integration's SDK is imported by codecells itself."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("mcp", "agents", "pydantic_ai", "anthropic", "langchain_core", "openai")


def test_import_codecells_imports_no_integration_sdk() -> None:
    probe = (
        "import sys, codecells, codecells.agent, codecells.cli, codecells.integrations; "
        "codecells.cli._parser(); "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
