// Accounts: the admin API and the `vodgate user` command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, cli } from './server.mjs';

let s, admin;
before(async () => { s = await startServer(); admin = await s.signIn(s.admin.email, s.admin.password); });
after(async () => { assert.equal((await s.stop()).code, 0); });

test('an admin adds users of each role; the rules of role and organisation hold', async () => {
  const p = await s.call('POST', '/api/v1/partners', { token: admin,
    body: { name: 'Studio', contact_email: 'a@studio.example', time_zone: 'America/New_York', channels: true, posthouse: false } });
  assert.equal(p.status, 201);
  const ok = await s.call('POST', '/api/v1/users', { token: admin,
    body: { email: 'Ana@Studio.Example', name: 'Ana', role: 'partner', password: 'long enough pw', partner: p.json.id } });
  assert.equal(ok.status, 201);
  assert.equal(ok.json.email, 'ana@studio.example', 'emails are stored normalised');
  assert.equal(ok.json.partner, p.json.id);
  assert.equal(ok.json.password, undefined);
  const bad = async (body, field) => {
    const r = await s.call('POST', '/api/v1/users', { token: admin, body });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.json.error.fields, [field]);
  };
  await bad({ email: 'x@example.com', role: 'partner', password: 'long enough pw' }, 'partner');
  await bad({ email: 'x@example.com', role: 'posthouse', password: 'long enough pw', partner: p.json.id }, 'role');
  await bad({ email: 'x@example.com', role: 'pim', password: 'long enough pw', partner: p.json.id }, 'partner');
  await bad({ email: 'x@example.com', role: 'boss', password: 'long enough pw' }, 'role');
  await bad({ email: 'x@example.com', role: 'pim', password: 'short' }, 'password');
  await bad({ email: 'not an email', role: 'pim', password: 'long enough pw' }, 'email');
  const dup = await s.call('POST', '/api/v1/users', { token: admin,
    body: { email: 'ana@studio.example', role: 'partner', password: 'long enough pw', partner: p.json.id } });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'email_taken');
  const signIn = await s.call('POST', '/api/v1/session', { body: { email: 'ANA@studio.example ', password: 'long enough pw' } });
  assert.equal(signIn.status, 200);
  const list = await s.call('GET', '/api/v1/users', { token: admin });
  assert.ok(list.json.users.some((u) => u.email === 'ana@studio.example'));
});

test('creating a partner and a user is in the audit log, with who and after', async () => {
  const p = await s.call('POST', '/api/v1/partners', { token: admin,
    body: { name: 'Audited', contact_email: 'a@aud.example', time_zone: 'Europe/Paris' } });
  const ev = await s.call('GET', `/api/v1/partners/${p.json.id}/events`, { token: admin });
  assert.equal(ev.status, 200);
  assert.equal(ev.json.events.length, 1);
  assert.equal(ev.json.events[0].action, 'partner.create');
  assert.equal(ev.json.events[0].actor, 'admin@example.com');
  assert.equal(ev.json.events[0].after.name, 'Audited');
  assert.equal(ev.json.events[0].before, null);
  const badZone = await s.call('POST', '/api/v1/partners', { token: admin,
    body: { name: 'Nowhere', contact_email: 'a@aud.example', time_zone: 'Mars/Olympus' } });
  assert.equal(badZone.status, 422);
  assert.deepEqual(badZone.json.error.fields, ['time_zone']);
});

