#!/usr/bin/env bash
# End-to-end load benchmark on loopback. One backend (internal/benchbackend)
# and one Caddy process per configuration in front of it:
#
#   plain     reverse_proxy only (the baseline)
#   all       request_filter + api_auth + access_control + response_redact
#   filter    request_filter alone     auth     api_auth alone
#   access    access_control alone     redact   response_redact alone
#   abuse     abuse_control alone, local limits (one per-client-IP rate that
#             the benchmark never reaches: the cost of deciding)
#   abuse_redis  the same limit kept in a redis-server the script starts
#             (skipped when no redis-server binary exists)
#   contract  api_contract alone, with an OpenAPI document of the backend
#             (parameters, bodies and response fields checked and stripped)
#
# Each workload runs against every configuration in turn with wrk, and each
# figure is reported as a ratio to plain reverse_proxy in the same run, with
# p50/p99 latency. Resident memory (VmRSS) of every Caddy is read at the end.
#
# Usage: scripts/load.sh [-d seconds] [-c connections] [-t threads]
#                        [-w workloads] [-k configs] [-r rounds]
#   workloads: get_jwt get_apikey post_1k resp_64k mix_attacks (default: all)
#   configs:   plain all filter auth access redact abuse abuse_redis contract
#              (default: all but the abuse ones)
#   rounds:    each workload × config is run this many times, interleaved,
#              and the median is reported (default 3)
# Installs wrk from the distribution's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

dur=5 conns=16 threads=1 rounds=3
workloads="get_jwt get_apikey post_1k resp_64k mix_attacks"
configs="plain all filter auth access redact"
while getopts "d:c:t:w:k:r:" opt; do
	case $opt in
	d) dur=$OPTARG ;;
	c) conns=$OPTARG ;;
	t) threads=$OPTARG ;;
	w) workloads=$OPTARG ;;
	k) configs=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) exit 2 ;;
	esac
done
case " $configs " in *" plain "*) ;; *) configs="plain $configs" ;; esac

if ! command -v wrk >/dev/null; then
	echo "installing wrk" >&2
	(apt-get install -y wrk >/dev/null 2>&1 || sudo apt-get install -y wrk >/dev/null) ||
		{ echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
fi

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

case " $configs " in *" abuse_redis "*)
	if command -v redis-server >/dev/null; then
		redis_port=8198
		redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
		pids+=($!)
	else
		echo "no redis-server: skipping abuse_redis" >&2
		configs=${configs/abuse_redis/}
	fi
	;;
esac

go build -o "$work/caddy" ./cmd/caddy
go build -o "$work/backend" ./internal/benchbackend
"$work/backend" -addr 127.0.0.1:8199 &
pids+=($!)

secret="bench-hmac-secret-0123456789abcdef-0123456789"
apikey="bench-api-key-0123456789abcdef"
keyhash=$(printf %s "$apikey" | sha256sum | cut -d' ' -f1)
token=$("$work/caddy" gatehouse token --secret "raw:$secret" --iss https://bench.gatehouse \
	--aud bench --sub alice --roles reader --scope "orders:read" --ttl 2h)

# Caddyfile of one configuration on one port.
caddyfile() {
	local name=$1 port=$2
	local filter="" auth="" access="" redact="" abuse="" contract=""
	case $name in
	abuse) abuse=local ;;
	abuse_redis) abuse=redis ;;
	contract) contract=1 ;;
	all) filter=1 auth=1 access=1 redact=1 ;;
	filter) filter=1 ;;
	auth) auth=1 ;;
	access) access=1 ;;
	redact) redact=1 ;;
	esac
	cat <<EOF
{
	admin off
	auto_https off
	persist_config off
	# Production's level (INFO: decision lines, rate-limited), written
	# nowhere: the cost of deciding what to log is measured, not the disk.
	log {
		output discard
	}
}
http://:$port {
EOF
	[ -n "$filter" ] && printf '\trequest_filter\n'
	[ -n "$auth" ] && cat <<EOF
	api_auth {
		issuer https://bench.gatehouse {
			secret raw:$secret HS256
			audience bench
		}
		api_key sha256:$keyhash bench-bot {
			roles reader
			scopes orders:read
		}
	}
EOF
	# Without api_auth in front, access_control decides on an anonymous
	# caller: the rules let the benchmark paths through.
	[ -n "$access" ] && cat <<EOF
	access_control {
		allow read {
			method GET HEAD
			path /small /big
		}
		allow write {
			method POST
			path /post
		}
		deny admin {
			path_prefix /admin
		}
		default deny
	}
EOF
	[ -n "$redact" ] && printf '\tresponse_redact\n'
	[ "$abuse" = local ] && printf '\tabuse_control 1000000/s\n'
	[ -n "$contract" ] && printf '\tapi_contract {\n\t\tspec %s\n\t}\n' "$PWD/testdata/bench-openapi.yaml"
	[ "$abuse" = redis ] && cat <<EOF
	abuse_control 1000000/s {
		redis 127.0.0.1:$redis_port
	}
EOF
	printf '\treverse_proxy 127.0.0.1:8199\n}\n'
}


declare -A port
p=8201
for c in $configs; do
	port[$c]=$p
	caddyfile "$c" "$p" >"$work/$c.caddyfile"
	"$work/caddy" run --config "$work/$c.caddyfile" --adapter caddyfile >"$work/$c.log" 2>&1 &
	pids+=($!)
	eval "pid_$c=$!"
	p=$((p + 1))
done
for c in $configs; do
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:${port[$c]}/small" && break
		sleep 0.1
	done
done

