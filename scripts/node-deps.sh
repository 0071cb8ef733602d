#!/bin/sh
# Installs the npm packages of package-lock.json when they are missing or older
# than the lock file: tus-js-client's browser build is served by the portal's
# upload page (the build embeds it), the rest are for tests and benchmarks.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	echo "deps: npm ci" >&2
	npm ci --no-audit --no-fund --silent >/dev/null 2>&1 || npm install --no-audit --no-fund --silent
	touch node_modules
fi