test('`vodgate user add` with the password on stdin creates a user who can sign in', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vodgate-cli-'));
  try {
    const add = cli(['user', 'add', 'pim@example.com', '--role', 'pim', '--name', 'Pim', '--data', data],
                    { input: 'pim password 1\n' });
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stdout, /added pim@example\.com \(pim\)/);
    const again = cli(['user', 'add', 'pim@example.com', '--role', 'pim', '--data', data], { input: 'pim password 1\n' });
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already a user/);
    const short = cli(['user', 'add', 'x@example.com', '--role', 'pim', '--data', data], { input: 'short\n' });
    assert.equal(short.status, 2);
    assert.match(short.stderr, /at least 10 characters/);
    const list = cli(['user', 'list', '--data', data]);
    assert.match(list.stdout, /pim@example\.com\s+pim/);
    const t = await startServer({ args: ['--data', data] });
    try {
      const r = await t.call('POST', '/api/v1/session', { body: { email: 'pim@example.com', password: 'pim password 1' } });
      assert.equal(r.status, 200);
      assert.equal(r.json.user.role, 'pim');
      // guessing holds this client...
      let held;
      for (let i = 0; i < 6 && held?.status !== 429; i++)
        held = await t.call('POST', '/api/v1/session', { body: { email: 'pim@example.com', password: `guess ${i}` } });
      assert.equal(held.status, 429);
    } finally { assert.equal((await t.stop()).code, 0); }
    const pw = cli(['user', 'passwd', 'pim@example.com', '--data', data], { input: 'a new password\n' });
    assert.equal(pw.status, 0, pw.stderr);
    // ...until an admin resets the password, which forgets every client's attempts on the account
    const t2 = await startServer({ args: ['--data', data] });
    try {
      const r = await t2.call('POST', '/api/v1/session', { body: { email: 'pim@example.com', password: 'a new password' } });
      assert.equal(r.status, 200, r.text);
    } finally { assert.equal((await t2.stop()).code, 0); }
  } finally { rmSync(data, { recursive: true, force: true }); }
});

test('every subcommand answers --help', () => {
  for (const sub of [[], ['serve'], ['migrate'], ['user'], ['version'], ['routes'], ['backup'], ['export'], ['upload'], ['deliver'], ['status']]) {
    const r = cli([...sub, '--help']);
    assert.equal(r.status, 0, sub.join(' '));
    assert.match(r.stdout, /usage: vodgate/);
  }
  assert.match(cli(['version']).stdout, /^vodgate \d+\.\d+\.\d+ \(schema \d+, tzdata \d{4}[a-z]\)/);
});

test('`vodgate backup` copies the live database; `vodgate export` prints CSV', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vodgate-backup-'));
  const t = await startServer({ args: ['--data', data] });
  try {
    const admin = await t.signIn(t.admin.email, t.admin.password);
    await t.call('POST', '/api/v1/partners', { token: admin, body: { name: 'Comma, Quote "Films"', contact_email: 'c@q.example', time_zone: 'UTC' } });
    const dest = join(data, 'copy.db');
    const b = cli(['backup', dest, '--data', data]);
    if (process.env.VODGATE_TEST_DATABASE === 'postgres') {
      assert.equal(b.status, 1);
      assert.match(b.stderr, /pg_dump/);
    } else {
      assert.equal(b.status, 0, b.stderr);
      assert.equal(cli(['backup', dest, '--data', data]).status, 1, 'never overwrites');
      const copyDir = join(data, 'copy');
      mkdirSync(copyDir);
      renameSync(dest, join(copyDir, 'vodgate.db'));
      const fromCopy = cli(['export', 'partners', '--data', copyDir]);
      assert.equal(fromCopy.status, 0, fromCopy.stderr);
      assert.match(fromCopy.stdout, /"Comma, Quote ""Films"""/);
    }
    const csv = cli(['export', 'partners', '--data', data]);
    assert.equal(csv.status, 0, csv.stderr);
    const lines = csv.stdout.split('\r\n');
    assert.equal(lines[0], 'id,name,contact_email,stage,alias,time_zone,channels,posthouse,warnings,approved_formats,created_at');
    assert.match(lines[1], /^1,"Comma, Quote ""Films""",c@q\.example,invited,/);
    const st = cli(['status', '--data', data]);
    assert.equal(st.status, 0, st.stderr);
    assert.match(st.stdout, /partners: invited 1, questionnaire 0/);
    assert.match(st.stdout, /clocks: running 0, paused 0, breached 0/);
    const ev = cli(['export', 'events', '--data', data]);
    assert.match(ev.stdout, /partner\.create/);
    assert.equal(cli(['export', 'nonsense', '--data', data]).status, 2);
  } finally {
    assert.equal((await t.stop()).code, 0);
    rmSync(data, { recursive: true, force: true });
  }
});