# wrk Lua scripts of the workloads.
cat >"$work/get_jwt.lua" <<EOF
wrk.path = "/small"
wrk.headers["Authorization"] = "Bearer $token"
EOF
cat >"$work/get_apikey.lua" <<EOF
wrk.path = "/small"
wrk.headers["X-API-Key"] = "$apikey"
EOF
# Valid JSON orders of about 1 KB, as a shop's clients send them: 1000
# different orders (each with its own reference, 13 lines out of a catalogue
# of 5000 SKUs, quantities, one of a few notes) from a handful of customers,
# built once and sent in turn, so that the load generator's own cost per
# request stays what it is for the other workloads.
cat >"$work/post_1k.lua" <<EOF
local reqs = {}
local notes = {"gift wrap, ring the bell", "leave at the door", "call on arrival", "no plastic please", "fragile: glass inside"}
local customers = {"alice", "bob", "carol", "dave", "erin"}
for n = 1, 1000 do
	local lines = {}
	for i = 1, 13 do
		lines[i] = string.format('{"sku":"SKU-%06d","qty":%d,"note":"%s"}', (n * 37 + i * 101) % 5000, (n + i) % 5 + 1, notes[(n + i) % #notes + 1])
	end
	local body = string.format('{"order":{"ref":"ord-%08d","customer":"%s","currency":"EUR","lines":[%s,{"sku":"SKU-100013","qty":1}],"shipping":{"street":"12 Rue de la Paix","city":"Paris","zip":"75002"}}}', n, customers[n % #customers + 1], table.concat(lines, ","))
	reqs[n] = wrk.format("POST", "/post", {["Host"] = "127.0.0.1", ["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}, body)
end
local i = 0
request = function()
	i = i % #reqs + 1
	return reqs[i]
end
EOF
cat >"$work/resp_64k.lua" <<EOF
wrk.path = "/big"
wrk.headers["Authorization"] = "Bearer $token"
EOF
# 5% attacks (SQL injection, traversal, XSS, scanner), 95% small GETs.
cat >"$work/mix_attacks.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $token"
local attacks = {
	"/small?id=1%27%20UNION%20SELECT%20password%20FROM%20users--",
	"/small?file=..%2F..%2F..%2Fetc%2Fpasswd",
	"/small?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	"/small?cmd=%3Bcat%20%2Fetc%2Fshadow",
}
local n = 0
request = function()
	n = n + 1
	if n % 20 == 0 then
		return wrk.format(nil, attacks[(n / 20) % #attacks + 1])
	end
	return wrk.format(nil, "/small")
end
EOF

# run <workload> <config>: prints "rps p50 p99" (latencies in ms).
run() {
	local out
	out=$(wrk -t"$threads" -c"$conns" -d"${dur}s" --latency -s "$work/$1.lua" "http://127.0.0.1:${port[$2]}" 2>&1)
	awk '
		function ms(v) {
			if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
			if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
			if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
			return v
		}
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		$1 == "Requests/sec:" { rps = $2 }
		END { printf "%s %.3f %.3f\n", rps, p50, p99 }
	' <<<"$out"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "# wrk -t$threads -c$conns -d${dur}s, $rounds interleaved rounds, medians"
echo "# ratio: median over rounds of rps / plain rps in the same round (paired, so drift"
echo "# of the machine between rounds cancels); range: lowest and highest round"
printf '%-12s %-12s %10s %7s %11s %9s %9s\n' workload config rps ratio range p50_ms p99_ms
for w in $workloads; do
	# Warm every path (connection pools, token cache).
	for c in $configs; do wrk -t1 -c4 -d1s -s "$work/$w.lua" "http://127.0.0.1:${port[$c]}" >/dev/null 2>&1; done
	declare -A rps=() p50=() p99=() ratio=()
	for k in $(seq 1 "$rounds"); do
		declare -A round=()
		# Every other round runs the configurations in reverse, so that
		# none is always measured first after a pause or last after a run.
		order=$configs
		[ $((k % 2)) = 0 ] && order=$(tr ' ' '\n' <<<"$configs" | grep . | tac | tr '\n' ' ')
		for c in $order; do
			read -r r a b < <(run "$w" "$c")
			rps[$c]+="$r " p50[$c]+="$a " p99[$c]+="$b "
			round[$c]=$r
		done
		for c in $configs; do
			ratio[$c]+="$(awk -v r="${round[$c]}" -v b="${round[plain]}" 'BEGIN { printf "%.4f", (b > 0 ? r / b : 0) }') "
		done
		unset round
	done
	for c in $configs; do
		r=$(tr ' ' '\n' <<<"${rps[$c]}" | grep . | median)
		x=$(tr ' ' '\n' <<<"${ratio[$c]}" | grep . | median)
		lo=$(tr ' ' '\n' <<<"${ratio[$c]}" | grep . | sort -g | head -1)
		hi=$(tr ' ' '\n' <<<"${ratio[$c]}" | grep . | sort -g | tail -1)
		a=$(tr ' ' '\n' <<<"${p50[$c]}" | grep . | median)
		b=$(tr ' ' '\n' <<<"${p99[$c]}" | grep . | median)
		printf '%-12s %-12s %10.0f %7.2f %5.2f-%-5.2f %9.3f %9.3f\n' "$w" "$c" "$r" "$x" "$lo" "$hi" "$a" "$b"
	done
	unset rps p50 p99 ratio
done

echo
echo "# resident memory after the run (VmRSS)"
plain_rss=0
for c in $configs; do
	pid_var="pid_$c"
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/${!pid_var}/status")
	[ "$c" = plain ] && plain_rss=$rss
	printf '%-12s %7.1f MB  (%+.1f MB vs plain)\n' "$c" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(awk -v k="$rss" -v b="$plain_rss" 'BEGIN { print (k - b) / 1024 }')"
done
