#!/bin/sh
# The clock-sweep benchmark of issue 3: 1,000,000 running clocks, 10,000 due,
# then 10 due. Builds against the release objects. Usage: bench/clocks.sh [N] [D]
set -eu
cd "$(dirname "$0")/.."
make -s build/vodgate
mkdir -p build/bench
objs=$(ls build/obj/*/*.o | grep -v cli/)
# shellcheck disable=SC2086
cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -o build/bench/clocks bench/clocks.c $objs \
	$(pkg-config --libs libmicrohttpd jansson libsodium sqlite3 libpq libical libxml-2.0 libzip libcurl) -lpthread -lm
echo "bench/clocks on $(nproc) cores, $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -1)"
./build/bench/clocks "$@"
