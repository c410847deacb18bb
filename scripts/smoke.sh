#!/usr/bin/env bash
# Smoke test of a built Caddy with Gatehouse on Caddyfile.example: validates and
# adapts the example, runs it, and checks each capability end to end with
# curl on loopback. Usage: scripts/smoke.sh path/to/caddy
set -euo pipefail
caddy=${1:?usage: scripts/smoke.sh path/to/caddy}
cd "$(dirname "$0")/.."

"$caddy" validate --config Caddyfile.example --adapter caddyfile
"$caddy" adapt --config Caddyfile.example --adapter caddyfile --validate >/dev/null

log=$(mktemp)
"$caddy" run --config Caddyfile.example --adapter caddyfile >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
	curl -fsS -o /dev/null http://localhost:2019/config/ 2>/dev/null && break
	sleep 0.1
done

fail=0
# expect NAME STATUS GREP-OR-EMPTY ANTI-GREP-OR-EMPTY curl-args...
expect() {
	local name=$1 want=$2 must=$3 mustnot=$4
	shift 4
	local body status
	body=$(mktemp)
	status=$(curl -sS -o "$body" -w '%{http_code}' "$@" || true)
	if [[ $status != "$want" ]]; then
		echo "FAIL $name: status $status, want $want"; fail=1
	elif [[ -n $must ]] && ! grep -qE -- "$must" "$body"; then
		echo "FAIL $name: body lacks /$must/: $(head -c 300 "$body")"; fail=1
	elif [[ -n $mustnot ]] && grep -qE -- "$mustnot" "$body"; then
		echo "FAIL $name: body leaks /$mustnot/: $(head -c 300 "$body")"; fail=1
	else
		echo "ok   $name ($status)"
	fi
	rm -f "$body"
}

base=http://localhost:8080
key=gh_demo_reader_key_4f9c2a7e1b
secret=base64:Z2F0ZWhvdXNlLWRlbW8tc2VjcmV0LWNoYW5nZS1tZS0wMTIzNDU2Nzg5YWJjZGVm
writer=$("$caddy" gatehouse token --secret "$secret" --iss https://demo.gatehouse.local \
	--aud demo-api --sub alice --scope "orders:read orders:write" --ttl 10m)
admin=$("$caddy" gatehouse token --secret "$secret" --iss https://demo.gatehouse.local \
	--aud demo-api --sub root --roles admin --ttl 10m)

expect "public read" 200 '"Widget"' '' "$base/api/public/products"
expect "revealing headers removed" 200 'HTTP/1.1 200' 'Kestrel|ASP\.NET' -i "$base/api/public/products"
expect "anonymous on protected path" 401 '' '' "$base/api/orders"
expect "bad token" 401 '' '' -H "Authorization: Bearer $writer.x" "$base/api/orders"
expect "api key reads orders, cards masked" 200 '"orders"' '4111 1111 1111 1111|5500-0000-0000-0004|DE89370400440532013000|alice@example.com' \
	-H "X-API-Key: $key" "$base/api/orders"
expect "api key may not write" 403 '' '' -X POST -H "X-API-Key: $key" "$base/api/orders"
order='{"email":"dave@example.com","items":[{"sku":"WID-1","qty":2}]}'
expect "jwt writer writes" 201 '"created"' '' -X POST -H "Authorization: Bearer $writer" -H 'Content-Type: application/json' -d "$order" "$base/api/orders"
expect "contract: undefined path" 404 "" "" "$base/api/public/internal-debug"
expect "contract: mass assignment refused" 400 '"/status"|status' '' -X POST -H "Authorization: Bearer $writer" -H 'Content-Type: application/json' -d '{"items":[{"sku":"WID-1","qty":1}],"status":"delivered"}' "$base/api/orders"
expect "contract: undeclared field stripped" 200 '"orders"' 'tracking|1Z999AA10123456784' -H "X-API-Key: $key" "$base/api/orders"
expect "fields masked" 200 '"id"' 'hunter2|123-45-6789|AKIAIOSFODNN7EXAMPLE|alice\\u0040example' -H "Authorization: Bearer $writer" "$base/api/users/me"
expect "admin needs role" 403 '' '' -H "Authorization: Bearer $writer" "$base/admin/stats"
expect "admin role" 200 '"users"' '' -H "Authorization: Bearer $admin" "$base/admin/stats"
expect "sql injection blocked" 403 '' '' "$base/api/public/products?id=1'%20OR%20'1'='1"
expect "xss blocked" 403 '' '' "$base/api/public/products?q=%3Cscript%3Ealert(1)%3C/script%3E"
expect "scanner blocked" 403 '' '' -A "sqlmap/1.7" "$base/api/public/products"
expect "e-mail in a redirect masked" 302 'Location: /welcome' 'alice@example.com' -i "$base/api/public/signup"
expect "stack trace hidden" 500 '' 'NullPointerException|OrderService' "$base/api/public/crash"
expect "gzip still masked" 200 '' '4111 1111 1111 1111' --compressed -H "X-API-Key: $key" "$base/api/orders"
expect "compressed demo is compressed" 200 'Content-Encoding: gzip' '4111 1111 1111 1111' -i --compressed -H 'Accept-Encoding: gzip' -H "X-API-Key: $key" "$base/api/orders"
expect "no Server on own 401" 401 'HTTP/1.1 401' '^Server:' -i "$base/api/orders"
expect "no Server on api_auth 401" 401 'HTTP/1.1 401' '^Server:' -i -H "Authorization: Bearer $writer.x" "$base/api/orders"
expect "no Server on own 403" 403 'HTTP/1.1 403' '^Server:' -i -X POST -H "X-API-Key: $key" "$base/api/orders"
expect "no Server on block 403" 403 'HTTP/1.1 403' '^Server:' -i -A "sqlmap/1.7" "$base/api/public/products"
expect "no Server or Via when proxied" 200 'HTTP/1.1 200' '^(Server|Via):' -i "$base/api/public/products"

expect "rate limit headers" 200 '^Ratelimit-Policy: "per_ip";q=50;w=1' '' -i "$base/api/public/products"
# Last of the HTTP checks: it spends the sign-up allowance of this address.
limited=""
for _ in $(seq 1 8); do
	limited+=$(curl -s -o /dev/null -w '%{http_code} ' "$base/api/public/signup")
done
if [[ $limited == *429* ]]; then
	echo "ok   sign-ups past 5 a minute get 429 ($limited)"
else
	echo "FAIL sign-up rate limit: $limited"; fail=1
fi
expect "429 says when to retry" 429 '^Retry-After: [0-9]+' '' -i "$base/api/public/signup"

# The offline "why was this blocked?" helper, with the same config.
# (Output captured first: with pipefail, grep -q quitting early could SIGPIPE explain.)
explained=$("$caddy" gatehouse explain --config Caddyfile.example testdata/requests/sqli.http 2>&1 || true)
if grep -q '^decision: BLOCK' <<<"$explained"; then
	echo "ok   explain reports the block"
else
	echo "FAIL explain: no BLOCK decision for testdata/requests/sqli.http"; fail=1
fi

if [[ $fail != 0 ]]; then
	echo "--- caddy log"; tail -n 40 "$log"
	exit 1
fi
echo "smoke: all checks passed"
