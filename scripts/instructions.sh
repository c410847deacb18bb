#!/usr/bin/env bash
# Instructions per benchmark op, counted by valgrind (cachegrind, no cache
# simulation): a measure that a busy machine does not move, to compare
# builds where wall-clock benchmarks are too noisy. Each test binary
# (go test -c) runs the benchmark for N and 6N iterations; the difference
# over 5N is the cost of one op, set-up excluded. GOMAXPROCS=1 and GOGC=off
# keep the scheduler's spinning and the collector's pacing out of the count.
#
# Usage: scripts/instructions.sh -b 'BenchmarkOrdersDetectors/default$' [-n 100] a.test b.test ...
# Example: compare the working tree's redact package with HEAD's:
#   go test -c -o /tmp/new.test ./redact && git stash && go test -c -o /tmp/old.test ./redact && git stash pop
#   scripts/instructions.sh -b 'BenchmarkOrdersDetectors/default$' /tmp/old.test /tmp/new.test
# Installs valgrind from the distribution's packages when it is missing.
set -euo pipefail

bench="" n=100
while getopts "b:n:" opt; do
	case $opt in
	b) bench=$OPTARG ;;
	n) n=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$bench" ] && [ $# -gt 0 ] || { sed -n 2,14p "$0" >&2; exit 2; }

if ! command -v valgrind >/dev/null; then
	echo "installing valgrind" >&2
	(apt-get install -y valgrind >/dev/null 2>&1 || sudo apt-get install -y valgrind >/dev/null) ||
		{ echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
fi

count() { # count BIN ITERATIONS: instructions of the whole run
	GOMAXPROCS=1 GOGC=off valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		"$1" -test.run '^$' -test.bench "$bench" -test.benchtime "${2}x" 2>&1 |
		awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'
}

for bin in "$@"; do
	a=$(count "$bin" "$n")
	b=$(count "$bin" $((6 * n)))
	printf '%-24s %12d instructions/op\n' "$(basename "$bin")" $(((b - a) / (5 * n)))
done
