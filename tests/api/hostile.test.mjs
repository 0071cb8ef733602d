// Requests that once stopped the whole server, and the rule behind them: no
// request, however broken, takes the process down. A byte that is not UTF-8
// where an error repeats the input (path, query, request line, Host) used to
// make json_pack return NULL and an assert abort the process; now the door
// refuses such a request with a clear 400 (or 501 for a method vodgate does
// not serve), and a fault inside any one request answers that request 500 and
// leaves every other one alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './server.mjs';

let s, admin, partner;
before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z' });
  admin = await s.signIn(s.admin.email, s.admin.password);
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Hostile Films', contact_email: 'ops@hostile.example', time_zone: 'Europe/London', channels: false, posthouse: false } });
  assert.equal(p.status, 201, p.text);
  partner = (await s.userWithToken(admin, 'someone@hostile.example', 'partner', p.json.id)).token;
});
after(async () => { assert.equal((await s.stop()).code, 0, 'server exits 0 on SIGTERM'); });

// Sends raw bytes as one request on a fresh connection; returns the whole answer as text.
function raw(bytes) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(s.port, '127.0.0.1');
    const chunks = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    sock.on('error', reject);
    sock.setTimeout(10000, () => { sock.destroy(); reject(new Error('no answer in 10 s')); });
    sock.end(bytes);
  });
}

async function alive() {
  const r = await s.call('GET', '/healthz');
  assert.equal(r.status, 200, 'the server still answers');
  assert.equal(s.child.exitCode, null, `the server is still running:\n${s.stderr.slice(-2000)}`);
}

test('a path that is not UTF-8 gets 400 and the server goes on (unauthenticated)', async () => {
  for (const path of ['/%ff', '/static/%ff', '/api/v1/me%ff', '/%c0%af', '/api/v1/partners/%ed%a0%80']) {
    for (const method of ['GET', 'DELETE', 'POST']) {
      const r = await s.call(method, path);
      assert.equal(r.status, 400, `${method} ${path}: ${r.text}`);
      assert.equal(r.json.error.code, 'bad_request');
      assert.match(r.json.error.message, /not UTF-8/);
    }
  }
  // a browser following such a link gets the portal's page, not JSON
  const page = await fetch(`${s.base}/partners/%ff`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 404);
  assert.match(await page.text(), /There is no page at this address/);
  await alive();
});

test('a query argument that is not UTF-8 gets 422 naming it (400 when its name is not text)', async () => {
  const r = await s.call('GET', '/api/v1/messages?to=%ff', { token: partner });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.error.fields, ['to']);
  assert.equal(r.json.error.message, "'to' is not UTF-8 text");
  const anon = await s.call('GET', '/static/app.js?v=%c3');
  assert.equal(anon.status, 422, anon.text);
  // a portal page reads an argument that is not text as absent: nonsense falls back to its defaults
  for (const path of ['/?q=%ff%fe&stage=%c3', '/outbox?to=2%9f%22&state=%ff', '/plan?target=%fe']) {
    const page = await fetch(`${s.base}${path}`, { headers: { Accept: 'text/html', Cookie: `vodgate_session=${admin}` } });
    assert.equal(page.status, 200, path);
  }
  const k = await s.call('GET', '/api/v1/partners?%fe=1', { token: admin });
  assert.equal(k.status, 400, k.text);
  assert.match(k.json.error.message, /name is not UTF-8/);
  await alive();
});

