#!/usr/bin/env bash
# Set up codecells from scratch: a virtualenv in .venv with the package and its test tools,
# plus Graphviz's `dot` (for SVG/PNG diagrams) and PostgreSQL (for the PostgreSQL store's tests)
# from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! command -v dot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Graphviz (dot) with apt-get" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
  else
    echo "setup: Graphviz 'dot' not found; install it (e.g. 'sudo apt-get install graphviz') for SVG/PNG diagrams" >&2
  fi
fi
# PostgreSQL's server binaries, for the PostgreSQL store's tests (they start their own server)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing PostgreSQL with apt-get" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "setup: PostgreSQL not found; install it (e.g. 'sudo apt-get install postgresql') to test the PostgreSQL store" >&2
  fi
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test,mcp,openai-agents,pydantic-ai,anthropic,langchain,ray,postgres]'
bash scripts/install-typescript.sh
echo "setup: ready (.venv)" >&2
