#!/bin/sh
# Installs the Debian 12 packages vodgate needs to build, run and test.
# Idempotent: it asks apt only for what is missing, so a second run is quick.
# Used by `make run`, `make test` and CI alike.
set -eu

build="gcc make pkg-config libmicrohttpd-dev libsqlite3-dev libpq-dev \
libjansson-dev libsodium-dev libxml2-dev libzip-dev libical-dev \
libcurl4-openssl-dev libavformat-dev libavcodec-dev libavutil-dev libssl-dev tzdata \
nodejs npm"
test_pkgs="clang libclang-rt-14-dev curl wrk nginx-light sqlite3 \
postgresql python3-aiosmtpd ffmpeg chromium"

want="$build"
[ "${1:-}" = "--test" ] && want="$build $test_pkgs"

missing=""
for p in $want; do
	# node and npm may come from elsewhere than Debian (they do on our image).
	case "$p" in
	nodejs) command -v node >/dev/null && continue ;;
	npm) command -v npm >/dev/null && continue ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages and not root; install them with: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
