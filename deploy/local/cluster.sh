#!/usr/bin/env bash
# A local cluster: Azurite, N silos clustered over Azure Table, and the client query host.
#   deploy/local/cluster.sh 3
# Silo i serves HTTP on 127.0.0.1:$((WHEREBY_BASE_PORT + i - 1)) (base 5080) and writes its pid to
# .data/cluster/silo-i.pid; the query host serves on WHEREBY_BASE_PORT + 10. Silo i's Orleans ports
# are 11111 and 30000 (gateway) + WHEREBY_ORLEANS_PORT_OFFSET (default 0) + i - 1. Configuration comes
# from the environment as for up.sh. SIGTERM (or Ctrl-C) stops everything, silos gracefully.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

count="${1:-2}"
[[ "$count" =~ ^[1-9]$ ]] || fail "usage: cluster.sh N (1-9 silos)"
base="${WHEREBY_BASE_PORT:-5080}"
command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK ('dotnet') is required: https://dot.net"
mkdir -p "$data/cluster" "$data/logs"

pids=()
stop_all() {
  local code=${1:-0}
  trap - INT TERM EXIT
  # Silos in parallel (each drains its own webhooks), then the query host, then Azurite.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do stop_pid "$pid" 60 "process $pid"; done
  rm -f "$data"/cluster/*.pid
  [ -n "$azurite_pid" ] && stop_pid "$azurite_pid" 20 "Azurite" && rm -f "$data/azurite.pid"
  exit "$code"
}
trap_stop_all

needs_azurite && start_azurite
silo_bin="$(build_project WherebyGrains.Silo)"
query_bin="$(build_project WherebyGrains.QueryHost)"
export WherebyGrains__Orleans__Clustering=AzureTable

for i in $(seq 1 "$count"); do
  port=$((base + i - 1))
  silo_port=$((11111 + ${WHEREBY_ORLEANS_PORT_OFFSET:-0} + i - 1))
  gateway_port=$((30000 + ${WHEREBY_ORLEANS_PORT_OFFSET:-0} + i - 1))
  port_open "$port" && fail "port $port is already in use: set WHEREBY_BASE_PORT to another base."
  for p in "$silo_port" "$gateway_port"; do
    port_open "$p" && fail "Orleans port $p is already in use: set WHEREBY_ORLEANS_PORT_OFFSET to move silo and gateway ports."
  done
  say "starting silo $i on http://127.0.0.1:$port ..."
  (cd "$silo_bin" && ASPNETCORE_URLS="http://127.0.0.1:$port" \
     WherebyGrains__Orleans__SiloPort=$silo_port \
     WherebyGrains__Orleans__GatewayPort=$gateway_port \
     exec setsid dotnet WherebyGrains.Silo.dll >"$data/logs/silo-$i.log" 2>&1) &
  pids+=($!)
  echo "${pids[-1]}" > "$data/cluster/silo-$i.pid"
done
for i in $(seq 1 "$count"); do
  wait_ready "http://127.0.0.1:$((base + i - 1))/health/ready" "${pids[$((i - 1))]}" "silo $i (log: $data/logs/silo-$i.log)"
done

query_port=$((base + 10))
say "starting the query host on http://127.0.0.1:$query_port ..."
(cd "$query_bin" && ASPNETCORE_URLS="http://127.0.0.1:$query_port" exec setsid dotnet WherebyGrains.QueryHost.dll >"$data/logs/query-host.log" 2>&1) &
pids+=($!)
echo "${pids[-1]}" > "$data/cluster/query-host.pid"
wait_ready "http://127.0.0.1:$query_port/health/ready" "${pids[-1]}" "the query host (log: $data/logs/query-host.log)"

say "ready: $count silos on 127.0.0.1:$base-$((base + count - 1)), query host on 127.0.0.1:$query_port. Ctrl-C stops everything."
# A cluster outlives its silos: report each one that exits and keep the rest serving; stop only
# when told to (SIGTERM, Ctrl-C) or when no silo is left.
reported=()
while sleep 1; do
  alive=0
  for i in $(seq 1 "$count"); do
    pid="${pids[$((i - 1))]}"
    if kill -0 "$pid" 2>/dev/null; then
      alive=$((alive + 1))
    elif [[ ! " ${reported[*]} " =~ " $i " ]]; then
      reported+=("$i")
      rm -f "$data/cluster/silo-$i.pid"
      say "silo $i (pid $pid) exited; the others keep serving (log: $data/logs/silo-$i.log)"
    fi
  done
  [ "$alive" -gt 0 ] || { say "no silo is left: stopping"; stop_all 1; }
done
