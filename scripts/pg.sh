#!/bin/sh
# A throwaway PostgreSQL cluster for tests.
#
#   scripts/pg.sh start [DIR]   creates a cluster in DIR (a new temporary directory
#                               when not given), starts it on 127.0.0.1 and a free
#                               port, and prints its URL (postgresql://postgres@...).
#                               DIR/url holds the URL too.
#   scripts/pg.sh stop DIR      stops that cluster by its pid and removes DIR.
#
# The server refuses to run as root, so as root the cluster belongs to the
# `postgres` system user (created by Debian's postgresql package; created here
# when missing). Trust authentication, fsync off, no unix socket outside DIR:
# a cluster for tests only, which nothing outlives.
set -eu

bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

# as_owner CMD...: runs CMD as the cluster's owner.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	dir=${1:-}
	[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/vodgate-pg.XXXXXX")
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd -P)
	if [ "$(id -u)" = 0 ]; then
		if ! id postgres >/dev/null 2>&1; then
			useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
		fi
		chown postgres "$dir"
	fi
	as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync \
		--encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# A port no one listens on: pick one, and pick again if the server cannot bind it.
	tries=0
	while :; do
		port=$(shuf -i 20000-59999 -n 1)
		if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 5 ]; then
			echo "pg: the server did not start; its log:" >&2
			cat "$dir/server.log" >&2
			exit 1
		fi
	done
	url="postgresql://postgres@127.0.0.1:$port/postgres"
	echo "$url" >"$dir/url"
	echo "$url"
}

# running PID: the process exists and is not a zombie waiting for init to reap it.
running() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

stop() {
	dir=${1:?usage: scripts/pg.sh stop DIR}
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd -P)
	# Remove only what start made: a directory holding a cluster or its url.
	if [ ! -f "$dir/url" ] && [ ! -f "$dir/data/PG_VERSION" ] && [ ! -f "$dir/initdb.log" ]; then
		echo "pg: $dir is not a cluster of scripts/pg.sh; left alone" >&2
		exit 1
	fi
	pidfile="$dir/data/postmaster.pid"
	if [ -f "$pidfile" ]; then
		pid=$(head -n 1 "$pidfile")
		# Only that cluster's server, not whoever has the pid of a stale file now.
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir/data" &&
			kill -QUIT "$pid" 2>/dev/null; then
			# SIGQUIT is PostgreSQL's immediate shutdown: no checkpoint, the data goes too.
			n=0
			while running "$pid" && [ $n -lt 200 ]; do
				sleep 0.05
				n=$((n + 1))
			done
			running "$pid" && kill -KILL "$pid" 2>/dev/null
		fi
	fi
	rm -rf "$dir"
}

case "${1:-}" in
start) shift; start "$@" ;;
stop) shift; stop "$@" ;;
*) echo "usage: scripts/pg.sh start [DIR] | stop DIR" >&2; exit 2 ;;
esac
