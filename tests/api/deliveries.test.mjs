// Deliveries on a real server: tus uploads grouped into a delivery that
// answers a request; the receipt meets the 48-hour clock at once, validation
// runs in the background, a failed result opens a response clock in training
// and tells the partner, a redelivery shows what changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { world, at, messages, clocks, upload, settled, newPartner } from './journeys.mjs';
import { b64, create, patch, sha256 } from './tus_helpers.mjs';
import { spawnSync } from 'node:child_process';
import { BIN } from './server.mjs';

const SAMPLES = '../shared/mddf/samples/avails';
let w, p, req;

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  p = await newPartner(w, 'Delivering Studio', 'delivering', { answers: { delivery_method: 'self', already_onboarded: 'no' } });
  await at(w, '2026-11-24T10:00:00Z');
  req = (await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails v1' } })).json;
});
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('a delivery is received at once: the receipt meets the 48-hour clock, with sizes and checksums', async () => {
  const bytes = readFileSync(`${SAMPLES}/Avails_withErrors.xml`);
  const up = await upload(w, p.token, 'avails-week-48.xml', bytes);
  await at(w, '2026-11-25T09:00:00Z');
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: req.id, kind: 'avails', files: [up] } });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'validating');
  assert.equal(r.json.receipt.received_at, '2026-11-25T09:00:00Z');
  assert.equal(r.json.receipt.received_at_local, '2026-11-25T09:00:00+00:00');
  assert.deepEqual(r.json.receipt.files.map((f) => [f.name, f.size, f.sha256]), [['avails-week-48.xml', bytes.length, sha256(bytes)]]);
  const c = (await w.s.call('GET', `/api/v1/requests/${req.id}`, { token: p.token })).json.clocks;
  assert.equal(c.find((x) => x.kind === 'delivery_48h').state, 'met', 'the receipt meets the clock, whatever validation takes');
  assert.equal(c.find((x) => x.kind === 'response_3wd').state, 'met', 'a delivery is the corrective action');
  // a failed result: findings the partner can act on, a response clock, a message
  const d = await settled(w, r.json.id, p.token);
  assert.equal(d.status, 'failed');
  assert.ok(d.errors > 0);
  assert.ok(d.findings.length > 0);
  for (const f of d.findings) {
    assert.match(f.code, /^[a-z]+(\.[a-z0-9_]+)+$/);
    assert.ok(['error', 'warning'].includes(f.severity));
    assert.equal(f.file, 'avails-week-48.xml');
    assert.ok(f.message && f.fix, `finding ${f.code} says what and how to fix`);
    assert.ok(f.location && (f.location.line || f.location.path), `finding ${f.code} has a place`);
  }
  assert.equal(d.ruleset.length > 0, true);
  // the pre-flight on the partner's machine gives the very same findings
  const pre = spawnSync(BIN, ['validate', '--json', `${SAMPLES}/Avails_withErrors.xml`], { encoding: 'utf8' });
  assert.equal(pre.status, 1, 'the pre-flight fails too');
  const offline = JSON.parse(pre.stdout);
  assert.equal(offline.ruleset, d.ruleset);
  const strip = (list) => list.map(({ file, ...rest }) => rest);
  assert.deepEqual(strip(d.findings), strip(offline.files[0].findings));
  const after1 = (await w.s.call('GET', `/api/v1/requests/${req.id}`, { token: p.token })).json;
  assert.equal(after1.status, 'failed');
  assert.equal(after1.clocks.filter((x) => x.kind === 'response_3wd' && x.state === 'running').length, 1,
    'a failed result opens a response clock in training');
  assert.ok((await messages(w, p.contact)).some((m) => m.template === 'result_failed'), 'the partner is told');
  // the redelivery fixes it
  const good = readFileSync(`${SAMPLES}/Avails_noErrors_v2.4.xml`);
  const up2 = await upload(w, p.token, 'avails-week-48-fixed.xml', good);
  const r2 = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: req.id, kind: 'avails', files: [up2] } });
  assert.equal(r2.status, 202, r2.text);
  assert.equal(r2.json.previous, r.json.id);
  const d2 = await settled(w, r2.json.id, p.token);
  assert.equal(d2.status, 'passed', JSON.stringify(d2.findings.filter((f) => f.severity === 'error'), null, 1));
  assert.ok(d2.changes.fixed.length > 0, 'the redelivery shows what it fixed');
  assert.equal(d2.changes.still_failing.filter((f) => f.severity === 'error').length, 0);
  assert.equal((await w.s.call('GET', `/api/v1/requests/${req.id}`, { token: p.token })).json.status, 'passed');
  const list = (await w.s.call('GET', `/api/v1/partners/${p.id}/deliveries`, { token: w.tok.pim })).json.deliveries;
  assert.deepEqual(list.map((x) => x.id), [r2.json.id, r.json.id]);
  // a delivered file is the delivery's evidence: tus termination refuses it
  const del = await w.s.call('DELETE', `/files/${up2}`, { token: p.token, headers: { 'Tus-Resumable': '1.0.0' } });
  assert.equal(del.status, 409, del.text);
  assert.equal(del.json.error.delivery, r2.json.id);
  assert.equal((await w.s.call('GET', `/api/v1/uploads/${up2}`, { token: p.token })).status, 200, 'still there');
});

