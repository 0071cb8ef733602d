#!/bin/sh
# Builds every libFuzzer target in fuzz/ with clang (ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 60). Crashes are saved in fuzz/ as crash-*.
# Usage: scripts/fuzz.sh [target...]   e.g. scripts/fuzz.sh fuzz_ics
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
mkdir -p build/fuzz
CFLAGS="-g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Isrc"
LIBS="$(pkg-config --cflags --libs libical jansson libsodium sqlite3 libxml-2.0 libzip libavformat libavcodec libavutil libcrypto) -lpthread -lm"
# Every source but the CLI and the HTTP server: targets call parsers directly.
srcs=$(ls src/base/*.c src/core/*.c src/check/*.c 2>/dev/null || true)
# The pure parsers of other layers (no I/O of their own).
srcs="$srcs src/ingest/tus_header.c src/web/form.c src/web/html.c"
targets=${*:-$(ls fuzz/fuzz_*.c | sed 's|fuzz/||; s|\.c$||')}
for t in $targets; do
	echo "== $t"
	# shellcheck disable=SC2086
	clang $CFLAGS -o "build/fuzz/$t" "fuzz/$t.c" $srcs $LIBS
	corpus="fuzz/corpus/${t#fuzz_}"
	mkdir -p "$corpus" "build/fuzz/$t.corpus"
	"build/fuzz/$t" -max_total_time="$secs" -artifact_prefix=fuzz/ -print_final_stats=1 \
		"build/fuzz/$t.corpus" "$corpus" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' || true
done
