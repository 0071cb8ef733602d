#!/bin/sh
# The staff dashboard at scale (issue 7: "counts that stay fast with ten thousand
# partners"). Seeding that many partners through the API would take minutes, so this
# writes them straight into a fresh SQLite database with SQL: PARTNERS partners spread
# over the stages (a tenth owned by the benchmark's pim, some with a decision pending),
# CLOCKS clocks (mostly met; running ones due over the next 60 days, breached ones over
# the last 30), a warning per 20 partners and 200 open alternate-solution requests.
# Then it prints SQLite's EXPLAIN QUERY PLAN of the dashboard's queries (the same SQL
# as src/store/store_dashboard.c and store_partner.c: keep them in step), serves the
# release build and asks for the dashboard page and its API reads ROUNDS times each,
# printing the server's own time per request from its log line (median and worst).
#   sh bench/dashboard.sh            PARTNERS=10000 CLOCKS=1000000 ROUNDS=20
set -eu
cd "$(dirname "$0")/.."
PARTNERS=${PARTNERS:-10000}
CLOCKS=${CLOCKS:-1000000}
ROUNDS=${ROUNDS:-20}
make -s build/vodgate >/dev/null
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pw="bench password $$"
./build/vodgate migrate --data "$tmp" >/dev/null 2>&1
echo "$pw" | ./build/vodgate user add admin@bench.local --role admin --data "$tmp" >/dev/null
echo "$pw" | ./build/vodgate user add pim@bench.local --role pim --data "$tmp" >/dev/null
pim=$(sqlite3 "$tmp/vodgate.db" "SELECT id FROM users WHERE email = 'pim@bench.local'")

start=$(date +%s)
sqlite3 "$tmp/vodgate.db" <<SQL | { grep -v '^wal$' || true; }
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PARTNERS)
INSERT INTO partners(name, contact_email, time_zone, stage, created_at, stage_at, pim_id,
                     warnings, decision_pending, posthouse)
SELECT 'Partner ' || printf('%05d', i), 'ops' || i || '@partner.example',
       CASE i % 3 WHEN 0 THEN 'Europe/London' WHEN 1 THEN 'America/Los_Angeles' ELSE 'Asia/Tokyo' END,
       CASE i % 10 WHEN 0 THEN 'invited' WHEN 1 THEN 'questionnaire' WHEN 2 THEN 'setup'
                   WHEN 3 THEN 'training' WHEN 4 THEN 'training' WHEN 5 THEN 'stopped'
                   WHEN 6 THEN 'escalated' ELSE 'steady_state' END,
       $start - 86400 * 90, $start - (i % 1000) * 3600,
       CASE WHEN i % 10 = 3 THEN $pim END,
       CASE WHEN i % 10 = 4 THEN i % 4 ELSE 0 END,
       CASE WHEN i % 97 = 4 THEN 1 ELSE 0 END, CASE WHEN i % 500 = 0 THEN 1 ELSE 0 END
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $CLOCKS)
INSERT INTO clocks(partner_id, kind, subject, time_zone, started_at, due_at, state, closed_at,
                   tzdata, created_at)
SELECT 1 + i % $PARTNERS, CASE i % 2 WHEN 0 THEN 'delivery_48h' ELSE 'response_3wd' END,
       'request:' || i, 'Europe/London', $start - 86400 * 60,
       CASE WHEN i % 100 = 0 THEN $start + (i * 7919) % (86400 * 60)
            WHEN i % 100 = 1 THEN $start - (i * 7919) % (86400 * 30)
            ELSE $start - 86400 * 40 END,
       CASE WHEN i % 100 = 0 THEN 'running' WHEN i % 100 = 1 THEN 'breached' ELSE 'met' END,
       CASE WHEN i % 100 = 0 THEN NULL ELSE $start - 86400 * 40 END, '2025a', $start - 86400 * 60
FROM n;
INSERT INTO warnings(partner_id, clock_id, number, issued_at, reason)
SELECT partner_id, id, 1, due_at, 'no response or corrective action within 3 working days'
FROM clocks WHERE state = 'breached' AND kind = 'response_3wd' AND partner_id % 20 = 2;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO alternate_requests(partner_id, reason, at) SELECT i * 37, 'We will be late.', $start - i * 600 FROM n;
COMMIT;
ANALYZE;
SQL
echo "seeded: $(sqlite3 "$tmp/vodgate.db" "SELECT (SELECT COUNT(*) FROM partners) || ' partners, ' ||
  (SELECT COUNT(*) FROM clocks) || ' clocks (' || (SELECT COUNT(*) FROM clocks WHERE state = 'running') ||
  ' running, ' || (SELECT COUNT(*) FROM clocks WHERE state = 'breached') || ' breached), ' ||
  (SELECT COUNT(*) FROM warnings) || ' warnings'") in $(( $(date +%s) - start )) s"

