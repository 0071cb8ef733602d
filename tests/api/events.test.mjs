// GET /api/v1/partners/{id}/events: the whole log without ?limit=, and the
// pages of ?limit= and ?before= (oldest first within a page, `next` walking
// back to older ones), ?action= and `total`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';

let s, admin, partner;
const events = async (query = '') => {
  const r = await s.call('GET', `/api/v1/partners/${partner}/events${query}`, { token: admin });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-12-01T00:00:00Z' });
  admin = await s.signIn(s.admin.email, s.admin.password);
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Studio Paging', contact_email: 'ops@paging.example', time_zone: 'Europe/London' } });
  assert.equal(p.status, 201, p.text);
  partner = p.json.id;
  for (let i = 0; i < 5; i++) {
    const c = await s.call('POST', `/api/v1/partners/${partner}/clocks`, { token: admin,
      body: { kind: 'delivery_48h', subject: `test:${i}`, started_at: '2026-12-10T09:00:00Z' } });
    assert.equal(c.status, 201, c.text);
  }
});
after(async () => { assert.equal((await s.stop()).code, 0); });

test('the pages of ?limit= and ?before= put together are the whole log', async () => {
  const all = await events();
  assert.ok(all.events.length >= 6, `events: ${all.events.length}`);
  assert.equal(all.total, all.events.length);
  assert.equal(all.next, null);
  const ids = all.events.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'oldest first');

  const pages = [];
  let q = '?limit=2';
  for (;;) {
    const page = await events(q);
    assert.equal(page.total, all.total);
    assert.ok(page.events.length <= 2);
    pages.unshift(page.events);
    if (page.next === null) break;
    assert.equal(page.next, page.events[0].id, 'next: the oldest of the page');
    q = `?limit=2&before=${page.next}`;
  }
  assert.deepEqual(pages.flat(), all.events);
  const latest = await events('?limit=3');
  assert.deepEqual(latest.events, all.events.slice(-3), 'the latest three, oldest first');
  assert.deepEqual((await events(`?limit=${all.total}`)).next, null, 'no next when all fit');
});

test('?action= keeps one action, and total counts those', async () => {
  const all = await events();
  const want = all.events.filter((e) => e.action === 'clock.start');
  assert.equal(want.length, 5, 'one clock.start per clock');
  const got = await events('?action=clock.start');
  assert.deepEqual(got.events, want);
  assert.equal(got.total, want.length);
  assert.deepEqual((await events('?action=no.such')).events, []);
});

test('a limit or before out of range answers 422', async () => {
  for (const q of ['?limit=0', '?limit=1001', '?limit=x', '?before=0', '?before=-1']) {
    const r = await s.call('GET', `/api/v1/partners/${partner}/events${q}`, { token: admin });
    assert.equal(r.status, 422, q);
  }
});
