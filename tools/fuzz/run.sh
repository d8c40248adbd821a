#!/usr/bin/env bash
# Runs the fuzzing harness (tests/WherebyGrains.Silo.Tests/FuzzTests.cs: generated webhooks and
# queries through the real HTTP pipeline of a real silo) for as many cases or as long as asked,
# and prints what ran and anything found. Exit code 0: nothing found.
#
#   tools/fuzz/run.sh --cases 100000 [--seed 7]
#   tools/fuzz/run.sh --seconds 3600
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cases=""
seconds=""
seed="18"
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--cases N | --seconds S] [--seed N]" >&2; exit 2 ;;
  esac
done
[ -z "$cases" ] && [ -z "$seconds" ] && cases=100000

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
# A run as long as asked, plus the build and the silo's start.
limit=$(( ${seconds:-0} + 1800 + ${cases:-0} / 100 ))
set +e
FUZZ_CASES="$cases" FUZZ_SECONDS="$seconds" FUZZ_SEED="$seed" FUZZ_REPORT="$report" \
  timeout "$limit" dotnet test "$root/tests/WherebyGrains.Silo.Tests" \
  --filter "FullyQualifiedName~WherebyGrains.Silo.Tests.FuzzTests" --logger "console;verbosity=quiet" >&2
status=$?
set -e
if [ -s "$report" ]; then
  cat "$report"
else
  echo "fuzz: no report (the run did not finish; exit $status)"
fi
exit "$status"
