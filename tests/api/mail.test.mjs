// Notifications by mail against real SMTP servers on 127.0.0.1, started here
// and stopped by process id (or closed) at the end:
//   - Debian's python3-aiosmtpd (tests/api/smtp_spool.py writes each message
//     it accepts to a spool directory) for delivery: headers, UTF-8 subjects,
//     bodies, and two servers sharing one database that never send a message
//     twice;
//   - a small scripted SMTP server written here with node:net, whose every
//     connection answers as told: 421 at the greeting, 450 or 550 to RCPT, 451
//     after the data, a dropped connection, silence (a timeout), or success,
//     to show retries with their backoff as the test clock moves, permanent
//     failure on 5xx, the bound on attempts, and the record of each attempt.
// Messages are queued through the test hook POST /api/v1/test/messages,
// mostly from templates in a --templates directory written here, so these
// tests do not depend on the wording or variables of the shipped templates;
// one test renders a shipped template from the variables its "# vars:" line
// documents.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, startServer } from './server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const T0 = '2026-11-27T16:00:00Z';
const at = (seconds) => new Date(Date.parse(T0) + seconds * 1000).toISOString().replace('.000Z', 'Z');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

// aiosmtpd with the spool handler; resolves once it greets.
async function startSpool() {
  const dir = mkdtempSync(join(tmpdir(), 'vodgate-spool-'));
  const port = await freePort();
  const child = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
                               '-c', 'smtp_spool.Spool', dir],
                      { env: { ...process.env, PYTHONPATH: HERE }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((r) => child.on('exit', r));
  await waitFor(`aiosmtpd on ${port} (${stderr})`, () => new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('data', (d) => { sock.destroy(); resolve(String(d).startsWith('220')); });
    sock.once('error', () => resolve(false));
  }));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages() {
      return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A scripted SMTP server: each connection takes the next behaviour from
// `plan` (then `otherwise`) and is recorded with the commands it received.
async function startScripted() {
  const conns = [];
  const sockets = new Set();
  const s = {
    plan: [],
    otherwise: 'ok',
    conns,
  };
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const how = s.plan.length ? s.plan.shift() : s.otherwise;
    const rec = { how, commands: [], data: null };
    conns.push(rec);
    if (how === 'silent') return;
    if (how === 'greet421') { sock.end('421 4.3.2 Service shutting down, try later\r\n'); return; }
    sock.setEncoding('latin1');
    const say = (line) => sock.write(`${line}\r\n`);
    say('220 scripted.example ESMTP');
    let buf = '';
    let inData = false;
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          rec.data = Buffer.from(buf.slice(0, end + 2), 'latin1').toString('utf8');
          buf = buf.slice(end + 5);
          inData = false;
          say(how === 'data451' ? '451 4.3.0 Local error in processing' : '250 2.0.0 Accepted');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        rec.commands.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-scripted.example\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') say('250 scripted.example');
        else if (verb === 'MAIL') {
          if (how === 'drop') { sock.destroy(); return; }
          say('250 2.1.0 Ok');
        } else if (verb === 'RCPT') {
          say(how === 'rcpt450' ? '450 4.2.1 Mailbox busy, try later'
            : how === 'rcpt550' ? '550 5.1.1 No such user here' : '250 2.1.5 Ok');
        } else if (verb === 'DATA') { say('354 End data with <CR><LF>.<CR><LF>'); inData = true; }
        else if (verb === 'QUIT') { say('221 2.0.0 Bye'); sock.end(); return; }
        else if (verb === 'RSET' || verb === 'NOOP') say('250 2.0.0 Ok');
        else say('502 5.5.2 Command not recognised');
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  s.url = `smtp://127.0.0.1:${server.address().port}`;
  s.stop = async () => {
    for (const sock of sockets) sock.destroy();
    await new Promise((r) => server.close(r));
  };
  return s;
}

// Templates of the tests' own, served through --templates.
function templateDir() {
  const dir = mkdtempSync(join(tmpdir(), 'vodgate-templates-'));
  writeFileSync(join(dir, 'note.txt'), [
    '# A template of the API tests.',
    '# vars: partner, formats[], text',
    'Subject: Note for {{partner}}',
    '',
    'Formats of {{partner}}:',
    '{{#formats}}',
    '  - {{.}}',
    '{{/formats}}',
    '{{text}}',
    '',
  ].join('\n'));
  return dir;
}

const tplDir = templateDir();
let spool;
let scripted;

before(async () => {
  spool = await startSpool();
  scripted = await startScripted();
});
after(async () => {
  await spool.stop();
  await scripted.stop();
  rmSync(tplDir, { recursive: true, force: true });
});

async function serverWith(smtp, extra = {}) {
  const args = ['--templates', tplDir, '--mail-from', 'notify@vodgate.example', '--smtp-timeout', '2'];
  if (smtp) args.push('--smtp', smtp);
  const s = await startServer({ testClock: true, testClockStart: T0, args: [...args, ...(extra.args || [])] });
  // A second server on an existing database printed no admin password: it borrows a token.
  s.token = extra.token || await s.signIn(s.admin.email, s.admin.password);
  return s;
}

async function queue(s, to, template, vars, token = s.token) {
  return s.call('POST', '/api/v1/test/messages', { token, body: { to, template, vars } });
}

async function message(s, id) {
  const r = await s.call('GET', '/api/v1/messages', { token: s.token });
  assert.equal(r.status, 200, r.text);
  return r.json.messages.find((m) => m.id === id);
}

async function setClock(s, iso) {
  const r = await s.call('PUT', '/api/v1/clock', { token: s.token, body: { now: iso } });
  assert.equal(r.status, 200, r.text);
}

test('a message is sent by SMTP with its headers, and the outbox shows it to the right people', async () => {
  const s = await serverWith(spool.url);
  try {
    const p = await s.call('POST', '/api/v1/partners', { token: s.token,
      body: { name: 'Studio A', contact_email: 'ops@studio-a.example', time_zone: 'Europe/London', channels: false, posthouse: false } });
    assert.equal(p.status, 201, p.text);
    const partner = await s.userWithToken(s.token, 'partner@studio-a.example', 'partner', p.json.id);
    const pom = await s.userWithToken(s.token, 'pom@vodgate.example', 'pom');
    const other = await s.userWithToken(s.token, 'other@studio-a.example', 'partner', p.json.id);

    const name = 'Stüdio Ünïcode — “Films” 日本';
    const text = 'A line\n.\n..\nand a line after lone dots';
    const q = await queue(s, 'Partner@Studio-A.example', 'note',
                          { partner: name, formats: ['HD SDR stereo', 'UHD HDR10 · Dolby Atmos'], text });
    assert.equal(q.status, 201, q.text);
    assert.equal(q.json.to, 'partner@studio-a.example');
    assert.equal(q.json.to_user, partner.id);
    assert.equal(q.json.template, 'note');
    assert.equal(q.json.subject, `Note for ${name}`);
    assert.equal(q.json.body, `Formats of ${name}:\n  - HD SDR stereo\n  - UHD HDR10 · Dolby Atmos\n${text}\n`);
    assert.equal(q.json.created_at, T0);
    assert.match(q.json.message_id, /^<[A-Za-z0-9_-]+@vodgate\.example>$/);
    const staffNote = await queue(s, 'cam@vodgate.example', 'note', { partner: 'Studio A', formats: [], text: 'x' });
    assert.equal(staffNote.status, 201, staffNote.text);

    const sent = await waitFor('both messages sent', async () => {
      const m = await message(s, q.json.id);
      const n = await message(s, staffNote.json.id);
      return m.state === 'sent' && n.state === 'sent' && m;
    });
    assert.equal(sent.attempts, 1);
    assert.equal(sent.sent_at, T0);
    assert.equal(sent.next_attempt_at, null);
    assert.match(sent.last_reply, /^250 2\.0\.0 Ok: queued as \d+$/);
    assert.equal(sent.attempt_log.length, 1);
    assert.deepEqual(sent.attempt_log[0], { at: T0, reply: sent.last_reply, ok: true });

    const mail = spool.messages().find((m) => m.headers['Message-ID'] === q.json.message_id);
    assert.ok(mail, 'the message reached the SMTP server');
    assert.equal(mail.mail_from, 'notify@vodgate.example');
    assert.deepEqual(mail.rcpt_tos, ['partner@studio-a.example']);
    const raw = Object.fromEntries(mail.raw_headers);
    assert.equal(raw.From, 'notify@vodgate.example');
    assert.equal(raw.To, 'partner@studio-a.example');
    assert.equal(raw.Date, 'Fri, 27 Nov 2026 16:00:00 +0000', 'Date is the program clock at sending');
    assert.equal(raw['Auto-Submitted'], 'auto-generated');
    assert.equal(raw['Content-Type'], 'text/plain; charset=utf-8');
    assert.equal(raw['MIME-Version'], '1.0');
    assert.match(raw.Subject, /^=\?UTF-8\?B\?/, 'a UTF-8 subject is RFC 2047 encoded');
    assert.equal(mail.headers.Subject, `Note for ${name}`);
    assert.equal(mail.body.replace(/\r\n/g, '\n'), q.json.body, 'the body arrives as stored, lone dots too');
    assert.ok(!/[^\r]\n/.test(mail.raw), 'every line ends in CRLF');

    // The outbox: staff see all (and may narrow by address); anyone else only their own mail.
    const all = await s.call('GET', '/api/v1/messages', { token: pom.token });
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.json.messages.map((m) => m.id), [staffNote.json.id, q.json.id], 'newest first');
    const narrowed = await s.call('GET', '/api/v1/messages?to=PARTNER@studio-a.example', { token: pom.token });
    assert.deepEqual(narrowed.json.messages.map((m) => m.id), [q.json.id]);
    const mine = await s.call('GET', '/api/v1/messages', { token: partner.token });
    assert.deepEqual(mine.json.messages.map((m) => m.id), [q.json.id]);
    assert.deepEqual(Object.keys(mine.json.messages[0]).sort(),
                     ['attempt_log', 'attempts', 'body', 'created_at', 'id', 'last_reply', 'message_id',
                      'next_attempt_at', 'partner', 'sent_at', 'state', 'subject', 'template', 'to',
                      'to_user'].sort());
    const notMine = await s.call('GET', '/api/v1/messages?to=cam@vodgate.example', { token: partner.token });
    assert.deepEqual(notMine.json.messages, [], 'asking for another address finds nothing');
    const colleague = await s.call('GET', '/api/v1/messages', { token: other.token });
    assert.deepEqual(colleague.json.messages, [], 'a colleague in the same organisation sees none of it');
    const paged = await s.call('GET', `/api/v1/messages?before=${staffNote.json.id}`, { token: pom.token });
    assert.deepEqual(paged.json.messages.map((m) => m.id), [q.json.id]);
    const bad = await s.call('GET', '/api/v1/messages?to=not-an-address', { token: pom.token });
    assert.equal(bad.status, 422, bad.text);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('a shipped template renders from the variables its "# vars:" line documents', async () => {
  const s = await serverWith(spool.url);
  try {
    const file = readFileSync(join(ROOT, 'templates', 'mail', 'training_complete.txt'), 'utf8');
    const line = file.split('\n').find((l) => l.startsWith('# vars:'));
    assert.ok(line, 'training_complete documents its variables');
    const vars = {};
    for (const m of line.slice(7).matchAll(/([a-z0-9_]+)(\[([a-z0-9_,]*)\])?/g)) {
      if (!m[2]) vars[m[1]] = `‹${m[1]}›`;
      else if (!m[3]) vars[m[1]] = [`‹${m[1]} one›`, `‹${m[1]} two›`];
      else vars[m[1]] = [0, 1].map((i) => Object.fromEntries(m[3].split(',').map((k) => [k, `‹${k} ${i}›`])));
    }
    const q = await queue(s, 'partner@studio-a.example', 'training_complete', vars);
    assert.equal(q.status, 201, q.text);
    for (const [k, v] of Object.entries(vars)) {
      for (const text of (Array.isArray(v) ? v.flatMap((x) => (typeof x === 'string' ? [x] : Object.values(x))) : [v])) {
        assert.ok(q.json.subject.includes(text) || q.json.body.includes(text), `${k}: ${text} shows`);
      }
    }
    await waitFor('sent', async () => (await message(s, q.json.id)).state === 'sent');
    const mail = spool.messages().find((m) => m.headers['Message-ID'] === q.json.message_id);
    assert.equal(mail.body.replace(/\r\n/g, '\n'), q.json.body);
    assert.equal(mail.headers.Subject, q.json.subject);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('a template that cannot render queues nothing and answers 422 with the reason', async () => {
  const s = await serverWith(null);
  try {
    let r = await queue(s, 'a@example.com', 'note', { partner: 'P', formats: ['x'] });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'template');
    assert.match(r.json.error.message, /^mail template 'note': line 9: the variable 'text' is missing$/);
    r = await queue(s, 'a@example.com', 'note', { partner: 'P', formats: 'not a list', text: 't' });
    assert.equal(r.status, 422, r.text);
    assert.match(r.json.error.message, /'formats' is not a list/);
    r = await queue(s, 'a@example.com', 'no_such_template', {});
    assert.equal(r.status, 422, r.text);
    assert.match(r.json.error.message, /there is no mail template 'no_such_template'/);
    r = await queue(s, 'a@example.com', '../../etc/passwd', {});
    assert.equal(r.status, 422, r.text);
    r = await queue(s, 'not an address', 'note', { partner: 'P', formats: [], text: 't' });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.json.error.fields, ['to']);
    r = await s.call('POST', '/api/v1/test/messages', { token: s.token, body: { to: 'a@example.com', template: 'note', vars: [] } });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(r.json.error.fields, ['vars']);
    const list = await s.call('GET', '/api/v1/messages', { token: s.token });
    assert.deepEqual(list.json.messages, []);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('without --smtp, messages stay queued in the outbox', async () => {
  const s = await serverWith(null);
  try {
    const q = await queue(s, 'a@example.com', 'note', { partner: 'P', formats: [], text: 't' });
    assert.equal(q.status, 201, q.text);
    await setClock(s, at(86400));
    const m = await message(s, q.json.id);
    assert.equal(m.state, 'queued');
    assert.equal(m.attempts, 0);
    assert.equal(m.next_attempt_at, T0);
    assert.deepEqual(m.attempt_log, []);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('temporary failures retry with backoff as the clock moves; each attempt is recorded', async () => {
  scripted.plan = ['rcpt450', 'greet421', 'drop', 'silent', 'data451', 'ok'];
  scripted.otherwise = 'ok';
  const first = scripted.conns.length;
  const s = await serverWith(scripted.url);
  try {
    const q = await queue(s, 'retry@example.com', 'note', { partner: 'P', formats: ['HD'], text: 'Grüße' });
    assert.equal(q.status, 201, q.text);
    // Attempt 1 goes at once (the sender is woken); 450 to RCPT: retry in a minute.
    let m = await waitFor('attempt 1', async () => {
      const x = await message(s, q.json.id);
      return x.attempts === 1 && x.attempt_log.length === 1 && x;
    });
    assert.equal(m.state, 'queued');
    assert.equal(m.last_reply, '450 4.2.1 Mailbox busy, try later');
    assert.equal(m.next_attempt_at, at(60));
    // Not due yet: nothing happens.
    await setClock(s, at(59));
    assert.equal(scripted.conns.length - first, 1);
    // Each clock move that reaches next_attempt_at makes the attempt before the call returns.
    const steps = [
      { t: 60, reply: /^421 4\.3\.2 Service shutting down, try later$/, next: 60 + 300 },
      { t: 360, reply: /^connection lost: .*\(last reply: 250 8BITMIME\)$/, next: 360 + 900 },
      { t: 1260, reply: /^timed out: /, next: 1260 + 3600 },
      { t: 4860, reply: /^451 4\.3\.0 Local error in processing$/, next: 4860 + 10800 },
    ];
    for (const [i, step] of steps.entries()) {
      await setClock(s, at(step.t));
      m = await message(s, q.json.id);
      assert.equal(m.attempts, i + 2, `attempt ${i + 2} made when the clock reached ${at(step.t)}`);
      assert.equal(m.state, 'queued');
      assert.match(m.last_reply, step.reply);
      assert.equal(m.next_attempt_at, at(step.next));
      assert.equal(scripted.conns.length - first, i + 2);
    }
    await setClock(s, at(15660));
    m = await message(s, q.json.id);
    assert.equal(m.state, 'sent');
    assert.equal(m.attempts, 6);
    assert.equal(m.sent_at, at(15660));
    assert.equal(m.next_attempt_at, null);
    assert.equal(m.last_reply, '250 2.0.0 Accepted');
    assert.deepEqual(m.attempt_log.map((a) => a.ok), [false, false, false, false, false, true]);
    assert.deepEqual(m.attempt_log.map((a) => a.at), [T0, at(60), at(360), at(1260), at(4860), at(15660)]);
    assert.equal(m.attempt_log[0].reply, '450 4.2.1 Mailbox busy, try later');
    const conns = scripted.conns.slice(first);
    assert.deepEqual(conns.map((c) => c.how), ['rcpt450', 'greet421', 'drop', 'silent', 'data451', 'ok']);
    // The same message each time: one Message-ID, and the final copy carries its headers.
    const data = conns[5].data;
    assert.ok(data.includes(`\r\nMessage-ID: ${q.json.message_id}\r\n`), data);
    assert.ok(data.includes('\r\nAuto-Submitted: auto-generated\r\n'));
    assert.ok(data.includes('\r\nContent-Type: text/plain; charset=utf-8\r\n'));
    assert.ok(data.includes('\r\nContent-Transfer-Encoding: quoted-printable\r\n'));
    assert.ok(data.includes('Gr=C3=BC=C3=9Fe'));
    assert.ok(data.startsWith('Date: Fri, 27 Nov 2026 20:21:00 +0000\r\n'), 'dated when sent');
    assert.ok(conns[4].data.includes(`Message-ID: ${q.json.message_id}`));
    assert.ok(conns[5].commands.includes('MAIL FROM:<notify@vodgate.example>'));
    assert.ok(conns[5].commands.includes('RCPT TO:<retry@example.com>'));
    // Sent is final: later clock moves attempt nothing.
    await setClock(s, at(200000));
    assert.equal(scripted.conns.length - first, 6);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('a 5xx reply fails the message at once; retries stop after the last attempt', async () => {
  scripted.plan = ['rcpt550'];
  scripted.otherwise = 'rcpt450';
  const first = scripted.conns.length;
  const s = await serverWith(scripted.url);
  try {
    const perm = await queue(s, 'nobody@example.com', 'note', { partner: 'P', formats: [], text: 't' });
    assert.equal(perm.status, 201, perm.text);
    // (on PostgreSQL the list's two reads, messages then attempts, are two snapshots: the
    // attempt may show a moment before the state it was committed with, so wait for both)
    let m = await waitFor('the 550', async () => {
      const x = await message(s, perm.json.id);
      return x.attempt_log.length === 1 && x.state !== 'queued' && x;
    });
    assert.equal(m.state, 'failed');
    assert.equal(m.attempts, 1);
    assert.equal(m.last_reply, '550 5.1.1 No such user here');
    assert.equal(m.next_attempt_at, null);
    assert.equal(m.sent_at, null);
    assert.deepEqual(m.attempt_log, [{ at: T0, reply: '550 5.1.1 No such user here', ok: false }]);

    // Always 450: eight attempts in all, then failed; the ninth clock move attempts nothing.
    const busy = await queue(s, 'busy@example.com', 'note', { partner: 'P', formats: [], text: 't' });
    await waitFor('attempt 1', async () => (await message(s, busy.json.id)).attempt_log.length === 1);
    for (let day = 1; day <= 8; day++) await setClock(s, at(day * 86400));
    m = await message(s, busy.json.id);
    assert.equal(m.state, 'failed');
    assert.equal(m.attempts, 8);
    assert.equal(m.attempt_log.length, 8);
    assert.ok(m.attempt_log.every((a) => !a.ok && a.reply === '450 4.2.1 Mailbox busy, try later'));
    assert.equal(m.next_attempt_at, null);
    const perm2 = await message(s, perm.json.id);
    assert.equal(perm2.attempts, 1, 'a failed message is never tried again');
    assert.equal(scripted.conns.length - first, 1 + 8);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('two servers sending from one database never send a message twice', {
  skip: process.env.VODGATE_TEST_DATABASE !== 'postgres' &&
    'one server per embedded database (serve.lock refuses a second: stored.test.mjs); several senders exist on PostgreSQL, where this runs',
}, async () => {
  // The first server only queues (no --smtp); two more on the same database send.
  const q = await serverWith(null);
  const senders = [];
  try {
    const ids = [];
    for (let i = 0; i < 40; i++) {
      const r = await queue(q, `many${i}@example.com`, 'note', { partner: `P${i}`, formats: [], text: 't' });
      assert.equal(r.status, 201, r.text);
      ids.push(r.json.message_id);
    }
    const before = spool.messages().length;
    for (let k = 0; k < 2; k++) senders.push(await serverWith(spool.url, { args: ['--data', q.data], token: q.token }));
    // Both senders wake at start; a clock move on both at once makes them race again.
    await Promise.all(senders.map((s) => setClock(s, at(1))));
    await waitFor('40 messages sent', async () => {
      const r = await q.call('GET', '/api/v1/messages', { token: q.token });
      return r.json.messages.filter((m) => m.state === 'sent').length === 40;
    }, 30000);
    const got = spool.messages().slice(before).map((m) => m.headers['Message-ID']);
    assert.equal(got.length, 40, 'exactly one copy of each');
    assert.deepEqual([...got].sort(), [...ids].sort());
    const r = await q.call('GET', '/api/v1/messages', { token: q.token });
    assert.ok(r.json.messages.every((m) => m.attempts === 1 && m.attempt_log.length === 1));
  } finally {
    for (const s of senders) assert.equal((await s.stop()).code, 0);
    assert.equal((await q.stop()).code, 0);
  }
});

test('one-time sign-in links in the outbox are for their recipient only (outside the test clock)', async () => {
  const s = await startServer();
  try {
    const admin = await s.signIn(s.admin.email, s.admin.password);
    const cam = (await s.userWithToken(admin, 'cam@service.example', 'cam')).token;
    const p = await s.call('POST', '/api/v1/partners', { token: cam, body: { name: 'Redact Ltd', contact_email: 'boss@redact.example', time_zone: 'UTC' } });
    assert.equal((await s.call('POST', `/api/v1/partners/${p.json.id}/questionnaire/send`, { token: cam })).status, 200);
    const seen = (await s.call('GET', '/api/v1/messages?to=boss@redact.example', { token: admin })).json.messages;
    assert.equal(seen.length, 1);
    assert.match(seen[0].body, /\/invitations\/\(hidden: only the recipient sees this link\)/);
    assert.doesNotMatch(seen[0].body, /\/invitations\/[A-Za-z0-9_-]{43}/);
  } finally { assert.equal((await s.stop()).code, 0); }
});

test('an invitation link reaches its recipient by SMTP and works, while the outbox keeps it sealed', async () => {
  const s = await serverWith(spool.url);
  try {
    const p = await s.call('POST', '/api/v1/partners', { token: s.token, body: {
      name: 'Seal Films', contact_email: 'boss@seal.example', time_zone: 'Europe/London', channels: false, posthouse: false } });
    assert.equal(p.status, 201, p.text);
    assert.equal((await s.call('POST', `/api/v1/partners/${p.json.id}/questionnaire/send`, { token: s.token })).status, 200);
    const mail = await waitFor('the invitation mail', () =>
      spool.messages().find((m) => m.rcpt_tos.includes('boss@seal.example')));
    const link = mail.body.match(/\/invitations\/([A-Za-z0-9_-]{43})\b/);
    assert.ok(link, `the mail sent carries the link in the clear, for its reader:\n${mail.body}`);
    assert.ok(!sql(s.data, 'SELECT body FROM outbox;').includes(link[1]), 'the stored message does not');
    const ok = await s.call('POST', `/api/v1/invitations/${link[1]}`, { body: { password: 'a long enough password' } });
    assert.equal(ok.status, 200, ok.text);
  } finally { assert.equal((await s.stop()).code, 0); }
});
