#!/usr/bin/env bash
# Storage requests per acknowledged event, counted from outside the silo: a proxy between the silo
# and Azurite's table endpoint counts every HTTP request (an entity-group transaction is one),
# from the first event of whole meetings until the silo has stopped gracefully, so that deferred
# writes count; the idle background traffic, measured before the load, is subtracted. The meetings
# are sent live (each event dated when sent), so that rooms see live sessions as in service.
#   tools/load/storage-requests.sh [meetings (400)] [events/s (200)]
# Prints the breakdown and the total and writes them to docs/storage-requests.md; WHEREBY_DATA_DIR
# keeps the logs and counts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/local/lib.sh"

meetings="${1:-400}"
rate="${2:-200}"
export WHEREBY_DATA_DIR="${WHEREBY_DATA_DIR:-$(mktemp -d)}"
data="$WHEREBY_DATA_DIR"
secret="load-secret"
silo_port=5181
proxy_port=$((azurite_port + 112))
silo_pid=""
proxy_pid=""
counts="$data/storage-requests.json"
idle_seconds=30

stop_all() {
  trap - INT TERM EXIT
  [ -n "$silo_pid" ] && stop_pid "$silo_pid" 120 "the silo"
  [ -n "$proxy_pid" ] && stop_pid "$proxy_pid" 10 "the proxy"
  [ -n "${azurite_pid:-}" ] && stop_pid "$azurite_pid" 20 "Azurite"
  exit "${1:-0}"
}
trap_stop_all

mkdir -p "$data/logs"
start_azurite
silo_bin="$(build_project WherebyGrains.Silo)"
sim_bin="$(build_project WherebyGrains.Simulator)"
simulator() { dotnet "$sim_bin/wherebygrains-simulator.dll" "$@"; }
total() { node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(Object.values(c).reduce((a, b) => a + b, 0))' "$counts"; }

# Started directly (not through the function), so that its pid is the process's own.
dotnet "$sim_bin/wherebygrains-simulator.dll" storage-proxy --listen "$proxy_port" --target $((azurite_port + 2)) --counts "$counts" >"$data/logs/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do [ -f "$counts" ] && break; kill -0 "$proxy_pid" 2>/dev/null || break; sleep 0.1; done
[ -f "$counts" ] || fail "the counting proxy did not start: $(tail -3 "$data/logs/proxy.log")"
export WherebyGrains__Storage__ConnectionString="${WherebyGrains__Storage__ConnectionString/:$((azurite_port + 2))\//:$proxy_port/}"

say "starting a silo whose storage goes through the proxy ..."
start_tool_silo "$silo_port" "$secret" storage-requests-silo.log WherebyGrains__Storage__Provider=AzureTable
sleep 2
idle_start=$(total); idle_from=$(date +%s.%N)
say "measuring idle traffic for ${idle_seconds}s ..."
sleep "$idle_seconds"
idle_end=$(total); idle_to=$(date +%s.%N)
cp "$counts" "$data/before.json"

simulator load --url "http://127.0.0.1:$silo_port" --secret "$secret" --path /webhooks/acme --shape meetings \
  --meetings "$meetings" --rate "$rate" --live --concurrency 64 --label "storage requests" --results "$data/load.jsonl"
# The cross-room views' lag (acknowledgement to people's rows readable), once the last rows are written.
sleep 5
curl -s --max-time 10 "http://127.0.0.1:$silo_port/metrics" > "$data/metrics.txt" || : > "$data/metrics.txt"
stop_pid "$silo_pid" 120 "the silo"; silo_pid=""
stopped=$(date +%s.%N)
sleep 1
cp "$counts" "$data/after.json"

node - "$data/before.json" "$data/after.json" "$data/load.jsonl" "$idle_start" "$idle_end" "$idle_from" "$idle_to" "$stopped" "$meetings" "$rate" "$data/metrics.txt" <<'JS' | tee "$root/docs/storage-requests.md"
const fs = require("fs");
const [before, after] = [2, 3].map(i => JSON.parse(fs.readFileSync(process.argv[i], "utf8")));
const lines = fs.readFileSync(process.argv[4], "utf8").trim().split("\n");
const load = JSON.parse(lines[lines.length - 1]);
const [idleStart, idleEnd, idleFrom, idleTo, stopped] = process.argv.slice(5, 10).map(Number);
const [meetings, rate] = process.argv.slice(10, 12);
const acknowledged = load.Operations - load.Errors;
const idle = (idleEnd - idleStart) / (idleTo - idleFrom) * (stopped - idleTo);
const rows = Object.keys(after).map(k => [k, after[k] - (before[k] || 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
const total = rows.reduce((s, [, n]) => s + n, 0) - idle;
const out = [
  "# Storage requests per event",
  "",
  `Written by \`tools/load/storage-requests.sh ${meetings} ${rate}\` on ${new Date().toISOString().slice(0, 16)}Z: ${meetings} whole meetings`,
  "(the simulator's, each in its own room, sent live: every event dated when sent), counted by a proxy",
  "between the silo and Azurite's table endpoint from the first event until the silo had stopped",
  "(an entity-group transaction is one request), idle background traffic subtracted.",
  "",
  "| request | count | per event |",
  "|---|---|---|",
  ...rows.map(([k, n]) => `| ${k} | ${n} | ${(n / acknowledged).toFixed(3)} |`),
  `| idle background (subtracted) | ${idle.toFixed(0)} | |`,
  "",
  `${acknowledged} events acknowledged (${load.Errors} errors) at ${load.PerSecond.toFixed(0)}/s: ${total.toFixed(0)} storage requests, **${(total / acknowledged).toFixed(3)} per event**.`,
];
// Cumulative buckets of wherebygrains_views_lag_seconds, summed over tenants.
const buckets = {};
for (const line of fs.readFileSync(process.argv[12], "utf8").split("\n")) {
  const m = /^wherebygrains_views_lag_seconds_bucket\{.*le="([^"]+)".*\} (\S+)/.exec(line);
  if (m) buckets[m[1]] = (buckets[m[1]] || 0) + Number(m[2]);
}
if (buckets["+Inf"] > 0) {
  const within = le => `${(100 * (buckets[le] || 0) / buckets["+Inf"]).toFixed(2)} %`;
  out.push("", `Cross-room views' lag (acknowledgement to people's rows readable, ${buckets["+Inf"]} events): within 0.5 s ${within("0.5")}, 1 s ${within("1")}, 2 s ${within("2")} (the contract: p99 within 2 s).`);
}
console.log(out.join("\n"));
JS