test('deliveries refuse what is not the partner\'s, not complete, or not asked for', async () => {
  const { path } = await create(w.s, p.token, 100, { metadata: `filename ${b64('half.xml')}` });
  await patch(w.s, p.token, path, 0, Buffer.alloc(40));
  const half = path.split('/').pop();
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: req.id, kind: 'avails', files: [half] } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'upload_incomplete');
  assert.match(r.json.error.message, /40 of 100 bytes/);
  const wrongKind = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: req.id, kind: 'asset_package', files: [half] } });
  assert.equal(wrongKind.status, 422);
  const none = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: req.id, kind: 'avails', files: ['0'.repeat(32)] } });
  assert.equal(none.status, 422);
  const selfServe = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, kind: 'avails', files: [half] } });
  assert.equal(selfServe.status, 422, 'in training a delivery answers a request');
});

test('`vodgate deliver` uploads, delivers and waits for the result', async () => {
  const r2 = (await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails v2' } })).json;
  const out = spawnSync(BIN, ['deliver', `${SAMPLES}/Avails_noErrors_v2.4.xml`, '--server', w.s.base, '--token', p.token,
    '--partner', String(p.id), '--request', String(r2.id), '--kind', 'avails', '--wait'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr + out.stdout);
  assert.match(out.stdout, /delivery \d+ received at \d{4}-\d\d-\d\dT/);
  assert.match(out.stdout, /Avails_noErrors_v2\.4\.xml +\d+ bytes +sha256 [0-9a-f]{64}/);
  assert.match(out.stdout, /: passed \(0 errors/);
  const bad = spawnSync(BIN, ['deliver', `${SAMPLES}/Avails_noErrors_v2.4.xml`, '--server', w.s.base, '--token', p.token,
    '--partner', String(p.id), '--kind', 'avails'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /refused \(422\): during training every delivery answers a request/);
});

test('an asset package is checked against its own manifest: every named file must be delivered', async () => {
  const pkg = (await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'asset_package', title: 'Feature package' } })).json;
  const mmc = readFileSync('../shared/mddf/samples/examples/MMC/Movie-1/MMC_Example1_simple.xml');
  const up = await upload(w, p.token, 'MMC_Example1_simple.xml', mmc);
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: pkg.id, kind: 'asset_package', files: [up] } });
  assert.equal(r.status, 202, r.text);
  const d = await settled(w, r.json.id, p.token);
  assert.equal(d.status, 'failed');
  const missing = d.findings.filter((f) => f.code === 'package.file.missing');
  assert.ok(missing.length > 0, 'the media the manifest names were not delivered');
  assert.ok(missing.every((f) => f.file === 'MMC_Example1_simple.xml' && f.location.line > 0 && f.fix));
  assert.ok(!d.findings.some((f) => f.code === 'package.refs.unchecked'), 'the server checks references against the delivery');
});

test('`vodgate validate --package` checks a manifest against the files as the server does', async () => {
  const pkg = (await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'asset_package', title: 'Package two' } })).json;
  const file = '../shared/mddf/samples/examples/MMC/Movie-1/MMC_Example1_simple.xml';
  const up = await upload(w, p.token, 'MMC_Example1_simple.xml', readFileSync(file));
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: pkg.id, kind: 'asset_package', files: [up] } });
  const server = await settled(w, r.json.id, p.token);
  const pre = spawnSync(BIN, ['validate', '--json', '--package', file], { encoding: 'utf8' });
  assert.equal(pre.status, 1, pre.stderr);
  const offline = JSON.parse(pre.stdout).files[0].findings;
  const strip = (list) => list.map(({ file: f, ...rest }) => rest);
  assert.deepEqual(strip(offline), strip(server.findings.filter((f) => f.code !== 'package.manifest.missing')));
});
