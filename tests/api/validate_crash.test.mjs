// Crash tests of the validation jobs: kill -9 of the server while a delivery
// is being validated (held there by the VODGATE_TEST_VALIDATION_HOLD hook),
// restart on the same data. The restarted process takes back at once the job
// it leased in its own instance name, instead of leaving the delivery
// "validating" for the whole 15-minute lease, and removes the work directory
// the dead run left; another instance's leased job and work directory, which
// may belong to a live sibling, are left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { fillQuestionnaire } from './journeys.mjs';
import { b64, create, patch, sleep } from './tus_helpers.mjs';

const HOLD = { VODGATE_TEST_VALIDATION_HOLD: '600' };

// A partner in training with a user of its own and a request: {partner, token, request}.
async function partnerInTraining(s) {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  const ok = (r) => { assert.ok(r.status < 300, r.text); return r; };
  const partner = ok(await s.call('POST', '/api/v1/partners', { token: admin, body: { name: 'Crash Studio',
    contact_email: 'ops@crash.example', time_zone: 'Europe/London', channels: false, posthouse: false } })).json.id;
  ok(await s.call('POST', `/api/v1/partners/${partner}/questionnaire/send`, { token: admin }));
  await fillQuestionnaire(s, partner, admin, { already_onboarded: 'no', delivery_method: 'self' });
  ok(await s.call('POST', `/api/v1/partners/${partner}/questionnaire/submit`, { token: admin }));
  ok(await s.call('PUT', `/api/v1/partners/${partner}/setup/alias`, { token: admin, body: { done: true, value: 'crash_studio' } }));
  ok(await s.call('PUT', `/api/v1/partners/${partner}/setup/transfer_account`, { token: admin, body: { done: true } }));
  ok(await s.call('PUT', `/api/v1/partners/${partner}/setup/portal_account`, { token: admin, body: { done: true } }));
  ok(await s.call('POST', `/api/v1/partners/${partner}/setup/confirm`, { token: admin }));
  const request = ok(await s.call('POST', `/api/v1/partners/${partner}/requests`, { token: admin,
    body: { kind: 'avails', title: 'Avails' } })).json.id;
  const { token } = await s.userWithToken(admin, 'deliverer@crash.example', 'partner', partner);
  return { partner, token, request };
}

// Uploads a file and delivers it; returns the delivery id (its validation is queued).
async function deliver(s, w) {
  const bytes = Buffer.from('<a/>\n');
  const { path } = await create(s, w.token, bytes.length, { metadata: `filename ${b64('avails.xml')}` });
  assert.equal((await patch(s, w.token, path, 0, bytes)).status, 204);
  const d = await s.call('POST', '/api/v1/deliveries', { token: w.token,
    body: { partner: w.partner, request: w.request, kind: 'avails', files: [path.split('/').pop()] } });
  assert.equal(d.status, 202, d.text);
  return d.json.id;
}

// The work directories of delivery id under DATA/work, as paths below it.
function workDirs(data, id) {
  const root = join(data, 'work');
  if (!existsSync(root)) return [];
  const found = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    if (e.name.startsWith(`d${id}-`)) found.push(e.name);
    else for (const d of readdirSync(join(root, e.name))) if (d.startsWith(`d${id}-`)) found.push(`${e.name}/${d}`);
  }
  return found;
}

async function until(fn, what, ms = 30000) {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(100)) {
    const v = fn();
    if (v.length) return v;
  }
  throw new Error(`timed out: ${what}`);
}

const status = async (s, id, token) => (await s.call('GET', `/api/v1/deliveries/${id}`, { token })).json.status;

// Waits for the delivery's result; returns it with the seconds it took.
async function result(s, id, token, ms) {
  const t0 = Date.now();
  for (;;) {
    const st = await status(s, id, token);
    if (st !== 'validating') return { status: st, seconds: (Date.now() - t0) / 1000 };
    if (Date.now() - t0 > ms) return { status: st, seconds: (Date.now() - t0) / 1000 };
    await sleep(200);
  }
}

