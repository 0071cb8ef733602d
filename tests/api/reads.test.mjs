// Signed-in reads at scale (SPEC section 9, Portal/API): a partner's
// deliveries come a page at a time, newest first, with the `before` of the
// next page; the resolved-token cache never outlives a sign-out made through
// the server; each request still gets its one log line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sql } from './server.mjs';

let s, admin, partner;
const N = 130; // deliveries of the partner: three pages of 50

before(async () => {
  s = await startServer();
  admin = await s.signIn(s.admin.email, s.admin.password);
  const r = await s.call('POST', '/api/v1/partners', {
    token: admin, body: { name: 'Many Deliveries', contact_email: 'm@example.com', time_zone: 'Asia/Tokyo' } });
  assert.equal(r.status, 201, r.text);
  partner = r.json.id;
  const rows = [];
  for (let i = 0; i < N; i++)
    rows.push(`(${partner}, '${i % 2 ? 'avails' : 'asset_package'}', 'passed', ${1795795200 + i * 60})`);
  sql(s.data, `INSERT INTO deliveries(partner_id, kind, status, received_at) VALUES ${rows.join(',')};`);
});
after(async () => { assert.equal((await s.stop()).code, 0); });

const list = (q = '') => s.call('GET', `/api/v1/partners/${partner}/deliveries${q}`, { token: admin });

test('a partner\'s deliveries come 50 at a time, newest first, and ?before= pages back to the first', async () => {
  const seen = [];
  let before = null, pages = 0;
  do {
    const r = await list(before ? `?before=${before}` : '');
    assert.equal(r.status, 200, r.text);
    pages++;
    assert.ok(r.json.deliveries.length <= 50);
    seen.push(...r.json.deliveries.map((d) => d.id));
    before = r.json.next;
    if (before !== null) assert.equal(before, seen[seen.length - 1], 'next is the last id of the page');
  } while (before !== null);
  assert.equal(pages, 3);
  assert.equal(seen.length, N);
  assert.deepEqual(seen, [...seen].sort((a, b) => b - a), 'newest first, no repeats');
  assert.equal(new Set(seen).size, N);
  const first = (await list()).json.deliveries[0];
  assert.equal(first.received_at, new Date((1795795200 + (N - 1) * 60) * 1000).toISOString().replace('.000', ''));
  assert.equal(first.time_zone, 'Asia/Tokyo');
});

test('?limit= sets the page size, up to 200; anything else is refused by name', async () => {
  const all = await list('?limit=200');
  assert.equal(all.json.deliveries.length, N);
  assert.equal(all.json.next, null);
  const two = await list('?limit=2');
  assert.equal(two.json.deliveries.length, 2);
  assert.equal(two.json.next, two.json.deliveries[1].id);
  const after = await list(`?limit=2&before=${two.json.next}`);
  assert.equal(after.json.deliveries[0].id, two.json.next - 1);
  for (const q of ['?limit=0', '?limit=201', '?limit=x', '?before=0', '?before=-3', '?before=1e3']) {
    const r = await list(q);
    assert.equal(r.status, 422, q);
    assert.equal(r.json.error.code, 'invalid');
    assert.deepEqual(r.json.error.fields, [q.slice(1, q.indexOf('='))]);
  }
});

test('a signed-out token is refused at once, however recently it was used; the user\'s other tokens go on', async () => {
  const a = await s.signIn(s.admin.email, s.admin.password);
  const b = await s.signIn(s.admin.email, s.admin.password);
  for (let i = 0; i < 3; i++) { // used again and again: resolved from the cache
    assert.equal((await s.call('GET', '/api/v1/me', { token: a })).status, 200);
    assert.equal((await s.call('GET', '/api/v1/me', { token: b })).status, 200);
  }
  assert.equal((await s.call('DELETE', '/api/v1/session', { token: a })).status, 204);
  assert.equal((await s.call('GET', '/api/v1/me', { token: a })).status, 401);
  assert.equal((await s.call('GET', `/api/v1/partners/${partner}`, { token: a })).status, 401);
  assert.equal((await s.call('GET', '/api/v1/me', { token: b })).status, 200);
});

test('every request gets its one log line, soon after it ends', async () => {
  const path = `/api/v1/partners/${partner}/deliveries?limit=3`;
  assert.equal((await s.call('GET', path, { token: admin })).status, 200);
  const line = new RegExp(`^\\S+Z GET /api/v1/partners/${partner}/deliveries 200 \\d+\\.\\dms admin@example\\.com$`, 'm');
  for (let i = 0; i < 50 && !line.test(s.stderr); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(s.stderr, line);
});
