#!/bin/sh
# A small codecheck (after Fossil's tools/codecheck1.c): fails on the ways
# dynamic values could reach SQL, HTML or JSON unescaped, and on calls that
# must not exist in a threaded server.
set -u
cd "$(dirname "$0")/.."
fail=0
flag() { echo "lint: $1"; echo "$2" | sed 's/^/    /'; fail=1; }

# SQL text is built only from literals: no printf-built SQL, no sqlite3_exec of dynamic text.
hits=$(grep -nE 'sqlite3_mprintf|sqlite3_vmprintf|PQexec\(' src/*/*.c)
[ -n "$hits" ] && flag "SQL must be parameterised (db_query/db_run with ? placeholders)" "$hits"
hits=$(grep -nE '(asprintf|printf)\([^)]*"[^"]*(SELECT|INSERT|UPDATE|DELETE) ' src/*/*.c)
[ -n "$hits" ] && flag "SQL built with printf" "$hits"
# Only the store knows SQL, only http knows libmicrohttpd.
hits=$(grep -lE '#include [<"](sqlite3|libpq-fe)\.h|#include "store/db\.h"' src/*/*.c | grep -v '^src/store/')
[ -n "$hits" ] && flag "SQL headers outside src/store" "$hits"
hits=$(grep -l '#include <microhttpd.h>' src/*/*.c | grep -v '^src/http/')
[ -n "$hits" ] && flag "libmicrohttpd outside src/http" "$hits"
# Core is pure: no store, http, or clock reads.
hits=$(grep -nE '#include "(store|http|cli|jobs|ingest)/|now_get\(|time\(NULL\)|gettimeofday|clock_gettime' src/core/*.c)
[ -n "$hits" ] && flag "src/core must stay pure (time is passed in, no I/O layers)" "$hits"
# Never change the process time zone in a threaded server.
hits=$(grep -nE 'setenv\("TZ"|putenv\("TZ|tzset\(' src/*/*.c)
[ -n "$hits" ] && flag "no TZ changes: use core/zone.c" "$hits"
# Nothing reachable from a request exits.
hits=$(grep -nE '\bexit\(' src/http/*.c src/store/*.c src/core/*.c src/jobs/*.c src/ingest/*.c src/check/*.c 2>/dev/null)
[ -n "$hits" ] && flag "exit() outside the CLI" "$hits"
# JSON only through jansson: no hand-built JSON in handlers.
hits=$(grep -nE 'printf\([^)]*\\"[a-z_]+\\":' src/http/*.c)
[ -n "$hits" ] && flag "JSON built with printf in src/http (use jansson)" "$hits"
# printf-like helpers carry the format attribute.
hits=$(awk '/^[a-z].*\(.*const char \*fmt, \.\.\.\)/ { want = FILENAME ":" FNR ": " $0; if ($0 ~ /VG_PRINTF/) want = ""; next }
            want != "" { if ($0 !~ /VG_PRINTF/) print want; want = "" }' src/*/*.h)
[ -n "$hits" ] && flag "printf-like function without VG_PRINTF" "$hits"
# Raw template output only for *_html values (the engine refuses others too), which only
# vm_set_html() may set; literal markup only through h_lit() (string literals only).
hits=$(grep -rnoE '\{\{\{[^}]*\}\}\}' templates/html | grep -vE '\{\{\{ *[a-z0-9_]+_html *\}\}\}')
[ -n "$hits" ] && flag "raw template output of a name not ending in _html" "$hits"
hits=$(grep -nE '"[a-z0-9_]+_html"' src/*/*.c | grep -v 'vm_set_html(' | grep -v '^src/web/html.c')
[ -n "$hits" ] && flag "an *_html view-model key set without vm_set_html()" "$hits"
hits=$(grep -nE 'h_raw_\(' src/*/*.c | grep -vE '^src/web/html\.[ch]')
[ -n "$hits" ] && flag "h_raw_ outside src/web/html.c: use h_lit() for literal markup" "$hits"
# Pages answer HTML only through page_render (templates) or the emitters.
hits=$(grep -nE 'reply_bytes\([^;]*text/html' src/*/*.c | grep -v '^src/web/page.c')
[ -n "$hits" ] && flag "HTML answered outside page_render()" "$hits"

# The floors (docs/architecture.md): which folder of src/ may include which. Dependencies
# point one way; a new upward include fails the build here. cli/main.c is the entry point.
layers='
base:
core: base
store: core base
check: core base
ingest: store core base
app: ingest check store core base
http: app ingest check store core base
jobs: app ingest check store core base
web: http app core base
cli: web http jobs app ingest check store core base
'
hits=$(for f in src/*/*.c src/*/*.h; do
	floor=${f#src/}; floor=${floor%%/*}
	may=$(echo "$layers" | sed -n "s/^$floor: *//p")
	grep -o '^#include "[a-z_]*/' "$f" | sed 's/^#include "//; s#/$##' | sort -u | while read -r inc; do
		[ "$inc" = "$floor" ] && continue
		case " $may " in *" $inc "*) ;; *) echo "$f: $floor may not include $inc/" ;; esac
	done
done)
[ -n "$hits" ] && flag "an include against the floors (base < core < store, check < ingest < app < http, jobs < web < cli)" "$hits"
# http names nothing of the portal: pages register themselves (web/pages.c).
hits=$(grep -nE '\bpage_[a-z_]+\(|"web/' src/http/*.c src/http/*.h)
[ -n "$hits" ] && flag "src/http names the portal (register with http_register_routes instead)" "$hits"
# The portal reads and acts through the application floor, never the store itself.
hits=$(grep -nE '\bstore_[a-z_]+\(' src/web/*.c)
[ -n "$hits" ] && flag "src/web calls the store (call an operation of src/app)" "$hits"
# The application floor knows no HTTP: typed errors, mapped to a status in http/reply_op.c only.
hits=$(grep -nE 'microhttpd|struct req\b|\bMHD_' src/app/*.c src/app/*.h)
[ -n "$hits" ] && flag "HTTP in src/app" "$hits"

[ $fail = 0 ] && echo "lint: clean"
exit $fail
