#!/usr/bin/env bash
# Measures, in one run on this machine, with the load generator on the same machine:
#   (1) the front door alone (verify-only endpoint), (2) the full pipeline on memory storage,
#   (3) the full pipeline durable on Azurite, (4) Azurite's own single-entity upsert rate;
# events per second and p50/p99 latency, with the target ratios. Writes docs/load-results.md.
# (2) and (3) send the simulator's meetings (people who join, rejoin, leave; session events);
# (2b) and (3b) the worst case for per-person work: every event a new person.
#   tools/load/run.sh [events] [concurrency]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/local/lib.sh"

events="${1:-20000}"
concurrency="${2:-64}"
export WHEREBY_DATA_DIR="${WHEREBY_DATA_DIR:-$(mktemp -d)}"
data="$WHEREBY_DATA_DIR"
results="$data/load-results.jsonl"
secret="load-secret"
silo_port=5180
silo_pid=""

trap stop_tool_processes INT TERM EXIT

start_azurite
silo_bin="$(build_project WherebyGrains.Silo)"
sim_bin="$(build_project WherebyGrains.Simulator)"
simulator() { dotnet "$sim_bin/wherebygrains-simulator.dll" "$@"; }

start_silo() {
  say "starting a silo ($*) ..."
  start_tool_silo "$silo_port" "$secret" load-silo.log WherebyGrains__Benchmarks__VerifyOnlyEndpoint=true "$@"
}
load() { simulator load --url "http://127.0.0.1:$silo_port" --secret "$secret" --events "$events" --concurrency "$concurrency" --results "$results" "$@"; }

# A durable silo is warmed below its peak, then left a moment: warmed at full speed, its JIT was
# still recompiling hot methods through (3) (a third of the silo's CPU, measured with perf), as
# the compiler's background thread had no core to itself. Warmed longer at full speed instead,
# Azurite's database grows and slows (3) the other way. A long-running silo is past both.
warm_durable() {
  load --path /webhooks/acme --events 20000 --shape meetings --rate 600 --label warmup >/dev/null
  sleep 5
}

rm -f "$results"
start_silo WherebyGrains__Storage__Provider=Memory
# Warm until the JIT has settled (with 20,000 it still took about a sixth of the silo's CPU during
# (2)): steady state is what a long-running silo sees. (1) runs three times as long as the others,
# being three times as fast.
load --path /webhooks/acme --events 80000 --shape meetings --label warmup >/dev/null
load --path /benchmarks/verify/acme --events 40000 --label warmup >/dev/null
# (1) and (2) by turns, three times each: the ratio compares runs of the same minutes, and the
# report takes each one's median run.
for _ in 1 2 3; do
  load --path /benchmarks/verify/acme --events $((events * 3)) --label "1 verify only"
  load --path /webhooks/acme --shape meetings --label "2 pipeline memory"
done
load --path /webhooks/acme --shape people --label "2b pipeline memory, every event a new person"
stop_pid "$silo_pid" 60 "the silo"; silo_pid=""

start_silo WherebyGrains__Storage__Provider=AzureTable
warm_durable
# Counted until the work that follows the answers (write-behind, people's rows, journal clean-up) is done.
load --path /webhooks/acme --shape meetings --label "3 pipeline durable" --count-storage-requests 20
# Latency below saturation: half of (3)'s rate, sent on schedule.
steady=$(grep '"Label":"3 pipeline durable"' "$results" | tail -1 | sed -E 's/.*"PerSecond":([0-9.]+).*/\1/' | awk '{ printf "%d", $1 / 2 }')
load --path /webhooks/acme --shape meetings --events $((events / 2)) --rate "$steady" --label "3s pipeline durable at half its peak rate"
load --path /webhooks/acme --shape people --events $((events / 4)) --label "3b pipeline durable, every event a new person"
stop_pid "$silo_pid" 60 "the silo"; silo_pid=""

# The same steady run with Azurite keeping nothing on disk: what remains is this service's tail,
# not the emulator's pauses to save its database.
stop_pid "$azurite_pid" 20 "Azurite"; azurite_pid=""
WHEREBY_AZURITE_IN_MEMORY=1 start_azurite
start_silo WherebyGrains__Storage__Provider=AzureTable
warm_durable
load --path /webhooks/acme --shape meetings --events $((events / 2)) --rate "$steady" --label "3m pipeline durable at half its peak rate, Azurite in memory"
stop_pid "$silo_pid" 60 "the silo"; silo_pid=""
stop_pid "$azurite_pid" 20 "Azurite"; azurite_pid=""
start_azurite

simulator storage-upserts --connection-string "$WherebyGrains__Storage__ConnectionString" --count "$events" --concurrency "$concurrency" --results "$results" --label "4 azurite upserts"
grep -v '"Label":"warmup"' "$results" > "$results.final"
simulator load-report --results "$results.final" --output "$root/docs/load-results.md"
