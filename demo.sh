#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and runs `switchyard demo` on the managed cluster.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh
log=$(mktemp)
if ! dotnet build src/Switchyard.Cli -c Release -nologo >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
rm -f "$log"
exec dotnet src/Switchyard.Cli/bin/Release/net10.0/switchyard.dll demo "$@"
