#!/bin/sh
# Seeds a fresh SQLite store for the portal/API benchmarks (SPEC section 9:
# "with 10,000 partners and 1,000,000 deliveries in the database"):
#   sh bench/seed.sh DIR EMAIL PASSWORD
# makes DIR/vodgate.db with the schema (vodgate migrate), then, in one
# transaction of plain SQL through the sqlite3 CLI:
#   - 20 staff users (cam, pim, pom, plm in turn; no password), the owners;
#   - $PARTNERS partners (10,000) in every stage, each with its four owners,
#     its three setup items and, for one in ten, a running clock;
#   - $DELIVERIES deliveries (1,000,000): one in ten belongs to partner 1
#     (100,000: the "partner with many deliveries" the reads ask for), the
#     rest spread over the other partners (~100 each), newest last;
# then adds EMAIL as an admin with PASSWORD (vodgate user add).
# Takes ~10 s. Prints the counts.
set -eu
cd "$(dirname "$0")/.."
dir=$1 email=$2 password=$3
PARTNERS=${PARTNERS:-10000}
DELIVERIES=${DELIVERIES:-1000000}
make -s build/vodgate
mkdir -p "$dir"
./build/vodgate migrate --data "$dir" >/dev/null 2>&1
sqlite3 "$dir/vodgate.db" <<SQL | grep -v "^wal$"
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO users(id, email, name, role, created_at)
SELECT i, 'staff' || i || '@bench.example', 'Staff ' || i,
       CASE i % 4 WHEN 1 THEN 'cam' WHEN 2 THEN 'pim' WHEN 3 THEN 'pom' ELSE 'plm' END,
       1767225600 FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PARTNERS)
INSERT INTO partners(id, name, contact_email, time_zone, stage, created_at, stage_at,
                     cam_id, pim_id, pom_id, plm_id, warnings)
SELECT i, 'Partner ' || i || ' Pictures', 'contact' || i || '@partner.example',
       CASE i % 4 WHEN 0 THEN 'Europe/London' WHEN 1 THEN 'America/Los_Angeles'
                  WHEN 2 THEN 'Asia/Tokyo' ELSE 'Europe/Berlin' END,
       CASE WHEN i = 1 THEN 'steady_state' ELSE
       CASE i % 7 WHEN 0 THEN 'invited' WHEN 1 THEN 'questionnaire' WHEN 2 THEN 'setup'
                  WHEN 3 THEN 'training' WHEN 4 THEN 'stopped' WHEN 5 THEN 'escalated'
                  ELSE 'steady_state' END END,
       1767225600 + i * 60, 1767225600 + i * 60,
       1 + (i % 5) * 4, 2 + (i % 5) * 4, 3 + (i % 5) * 4, 4 + (i % 5) * 4, i % 3
FROM n;

INSERT INTO setup_items(partner_id, item, status, owner_id, value, updated_at)
SELECT p.id, it.item, 'done', p.cam_id, it.item || '-' || p.id, p.created_at + 86400
FROM partners p, (SELECT 'alias' AS item UNION ALL SELECT 'transfer_account'
                  UNION ALL SELECT 'portal_account') it;

INSERT INTO clocks(partner_id, kind, subject, time_zone, started_at, due_at, state, tzdata,
                   created_at)
SELECT id, 'response_3wd', 'partner:' || id, time_zone, 1790000000, 1790259200, 'running',
       '2025b', 1790000000
FROM partners WHERE id % 10 = 1;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $DELIVERIES)
INSERT INTO deliveries(id, partner_id, kind, status, received_at, validated_at, ruleset,
                       n_errors, n_warnings, late)
SELECT i, CASE WHEN i % 10 = 0 THEN 1 ELSE 2 + i % ($PARTNERS - 1) END,
       CASE WHEN i % 3 = 0 THEN 'asset_package' ELSE 'avails' END,
       CASE WHEN i % 5 = 0 THEN 'failed' ELSE 'passed' END,
       1767225600 + i * 20, 1767225600 + i * 20 + 7, '2026.11.2',
       CASE WHEN i % 5 = 0 THEN 1 + i % 4 ELSE 0 END, i % 3, (i % 17 = 0)
FROM n;
COMMIT;
ANALYZE;
SELECT 'seeded: ' || (SELECT COUNT(*) FROM partners) || ' partners, '
       || (SELECT COUNT(*) FROM deliveries) || ' deliveries ('
       || (SELECT COUNT(*) FROM deliveries WHERE partner_id = 1) || ' of partner 1), '
       || (SELECT COUNT(*) FROM users) || ' staff users';
SQL
printf '%s\n' "$password" | ./build/vodgate user add "$email" --role admin --name Bench \
	--data "$dir" >/dev/null
