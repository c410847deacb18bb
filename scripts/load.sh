#!/usr/bin/env bash
# End-to-end load comparison on loopback: the same demo backend behind a bare
# reverse_proxy (baseline, :8090) and behind the full Gatehouse chain of
# Caddyfile.example (:8080). Bounded: N requests per case (default 5000),
# C connections (default 8). Usage: scripts/load.sh [N] [C]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
c=${2:-8}

bin=$(mktemp -d)
log=$(mktemp)
go build -o "$bin/caddy" ./cmd/caddy
go build -o "$bin/loadgen" ./internal/loadgen
"$bin/caddy" run --config scripts/load/Caddyfile --adapter caddyfile >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$bin" "$log"' EXIT
for _ in $(seq 1 100); do
	curl -fsS -o /dev/null http://localhost:2019/config/ 2>/dev/null && break
	sleep 0.1
done

secret=base64:Z2F0ZWhvdXNlLWRlbW8tc2VjcmV0LWNoYW5nZS1tZS0wMTIzNDU2Nzg5YWJjZGVm
token=$("$bin/caddy" gatehouse token --secret "$secret" --iss https://demo.gatehouse.local \
	--aud demo-api --sub alice --scope "orders:read orders:write" --ttl 1h)
run() { "$bin/loadgen" -n "$n" -c "$c" -status 200 "$@"; }

# Warm up both paths (connection pools, token cache).
run -n 200 -label warmup -url http://localhost:8090/api/public/products >/dev/null
run -n 200 -label warmup -url http://localhost:8080/api/public/products >/dev/null

run -label "baseline public GET" -url http://localhost:8090/api/public/products
run -label "gatehouse public GET" -url http://localhost:8080/api/public/products
run -label "baseline orders (masking)" -url http://localhost:8090/api/orders
run -label "gatehouse orders JWT+mask" -url http://localhost:8080/api/orders -H "Authorization: Bearer $token"
run -label "gatehouse public GET q=5" -url "http://localhost:8080/api/public/products?a=1&b=two&sort=price&page=3&q=blue+widget" \
	-H "Accept-Language: en-GB,en;q=0.9" -H "Referer: http://localhost:8080/shop?cat=7"
