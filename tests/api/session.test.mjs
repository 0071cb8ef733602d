// Sign-in, sessions, CSRF, the sign-in throttle, and the server's manners
// (errors, limits, headers, graceful stop).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer, sql } from './server.mjs';

let s;
before(async () => { s = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z' }); });
after(async () => { const r = await s.stop(); assert.equal(r.code, 0, 'server exits 0 on SIGTERM'); });

test('the first run prints an admin who can sign in, and /me says who that is', async () => {
  assert.ok(s.admin.password, 'a generated password was printed');
  const r = await s.call('POST', '/api/v1/session', { body: s.admin });
  assert.equal(r.status, 200);
  assert.equal(r.json.token.length, 43);
  assert.equal(r.json.user.email, 'admin@example.com');
  assert.equal(r.json.user.role, 'admin');
  const me = await s.call('GET', '/api/v1/me', { token: r.json.token });
  assert.equal(me.status, 200);
  assert.deepEqual(Object.keys(me.json).sort(), ['created_at', 'disabled', 'disabled_at', 'email', 'id',
    'last_sign_in_at', 'name', 'org_admin', 'partner', 'role']);
  assert.equal(me.json.partner, null);
  assert.equal(me.json.org_admin, false);
  assert.equal(me.json.disabled, false);
  assert.match(me.json.last_sign_in_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'the sign-in just made');
});

test('a wrong password and an unknown email get the same 401', async () => {
  const wrong = await s.call('POST', '/api/v1/session', { body: { email: s.admin.email, password: 'not it at all' } });
  const unknown = await s.call('POST', '/api/v1/session', { body: { email: 'nobody@example.com', password: 'not it at all' } });
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.deepEqual(wrong.json, unknown.json);
  assert.equal(wrong.json.error.code, 'invalid_credentials');
  // a success clears the count for the admin again
  await s.signIn(s.admin.email, s.admin.password);
});

test('the session cookie is HttpOnly and SameSite=Lax, and cookie changes need the CSRF token', async () => {
  const r = await s.call('POST', '/api/v1/session', { body: s.admin });
  const setCookie = r.headers.get('set-cookie');
  assert.match(setCookie, /^vodgate_session=[A-Za-z0-9_-]{43};/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  const cookie = setCookie.split(';')[0];
  const me = await s.call('GET', '/api/v1/me', { cookie });
  assert.equal(me.status, 200);
  assert.equal(me.json.csrf, r.json.csrf, 'a cookie session learns its CSRF token from /me');
  const body = { email: 'cam1@example.com', name: 'Cam', role: 'cam', password: 'long enough pw' };
  const without = await s.call('POST', '/api/v1/users', { cookie, body });
  assert.equal(without.status, 403);
  assert.equal(without.json.error.code, 'csrf');
  const wrongToken = await s.call('POST', '/api/v1/users', { cookie, body, csrf: 'x'.repeat(43) });
  assert.equal(wrongToken.status, 403);
  const withToken = await s.call('POST', '/api/v1/users', { cookie, body, csrf: r.json.csrf });
  assert.equal(withToken.status, 201);
  // bearer calls need no CSRF token
  const viaBearer = await s.call('POST', '/api/v1/users', { token: r.json.token,
    body: { ...body, email: 'cam2@example.com' } });
  assert.equal(viaBearer.status, 201);
});

test('the CSRF token is derived from the session, not stored beside it', async () => {
  const r = await s.call('POST', '/api/v1/session', { body: s.admin });
  assert.equal(r.status, 200);
  assert.match(r.json.csrf, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(r.json.csrf, r.json.token);
  const rows = sql(s.data, 'SELECT * FROM tokens;');
  assert.ok(rows.length > 0, 'the session is stored (as its hash)');
  assert.ok(!rows.includes(r.json.csrf), 'the tokens table holds no CSRF token');
  assert.ok(!rows.includes(r.json.token), 'nor the session token itself');
  // the same session always has the same CSRF token: it works on any server process
  const cookie = r.headers.get('set-cookie').split(';')[0];
  assert.equal((await s.call('GET', '/api/v1/me', { cookie })).json.csrf, r.json.csrf);
});

// The portal's sign-in form as a browser posts it (no redirects followed).
async function postSignInForm(origin, email, password) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (origin !== undefined) headers.Origin = origin;
  const res = await fetch(s.base + '/', { method: 'POST', redirect: 'manual', headers,
    body: new URLSearchParams({ email, password }).toString() });
  return { status: res.status, text: await res.text(), cookie: res.headers.get('set-cookie') };
}

test('the sign-in form refuses Origin: null (login CSRF from a sandboxed frame)', async () => {
  const forged = await postSignInForm('null', s.admin.email, s.admin.password);
  assert.equal(forged.status, 403);
  assert.match(forged.text, /no origin/);
  assert.equal(forged.cookie, null, 'no session is handed out');
  // the portal's own form (same origin) and a client that sends no Origin work as before
  const same = await postSignInForm(s.base, s.admin.email, s.admin.password);
  assert.equal(same.status, 303, same.text);
  assert.match(same.cookie, /^vodgate_session=/);
  const none = await postSignInForm(undefined, s.admin.email, s.admin.password);
  assert.equal(none.status, 303, none.text);
  assert.match(none.cookie, /^vodgate_session=/);
});

test('a test clock moved ahead keeps sessions alive; signing out ends them', async () => {
  const token = await s.signIn(s.admin.email, s.admin.password);
  assert.equal((await s.call('PUT', '/api/v1/clock', { token, body: { now: '2026-12-31T00:00:00Z' } })).status, 200);
  assert.equal((await s.call('GET', '/api/v1/me', { token })).status, 200);
  assert.equal((await s.call('DELETE', '/api/v1/session', { token })).status, 204);
  const me = await s.call('GET', '/api/v1/me', { token });
  assert.equal(me.status, 401);
  assert.equal(me.json.error.code, 'unauthenticated');
});

test('repeated failures for one account slow down, and the wait passes with time', async () => {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  await s.call('POST', '/api/v1/users', { token: admin,
    body: { email: 'victim@example.com', role: 'pim', password: 'the right password' } });
  const bad = { email: 'victim@example.com', password: 'guess guess guess' };
  for (let i = 0; i < 4; i++) assert.equal((await s.call('POST', '/api/v1/session', { body: bad })).status, 401);
  // the 4th failure makes this client wait 2 s: even the right password is refused from here
  const right = { email: 'victim@example.com', password: 'the right password' };
  const held = await s.call('POST', '/api/v1/session', { body: right });
  assert.equal(held.status, 429);
  assert.equal(held.json.error.code, 'too_many_attempts');
  assert.match(held.headers.get('retry-after'), /^[12]$/, 'about 2 s (whole seconds)');
  // a test clock moved ahead does not open the account: the throttle runs on real time
  assert.equal((await s.call('PUT', '/api/v1/clock', { token: admin, body: { now: '2027-01-01T00:00:00Z' } })).status, 200);
  assert.equal((await s.call('POST', '/api/v1/session', { body: right })).status, 429);
  // unknown accounts are throttled the same way (no hint of existence)
  const ghost = { email: 'ghost@example.com', password: 'guess guess guess' };
  for (let i = 0; i < 4; i++) await s.call('POST', '/api/v1/session', { body: ghost });
  assert.equal((await s.call('POST', '/api/v1/session', { body: ghost })).status, 429);
  // once the wait is over, the right password works
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal((await s.call('POST', '/api/v1/session', { body: right })).status, 200);
});

// POST /api/v1/session from another local address (all of 127.0.0.0/8 reaches the server),
// as a second client on another machine would.
function signInFrom(server, localAddress, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(server.base + '/api/v1/session', { method: 'POST', localAddress,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), ...headers } },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

// Guesses wrong from one client until it is held; returns how many guesses were checked.
async function guessUntilHeld(server, email, headers = {}) {
  for (let i = 0; i < 10; i++) {
    const r = await server.call('POST', '/api/v1/session', { body: { email, password: `guess ${i}` }, headers });
    if (r.status === 429) return i;
    assert.equal(r.status, 401);
  }
  assert.fail('the guessing client was never held');
}

test('parallel wrong guesses are counted one by one: no more are checked than the rule allows', async () => {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  await s.call('POST', '/api/v1/users', { token: admin,
    body: { email: 'rush@example.com', name: 'Rush', role: 'pim', password: 'the right password' } });
  for (const email of ['rush@example.com', 'rush-nobody@example.com']) {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      s.call('POST', '/api/v1/session', { body: { email, password: `parallel guess ${i}` } })));
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((x) => x === 401).length, 4, `${email}: 4 checked, ${statuses}`);
    assert.equal(statuses.filter((x) => x === 429).length, 16, `${email}: the rest held`);
  }
});

