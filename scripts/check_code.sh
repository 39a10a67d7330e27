#!/usr/bin/env bash
# The checks every change passes before the tests: format, lint, types and import rules.
# Run from the project's root with the test extra installed (.ci/run and pre-commit do).
set -u
cd "$(dirname "$0")/.."
failed=0
check() {
    echo "check: $*"
    "$@" || failed=1
}
check ruff format --check openclaude_tui tests
check ruff check openclaude_tui tests
check mypy
check lint-imports
if [ "$failed" -ne 0 ]; then
    echo "check_code: some checks failed (see above)" >&2
fi
exit "$failed"
