#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test against a real PostgreSQL
# that the tests start themselves. Ends with one 'N passed, N failed, N skipped' line.
set -uo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh || exit $?
log=$(mktemp)
dotnet test Switchyard.slnx -c Release -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "error: no test ran." >&2
  exit 1
fi
exit "$status"