test('a request line with a method that is not one vodgate serves gets 501, or 400 from the parser', async () => {
  for (const line of [Buffer.from('G\xffT /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'),
                      Buffer.from('BREW /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
                      Buffer.from('GET /\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1')]) {
    const answer = await raw(line);
    assert.match(answer, /^HTTP\/1\.1 (400|501) /, answer.slice(0, 200));
  }
  const brew = await raw('BREW /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(brew, /^HTTP\/1\.1 501 /);
  assert.match(brew, /"code":"not_implemented"/);
  await alive();
});

test('a Host header that is not a host name gets 400 (it is repeated in feed links)', async () => {
  const answer = await raw(Buffer.from(`POST /api/v1/me/feed HTTP/1.1\r\nHost: \xff\xfe\r\nAuthorization: Bearer ${partner}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, 'latin1'));
  assert.match(answer, /^HTTP\/1\.1 400 /, answer.slice(0, 300));
  assert.match(answer, /Host header/);
  await alive();
});

test('bodies, cookies and forms that are not UTF-8 are refused or mended, never fatal', async () => {
  const json = await s.call('POST', '/api/v1/partners', { token: admin, headers: { 'Content-Type': 'application/json' },
    body: Buffer.from('{"name":"\xff","contact_email":"a@b.example","time_zone":"Europe/London"}', 'latin1') });
  assert.equal(json.status, 400, json.text);
  const cookie = await raw(Buffer.from('GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: vodgate_session=\xff\xff; vodgate_flash=error.%ff\r\nConnection: close\r\n\r\n', 'latin1'));
  assert.match(cookie, /^HTTP\/1\.1 401 /);
  const flash = await raw('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nCookie: vodgate_flash=error.%ff%fe\r\nConnection: close\r\n\r\n');
  assert.match(flash, /^HTTP\/1\.1 200 /, flash.slice(0, 300));
  const form = await fetch(`${s.base}/`, { method: 'POST', redirect: 'manual', body: 'email=%ff%40x.example&password=%fe',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' } });
  assert.ok([200, 400, 401, 403].includes(form.status), `sign-in form: ${form.status}`);
  const tus = await fetch(`${s.base}/files/`, { method: 'POST', headers: { Authorization: `Bearer ${partner}`,
    'Tus-Resumable': '1.0.0', 'Upload-Length': '5', 'Upload-Metadata': `filename ${Buffer.from([0xff, 0xfe]).toString('base64')}` } });
  assert.equal(tus.status, 400, await tus.text());
  await alive();
});

test('a broken invariant inside one request answers it 500; the server and every other request go on', async () => {
  const before = s.stderr.length;
  const slow = Array.from({ length: 8 }, () => s.call('GET', '/api/v1/partners', { token: admin }));
  const r = await s.call('POST', '/api/v1/test/fail', { token: admin, body: {} });
  assert.equal(r.status, 500, r.text);
  assert.equal(r.json.error.code, 'internal');
  for (const other of await Promise.all(slow)) assert.equal(other.status, 200);
  // the request log writes from a thread of its own: its lines may come between these two
  const log = await s.logged(before, /answered 500, the server goes on/);
  assert.match(log, /vodgate: assertion failed: !"test hook: a broken invariant" \(src\/http\/api_test_fail\.c:\d+\)/);
  assert.match(log, /vodgate: POST \/api\/v1\/test\/fail failed \(assertion failed: .*\); answered 500, the server goes on/);
  await alive();
});

test('a failure while a request holds a database transaction does not hand that transaction on', async () => {
  for (let i = 0; i < 6; i++) {
    const r = await s.call('POST', '/api/v1/test/fail', { token: admin, body: { what: 'store' } });
    assert.equal(r.status, 500, r.text);
  }
  // Were a connection pooled inside its transaction, the next writes would block or fail.
  for (let i = 0; i < 6; i++) {
    const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
      name: `After Failure ${i}`, contact_email: `ops${i}@after.example`, time_zone: 'Europe/London', channels: false, posthouse: false } });
    assert.equal(p.status, 201, p.text);
  }
  const list = await s.call('GET', '/api/v1/partners?q=After%20Failure', { token: admin });
  assert.equal(list.status, 200);
  await alive();
});

test('a path cannot split or forge a line of the request log', async () => {
  const before = s.stderr.length;
  await s.call('GET', '/no%20such%0a2026-01-01T00:00:00Z%20GET%20/forged%20200%200.1ms%20admin@example.com');
  // a line is written when the request completes, possibly after a later request's: wait for it
  const log = await s.logged(before, /GET \/no%20such/);
  assert.match(log, /GET \/no%20such%0A2026-01-01T00:00:00Z%20GET%20\/forged%20200%200\.1ms%20admin@example\.com 404 /);
  assert.doesNotMatch(log, /^2026-01-01T00:00:00Z GET \/forged/m);
});

test('every portal page answers a bearer token as it answers the session cookie (found by fuzz_http)', async () => {
  for (const path of ['/', '/outbox', '/plan', '/posthouses', '/account', '/partners/new', '/upload']) {
    const r = await fetch(`${s.base}${path}`, { headers: { Accept: 'text/html', Authorization: `Bearer ${admin}` } });
    assert.equal(r.status, 200, `${path} with a bearer token: ${r.status}`);
  }
});

test('a portal page that fails answers the portal\'s own 500 page, and the server goes on', async () => {
  const r = await fetch(`${s.base}/test/fail`, { headers: { Accept: 'text/html', Cookie: `vodgate_session=${admin}` } });
  assert.equal(r.status, 500);
  assert.match(r.headers.get('content-type'), /text\/html/);
  const html = await r.text();
  assert.match(html, /Something went wrong/);
  assert.match(html, /Go back and try again/);
  assert.match(html, /<nav|class="nav|href="\/account"/, 'the page keeps the portal around it');
  await alive();
});

test('--secure-cookies marks the flash cookie Secure too', async () => {
  const sec = await startServer({ args: ['--secure-cookies'] });
  try {
    const r = await fetch(`${sec.base}/plan`, { redirect: 'manual', headers: { Accept: 'text/html' } });
    assert.equal(r.status, 303);
    const set = r.headers.get('set-cookie');
    assert.match(set, /^vodgate_flash=/);
    assert.match(set, /; Secure/);
    const clear = await fetch(`${sec.base}/`, { headers: { Accept: 'text/html', Cookie: 'vodgate_flash=ok.hello' } });
    assert.match(clear.headers.get('set-cookie'), /vodgate_flash=;.*Max-Age=0.*; Secure/);
  } finally {
    assert.equal((await sec.stop()).code, 0);
  }
  const plain = await fetch(`${s.base}/plan`, { redirect: 'manual', headers: { Accept: 'text/html' } });
  assert.doesNotMatch(plain.headers.get('set-cookie'), /Secure/);
});
