// What an installation keeps on disk, and who can read it (docs/operations.md,
// "What is stored"): one-time links never in the clear in the database or the
// log; the data directory, database files, key file and backups readable by
// the server's user alone; one server per embedded database, and no second
// server sharing a port unless asked for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cli, sql, startServer } from './server.mjs';

const PG = process.env.VODGATE_TEST_DATABASE === 'postgres';
const mode = (path) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

let s, admin, partnerId;
before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z' });
  admin = await s.signIn(s.admin.email, s.admin.password);
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Sealed Pictures', contact_email: 'ops@sealed.example', time_zone: 'Europe/London', channels: false, posthouse: false } });
  assert.equal(p.status, 201, p.text);
  partnerId = p.json.id;
  const sent = await s.call('POST', `/api/v1/partners/${partnerId}/questionnaire/send`, { token: admin });
  assert.equal(sent.status, 200, sent.text);
});
after(async () => { if (s) assert.equal((await s.stop()).code, 0); });

// The invitation token of the questionnaire mail, as its recipient (here: the test clock) sees it.
async function invitationToken() {
  const r = await s.call('GET', '/api/v1/messages?to=ops%40sealed.example', { token: admin });
  assert.equal(r.status, 200, r.text);
  const m = r.json.messages.find((x) => /\/invitations\//.test(x.body));
  assert.ok(m, 'the contact was sent an invitation');
  const link = m.body.match(/\/invitations\/([A-Za-z0-9_-]{43})\b/);
  assert.ok(link, `the link opens for its reader:\n${m.body}`);
  return link[1];
}

test('the outbox stores an invitation link sealed: the token is nowhere in the database', async () => {
  const token = await invitationToken();
  const bodies = sql(s.data, 'SELECT body FROM outbox;');
  assert.match(bodies, /\/invitations\/~[A-Za-z0-9_-]{100,}/, 'the stored link is sealed');
  assert.ok(!bodies.includes(token), 'the outbox does not hold the token');
  const events = sql(s.data, 'SELECT subject, action, before_json, after_json FROM events;');
  assert.ok(!events.includes(token), 'nor does the audit log');
  if (!PG) { // the embedded database's files, write-ahead log included, byte for byte
    for (const f of ['vodgate.db', 'vodgate.db-wal']) {
      const path = join(s.data, f);
      if (existsSync(path)) assert.ok(!readFileSync(path).includes(token), `${f} does not hold the token`);
    }
  }
  // ... and the link still works for the person it was sent to.
  const pending = await s.call('GET', `/api/v1/invitations/${token}`);
  assert.equal(pending.status, 200, pending.text);
});

test('the request log names one-time link routes without their token', async () => {
  const token = await invitationToken();
  const before = s.stderr.length;
  await s.call('GET', `/api/v1/invitations/${token}`);
  await fetch(`${s.base}/invitations/${token}`, { headers: { Accept: 'text/html' } });
  // each line is written when its request completes, in no promised order: wait for both
  await s.logged(before, /GET \/api\/v1\/invitations\/\(token\) /);
  const log = await s.logged(before, /GET \/invitations\/\(token\) /);
  assert.match(log, /GET \/api\/v1\/invitations\/\(token\) 200/);
  assert.match(log, /GET \/invitations\/\(token\) 200/);
  assert.ok(!log.includes(token), `the log does not hold the token:\n${log}`);
});

test('links stored in the clear by an older version are sealed when the server starts', async () => {
  const plain = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z' });
  const a = await plain.signIn(plain.admin.email, plain.admin.password);
  const token = 'A'.repeat(20) + 'b'.repeat(23);
  sql(plain.data, `INSERT INTO outbox(to_email, to_user, partner_id, template, subject, body, message_id, created_at, attempts, next_attempt_at, state)
    VALUES ('old@example.com', NULL, NULL, 'questionnaire_sent', 'Old', 'Open http://x/invitations/${token} soon', '<old@x>', 0, 0, 0, 'queued');`);
  await plain.kill9();
  const again = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z', data: plain.data });
  try {
    assert.match(again.stderr, /sealed the one-time links of 1 stored messages/);
    const stored = sql(again.data, "SELECT body FROM outbox WHERE to_email = 'old@example.com';");
    assert.ok(!stored.includes(token), stored);
    assert.match(stored, /\/invitations\/~/);
    const r = await again.call('GET', '/api/v1/messages?to=old%40example.com', { token: a });
    assert.equal(r.json.messages[0].body, `Open http://x/invitations/${token} soon`);
  } finally {
    assert.equal((await again.stop()).code, 0);
  }
});

test('the data directory, its key and database files, and backups are for the server\'s user alone', async () => {
  assert.equal(mode(s.data), '0700');
  assert.equal(mode(join(s.data, 'secret.key')), '0600');
  assert.equal(statSync(join(s.data, 'secret.key')).size, 32);
  assert.equal(mode(join(s.data, 'uploads')), '0700');
  if (PG) return; // no lock (servers share PostgreSQL), and pg_dump makes the database's backups
  assert.equal(mode(join(s.data, 'serve.lock')), '0600');
  for (const f of ['vodgate.db', 'vodgate.db-wal', 'vodgate.db-shm']) assert.equal(mode(join(s.data, f)), '0600', f);
  const out = join(tmpdir(), `vodgate-backup-${process.pid}.db`);
  rmSync(out, { force: true });
  try {
    const r = cli(['backup', out, '--data', s.data]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(mode(out), '0600');
    assert.ok(statSync(out).size > 4096);
    const twice = cli(['backup', out, '--data', s.data]);
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /exists already/);
  } finally {
    rmSync(out, { force: true });
  }
});

test('database files an older version made 0644 are made private at start', { skip: PG && 'PostgreSQL: no database files in the data directory' }, async () => {
  const old = await startServer({});
  await old.kill9();
  for (const f of ['vodgate.db', 'vodgate.db-wal', 'vodgate.db-shm']) {
    if (existsSync(join(old.data, f))) chmodSync(join(old.data, f), 0o644); // as an older version left them
  }
  assert.equal(mode(join(old.data, 'vodgate.db')), '0644');
  const again = await startServer({ data: old.data });
  try {
    for (const f of ['vodgate.db', 'vodgate.db-wal', 'vodgate.db-shm']) assert.equal(mode(join(old.data, f)), '0600', f);
  } finally {
    assert.equal((await again.stop()).code, 0);
  }
});

// Runs `vodgate serve` expecting it to refuse at start; returns {code, stderr}.
function serveRefused(args) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, VODGATE_ADMIN_EMAIL: 'admin@example.com', ASAN_OPTIONS: 'abort_on_error=0:detect_leaks=1' };
    if (PG && !args.includes('--database')) {
      const url = /--database (\S+)/.exec(s.child.spawnargs.join(' '));
      if (url) args.push('--database', url[1]);
    }
    const child = spawn(BIN, ['serve', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`it started:\n${stderr}`)); }, 20000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

test('a second server on the same embedded database is refused, naming the first', { skip: PG && 'PostgreSQL: servers of one installation share the database on purpose' }, async () => {
  const r = await serveRefused(['--listen', '127.0.0.1:0', '--data', s.data]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`another vodgate serve \\(pid ${s.child.pid}\\) is using the data directory`));
  assert.equal((await s.call('GET', '/healthz')).status, 200, 'the first goes on');
});

test('a second server on the same address is refused: no port sharing unless asked for', async () => {
  const other = join(tmpdir(), `vodgate-second-${process.pid}`);
  try {
    const r = await serveRefused(['--listen', `127.0.0.1:${s.port}`, '--data', other]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: Address already in use \(another server listens there/);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
  // Every request still reaches the first server.
  for (let i = 0; i < 10; i++) assert.equal((await s.call('GET', '/healthz')).status, 200);
});