plan() { # plan TITLE SQL: SQLite's plan of one dashboard query
	echo "-- $1"
	sqlite3 "$tmp/vodgate.db" "EXPLAIN QUERY PLAN $2" | sed -n 's/^[|` -]*/   /p'
}
now=$start
plan "partners by stage" "SELECT stage, COUNT(*) FROM partners GROUP BY stage"
plan "clocks due within 48 h (count, then the list)" \
	"SELECT COUNT(*) FROM clocks WHERE state = 'running' AND due_at <= $now + 172800"
plan "" "SELECT c.id, p.name FROM clocks c LEFT JOIN partners p ON p.id = c.partner_id
	WHERE c.state = 'running' AND c.due_at <= $now + 172800 ORDER BY c.due_at, c.id LIMIT 20"
plan "clocks breached in 14 days" "SELECT c.id, p.name FROM clocks c LEFT JOIN partners p ON p.id = c.partner_id
	WHERE c.state = 'breached' AND c.due_at > $now - 1209600 ORDER BY c.due_at DESC, c.id DESC LIMIT 20"
plan "latest warnings" "SELECT w.id, q.title, p.name FROM warnings w LEFT JOIN partners p ON p.id = w.partner_id
	LEFT JOIN requests q ON q.id = w.request_id ORDER BY w.id DESC LIMIT 20"
plan "decisions waiting" "SELECT p.id, u.email FROM partners p LEFT JOIN users u ON u.id = p.pim_id
	WHERE p.stage IN ('training', 'escalated') AND p.decision_pending = 1
	ORDER BY COALESCE(p.stage_at, p.created_at), p.id LIMIT 20"
plan "open alternate-solution requests" "SELECT a.id, p.name, u.email FROM alternate_requests a
	LEFT JOIN partners p ON p.id = a.partner_id LEFT JOIN users u ON u.id = a.by_user
	WHERE a.resolved_at IS NULL ORDER BY a.id DESC LIMIT 20"
where="WHERE (? IS NULL OR stage = ?) AND (? = 0 OR id = ? OR agent_id = ?)
	AND (? = 0 OR cam_id = ? OR pim_id = ? OR pom_id = ? OR plm_id = ?)
	AND (? IS NULL OR LOWER(name) LIKE LOWER(?) ESCAPE '!')"
plan "partner list: count, then a page by name (filters are bound parameters)" \
	"SELECT COUNT(*) FROM partners $where"
plan "" "SELECT partners.* FROM (SELECT id AS page_id FROM partners $where
	ORDER BY LOWER(name), id LIMIT ? OFFSET ?) page JOIN partners ON partners.id = page.page_id
	ORDER BY LOWER(name), id"

./build/vodgate serve --listen 127.0.0.1:0 --data "$tmp" --threads 4 2>"$tmp/log" &
pid=$!
i=0
until port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$tmp/log" | grep -o '[0-9]*$'); do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/log"; exit 1; }; sleep 0.1
done
base="http://127.0.0.1:$port"
signin() {
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"email\":\"$1\",\"password\":\"$pw\"}" "$base/api/v1/session" |
		sed -n 's/^[Ss]et-[Cc]ookie: \(vodgate_session=[^;]*\).*/\1/p'
}
admin=$(signin admin@bench.local)
pimc=$(signin pim@bench.local)
# timeit PATH COOKIE LABEL: asks ROUNDS times, prints the server's median and worst ms
timeit() {
	before=$(wc -l <"$tmp/log")
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		curl -s -o /dev/null -H "Cookie: $2" "$base$1"
		r=$((r + 1))
	done
	# log lines: "TIME METHOD PATH STATUS 1.2ms EMAIL"
	tail -n +$((before + 1)) "$tmp/log" | awk -v label="$3" '$2 == "GET" && $5 ~ /ms$/ {
		v[++n] = substr($5, 1, length($5) - 2) + 0; st = $4 }
		END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			printf "  %-66s %s  median %6.2f  worst %6.2f\n", label, st, v[int((n + 1) / 2)], v[n] }'
}
echo "server time per request (ms), $ROUNDS requests each, release build, $(nproc) cores:"
timeit "/" "$admin" "dashboard page, admin"
timeit "/?mine=1" "$pimc" "dashboard page, pim, only mine"
timeit "/?stage=training" "$admin" "dashboard page, one stage"
timeit "/?q=partner%200999&sort=since&dir=desc" "$admin" "dashboard page, name search, by time in stage"
timeit "/?sort=stage&page=200" "$admin" "dashboard page, by stage, page 200 of 400"
timeit "/api/v1/dashboard" "$admin" "GET /api/v1/dashboard"
timeit "/api/v1/partners?sort=name&limit=25&offset=5000" "$admin" "GET /api/v1/partners?sort=name&limit=25&offset=5000"
