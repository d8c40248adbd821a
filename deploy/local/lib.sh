# Shared by up.sh and cluster.sh: messages, ports, HTTP probes, Azurite, and stopping processes.
# Environment: WHEREBY_DATA_DIR (default <repo>/.data), WHEREBY_AZURITE_PORT (blob port, queue +1,
# table +2; default 10000), WHEREBY_CONFIGURATION (default Release), WHEREBY_SKIP_BUILD=1.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${WHEREBY_DATA_DIR:-$root/.data}"
configuration="${WHEREBY_CONFIGURATION:-Release}"
azurite_port="${WHEREBY_AZURITE_PORT:-10000}"
azurite_pid=""

fail() { echo "$(basename "$0"): error: $*" >&2; exit 1; }
say() { echo "$(basename "$0"): $*" >&2; }

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

# Stop a process: SIGTERM, then SIGKILL after the given seconds.
stop_pid() {
  local pid=$1 seconds=$2 name=$3
  kill -0 "$pid" 2>/dev/null || return 0
  say "stopping $name (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((seconds * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$name did not stop within ${seconds}s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# The connection string of the local Azurite.
azurite_connection_string() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((azurite_port + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((azurite_port + 2))/devstoreaccount1;"
}

# True unless storage is memory-only or a real account was configured.
needs_azurite() {
  local provider="${WherebyGrains__Storage__Provider:-AzureTable}" connection="${WherebyGrains__Storage__ConnectionString:-}"
  [ "$provider" = "AzureTable" ] && { [ -z "$connection" ] || [ "$connection" = "UseDevelopmentStorage=true" ]; }
}

# Start Azurite with its data under $data/azurite and point the service at it.
start_azurite() {
  local p
  mkdir -p "$data/azurite" "$data/logs"
  bash "$root/deploy/local/install-tools.sh" || fail "could not install Azurite (see above)"
  for p in "$azurite_port" $((azurite_port + 1)) $((azurite_port + 2)); do
    port_open "$p" && fail "port $p is already in use: is another Azurite running? Stop it, or set WHEREBY_AZURITE_PORT."
  done
  # WHEREBY_AZURITE_IN_MEMORY=1 (measurements only): nothing on disk, so no pauses to save it.
  local persistence=(--location "$data/azurite")
  [ "${WHEREBY_AZURITE_IN_MEMORY:-}" = 1 ] && persistence=(--inMemoryPersistence)
  say "starting Azurite (${persistence[*]}) ..."
  # Its own session: a Ctrl-C or a signal to our process group reaches only the script, which
  # stops the silos before Azurite (a silo stopping without its storage cannot say goodbye).
  setsid node "$root/.tools/azurite/node_modules/azurite/dist/src/azurite.js" \
    --silent --disableTelemetry --skipApiVersionCheck --loose \
    "${persistence[@]}" \
    --blobHost 127.0.0.1 --blobPort "$azurite_port" \
    --queueHost 127.0.0.1 --queuePort $((azurite_port + 1)) \
    --tableHost 127.0.0.1 --tablePort $((azurite_port + 2)) \
    >"$data/logs/azurite.log" 2>&1 &
  azurite_pid=$!
  echo "$azurite_pid" > "$data/azurite.pid"
  for _ in $(seq 1 300); do
    port_open $((azurite_port + 2)) && port_open "$azurite_port" && break
    kill -0 "$azurite_pid" 2>/dev/null || fail "Azurite exited at start-up: $(tail -5 "$data/logs/azurite.log")"
    sleep 0.1
  done
  port_open $((azurite_port + 2)) || fail "Azurite did not open its ports within 30s: $(tail -5 "$data/logs/azurite.log")"
  export WherebyGrains__Storage__ConnectionString
  WherebyGrains__Storage__ConnectionString="$(azurite_connection_string)"
  # Azurite serves one request at a time (one Node.js thread): with fewer writes behind the
  # answers in flight, the journal's and activations' requests queue behind fewer of them
  # (measured: a third fewer answers over 100 ms, and more events/s). A storage account serves many
  # at once: the service's default stays 64.
  export WherebyGrains__Storage__MaxConcurrentStateWrites="${WherebyGrains__Storage__MaxConcurrentStateWrites:-8}"
  say "Azurite is up on 127.0.0.1:$azurite_port-$((azurite_port + 2))"
}

# Build a project (a host under src/, a tool under tools/) unless told not to; prints the folder of its binaries.
build_project() {
  local project=$1 dir="$root/src/$1"
  [ -d "$dir" ] || dir="$root/tools/$1"
  if [ "${WHEREBY_SKIP_BUILD:-0}" != 1 ]; then
    say "building $project ($configuration) ..."
    dotnet build "$dir/$project.csproj" -c "$configuration" --nologo -v quiet -clp:ErrorsOnly >&2 \
      || fail "the build of $project failed (see above)"
  fi
  echo "$dir/bin/$configuration/net10.0"
}

# Wait until a URL answers 200, while the process lives; a hung start-up is bounded.
wait_ready() {
  local url=$1 pid=$2 name=$3 seconds=${4:-180}
  for _ in $(seq 1 $((seconds * 5))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; fail "$name exited during start-up (see its log)"; }
    http_ok "$url" && return 0
    sleep 0.2
  done
  fail "$name did not become ready within ${seconds}s"
}

# Calls stop_all (defined by the script) on Ctrl-C, SIGTERM and exit, with the conventional codes.
trap_stop_all() {
  trap 'stop_all 130' INT
  trap 'stop_all 143' TERM
  trap 'stop_all $?' EXIT
}

# For the tools' measured runs (load, soak): a silo of the build in $silo_bin on 127.0.0.1:$1,
# tenant acme's webhook secret $2, its log $data/logs/$3, the remaining arguments added to its
# environment; sets silo_pid once it is ready.
start_tool_silo() {
  local port=$1 secret=$2 log=$3
  shift 3
  (cd "$silo_bin" && exec env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" \
     WherebyGrains__Tenants__acme__WebhookSecrets__0="$secret" \
     Logging__LogLevel__Default=Warning \
     setsid dotnet WherebyGrains.Silo.dll >"$data/logs/$log" 2>&1) &
  silo_pid=$!
  wait_ready "http://127.0.0.1:$port/health/ready" "$silo_pid" "the silo"
}

# The tools' trap: stops their silo and Azurite however the script ends.
stop_tool_processes() {
  trap - INT TERM EXIT
  [ -n "${silo_pid:-}" ] && stop_pid "$silo_pid" 60 "the silo"
  [ -n "${azurite_pid:-}" ] && stop_pid "$azurite_pid" 20 "Azurite"
  return 0
}
