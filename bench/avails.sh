#!/bin/sh
# Avails benchmark (SPEC section 9, issue 6): generates a 100,000-row EMA Avails 1.7.2
# spreadsheet with exceljs (bench/avails_gen.mjs: shared strings, every row valid), then
# times `vodgate validate` on it (release build; the whole avails rule set runs) and, in the
# same run, exceljs's streaming reader just reading it (bench/avails_read.mjs). Each is run
# RUNS times and the best time kept. Prints both, the ratio and vodgate's peak RSS
# (/usr/bin/time -v). The bar: vodgate under 2 s and 200 MiB, at least 6x faster than exceljs.
set -eu
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
RUNS=${RUNS:-3}
make -s build/vodgate
[ -d node_modules/exceljs ] || npm ci --no-audit --no-fund --silent
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
file="$tmp/avails_${ROWS}.xlsx"
node bench/avails_gen.mjs "$file" "$ROWS"
sheet=$(unzip -l "$file" xl/worksheets/sheet1.xml | awk 'NR==4 {print $1}')
echo "file: $ROWS rows, $(stat -c %s "$file") bytes (sheet XML $sheet bytes)"

best_vg=""
rss=0
i=0
while [ $i -lt "$RUNS" ]; do
	/usr/bin/time -v ./build/vodgate validate "$file" >"$tmp/out.txt" 2>"$tmp/time.txt" || true
	t=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
		for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s }' "$tmp/time.txt")
	r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt")
	[ "$r" -gt "$rss" ] && rss=$r
	if [ -z "$best_vg" ] || awk "BEGIN { exit !($t < $best_vg) }"; then best_vg=$t; fi
	i=$((i + 1))
done
head -1 "$tmp/out.txt"

best_js=""
i=0
while [ $i -lt "$RUNS" ]; do
	t=$(node bench/avails_read.mjs "$file" | sed 's/.*"seconds":\([0-9.]*\).*/\1/')
	if [ -z "$best_js" ] || awk "BEGIN { exit !($t < $best_js) }"; then best_js=$t; fi
	i=$((i + 1))
done

awk -v vg="$best_vg" -v js="$best_js" -v rss="$rss" -v rows="$ROWS" 'BEGIN {
	printf "vodgate validate (all avails checks)   %6.2f s   peak RSS %.1f MiB\n", vg, rss / 1024
	printf "exceljs streaming reader (read only)   %6.2f s\n", js
	printf "exceljs / vodgate = %.1fx (bar: >= 6x); vodgate %s 2 s, %s 200 MiB\n", js / vg,
		vg < 2 ? "under" : "OVER", rss / 1024 < 200 ? "under" : "OVER"
}'
