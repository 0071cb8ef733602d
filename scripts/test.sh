#!/bin/sh
# Runs every suite and closes with one "N passed, N failed" line.
#   C unit tests (each prints its own "N passed, N failed"),
#   then the API tests under node --test against build/asan/vodgate,
#   then test-pg: the same API tests with the store in PostgreSQL
#   (a throwaway cluster from scripts/pg.sh, a fresh database per server).
# Usage: scripts/test.sh build/asan/test_* (the Makefile passes them).
set -u
cd "$(dirname "$0")/.."
logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
status=0

for t in "$@"; do
	name=$(basename "$t")
	echo "== $name"
	if ! "$t" >"$logs/$name.log" 2>&1; then
		status=1
	fi
	grep -E '^(not ok|  FAIL)|passed, [0-9]+ failed$|ERROR: |runtime error' "$logs/$name.log"
	grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$logs/$name.log" ||
		{ echo "$name: no closing line (crashed?)"; echo "0 passed, 1 failed" >>"$logs/$name.log"; }
done

echo "== node --test tests/api"
sh scripts/node-deps.sh
node --test --test-reporter=tap --test-concurrency=2 --test-timeout=900000 tests/api/ >"$logs/api.tap" 2>&1 || status=1
grep -aE '^not ok|^# (pass|fail|cancelled|skipped|todo) ' "$logs/api.tap"
grep -aq '^# fail 0' "$logs/api.tap" || {
	grep -a -B2 -A30 '^not ok' "$logs/api.tap" | head -120
}

echo "== node --test tests/browser (chromium)"
node --test --test-reporter=tap --test-concurrency=2 --test-timeout=900000 tests/browser/ >"$logs/browser.tap" 2>&1 || status=1
grep -aE '^not ok|^# (pass|fail|cancelled|skipped|todo) ' "$logs/browser.tap"
grep -aq '^# fail 0' "$logs/browser.tap" || {
	grep -a -B2 -A30 '^not ok' "$logs/browser.tap" | head -120
}

echo "== test-pg: node --test tests/api against PostgreSQL"
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/vodgate-pg.XXXXXX")
trap 'sh scripts/pg.sh stop "$pgdir"; exit 130' INT TERM
if pgurl=$(sh scripts/pg.sh start "$pgdir" 2>"$logs/pg-start.txt"); then
	VODGATE_TEST_DATABASE=postgres VODGATE_TEST_PG_URL="$pgurl" \
		node --test --test-reporter=tap --test-concurrency=2 --test-timeout=900000 tests/api/ >"$logs/api-pg.tap" 2>&1 ||
		status=1
else
	cat "$logs/pg-start.txt"
	echo "# fail 1" >"$logs/api-pg.tap"
	status=1
fi
cp "$pgdir/server.log" "$logs/pg-server.txt" 2>/dev/null
sh scripts/pg.sh stop "$pgdir"
trap - INT TERM
grep -aE '^not ok|^# (pass|fail|cancelled|skipped|todo) ' "$logs/api-pg.tap"
grep -aq '^# fail 0' "$logs/api-pg.tap" || {
	grep -a -B2 -A30 '^not ok' "$logs/api-pg.tap" | head -120
}

awk '/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
     /^# pass / { p += $3 } /^# fail / { f += $3 } /^# cancelled / { f += $3 }
     END { print p " passed, " f " failed"; exit (f > 0) }' \
	"$logs"/*.log "$logs/api.tap" "$logs/browser.tap" "$logs/api-pg.tap" || status=1
exit $status
