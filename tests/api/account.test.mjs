// The signed-in user's own account over the API: changing the password (the
// current one checked, throttled like a sign-in, other sessions ended), API
// tokens (shown once, listed without their secret, revoked; another user's
// token answers 404 as a missing one), the calendar-feed link's state; and
// the API details the portal's pages rely on: the outbox's filters and pages,
// the planner taking an HTML form's empty fields, the posthouses' zones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, invite, sendAndJoin, answerAndSubmit, provision } from './journeys.mjs';

let w, s, admin;
const PW = 'correct horse battery';
before(async () => {
  w = await world('2026-11-27T16:00:00Z');
  s = w.s;
  admin = w.tok.admin;
});
after(async () => { assert.equal((await s.stop()).code, 0); });

test('a password change needs the current password, ends the other sessions and keeps this one', async () => {
  const { token } = await s.userWithToken(admin, 'pat@example.com', 'pom');
  const other = await s.signIn('pat@example.com', PW);
  const call = (body, t = token) => s.call('POST', '/api/v1/me/password', { token: t, body });

  const wrong = await call({ current_password: 'not my password', new_password: 'a brand new passphrase' });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.error.code, 'wrong_password');
  assert.deepEqual(wrong.json.error.fields, ['current_password']);
  assert.match(wrong.json.error.message, /current password/);
  const short = await call({ current_password: PW, new_password: 'short' });
  assert.equal(short.status, 422);
  assert.deepEqual(short.json.error.fields, ['new_password']);
  const same = await call({ current_password: PW, new_password: PW });
  assert.equal(same.status, 422);
  assert.match(same.json.error.message, /same as the current/);
  assert.equal((await call({ current_password: PW })).status, 422, 'new_password is required');

  const ok = await call({ current_password: PW, new_password: 'a brand new passphrase' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.sessions_ended, 1);
  assert.equal((await s.call('GET', '/api/v1/me', { token })).status, 200, 'this session stays');
  assert.equal((await s.call('GET', '/api/v1/me', { token: other })).status, 401, 'the other one ended');
  const old = await s.call('POST', '/api/v1/session', { body: { email: 'pat@example.com', password: PW } });
  assert.equal(old.status, 401);
  await s.signIn('pat@example.com', 'a brand new passphrase');
});

test('a cookie session changes its password only with its CSRF token', async () => {
  await s.userWithToken(admin, 'cora@example.com', 'cam');
  const r = await s.call('POST', '/api/v1/session', { body: { email: 'cora@example.com', password: PW } });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const body = { current_password: PW, new_password: 'another long passphrase' };
  const without = await s.call('POST', '/api/v1/me/password', { cookie, body });
  assert.equal(without.status, 403);
  assert.equal(without.json.error.code, 'csrf');
  const withIt = await s.call('POST', '/api/v1/me/password', { cookie, body, csrf: r.json.csrf });
  assert.equal(withIt.status, 200, withIt.text);
});

test('wrong current passwords are throttled like sign-ins, for the same account', async () => {
  const { token } = await s.userWithToken(admin, 'tess@example.com', 'plm');
  let last;
  for (let i = 0; i < 8; i++) {
    last = await s.call('POST', '/api/v1/me/password', { token, body: { current_password: `guess ${i}`, new_password: 'whatever it is now' } });
    if (last.status === 429) break;
    assert.equal(last.status, 422);
  }
  assert.equal(last.status, 429, 'guessing is slowed down');
  assert.ok(Number(last.headers.get('retry-after')) >= 1);
  assert.equal(last.json.error.code, 'too_many_attempts');
  const signIn = await s.call('POST', '/api/v1/session', { body: { email: 'tess@example.com', password: PW } });
  assert.equal(signIn.status, 429, 'the sign-in shares the count');
});

