#!/usr/bin/env bash
# Installs what a fresh machine lacks for Switchyard: the repo's local .NET tools (dotnet-ef, see .config/dotnet-tools.json)
# and PostgreSQL server binaries (Debian packages).
# The .NET 10 SDK is expected on PATH; we say how to get it if it is not.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (dotnet) is not on PATH." >&2
  echo "hint: install the .NET 10 SDK (https://learn.microsoft.com/dotnet/core/install/linux), then run this again." >&2
  exit 2
fi

# dotnet-ef: the EF tests run the real `dotnet ef migrations script/list` against the sample.
(cd "$(dirname "$0")/.." && dotnet tool restore >/dev/null) || {
  echo "error: 'dotnet tool restore' failed (.config/dotnet-tools.json: dotnet-ef)." >&2
  echo "hint: check the NuGet source is reachable, then run 'dotnet tool restore' in the repository." >&2
  exit 2
}

have_postgres() {
  [ -n "${SWITCHYARD_PG_BINDIR:-}" ] && [ -x "${SWITCHYARD_PG_BINDIR}/initdb" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null 2>&1
}

if ! have_postgres; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries not found: installing the Debian package 'postgresql'..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    # The Debian package starts its own cluster on 5432; Switchyard runs its own, so stop that one.
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do pg_ctlcluster ${c%/*} ${c#*/} stop >/dev/null 2>&1 || true; done
    fi
  else
    echo "error: PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed." >&2
    echo "hint: run 'sudo apt-get install -y postgresql' (Debian/Ubuntu), or set SWITCHYARD_PG_BINDIR to the folder holding initdb." >&2
    exit 2
  fi
fi

if ! id postgres >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "error: running as root, but there is no 'postgres' OS user to run the server as (PostgreSQL refuses root)." >&2
  echo "hint: 'apt-get install -y postgresql' creates it; or run Switchyard as an unprivileged user." >&2
  exit 2
fi
