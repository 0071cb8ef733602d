// The program's clock over the API: a test clock only under --test-clock,
// starting where asked, only moving forward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';

test('without --test-clock the clock is real and cannot be set', async () => {
  const s = await startServer();
  try {
    const admin = await s.signIn(s.admin.email, s.admin.password);
    const r = await s.call('GET', '/api/v1/clock', { token: admin });
    assert.equal(r.json.test, false);
    assert.ok(Math.abs(Date.parse(r.json.now) - Date.now()) < 60000);
    const put = await s.call('PUT', '/api/v1/clock', { token: admin, body: { now: '2030-01-01T00:00:00Z' } });
    assert.equal(put.status, 403);
  } finally { assert.equal((await s.stop()).code, 0); }
});

test('under --test-clock an admin moves time forward, never back', async () => {
  const s = await startServer({ testClock: true, testClockStart: '2026-11-27T17:00:00Z' });
  try {
    const admin = await s.signIn(s.admin.email, s.admin.password);
    assert.deepEqual((await s.call('GET', '/api/v1/clock', { token: admin })).json,
                     { now: '2026-11-27T17:00:00Z', test: true });
    const put = await s.call('PUT', '/api/v1/clock', { token: admin, body: { now: '2026-12-02T23:59:59+00:00' } });
    assert.equal(put.status, 200);
    assert.equal(put.json.now, '2026-12-02T23:59:59Z');
    const back = await s.call('PUT', '/api/v1/clock', { token: admin, body: { now: '2026-12-01T00:00:00Z' } });
    assert.equal(back.status, 409);
    assert.equal(back.json.error.code, 'clock_backwards');
    const junk = await s.call('PUT', '/api/v1/clock', { token: admin, body: { now: 'tomorrow' } });
    assert.equal(junk.status, 422);
    assert.equal((await s.call('GET', '/api/v1/clock', { token: admin })).json.now, '2026-12-02T23:59:59Z');
  } finally { assert.equal((await s.stop()).code, 0); }
});