test('a guessing client is held even with the right password; the owner elsewhere signs in', async () => {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  const right = { email: 'owner@example.com', password: 'the right password' };
  await s.call('POST', '/api/v1/users', { token: admin, body: { ...right, name: 'Owner', role: 'cam' } });
  assert.equal(await guessUntilHeld(s, right.email), 4);
  assert.equal((await s.call('POST', '/api/v1/session', { body: right })).status, 429, 'the guesser is held');
  // the owner, on another machine, is not held by someone else's guessing (one wrong try every
  // SIGNIN_MAX_WAIT seconds used to keep the account closed for good)
  const typo = await signInFrom(s, '127.0.0.2', { ...right, password: 'a typo' });
  assert.equal(typo.status, 401);
  const owner = await signInFrom(s, '127.0.0.2', right);
  assert.equal(owner.status, 200, JSON.stringify(owner.json));
  assert.equal(owner.json.user.email, right.email);
  // and the owner's success does not open the door for the guesser
  assert.equal((await s.call('POST', '/api/v1/session', { body: right })).status, 429);
  // a client cannot pass for another by naming one: X-Forwarded-For counts only from a trusted proxy
  const forged = await s.call('POST', '/api/v1/session', { body: right, headers: { 'X-Forwarded-For': '198.51.100.9' } });
  assert.equal(forged.status, 429);
});

