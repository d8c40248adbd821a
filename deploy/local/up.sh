#!/usr/bin/env bash
# One command to run WherebyGrains locally: Azurite (the Azure Storage emulator, data under
# .data/azurite so it survives a restart) and one silo on http://127.0.0.1:5080.
#
# Configuration comes from the environment exactly as in production, e.g.
#   WherebyGrains__Tenants__acme__WebhookSecrets__0=whsec-...  deploy/local/up.sh
#   ASPNETCORE_URLS=http://127.0.0.1:8080                       deploy/local/up.sh
# Ctrl-C (or SIGTERM) stops the silo, then Azurite, cleanly.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/.data"
mkdir -p "$data/azurite" "$data/logs"

fail() { echo "up.sh: error: $*" >&2; exit 1; }
say() { echo "up.sh: $*" >&2; }

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK ('dotnet') is required: https://dot.net"

azurite_pid=""
silo_pid=""
stopping=0

stop_all() {
  local code=${1:-0}
  stopping=1
  trap - INT TERM EXIT
  if [ -n "$silo_pid" ] && kill -0 "$silo_pid" 2>/dev/null; then
    say "stopping the silo (pid $silo_pid) ..."
    kill -TERM "$silo_pid" 2>/dev/null || true
    wait_for_exit "$silo_pid" 60
  fi
  if [ -n "$azurite_pid" ] && kill -0 "$azurite_pid" 2>/dev/null; then
    # SIGTERM lets Azurite save its data; a SIGKILL would lose the last seconds of writes.
    say "stopping Azurite (pid $azurite_pid) ..."
    kill -TERM "$azurite_pid" 2>/dev/null || true
    wait_for_exit "$azurite_pid" 20
  fi
  exit "$code"
}

wait_for_exit() {
  local pid=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "pid $pid did not stop within ${seconds}s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

trap 'stop_all 130' INT
trap 'stop_all 143' TERM
trap 'stop_all $?' EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# GET a local URL and succeed on 200; curl when there is one, else bash's own /dev/tcp.
http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
    return
  fi
  local rest=${1#http://} hostport path line
  hostport=${rest%%/*}; path=/${rest#*/}
  (
    exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
    IFS= read -r -t 2 line <&3 && [[ "$line" == *" 200 "* ]]
  ) 2>/dev/null
}

# --- Azurite, unless storage is elsewhere (a real account) or memory only -------------------
provider="${WherebyGrains__Storage__Provider:-AzureTable}"
connection="${WherebyGrains__Storage__ConnectionString:-}"
if [ "$provider" = "AzureTable" ] && { [ -z "$connection" ] || [ "$connection" = "UseDevelopmentStorage=true" ]; }; then
  bash "$root/deploy/local/install-tools.sh" || fail "could not install Azurite (see above)"
  for port in 10000 10001 10002; do
    port_open "$port" && fail "port $port is already in use: is another Azurite running? Stop it first (Azurite's default ports are 10000-10002)."
  done
  say "starting Azurite (data in .data/azurite) ..."
  node "$root/.tools/azurite/node_modules/azurite/dist/src/azurite.js" \
    --silent --disableTelemetry --skipApiVersionCheck --loose \
    --location "$data/azurite" --debug "$data/logs/azurite-debug.log" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    >"$data/logs/azurite.log" 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 300); do
    port_open 10002 && port_open 10000 && break
    kill -0 "$azurite_pid" 2>/dev/null || fail "Azurite exited at start-up: $(tail -5 "$data/logs/azurite.log")"
    sleep 0.1
  done
  port_open 10002 || fail "Azurite did not open port 10002 within 30s: $(tail -5 "$data/logs/azurite.log")"
  say "Azurite is up on 127.0.0.1:10000-10002"
fi

# --- The silo ----------------------------------------------------------------------------------
say "building the silo ..."
dotnet build "$root/src/WherebyGrains.Silo/WherebyGrains.Silo.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly \
  || fail "the build failed (see above)"

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
first_url="${ASPNETCORE_URLS%%;*}"
probe_url="$(echo "$first_url" | sed -E 's#//(0\.0\.0\.0|\+|\*|\[::\])#//127.0.0.1#')"
probe_port="$(echo "$probe_url" | sed -nE 's#.*:([0-9]+)/?$#\1#p')"
[ -n "$probe_port" ] && port_open "$probe_port" && fail "port $probe_port is already in use: set ASPNETCORE_URLS to another address."

bin="$root/src/WherebyGrains.Silo/bin/Release/net10.0"
say "starting the silo on $ASPNETCORE_URLS ..."
(cd "$bin" && exec dotnet WherebyGrains.Silo.dll) &
silo_pid=$!

# A silo whose storage fails at start-up can hang rather than exit: bound the wait.
ready=0
for _ in $(seq 1 900); do
  if ! kill -0 "$silo_pid" 2>/dev/null; then
    wait "$silo_pid" || true
    fail "the silo exited during start-up (see its log above)"
  fi
  if http_ok "$probe_url/health/ready"; then ready=1; break; fi
  sleep 0.2
done
[ "$ready" = 1 ] || fail "the silo did not become ready within 180s"
say "ready: POST signed webhooks to $probe_url/webhooks/<tenantId>. Ctrl-C stops everything."

# Stay in the foreground until the silo stops (or we are told to stop).
set +e
wait "$silo_pid"
code=$?
set -e
[ "$stopping" = 1 ] || { say "the silo exited with code $code"; stop_all "$code"; }
