#!/usr/bin/env bash
# One command to run WherebyGrains locally: Azurite (the Azure Storage emulator, data under
# .data/azurite so it survives a restart) and one silo on http://127.0.0.1:5080.
#
# Configuration comes from the environment exactly as in production, e.g.
#   WherebyGrains__Tenants__acme__WebhookSecrets__0=whsec-...  deploy/local/up.sh
#   ASPNETCORE_URLS=http://127.0.0.1:8080                       deploy/local/up.sh
# Ctrl-C (or SIGTERM) stops the silo, then Azurite, cleanly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK ('dotnet') is required: https://dot.net"

silo_pid=""
stopping=0
stop_all() {
  local code=${1:-0}
  stopping=1
  trap - INT TERM EXIT
  [ -n "$silo_pid" ] && stop_pid "$silo_pid" 60 "the silo"
  # SIGTERM lets Azurite save its data; a SIGKILL would lose the last seconds of writes.
  [ -n "$azurite_pid" ] && stop_pid "$azurite_pid" 20 "Azurite" && rm -f "$data/azurite.pid"
  exit "$code"
}
trap_stop_all

needs_azurite && start_azurite
bin="$(build_project WherebyGrains.Silo)"

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
first_url="${ASPNETCORE_URLS%%;*}"
probe_url="$(echo "$first_url" | sed -E 's#//(0\.0\.0\.0|\+|\*|\[::\])#//127.0.0.1#')"
probe_port="$(echo "$probe_url" | sed -nE 's#.*:([0-9]+)/?$#\1#p')"
[ -n "$probe_port" ] && port_open "$probe_port" && fail "port $probe_port is already in use: set ASPNETCORE_URLS to another address."

say "starting the silo on $ASPNETCORE_URLS ..."
(cd "$bin" && exec setsid dotnet WherebyGrains.Silo.dll) &
silo_pid=$!
wait_ready "$probe_url/health/ready" "$silo_pid" "the silo"
say "ready: POST signed webhooks to $probe_url/webhooks/<tenantId>. Ctrl-C stops everything."

# Stay in the foreground until the silo stops (or we are told to stop).
set +e
wait "$silo_pid"
code=$?
set -e
[ "$stopping" = 1 ] || { say "the silo exited with code $code"; stop_all "$code"; }