test('behind a trusted proxy, the client is the address the proxy forwards', async () => {
  const t = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const admin = await t.signIn(t.admin.email, t.admin.password);
    const right = { email: 'proxied@example.com', password: 'the right password' };
    await t.call('POST', '/api/v1/users', { token: admin, body: { ...right, name: 'P', role: 'pom' } });
    const guesser = { 'X-Forwarded-For': '203.0.113.7' };
    assert.equal(await guessUntilHeld(t, right.email, guesser), 4);
    assert.equal((await t.call('POST', '/api/v1/session', { body: right, headers: guesser })).status, 429);
    // nginx appends the address it saw: the last entry is the one to believe
    const owner = await t.call('POST', '/api/v1/session', { body: right,
      headers: { 'X-Forwarded-For': '203.0.113.7, 198.51.100.9' } });
    assert.equal(owner.status, 200);
    // a request from another address than the proxy's names no one by the header
    const direct = await signInFrom(t, '127.0.0.2', right, guesser);
    assert.equal(direct.status, 200);
  } finally {
    await t.stop();
  }
});

test('the throttle stores hashes, not emails or addresses, and forgets quiet clients', async () => {
  const email = 'stored-nobody@example.com';
  assert.equal((await s.call('POST', '/api/v1/session', { body: { email, password: 'a guess' } })).status, 401);
  const rows = sql(s.data, 'SELECT * FROM sign_in_throttle;');
  assert.ok(rows.trim().length > 0, 'the failure is counted');
  assert.ok(!rows.includes('stored-nobody') && !rows.includes('127.0.0.1'), rows);
  // a row whose last attempt is more than a day old goes at the next attempt
  sql(s.data, "INSERT INTO sign_in_throttle(account, client, attempts, last_at) VALUES ('old', 'old', 9, 1);");
  await s.call('POST', '/api/v1/session', { body: { email, password: 'another guess' } });
  assert.match(sql(s.data, "SELECT 'rows=' || COUNT(*) FROM sign_in_throttle WHERE account = 'old';"), /rows=0\b/);
});

test('errors are JSON with a code and a message', async () => {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  const cases = [
    [await s.call('GET', '/api/v1/nothing-here', { token: admin }), 404, 'not_found'],
    [await s.call('PATCH', '/api/v1/me', { token: admin, body: {} }), 405, 'method_not_allowed'],
    [await s.call('POST', '/api/v1/users', { token: admin, body: '{"email": ', headers: { 'Content-Type': 'application/json' } }), 400, 'malformed'],
    [await s.call('POST', '/api/v1/users', { token: admin, body: { email: 'x@example.com' } }), 422, 'invalid'],
    [await s.call('GET', '/api/v1/me'), 401, 'unauthenticated'],
  ];
  for (const [r, status, code] of cases) {
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error.code, code);
    assert.equal(typeof r.json.error.message, 'string');
    assert.ok(r.json.error.message.length > 5);
  }
  assert.equal(cases[1][0].headers.get('allow'), 'GET');
  assert.deepEqual(cases[3][0].json.error.fields, ['role']);
});

test('bodies over the limit get 413 before they are read', async () => {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  const big = JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(1100000) });
  const r = await s.call('POST', '/api/v1/users', { token: admin, body: big, headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'too_large');
});

test('every answer carries the security headers, and /healthz needs no sign-in', async () => {
  const r = await s.call('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
});

test('the log has one line per request with method, path, status, duration and user', async () => {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  await s.call('GET', '/api/v1/me?probe=1', { token: admin });
  await new Promise((r) => setTimeout(r, 100));
  assert.match(s.stderr, /GET \/api\/v1\/me 200 \d+\.\dms admin@example\.com/);
});

test('SIGTERM lets a request in flight finish, then the server exits 0', async () => {
  const t = await startServer();
  const token = await t.signIn(t.admin.email, t.admin.password);
  const body = JSON.stringify({ email: 'late@example.com', role: 'pom', password: 'finished after TERM' });
  const sock = net.connect(t.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let answer = '';
  sock.on('data', (d) => { answer += d; });
  sock.write(`POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
             `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n` +
             body.slice(0, 10));
  await new Promise((r) => setTimeout(r, 200));
  t.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  sock.write(body.slice(10));
  await new Promise((r) => sock.once('close', r));
  assert.match(answer, /^HTTP\/1\.1 201/);
  const r = await t.stop();
  assert.equal(r.code, 0);
});