test('kill -9 during a validation: the restarted server takes the job back at once and removes the work directory', async () => {
  let s = await startServer({ env: HOLD });
  // the default instance name: the host and the --listen address as parsed
  assert.match(s.stderr, new RegExp(`vodgate: instance ${hostname().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64).replace(/\./g, '\\.')}-127\\.0\\.0\\.1-0\\n`));
  const w = await partnerInTraining(s);
  const id = await deliver(s, w);
  const dirs = await until(() => workDirs(s.data, id), 'the validation laid out its work directory');
  assert.equal(await status(s, id, w.token), 'validating');
  await s.kill9();
  const data = s.data;
  assert.ok(existsSync(join(data, 'work', dirs[0])), 'the dead run left its work directory behind');
  s = await startServer({ data });
  const r = await result(s, id, w.token, 30000);
  assert.notEqual(r.status, 'validating', `still validating ${r.seconds} s after the restart (the lease is 15 minutes)`);
  assert.equal(r.status, 'failed', 'a bare <a/> is no avails file');
  assert.deepEqual(workDirs(data, id), [], 'the dead run\'s work directory is gone');
  assert.match(s.stderr, /released 1 validation job/);
  assert.equal((await s.stop()).code, 0);
});

test('a restart takes back only its own instance\'s jobs and work directories, never a live sibling\'s', async () => {
  let s = await startServer({ env: HOLD, args: ['--instance', 'alpha'] });
  const w = await partnerInTraining(s);
  const id = await deliver(s, w);
  const dirs = await until(() => workDirs(s.data, id), 'the validation laid out its work directory');
  assert.match(dirs[0], /^alpha\/d\d+-/, 'the work directory is named for its instance');
  await s.kill9();
  const data = s.data;
  // Another instance on the same database and data directory: for all it knows alpha is alive.
  s = await startServer({ data, args: ['--instance', 'beta'] });
  await sleep(4500); // beta's workers look for jobs every 2 s
  assert.equal(await status(s, id, w.token), 'validating', 'beta leaves the job alpha leased');
  assert.deepEqual(workDirs(data, id), dirs, 'and alpha\'s work directory');
  s.child.kill('SIGTERM');
  assert.equal((await s.exited).code, 0);
  // alpha again: its job is its own
  s = await startServer({ data, args: ['--instance', 'alpha'] });
  const r = await result(s, id, w.token, 30000);
  assert.equal(r.status, 'failed', `the job alpha held ran again at once (${r.seconds} s)`);
  assert.deepEqual(workDirs(data, id), []);
  assert.equal((await s.stop()).code, 0);
});

test('--instance takes letters, digits, dots, dashes and underscores only', async () => {
  await assert.rejects(startServer({ args: ['--instance', '../other'] }), /--instance/);
});

test('a checker that breaks on one file fails that file with a finding, not the server', async () => {
  const s = await startServer({ env: { VODGATE_TEST_BREAK_CHECK: 'breaks.xml' } });
  try {
    const w = await partnerInTraining(s);
    const ids = [];
    for (const name of ['breaks.xml', 'plain.xml']) {
      const bytes = Buffer.from('<a/>\n');
      const { path } = await create(s, w.token, bytes.length, { metadata: `filename ${b64(name)}` });
      assert.equal((await patch(s, w.token, path, 0, bytes)).status, 204);
      ids.push(path.split('/').pop());
    }
    const d = await s.call('POST', '/api/v1/deliveries', { token: w.token,
      body: { partner: w.partner, request: w.request, kind: 'avails', files: ids } });
    assert.equal(d.status, 202, d.text);
    const r = await result(s, d.json.id, w.token, 30000);
    assert.equal(r.status, 'failed', 'the delivery gets a result, not "validating" for ever');
    const got = (await s.call('GET', `/api/v1/deliveries/${d.json.id}`, { token: w.token })).json;
    const broke = got.findings.filter((f) => f.code === 'package.file.check_failed');
    assert.equal(broke.length, 1, JSON.stringify(got.findings));
    assert.equal(broke[0].file, 'breaks.xml');
    assert.equal(broke[0].severity, 'error');
    assert.match(broke[0].fix, /tell your vodgate contact this delivery's number/);
    assert.ok(got.findings.some((f) => f.file === 'plain.xml'), 'the other file was still checked');
    assert.match(s.stderr, /checking breaks\.xml broke: assertion failed/);
    // the partner's page says whose fault it is and what to do, not "fix them and deliver again"
    const page = await fetch(`${s.base}/deliveries/${d.json.id}`, { headers: { Accept: 'text/html', Cookie: `vodgate_session=${w.token}` } });
    const html = await page.text();
    assert.match(html, /Some of them are vodgate&#39;s own|One of them is vodgate&#39;s own|One of them is vodgate's own/);
    assert.match(html, new RegExp(`this delivery&#39;s number \\(${d.json.id}\\)|this delivery's number \\(${d.json.id}\\)`));
    assert.equal((await s.call('GET', '/healthz')).status, 200, 'the server goes on');
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});
