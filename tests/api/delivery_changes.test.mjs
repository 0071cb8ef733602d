// What changed between a delivery's result and the previous one's, as the API
// gives it (and the delivery page shows it): self-serve deliveries compare
// with the previous self-serve delivery of the same kind; a delivery knows the
// newer one that supersedes it; results with hundreds of findings compare
// quickly and their page shows the first ones with the way to the rest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BIN } from './server.mjs';
import { world, at, upload, settled, newPartner, handOver } from './journeys.mjs';

const SAMPLES = '../shared/mddf/samples/avails';
const WITH_ERRORS = readFileSync(`${SAMPLES}/Avails_withErrors.xml`, 'utf8');
const GOOD = readFileSync(`${SAMPLES}/Avails_noErrors_v2.4.xml`);
let w, p;

async function deliver(kind, files) {
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, kind, files } });
  assert.equal(r.status, 202, r.text);
  return r.json;
}

// An avails file with hundreds of findings: the first transaction (bad territory, bad language,
// a license type that does not exist) repeated 95 times (the validator lists up to 100 of one
// code); `fix` corrects the language in every copy.
function manyFindings(fix) {
  const lines = WITH_ERRORS.split('\n');
  let block = lines.slice(47, 70).join('\n').replace('<avails:LicenseType>EST</avails:LicenseType>', '<avails:LicenseType>Rental</avails:LicenseType>');
  if (fix) block = block.replace('<avails:AllowedLanguage>XYZ</avails:AllowedLanguage>', '<avails:AllowedLanguage>fr</avails:AllowedLanguage>');
  const copies = Array.from({ length: 95 }, (_, i) => block.replace('TransactionID="1431081"', `TransactionID="T${i}"`));
  return [...lines.slice(0, 47), ...copies, ...lines.slice(70)].join('\n');
}

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  p = await newPartner(w, 'Steady Studio', 'steady', { answers: { delivery_method: 'self', already_onboarded: 'no' } });
  await at(w, '2026-11-24T10:00:00Z');
  await handOver(w, p);
});
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('a self-serve delivery is compared with the previous self-serve delivery of its kind', async () => {
  const first = await deliver('avails', [await upload(w, p.token, 'catalogue.xml', WITH_ERRORS)]);
  assert.equal(first.previous, null, 'the first of its kind');
  const a = await settled(w, first.id, p.token);
  assert.equal(a.status, 'failed');
  assert.equal(a.changes, undefined, 'nothing to compare with');
  assert.ok(a.findings.every((f) => f.change === undefined));
  // a package in between is another kind: it neither compares with the avails nor breaks the chain
  const pkg = await deliver('asset_package', [await upload(w, p.token, 'manifest.xml', '<a/>')]);
  assert.equal(pkg.previous, null);
  const second = await deliver('avails', [await upload(w, p.token, 'catalogue-fixed.xml', GOOD)]);
  assert.equal(second.previous, first.id);
  const b = await settled(w, second.id, p.token);
  assert.equal(b.status, 'passed');
  assert.equal(b.changes.compared_with, first.id);
  assert.equal(b.changes.file_names_ignored, true, 'one file each: compared whatever its name');
  assert.equal(b.changes.fixed.length, a.findings.length, 'everything was fixed');
  assert.deepEqual([b.changes.still_failing.length, b.changes.new.length], [0, 0]);
  // the first knows the newer one
  assert.equal((await w.s.call('GET', `/api/v1/deliveries/${first.id}`, { token: p.token })).json.latest, second.id);
  assert.equal(b.latest, null);
  await settled(w, pkg.id, p.token);
});

test('results with hundreds of findings compare quickly; the page shows the first ones and says where the rest are', async () => {
  const one = await deliver('avails', [await upload(w, p.token, 'big-catalogue.xml', manyFindings(false))]);
  const a = await settled(w, one.id, p.token);
  assert.ok(a.findings.length >= 300, `many findings (${a.findings.length})`);
  const two = await deliver('avails', [await upload(w, p.token, 'big-catalogue.xml', manyFindings(true))]);
  await settled(w, two.id, p.token);
  const t0 = performance.now();
  const b = (await w.s.call('GET', `/api/v1/deliveries/${two.id}`, { token: p.token })).json;
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `the comparison took ${ms} ms`);
  const fixedCodes = new Set(b.changes.fixed.map((f) => f.code));
  assert.deepEqual([...fixedCodes], ['avails.language.invalid'], 'only the language findings were fixed');
  assert.equal(b.changes.new.length, 0);
  assert.equal(b.changes.fixed.length + b.changes.still_failing.length, a.findings.length);
  // the page, as a browser asks for it
  const session = await w.s.call('POST', '/api/v1/session', { body: { email: p.contact, password: 'partner password 1' } });
  const cookie = session.headers.get('set-cookie').split(';')[0];
  const page = await fetch(`${w.s.base}/deliveries/${one.id}`, { headers: { Cookie: cookie, Accept: 'text/html' } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /more findings like these are in <a href="\/api\/v1\/deliveries\/\d+">the full result \(JSON\)<\/a>/);
  assert.ok((html.match(/<li class="finding /g) || []).length <= 400, 'a bounded page');
  assert.ok(html.length < 1024 * 1024, 'well under the template engine\'s limit');
});

test('`vodgate deliver --wait` prints what changed since the previous delivery', async () => {
  const out = spawnSync(BIN, ['deliver', `${SAMPLES}/Avails_withErrors.xml`, '--server', w.s.base, '--token', p.token,
    '--partner', String(p.id), '--kind', 'avails', '--wait'], { encoding: 'utf8' });
  assert.equal(out.status, 1, out.stderr + out.stdout); // the result failed
  const m = out.stdout.match(/since delivery (\d+): (\d+) fixed, (\d+) still failing, (\d+) new/);
  assert.ok(m, out.stdout);
  const id = Number(out.stdout.match(/delivery (\d+) received/)[1]);
  const d = (await w.s.call('GET', `/api/v1/deliveries/${id}`, { token: p.token })).json;
  assert.equal(Number(m[1]), d.previous);
  assert.deepEqual(m.slice(2).map(Number), [d.changes.fixed.length, d.changes.still_failing.length, d.changes.new.length]);
  assert.match(out.stdout, /\[avails\.[a-z_.]+\] \((new|still failing)\)\n/);
});
