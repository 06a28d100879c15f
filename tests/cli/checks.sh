# shellcheck shell=bash
# Sourced by the tests in this folder: `check NAME STATUS` counts a check
# as passed when STATUS is 0, else prints "FAIL: NAME"; each test ends with
# its counts and fails when any check failed.
passed=0
failed=0

check() {  # check NAME CONDITION-EXIT-STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi
}
