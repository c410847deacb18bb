#!/usr/bin/env bash
# The headline benchmarks behind docs/performance.md, each with its
# in-process baseline (golang-jwt's own parse, a one-rule policy, libinjection
# alone, a naive regexp alternation). COUNT runs each (default 5); prints
# benchstat summaries when benchstat is installed
# (go install golang.org/x/perf/cmd/benchstat@latest), raw output otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-5}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"

bench() { # name package pattern [extra flags]
	local name=$1 pkg=$2 pattern=$3
	shift 3
	if ! go test -run '^$' -bench "$pattern" -benchmem -count "$count" "$@" "$pkg" >"$out/$name.txt" 2>&1; then
		cat "$out/$name.txt"
		echo "bench.sh: $name failed" >&2
		exit 1
	fi
	grep -aE '^Benchmark' "$out/$name.txt"
}

bench authn-cached ./authz/authn 'VerifyCached'
bench authn-ratio ./authz/authn 'VerifyRatio' -benchtime 200x
bench authz ./authz 'Evaluate1Rule|Evaluate100Rules|Decide100Rules'
bench filter ./filter 'InspectGET|InspectJSON1KB|InspectForm1KB|BaselineLibinjection'
bench redact ./redact 'Redact|Baseline/naive'
bench handlers . 'AccessControlServeHTTP|ResponseRedactHandler'

if command -v benchstat >/dev/null; then
	for f in "$out"/*.txt; do echo "== $(basename "$f" .txt)"; benchstat "$f"; done
fi
echo "raw results in $out"
