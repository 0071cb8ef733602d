#!/bin/sh
# HTTP read benchmark: GET /api/v1/me (signed in, bearer token) on the release
# build of vodgate, beside a bare libmicrohttpd server returning the same bytes
# from memory (the bar of SPEC section 9) and nginx serving them from a file
# (the machine's bound). wrk -t2 -c64 -d${SECS:-10}s against each, one after
# the other, on 127.0.0.1. Prints requests/s, latency and the ratios.
set -eu
cd "$(dirname "$0")/.."
SECS=${SECS:-10}
THREADS=${THREADS:-4}
make -s build/vodgate
mkdir -p build/bench
cc -O2 -o build/bench/bare_mhd bench/bare_mhd.c $(pkg-config --cflags --libs libmicrohttpd)
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

VODGATE_ADMIN_EMAIL=bench@example.com ./build/vodgate serve --listen 127.0.0.1:18181 --data "$tmp/var" \
	--bootstrap-admin --threads "$THREADS" >"$tmp/out" 2>"$tmp/err" &
pids="$pids $!"
for i in $(seq 50); do grep -q listening "$tmp/err" && break; sleep 0.1; done
pw=$(sed -n 's/.*password: //p' "$tmp/out")
token=$(curl -s -X POST 127.0.0.1:18181/api/v1/session -H 'Content-Type: application/json' \
	-d "{\"email\":\"bench@example.com\",\"password\":\"$pw\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
curl -s -H "Authorization: Bearer $token" 127.0.0.1:18181/api/v1/me >"$tmp/me.json"
echo "body: $(wc -c <"$tmp/me.json") bytes: $(cat "$tmp/me.json")"

./build/bench/bare_mhd 18182 "$tmp/me.json" "$THREADS" &
pids="$pids $!"
mkdir -p "$tmp/www"
cp "$tmp/me.json" "$tmp/www/me.json"
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:18183; root $tmp/www; }
}
NGINX
nginx -c "$tmp/nginx.conf" -g 'daemon off;' &
pids="$pids $!"
sleep 0.5

run() { # key label url [header]
	if [ -n "${4:-}" ]; then
		wrk -t2 -c64 -d"${SECS}s" --latency -H "$4" "$3" >"$tmp/$1.wrk"
	else
		wrk -t2 -c64 -d"${SECS}s" --latency "$3" >"$tmp/$1.wrk"
	fi
	rps=$(sed -n 's/^Requests\/sec: *//p' "$tmp/$1.wrk")
	p50=$(awk '$1=="50%"{print $2}' "$tmp/$1.wrk")
	p99=$(awk '$1=="99%"{print $2}' "$tmp/$1.wrk")
	errs=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$tmp/$1.wrk")
	printf '%-34s %10s req/s   p50 %8s   p99 %8s%s\n' "$2" "$rps" "$p50" "$p99" "${errs:+   non-2xx: $errs}"
	grep -E "Socket errors" "$tmp/$1.wrk" || true
	echo "$rps" >"$tmp/$1.rps"
}
echo "wrk -t2 -c64 -d${SECS}s, $(nproc) cores, vodgate --threads $THREADS"
run vodgate "vodgate GET /api/v1/me" "http://127.0.0.1:18181/api/v1/me" "Authorization: Bearer $token"
run bare "bare libmicrohttpd (same bytes)" "http://127.0.0.1:18182/"
run nginx "nginx (same bytes from a file)" "http://127.0.0.1:18183/me.json"
awk -v a="$(cat "$tmp/vodgate.rps")" -v b="$(cat "$tmp/bare.rps")" -v c="$(cat "$tmp/nginx.rps")" \
    'BEGIN { printf "vodgate / bare libmicrohttpd = %.2f (bar: 0.80)\nvodgate / nginx = %.2f\n", a / b, a / c }'
