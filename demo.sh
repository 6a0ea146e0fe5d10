#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and runs the sample host's `demo` on the managed
# cluster. The host (samples/Ledger.Cli, `switchyard-ledger`) adds the sample ledger to the product's commands; the
# demo's migrator is the product's own `switchyard` binary.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh
log=$(mktemp)
if ! dotnet build samples/Ledger.Cli -c Release -nologo >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
rm -f "$log"
exec dotnet samples/Ledger.Cli/bin/Release/net10.0/switchyard-ledger.dll demo "$@"
