#!/bin/sh
# Builds every libFuzzer target in fuzz/ with clang (ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 60). Crashes are saved in fuzz/ as crash-*.
# Usage: scripts/fuzz.sh [target...]   e.g. scripts/fuzz.sh fuzz_ics
# fuzz_http runs the whole server in-process, so it is built from every
# source but the CLI's main (and the generated templates and assets);
# FUZZ_ARGS adds libFuzzer options (e.g. -ignore_crashes=1), and
# fuzz/NAME.dict is given as -dict when it exists.
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
mkdir -p build/fuzz
CFLAGS="-g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Isrc -Werror=int-conversion -Werror=implicit-function-declaration -Werror=incompatible-pointer-types"
LIBS="$(pkg-config --cflags --libs libical jansson libsodium sqlite3 libxml-2.0 libzip libavformat libavcodec libavutil libcrypto) -lpthread -lm"
HTTP_LIBS="$(pkg-config --cflags --libs libmicrohttpd libpq libcurl) $LIBS"
# Every source but the CLI and the HTTP server: targets call parsers directly.
srcs=$(ls src/base/*.c src/core/*.c src/check/*.c 2>/dev/null || true)
# The pure parsers of other layers (no I/O of their own).
srcs="$srcs src/ingest/tus_header.c src/web/form.c src/web/html.c"
gen="build/gen/mail_templates.c build/gen/html_templates.c build/gen/static_assets.c"
http_srcs="$gen"
for f in src/*/*.c; do
	[ "$f" = src/cli/main.c ] || http_srcs="$http_srcs $f"
done
targets=${*:-$(ls fuzz/fuzz_*.c | sed 's|fuzz/||; s|\.c$||')}
for t in $targets; do
	echo "== $t"
	if [ "$t" = fuzz_http ]; then
		# shellcheck disable=SC2086
		make --no-print-directory $gen
		# shellcheck disable=SC2086
		clang $CFLAGS -o "build/fuzz/$t" "fuzz/$t.c" $http_srcs $HTTP_LIBS
	else
		# shellcheck disable=SC2086
		clang $CFLAGS -o "build/fuzz/$t" "fuzz/$t.c" $srcs $LIBS
	fi
	corpus="fuzz/corpus/${t#fuzz_}"
	dict=""
	[ -f "fuzz/${t#fuzz_}.dict" ] && dict="-dict=fuzz/${t#fuzz_}.dict"
	case $t in
	fuzz_http) opts="-timeout=30" ;;            # a hang check waits up to 20 s
	fuzz_media) opts="-max_len=10000 -timeout=20" ;; # FFmpeg decodes a few frames of each
	*) opts="" ;;
	esac
	mkdir -p "$corpus" "build/fuzz/$t.corpus"
	# shellcheck disable=SC2086
	"build/fuzz/$t" -max_total_time="$secs" -artifact_prefix=fuzz/ -print_final_stats=1 \
		$dict $opts ${FUZZ_ARGS:-} "build/fuzz/$t.corpus" "$corpus" 2>&1 |
		grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done|fuzz_http:' || true
done