test('API tokens: made once, listed without the secret, usable, revoked', async () => {
  const org = await s.call('POST', '/api/v1/partners', { token: admin, body: { name: 'Tokens Ltd',
    contact_email: 'ops@tokens.example', time_zone: 'Europe/Paris', channels: false, posthouse: false } });
  const { token } = await s.userWithToken(admin, 'tom@example.com', 'partner', org.json.id);
  const empty = await s.call('GET', '/api/v1/me/tokens', { token });
  assert.deepEqual(empty.json.tokens, []);
  const made = await s.call('POST', '/api/v1/me/tokens', { token, body: { label: 'nightly script', expires_in_days: 30 } });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.token.length, 43);
  assert.equal(made.json.label, 'nightly script');
  const days = (Date.parse(made.json.expires_at) - Date.parse(made.json.created_at)) / 86400000;
  assert.equal(days, 30);
  const me = await s.call('GET', '/api/v1/me', { token: made.json.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.email, 'tom@example.com');
  const list = await s.call('GET', '/api/v1/me/tokens', { token });
  assert.equal(list.json.tokens.length, 1);
  assert.deepEqual(Object.keys(list.json.tokens[0]).sort(), ['created_at', 'expired', 'expires_at', 'id', 'label']);
  assert.equal(list.json.tokens[0].id, made.json.id);

  // someone else cannot see or revoke it: the same 404 as a token that does not exist
  const { token: eve } = await s.userWithToken(admin, 'eve@example.com', 'cam');
  assert.deepEqual((await s.call('GET', '/api/v1/me/tokens', { token: eve })).json.tokens, []);
  const foreign = await s.call('DELETE', `/api/v1/me/tokens/${made.json.id}`, { token: eve });
  assert.equal(foreign.status, 404);
  const missing = await s.call('DELETE', '/api/v1/me/tokens/999999', { token: eve });
  assert.equal(missing.status, 404);
  assert.equal(foreign.json.error.code, missing.json.error.code);
  assert.equal((await s.call('GET', '/api/v1/me', { token: made.json.token })).status, 200, 'still works');
  // a session is not an API token: it cannot be revoked through this route
  const sessions = await s.call('DELETE', '/api/v1/me/tokens/1', { token });
  assert.equal(sessions.status, 404);

  const gone = await s.call('DELETE', `/api/v1/me/tokens/${made.json.id}`, { token });
  assert.equal(gone.status, 204);
  assert.equal((await s.call('GET', '/api/v1/me', { token: made.json.token })).status, 401);
  assert.equal((await s.call('DELETE', `/api/v1/me/tokens/${made.json.id}`, { token })).status, 404);
});

test('API tokens: the label and the lifetime are checked, and a user holds at most 20', async () => {
  const { token } = await s.userWithToken(admin, 'cal@example.com', 'commercial');
  const noLabel = await s.call('POST', '/api/v1/me/tokens', { token, body: {} });
  assert.equal(noLabel.status, 422);
  const blank = await s.call('POST', '/api/v1/me/tokens', { token, body: { label: '' } });
  assert.deepEqual(blank.json.error.fields, ['label']);
  const long = await s.call('POST', '/api/v1/me/tokens', { token, body: { label: 'x', expires_in_days: 366 } });
  assert.deepEqual(long.json.error.fields, ['expires_in_days']);
  const made = await s.call('POST', '/api/v1/me/tokens', { token, body: { label: 'default' } });
  assert.equal((Date.parse(made.json.expires_at) - Date.parse(made.json.created_at)) / 86400000, 90);
  for (let i = 1; i < 20; i++) {
    const r = await s.call('POST', '/api/v1/me/tokens', { token, body: { label: `t${i}` } });
    assert.equal(r.status, 201, r.text);
  }
  const over = await s.call('POST', '/api/v1/me/tokens', { token, body: { label: 'one too many' } });
  assert.equal(over.status, 409);
  assert.equal(over.json.error.code, 'too_many_tokens');
  assert.match(over.json.error.message, /revoke/);
  const list = (await s.call('GET', '/api/v1/me/tokens', { token })).json.tokens;
  assert.equal(list.length, 20);
  assert.equal(list[0].label, 't19', 'newest first');
});

test('the calendar-feed link: its state, made, used, turned off', async () => {
  const { token } = await s.userWithToken(admin, 'fay@example.com', 'pim');
  assert.deepEqual((await s.call('GET', '/api/v1/me/feed', { token })).json, { active: false });
  const made = await s.call('POST', '/api/v1/me/feed', { token });
  assert.equal(made.status, 201);
  assert.deepEqual((await s.call('GET', '/api/v1/me/feed', { token })).json, { active: true });
  const ics = await s.call('GET', made.json.path);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar/);
  assert.equal((await s.call('DELETE', '/api/v1/me/feed', { token })).status, 204);
  assert.equal((await s.call('GET', made.json.path)).status, 401, 'the link stopped working');
  assert.deepEqual((await s.call('GET', '/api/v1/me/feed', { token })).json, { active: false });
  const again = await s.call('DELETE', '/api/v1/me/feed', { token });
  assert.equal(again.status, 404);
});

