#!/usr/bin/env bash
# The short versions of the benchmarks, the fault drill, the soak and the detection drill, as CI runs them. They
# print figures; the full runs (by hand) and their recorded figures are in docs/BENCHMARKS.md and
# docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"

run() {
    echo "=== $*"
    local started=$SECONDS
    timeout "${LIMIT:-300}" "$PY" "$@"
    echo "=== done in $((SECONDS - started)) s"
}

run bench/bench_geofence.py --quick
run bench/bench_lookup.py --quick
run bench/bench_ingest.py --quick --rate 10000
run bench/bench_alert_latency.py --quick --queue redis
run bench/bench_alert_latency.py --quick --queue amqp
# Reliability (docs/RELIABILITY.md): both exit 1 when anything accepted was lost (faults.py: a scripted alert
# missing). Five faults, the police queue down for 90 s among them: more time than the other benchmarks get.
LIMIT=720 run bench/faults.py --quick
run bench/soak.py --minutes 2
# Detection drill (docs/RELIABILITY.md): exits 1 when an urgent police alert is missed or extra, outside the
# scenarios listed as known open (bench/drill_scenarios.py, KNOWN_OPEN). The suite runs it on Redis
# (tests/drill), this on RabbitMQ.
run bench/drill.py --quick --queue amqp --allow-known-open
