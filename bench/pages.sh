#!/bin/sh
# Every portal page on the demo data, timed by the server: see bench/pages.mjs.
set -eu
cd "$(dirname "$0")/.."
make -s build/vodgate
node bench/pages.mjs