test('the outbox filters by state and partner and pages with limit and next_before', async () => {
  const mk = async (name) => (await s.call('POST', '/api/v1/partners', { token: admin,
    body: { name, contact_email: `ops@${name.toLowerCase()}.example`, time_zone: 'Europe/London', channels: false, posthouse: false } })).json.id;
  const a = await mk('Outboxa'), b = await mk('Outboxb');
  const queue = (partner, to) => s.call('POST', '/api/v1/test/messages', { token: admin,
    body: { to, template: 'escalation', partner, vars: { partner: 'X', warnings: 3, link: 'http://127.0.0.1/partners/1' } } });
  for (let i = 0; i < 3; i++) assert.equal((await queue(a, `a${i}@example.com`)).status, 201);
  assert.equal((await queue(b, 'b0@example.com')).status, 201);
  const ofA = await s.call('GET', `/api/v1/messages?partner=${a}`, { token: admin });
  assert.equal(ofA.status, 200);
  assert.deepEqual(ofA.json.messages.map((m) => m.to), ['a2@example.com', 'a1@example.com', 'a0@example.com']);
  assert.equal(ofA.json.next_before, null);
  const page1 = await s.call('GET', `/api/v1/messages?partner=${a}&limit=2`, { token: admin });
  assert.deepEqual(page1.json.messages.map((m) => m.to), ['a2@example.com', 'a1@example.com']);
  assert.equal(page1.json.next_before, page1.json.messages[1].id);
  const page2 = await s.call('GET', `/api/v1/messages?partner=${a}&limit=2&before=${page1.json.next_before}`, { token: admin });
  assert.deepEqual(page2.json.messages.map((m) => m.to), ['a0@example.com']);
  const queued = await s.call('GET', `/api/v1/messages?state=queued&partner=${b}`, { token: admin });
  assert.deepEqual(queued.json.messages.map((m) => m.to), ['b0@example.com']);
  const sent = await s.call('GET', `/api/v1/messages?state=sent&partner=${b}`, { token: admin });
  assert.deepEqual(sent.json.messages, []);
  const empty = await s.call('GET', `/api/v1/messages?partner=${b}&state=&to=&before=&limit=`, { token: admin });
  assert.deepEqual(empty.json.messages.map((m) => m.to), ['b0@example.com'], 'empty form fields are absent');
  const both = await s.call('GET', `/api/v1/messages?to=a1%40example.com&state=queued`, { token: admin });
  assert.deepEqual(both.json.messages.map((m) => m.to), ['a1@example.com']);
  assert.equal(both.json.messages[0].attempt_log.length, 0);
  for (const q of ['state=lost', 'partner=x', 'limit=0', 'before=-1']) {
    const bad = await s.call('GET', `/api/v1/messages?${q}`, { token: admin });
    assert.equal(bad.status, 422, q);
    assert.deepEqual(bad.json.error.fields, [q.split('=')[0]]);
  }
});

test('the planner takes an HTML form\'s empty fields as absent; posthouses carry their zone', async () => {
  const plan = await s.call('GET', '/api/v1/plan?target=2027-06-01&partner=&time_zone=', { token: admin });
  assert.equal(plan.status, 200, plan.text);
  assert.equal(plan.json.partner, null);
  assert.equal(plan.json.time_zone, 'UTC');
  const ph = await invite(w, 'Zone Post', { posthouse: true, time_zone: 'Asia/Tokyo' });
  await sendAndJoin(w, ph);
  await answerAndSubmit(w, ph, { already_onboarded: 'yes' });
  await provision(w, ph, 'zone_post');
  await s.call('PUT', `/api/v1/partners/${ph.id}/training/plan`, { token: w.tok.pim, body: { modules: [] } });
  const done = await s.call('POST', `/api/v1/partners/${ph.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(done.json.stage, 'steady_state', done.text);
  const list = await s.call('GET', '/api/v1/posthouses', { token: ph.token });
  assert.equal(list.status, 200, 'a posthouse user sees the directory too');
  const mine = list.json.posthouses.find((p) => p.id === ph.id);
  assert.equal(mine.time_zone, 'Asia/Tokyo');
});
