#!/usr/bin/env bash
# Soak: one durable silo on Azurite, the simulator's meetings at a steady rate for as long as
# asked; every minute the minute's events/s, p50/p99 and errors, and the silo's memory (RSS,
# GC heap after the last collection), gen2 collections and thread pool threads. Writes the table
# and a verdict (flat memory, no growth in answer time) to docs/soak.md.
#   tools/soak/run.sh [minutes (60)] [events per second (100)] [meetings' start, hours ago (11: today)]
# Today's meetings: those that ended within the last 6 hours keep their archives hours away, as
# in production (rooms must sleep meanwhile); the older ones archive after the quiet period. WHEREBY_AZURITE_IN_MEMORY=1 keeps Azurite off the disk (its saves pause it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/local/lib.sh"

minutes="${1:-60}"
rate="${2:-100}"
hours_ago="${3:-11}"
export WHEREBY_DATA_DIR="${WHEREBY_DATA_DIR:-$(mktemp -d)}"
data="$WHEREBY_DATA_DIR"
results="$data/soak-results.jsonl"
samples="$data/soak-samples.tsv"
secret="soak-secret"
silo_port=5190
silo_pid=""
output="${SOAK_OUTPUT:-$root/docs/soak.md}"

trap stop_tool_processes INT TERM EXIT

start_azurite
silo_bin="$(build_project WherebyGrains.Silo)"
sim_bin="$(build_project WherebyGrains.Simulator)"

say "starting a durable silo ..."
start_tool_silo "$silo_port" "$secret" soak-silo.log WherebyGrains__Storage__Provider=AzureTable

# The value of one series in a Prometheus scrape (summed over its labels), 0 when absent.
metric() { { grep -E "^$1(_total)?(\{[^}]*\})? " "$data/scrape" || :; } | awk '{ s += $NF } END { printf "%.0f", s }'; }

rm -f "$results"
printf 'minute\tevents_per_s\tp50_ms\tp99_ms\terrors\trss_mb\theap_mb\tgen2\tthreads\trooms\tazurite_cpu\tazurite_mb\n' > "$samples"
# CPU seconds of a process so far (utime + stime), from /proc.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
azurite_cpu_before=$(cpu_seconds "$azurite_pid")
for minute in $(seq 1 "$minutes"); do
  minute_started=$SECONDS
  # Each minute a new set of meetings (new rooms), sent on schedule: an open loop, so a slower
  # silo shows as a higher p99, never as a lower rate.
  timeout 300 dotnet "$sim_bin/wherebygrains-simulator.dll" load --url "http://127.0.0.1:$silo_port" --secret "$secret" \
    --path /webhooks/acme --shape meetings --events $((rate * 60)) --rate "$rate" --concurrency 64 \
    --hours-ago "$hours_ago" --label "minute $minute" --results "$results" >/dev/null
  curl -s --max-time 10 "http://127.0.0.1:$silo_port/metrics" > "$data/scrape" || : > "$data/scrape"
  rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$silo_pid/status" 2>/dev/null || echo 0)
  azurite_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$azurite_pid/status" 2>/dev/null || echo 0)
  # Azurite's share of one core over the minute: the emulator is single-threaded, and at 100 % it is the limit.
  azurite_cpu_now=$(cpu_seconds "$azurite_pid")
  azurite_cpu=$(awk -v a="$azurite_cpu_before" -v b="$azurite_cpu_now" -v s="$SECONDS" -v t="${minute_started:-0}" 'BEGIN { d = s - t; if (d <= 0) d = 60; printf "%.0f", (b - a) * 100 / d }')
  azurite_cpu_before=$azurite_cpu_now
  # Room activations in memory: created minus collected.
  # (No line yet, e.g. no room collected, is 0: grep's "nothing found" must not end the run.)
  rooms=$({ grep -E '^orleans_catalog_activation_created_total\{[^}]*grain_type="room"' "$data/scrape" || :; } | awk '{ s += $NF } END { printf "%.0f", s }')
  gone=$({ grep -E '^orleans_catalog_activation_destroyed_total\{[^}]*grain_type="room"' "$data/scrape" || :; } | awk '{ s += $NF } END { printf "%.0f", s }')
  line=$(tail -1 "$results")
  field() { echo "$line" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
  printf '%s\t%.0f\t%.1f\t%.1f\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$(field PerSecond)" "$(field P50Ms)" "$(field P99Ms)" "$(field Errors)" \
    $((rss_kb / 1024)) $(( $(metric dotnet_gc_last_collection_heap_size_bytes) / 1048576 )) \
    "$(grep -E '^dotnet_gc_collections_total\{[^}]*gen2' "$data/scrape" | awk '{ s += $NF } END { printf "%.0f", s }')" \
    "$(metric dotnet_thread_pool_thread_count)" "$((rooms - gone))" "$azurite_cpu" $((azurite_kb / 1024)) >> "$samples"
  say "$(tail -1 "$samples")"
done

# The verdict compares the first and the last fifth of the run (after the first minute's warm-up).
verdict=$(awk -F'\t' -v n="$minutes" 'NR > 2 {
    m = $1; k = int((n - 1) / 5); if (k < 1) k = 1
    if (m <= 1 + k) { fr += $6; fp += $4; fc++ }
    if (m > n - k) { lr += $6; lp += $4; lc++ }
  } END {
    if (fc == 0 || lc == 0) { print "too short for a verdict"; exit }
    printf "first fifth: RSS %.0f MB, p99 %.1f ms; last fifth: RSS %.0f MB, p99 %.1f ms (%+.0f%% memory, %+.0f%% p99)", fr/fc, fp/fc, lr/lc, lp/lc, (lr/lc - fr/fc) * 100 / (fr/fc), (lp/lc - fp/fc) * 100 / (fp/fc)
  }' "$samples")

{
  echo "# Soak"
  echo
  echo "\`tools/soak/run.sh $minutes $rate $hours_ago\` on $(date -u +%Y-%m-%d): one durable silo on Azurite (both on this machine, $(nproc) cores$([ "${WHEREBY_AZURITE_IN_MEMORY:-}" = 1 ] && echo ", Azurite in memory")),"
  echo "the simulator's meetings at $rate events/s for $minutes minutes, each minute a new set of rooms, the meetings of $hours_ago hours ago"
  echo "(the meetings of a working day that began then: those that ended over 6 h ago archive after the 15-minute quiet period, the others hours later)."
  echo "Memory is the silo process's RSS and the GC heap after its last collection; gen2 is the count of"
  echo "gen2 collections so far; threads, the thread pool's; rooms in memory, room activations created"
  echo "less collected; Azurite's CPU is its share of one core over the minute (it is single-threaded:"
  echo "near 100 % it is the limit, and the answer times are its)."
  echo
  echo "**$verdict**"
  echo
  echo "| minute | events/s | p50 ms | p99 ms | errors | RSS MB | GC heap MB | gen2 | threads | rooms in memory | Azurite CPU % | Azurite MB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$samples" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'
} > "$output"
say "wrote $output: $verdict"
