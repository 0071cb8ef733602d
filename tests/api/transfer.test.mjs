// The transfer account (SPEC 2.3 and 10, issue 14 items 1 and 4): a pim makes
// a partner's credential; its secret works with tus-js-client as HTTP Basic
// and as a bearer token, and with `vodgate deliver`, for that partner's
// uploads and deliveries only; a new secret replaces the old one at once and
// a revoked one is refused at once; the partner page never shows it again.
// And a posthouse delivers for the partner that named it, through the CLI:
// the upload is the partner's, the delivery accepted; another posthouse is
// refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tusClient from 'tus-js-client';
import { cli } from './server.mjs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision, events, settled, upload } from './journeys.mjs';
import { b64, tus } from './tus_helpers.mjs';

const SAMPLE = '../shared/mddf/samples/avails/Avails_noErrors_v2.3.xml';
let w, ph, other, a, reqs, firstSecret, secret, dir, phUpload, phDelivery;

// A copy of the sample under a name of its own (vodgate upload keeps its state beside the file).
const sample = (name) => {
  const f = join(dir, name);
  copyFileSync(SAMPLE, f);
  return f;
};
const basic = (user, pw) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const asCred = (method, path, auth, body) => w.s.call(method, path, { headers: { Authorization: auth }, body });
const issue = async (p, who = w.tok.pim) => w.s.call('POST', `/api/v1/partners/${p.id}/transfer-credentials`, { token: who });

function tusUpload(auth, name, data) {
  return new Promise((resolve, reject) => {
    const u = new tusClient.Upload(data, {
      endpoint: `${w.s.base}/files/`,
      headers: { Authorization: auth },
      metadata: { filename: name, filetype: 'application/xml' },
      retryDelays: [],
      onError: reject,
      onSuccess: () => resolve(u.url.split('/').pop()),
    });
    u.start();
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vodgate-transfer-'));
  w = await world('2026-11-02T09:00:00Z');
  // an onboarded posthouse, delivering for itself in steady state
  ph = await invite(w, 'Post House Nine', { posthouse: true });
  await sendAndJoin(w, ph);
  await answerAndSubmit(w, ph, { already_onboarded: 'yes' });
  await provision(w, ph, 'post_nine');
  await w.s.call('POST', `/api/v1/partners/${ph.id}/setup/confirm`, { token: w.tok.pim });
  // another posthouse, which no partner named
  other = await invite(w, 'Post House Ten', { posthouse: true });
  other.token = (await w.s.userWithToken(w.tok.admin, 'ops@ten.example', 'posthouse', other.id)).token;
  // the studio delivering through Post House Nine, in training
  a = await invite(w, 'Studio Alder');
  await sendAndJoin(w, a);
  await answerAndSubmit(w, a, { delivery_method: 'posthouse', posthouse_name: 'Post House Nine',
    posthouse_id: ph.id, posthouse_onboarded: 'yes', already_onboarded: 'no' });
  firstSecret = (await provision(w, a, 'studio_alder')).secret;
  const conf = await w.s.call('POST', `/api/v1/partners/${a.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(conf.json.stage, 'training', conf.text);
  await at(w, '2026-11-03T10:00:00Z');
  reqs = [];
  for (const title of ['Avails by secret', 'Avails by Basic', 'Avails by the posthouse']) {
    const r = await w.s.call('POST', `/api/v1/partners/${a.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title } });
    assert.equal(r.status, 201, r.text);
    reqs.push(r.json.id);
  }
  // the posthouse's own upload and delivery, which the studio's credential must not reach
  const bytes = readFileSync(SAMPLE);
  phUpload = await upload(w, ph.token, 'own.xml', bytes);
  const d = await w.s.call('POST', '/api/v1/deliveries', { token: ph.token, body: { partner: ph.id, kind: 'avails', files: [phUpload] } });
  assert.equal(d.status, 202, d.text);
  phDelivery = d.json.id;
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  assert.equal((await w.s.stop()).code, 0);
});

test('the pim makes the credential (201 {username, secret}); tus-js-client uploads with it as Basic and as bearer', async () => {
  for (const who of [w.tok.cam, w.tok.pom, w.tok.commercial, a.token, ph.token])
    assert.equal((await issue(a, who)).status, 403, 'only pim and admin make transfer credentials');
  const r = await issue(a);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.username, 'studio_alder', 'the username is the partner alias');
  assert.match(r.json.secret, /^[A-Za-z0-9_-]{43}$/);
  secret = r.json.secret;
  // the one made during setup is replaced: refused at once
  assert.equal((await asCred('GET', '/api/v1/uploads', `Bearer ${firstSecret}`)).status, 401);

  const data = readFileSync(SAMPLE);
  for (const auth of [basic('studio_alder', secret), `Bearer ${secret}`]) {
    const id = await tusUpload(auth, 'alder.xml', data);
    const u = await asCred('GET', `/api/v1/uploads/${id}`, auth);
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.partner, a.id, 'the upload is the partner\'s');
    assert.equal(u.json.complete, true);
    // the partner's own people see it too
    assert.equal((await w.s.call('GET', `/api/v1/uploads/${id}`, { token: a.token })).status, 200);
  }
  // Basic needs the right username with the secret
  assert.equal((await asCred('GET', '/api/v1/uploads', basic('post_nine', secret))).status, 401);
  assert.equal((await asCred('GET', '/api/v1/uploads', basic('studio_alder', 'x'.repeat(43)))).status, 401);
  const list = await asCred('GET', '/api/v1/uploads', `Bearer ${secret}`);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.uploads.length >= 2);
  assert.ok(list.json.uploads.every((u) => u.partner === a.id), 'only its own organisation\'s uploads');
});

