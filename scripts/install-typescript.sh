#!/usr/bin/env bash
# Install the TypeScript compiler into .cache/typescript (for the tests that check the tool
# declarations with `tsc --noEmit`). Needs npm; does nothing when tsc is there already.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .cache/typescript/node_modules/.bin/tsc ]; then exit 0; fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm not found; the TypeScript checks of the tool declarations will be skipped" >&2
  exit 0
fi
mkdir -p .cache/typescript
npm install --silent --no-audit --no-fund --prefix .cache/typescript 'typescript@~5.9' >/dev/null
echo "setup: installed tsc into .cache/typescript" >&2
