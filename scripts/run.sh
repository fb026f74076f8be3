#!/usr/bin/env bash
# The single entry point behind the npm scripts: `npm run demo`, `npm test`, `npm run test:unit`...
# Each task does its own set-up (Node >= 22, npm dependencies, a build, the Pulumi CLI when it needs
# one), so every command works on a fresh clone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$AEP_PROJECT_ROOT"

task="${1:-}"
shift || true

# A clean build: tsc never removes the output of a deleted source, which would ship and load.
build() { rm -rf dist && npx tsc -p tsconfig.json; }

case "$task" in
  build)
    aep_ensure_node && aep_ensure_dependencies && build
    ;;
  lint)
    aep_ensure_node && aep_ensure_dependencies
    npx eslint .
    npx prettier --check .
    ;;
  format)
    aep_ensure_node && aep_ensure_dependencies
    npx prettier --write . && npx eslint --fix .
    ;;
  test)
    aep_ensure_node && aep_ensure_dependencies
    echo "== format and lint" >&2
    npx prettier --check .
    npx eslint .
    echo "== build" >&2
    build
    echo "== type-check examples" >&2
    npx tsc -p examples/tsconfig.json
    AEP_NEED_PULUMI=1 aep_ensure_pulumi
    aep_ensure_pnpm
    # The whole suite (no mocha arguments) includes the benchmark's smoke run, `npm run bench --
    # --quick`: it must run to the end and print its figures; no time is asserted. It runs before
    # mocha so that the last line printed is mocha's "N passed, N failed, N skipped".
    if [ "$#" -eq 0 ]; then
      echo "== benchmark smoke run (npm run bench -- --quick; figures printed, nothing asserted)" >&2
      node dist/bench/index.js --quick
    fi
    echo "== mocha: unit, emulator contract and end-to-end suites" >&2
    npx mocha "$@"
    ;;
  test:unit)
    # The fast path: no build and no Pulumi CLI. tsx goes in NODE_OPTIONS rather than a mocha
    # `require` so that the processes the tests spawn (the emulator CLI) run from source too.
    aep_ensure_node && aep_ensure_dependencies
    echo "== mocha from the TypeScript sources: unit, emulator contract and fault integration suites" >&2
    echo "   (not here: tests/unit/serialization.spec.ts and tests/unit/cli/exportTypecheck.spec.ts, which need the build, and tests/e2e; \`npm test\` runs all)" >&2
    NODE_OPTIONS="--import=tsx ${NODE_OPTIONS:-}" npx mocha --config .mocharc.unit.json "$@"
    ;;
  demo)
    aep_ensure_node && aep_ensure_dependencies && build && aep_ensure_pulumi
    node dist/scripts/demo.js "$@"
    ;;
  emulator)
    aep_ensure_node && aep_ensure_dependencies && build
    exec node dist/provider/emulator/cli.js "$@"
    ;;
  bench)
    aep_ensure_node && aep_ensure_dependencies && build && aep_ensure_pulumi
    node dist/bench/index.js "$@"
    ;;
  *)
    echo "usage: scripts/run.sh build|lint|format|test|test:unit|demo|emulator|bench" >&2
    exit 2
    ;;
esac