test('vodgate deliver with the secret delivers (bearer and --user Basic); the delivery is validated', async () => {
  const base = ['--server', w.s.base, '--token', secret, '--partner', String(a.id), '--kind', 'avails'];
  const r = cli(['deliver', sample('by-secret.xml'), ...base, '--request', String(reqs[0]), '--wait']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /delivery \d+ received at/);
  assert.match(r.stdout, /: passed \(0 errors/);
  const id = Number(r.stdout.match(/delivery (\d+) received/)[1]);
  const d = await settled(w, id, a.token);
  assert.equal(d.status, 'passed');
  assert.equal((await asCred('GET', `/api/v1/deliveries/${id}`, `Bearer ${secret}`)).status, 200);

  const b = cli(['deliver', sample('by-basic.xml'), ...base, '--user', 'studio_alder', '--request', String(reqs[1])]);
  assert.equal(b.status, 0, b.stdout + b.stderr);
  const id2 = Number(b.stdout.match(/delivery (\d+) received/)[1]);
  assert.equal((await asCred('GET', `/api/v1/deliveries/${id2}`, basic('studio_alder', secret))).status, 200);
  assert.equal((await settled(w, id2, a.token)).status, 'passed');
  // the help says how
  const help = cli(['deliver', '--help']);
  assert.match(help.stdout, /--user ALIAS/);
  assert.match(cli(['upload', '--help']).stdout, /transfer secret/);
});

test('the credential reaches its own organisation\'s uploads and deliveries only: 404 for others\', 403 for the rest', async () => {
  const auth = `Bearer ${secret}`;
  assert.equal((await asCred('GET', `/api/v1/uploads/${phUpload}`, auth)).status, 404);
  assert.equal((await asCred('GET', `/api/v1/deliveries/${phDelivery}`, auth)).status, 404);
  assert.equal((await tus(w.s, 'HEAD', `/files/${phUpload}`, { headers: { Authorization: auth } })).status, 404);
  const foreign = await asCred('POST', '/api/v1/deliveries', auth, { partner: ph.id, kind: 'avails', files: [phUpload] });
  assert.equal(foreign.status, 404, foreign.text);
  // what people do is not the credential's
  for (const [method, path] of [['GET', '/api/v1/me'], ['GET', `/api/v1/partners/${a.id}`], ['GET', '/api/v1/partners'],
    ['GET', `/api/v1/requests/${reqs[0]}`], ['GET', '/api/v1/messages'], ['POST', `/api/v1/partners/${a.id}/transfer-credentials`],
    ['PUT', `/api/v1/partners/${a.id}/setup/alias`], ['POST', `/api/v1/requests/${reqs[0]}/messages`], ['GET', '/api/v1/posthouses']]) {
    const r = await asCred(method, path, auth, method === 'GET' ? undefined : { body: 'x', done: true, value: 'x_y_z' });
    assert.equal(r.status, 403, `${method} ${path}: ${r.status} ${r.text}`);
    assert.match(r.json.error.message, /transfer credentials only upload and deliver/);
  }
  // nor is the portal: a page asks a person to sign in
  const page = await fetch(`${w.s.base}/partners/${a.id}`, { headers: { Authorization: auth, Accept: 'text/html' }, redirect: 'manual' });
  assert.notEqual(page.status, 200);
  assert.doesNotMatch(await page.text(), /Studio Alder/);
});

test('a new secret replaces the old at once; a revoked one is refused at once; the page never shows it again', async () => {
  const auth = `Bearer ${secret}`;
  assert.equal((await asCred('GET', '/api/v1/uploads', auth)).status, 200, 'resolved (and any cache warm)');
  const r = await issue(a, w.tok.admin);
  assert.equal(r.status, 201, r.text);
  assert.notEqual(r.json.secret, secret);
  assert.equal((await asCred('GET', '/api/v1/uploads', auth)).status, 401, 'the old secret stops at once');
  assert.equal((await asCred('GET', '/api/v1/uploads', basic('studio_alder', secret))).status, 401);
  const fresh = `Bearer ${r.json.secret}`;
  assert.equal((await asCred('GET', '/api/v1/uploads', fresh)).status, 200);
  // the partner page shows the username and who made it, never a secret
  const page = await w.s.call('GET', `/partners/${a.id}`, { token: w.tok.pim, headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /id="transfer-username">studio_alder</);
  assert.match(page.text, /Issue a new secret/);
  for (const s of [firstSecret, secret, r.json.secret]) assert.ok(!page.text.includes(s), 'no secret on the page');

  for (const who of [w.tok.cam, a.token])
    assert.equal((await w.s.call('DELETE', `/api/v1/partners/${a.id}/transfer-credentials`, { token: who })).status, 403);
  const del = await w.s.call('DELETE', `/api/v1/partners/${a.id}/transfer-credentials`, { token: w.tok.pim });
  assert.equal(del.status, 204, del.text);
  const gone = await asCred('GET', '/api/v1/uploads', fresh);
  assert.equal(gone.status, 401);
  assert.match(gone.json.error.message, /revoked/);
  // the command line says why nothing was delivered, and what to do
  const cmd = cli(['deliver', sample('by-revoked.xml'), '--server', w.s.base, '--token', r.json.secret,
    '--partner', String(a.id), '--kind', 'avails']);
  assert.notEqual(cmd.status, 0, cmd.stdout);
  assert.match(cmd.stderr, /revoked[^\n]*ask for new transfer credentials/);
  assert.match(cmd.stderr, /nothing was delivered/);
  assert.equal((await tus(w.s, 'POST', '/files/', { headers: { Authorization: fresh, 'Upload-Length': '1' } })).status, 401);
  assert.equal((await w.s.call('DELETE', `/api/v1/partners/${a.id}/transfer-credentials`, { token: w.tok.pim })).status, 404);
  // the checklist follows the credential
  const p = await w.s.call('GET', `/api/v1/partners/${a.id}`, { token: w.tok.pim });
  const item = p.json.setup.items.find((i) => i.item === 'transfer_account');
  assert.equal(item.status, 'pending');
  // the audit log: who made, rotated and revoked it, never the secret
  const log = (await events(w, a)).filter((e) => e.action.startsWith('transfer.'));
  assert.deepEqual(log.map((e) => e.action), ['transfer.create', 'transfer.rotate', 'transfer.rotate', 'transfer.revoke']);
  assert.ok(log.every((e) => e.actor), 'each names who did it');
  assert.ok(!JSON.stringify(log).includes(r.json.secret));
  // made again: the item is done
  const again = await issue(a);
  assert.equal(again.status, 201);
  secret = again.json.secret;
  const p2 = await w.s.call('GET', `/api/v1/partners/${a.id}`, { token: w.tok.pim });
  assert.equal(p2.json.setup.items.find((i) => i.item === 'transfer_account').status, 'done');
});

test('a posthouse delivers for its partner with vodgate deliver: the upload is the partner\'s, the delivery accepted; another posthouse is refused', async () => {
  const r = cli(['deliver', sample('by-posthouse.xml'), '--server', w.s.base, '--token', ph.token,
    '--partner', String(a.id), '--kind', 'avails', '--request', String(reqs[2])]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const id = Number(r.stdout.match(/delivery (\d+) received/)[1]);
  const d = await settled(w, id, a.token);
  assert.equal(d.status, 'passed', 'visible to the partner, and validated');
  const ups = (await w.s.call('GET', `/api/v1/uploads?partner=${a.id}`, { token: a.token })).json.uploads;
  const mine = ups.find((u) => u.filename === 'by-posthouse.xml');
  assert.ok(mine, 'the partner sees the upload');
  assert.equal(mine.partner, a.id, 'the upload is the partner\'s, not the posthouse\'s');
  const req = (await w.s.call('GET', `/api/v1/requests/${reqs[2]}`, { token: a.token })).json;
  assert.ok(req.deliveries.some((x) => x.id === id), 'the delivery answers the request');

  // a posthouse the partner did not name: refused, and told nothing of the partner
  const no = cli(['deliver', sample('by-stranger.xml'), '--server', w.s.base, '--token', other.token,
    '--partner', String(a.id), '--kind', 'avails', '--request', String(reqs[2])]);
  assert.notEqual(no.status, 0, no.stdout);
  const t = await tus(w.s, 'POST', '/files/', { token: other.token, headers: { 'Upload-Length': '1', 'Upload-Metadata': `partner ${b64(a.id)}` } });
  assert.equal(t.status, 400, t.text);
  const dd = await w.s.call('POST', '/api/v1/deliveries', { token: other.token, body: { partner: a.id, kind: 'avails', request: reqs[2], files: [mine.id] } });
  assert.equal(dd.status, 404, dd.text);
  assert.equal((await w.s.call('GET', `/api/v1/deliveries/${id}`, { token: other.token })).status, 404);
});
