// The delivery page (/deliveries/{id}): the verdict in plain words, findings
// grouped by file and by severity with their place, rule and fix, the files
// with sizes and checksums, and after a redelivery what changed (fixed, still
// failing, new). While the checks run the page says so and refreshes itself
// (a server without validation workers keeps a delivery "validating").
// Another organisation's delivery is a 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { launch, newPage, watch, signIn as signInForm, visit, shot, assertClean, startServer } from './browser.mjs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision, fillQuestionnaire } from '../api/journeys.mjs';
import { b64, create, patch } from '../api/tus_helpers.mjs';

// Signs in through the form and lets the landing page finish loading (its favicon and scripts),
// so that going on at once aborts nothing the page checks count as failed.
async function signIn(page, base, email, password) {
  await signInForm(page, base, email, password);
  await page.waitForLoadState('networkidle');
}

const SAMPLES = '../shared/mddf/samples/avails';
const PARTNER_PW = 'partner password 1';
const WITH_ERRORS = readFileSync(`${SAMPLES}/Avails_withErrors.xml`, 'utf8');
const GOOD = readFileSync(`${SAMPLES}/Avails_noErrors_v2.4.xml`);
// The redelivery: the territory (an error) and the rights description (a warning) fixed, a
// new error (a format profile that does not exist), the rest as before; same lines.
const REDELIVERY = WITH_ERRORS.replace('<md:country>JJ</md:country>', '<md:country>GB</md:country>')
  .replace('Librry', 'Library')
  .replace('<avails:FormatProfile>HD</avails:FormatProfile>', '<avails:FormatProfile>4K</avails:FormatProfile>');
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
let w, p, req, browser;

async function upload(s, token, name, bytes) {
  const body = Buffer.from(bytes);
  const { path } = await create(s, token, body.length, { metadata: `filename ${b64(name)}` });
  const r = await patch(s, token, path, 0, body);
  assert.equal(r.status, 204, r.text);
  return path.split('/').pop();
}

async function deliver(s, token, partner, request, files) {
  const r = await s.call('POST', '/api/v1/deliveries', { token, body: { partner, request, kind: 'avails', files } });
  assert.equal(r.status, 202, r.text);
  return r.json.id;
}

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  p = await invite(w, 'Checking Studio');
  await sendAndJoin(w, p);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, p, 'checking');
  await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
  await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  await at(w, '2026-11-24T10:00:00Z');
  req = (await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails week 48' } })).json;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

let first, second;

test('a failed delivery shows its findings grouped by file and severity, each with its place, rule and fix', async () => {
  const files = [await upload(w.s, p.token, 'avails-week-48.xml', WITH_ERRORS), await upload(w.s, p.token, 'avails-extra.xml', GOOD)];
  first = await deliver(w.s, p.token, p.id, req.id, files);
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, PARTNER_PW);
  await page.goto(`${w.s.base}/deliveries/${first}`);
  await page.waitForSelector('.dv-verdict.dv-failed', { timeout: 30000 }); // by itself, if it was still validating
  assert.equal((await page.textContent('.dv-head')).trim(), 'Failed with 4 errors and 3 warnings');
  assert.match(await page.textContent('.dv-verdict'), /Fix them and deliver again/);
  assert.equal(await page.getAttribute('.dv-verdict a.button', 'href'), `/upload?request=${req.id}`);
  // grouped by file: only the file with findings has a group, errors before warnings
  const groups = page.locator('section.dv-file');
  assert.equal(await groups.count(), 1);
  assert.match(await groups.locator('h3').textContent(), /avails-week-48\.xml\s+· 4 errors, 3 warnings/);
  const heads = await groups.locator('h4').allTextContents();
  assert.deepEqual(heads.map((h) => h.trim()), ['4 errors: must be fixed', '3 warnings: do not fail the delivery']);
  // within a severity, one folding group per code, the biggest first, with its count; the
  // first groups of errors open, the warnings folded; every finding inside its group
  const errors = groups.locator('details.dv-group-error li.finding.error');
  const warnings = groups.locator('details.dv-group-warning li.finding.warning');
  assert.equal(await errors.count(), 4);
  assert.equal(await warnings.count(), 3);
  const codeGroups = groups.locator('details.dv-group');
  const sev = await codeGroups.evaluateAll((ds) => ds.map((d) => [d.classList.contains('dv-group-error') ? 'error' : 'warning',
    Number(d.dataset.count), d.open, d.querySelectorAll('li.finding').length]));
  const firstWarning = sev.findIndex(([s]) => s === 'warning');
  assert.ok(firstWarning > 0 && sev.slice(firstWarning).every(([s]) => s === 'warning'), 'errors first');
  assert.equal(sev.reduce((n, [, c]) => n + c, 0), 7, 'the counts add up');
  assert.ok(sev.every(([, c, , n]) => c === n), 'each group holds its findings');
  assert.equal(sev[0][2], true, 'the first group of errors is open');
  assert.ok(sev.slice(firstWarning).every(([, , open]) => !open), 'warnings are folded');
  for (let i = 1; i < firstWarning; i++) assert.ok(sev[i - 1][1] >= sev[i][1], 'the biggest group first');
  assert.match(await codeGroups.first().locator('summary').textContent(), /error\s+avails\.[a-z_.]+\s+\d+ errors?/);
  await shot(page, 'delivery-grouped');
  for (const li of await page.locator('li.finding').all()) {
    assert.match(await li.locator('.where').textContent(), /^Where: line \d+: \/AvailList\//);
    assert.match(await li.locator('.fix').textContent(), /^How to fix: \S/);
    assert.match(await li.locator('.dv-rule').textContent(), /^Rule avails\.[a-z_.]+ · MDDF Avails/);
  }
  const territory = errors.filter({ hasText: 'Territory/country "JJ"' });
  assert.match(await territory.textContent(), /Where: line 52: \/AvailList\/Avail\[1\]\/Transaction\[1\]\/Territory\/country/);
  assert.match(await territory.locator('.dv-evidence').textContent(), /Found JJ; expected an ISO 3166-1 alpha-2 code/);
  assert.match(await territory.locator('.fix').textContent(), /two-letter ISO 3166-1 code/);
  // the files: sizes and checksums, and which has findings
  const rows = page.locator('table.dv-files tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), new RegExp(`avails-week-48\\.xml[\\s\\S]*${Buffer.byteLength(WITH_ERRORS).toLocaleString('en-US')} bytes[\\s\\S]*4 errors, 3 warnings[\\s\\S]*sha256 ${sha256(WITH_ERRORS)}`));
  assert.equal(await rows.nth(0).locator('a').getAttribute('href'), '#file-1-findings');
  assert.match(await rows.nth(1).textContent(), new RegExp(`avails-extra\\.xml[\\s\\S]*no findings[\\s\\S]*sha256 ${sha256(GOOD)}`));
  // who and what: links back to the request and the partner
  assert.equal(await page.getAttribute('.dv-crumbs a >> nth=0', 'href'), `/partners/${p.id}`);
  assert.equal(await page.getAttribute('.dv-crumbs a >> nth=1', 'href'), `/requests/${req.id}`);
  assert.match(await page.textContent('.dv-facts'), /Received\s*Tue 24 Nov 2026, 10:00 \(UTC\)/);
  await shot(page, 'delivery-failed');
  assertClean(page);

  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, w.s.base, p.contact, PARTNER_PW);
  await visit(phone, `${w.s.base}/deliveries/${first}`, 'delivery-phone');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page fits a phone's width (overflows by ${overflow}px)`);

  // staff read the same result; a pim does not deliver, so no "Deliver again"
  const pim = await newPage(browser);
  await signIn(pim, w.s.base, w.email.pim, 'correct horse battery');
  await visit(pim, `${w.s.base}/deliveries/${first}`, 'delivery-staff');
  assert.equal(await pim.locator('.dv-verdict a.button').count(), 0);
  assert.equal(await pim.locator('li.finding').count(), 7);
});

test('a redelivery shows what it fixed, what still fails and what is new', async () => {
  await at(w, '2026-11-25T08:30:00Z');
  const files = [await upload(w.s, p.token, 'avails-week-48.xml', REDELIVERY), await upload(w.s, p.token, 'avails-extra.xml', GOOD)];
  second = await deliver(w.s, p.token, p.id, req.id, files);
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, PARTNER_PW);
  await page.goto(`${w.s.base}/deliveries/${second}`);
  await page.waitForSelector('.dv-verdict.dv-failed', { timeout: 30000 });
  assert.equal((await page.textContent('.dv-head')).trim(), 'Failed with 4 errors and 2 warnings');
  const diff = page.locator('section.dv-diff');
  assert.match(await diff.locator('h2').textContent(), new RegExp(`What changed since delivery ${first}`));
  assert.equal((await diff.locator('.dv-diff-summary').textContent()).trim(), '1 error fixed, 3 errors still failing, 1 error new.');
  const fixed = await diff.locator('.dv-fixed li').allTextContents();
  assert.equal(fixed.length, 2);
  assert.ok(fixed.some((t) => /Territory\/country "JJ"[\s\S]*avails-week-48\.xml, line 52/.test(t)));
  assert.ok(fixed.some((t) => /LicenseRightsDescription "Librry"/.test(t)));
  assert.equal(await diff.locator('.dv-still li').count(), 5);
  const fresh = await diff.locator('.dv-fresh li').allTextContents();
  assert.equal(fresh.length, 1);
  assert.match(fresh[0], /FormatProfile "4K"[\s\S]*avails\.formatprofile\.invalid/);
  // each finding says whether it is new or still failing
  const newOne = page.locator('li.finding', { hasText: 'FormatProfile "4K"' });
  assert.equal(await newOne.locator('.badge', { hasText: 'new' }).count(), 1);
  assert.equal(await page.locator('li.finding .badge', { hasText: 'still failing' }).count(), 5);
  assert.equal(await page.getAttribute('.dv-facts a[href^="/deliveries/"]', 'href'), `/deliveries/${first}`);
  await shot(page, 'delivery-diff');
  assertClean(page);
  // the API says the same, for the CLI and scripts
  const d = (await w.s.call('GET', `/api/v1/deliveries/${second}`, { token: p.token })).json;
  assert.equal(d.previous, first);
  assert.equal(d.changes.compared_with, first);
  assert.equal(d.changes.file_names_ignored, false);
  assert.deepEqual(d.changes.fixed.map((f) => f.code).sort(), ['avails.licenserightsdescription.unknown', 'avails.territory.invalid']);
  assert.deepEqual(d.changes.new.map((f) => f.code), ['avails.formatprofile.invalid']);
  assert.equal(d.changes.still_failing.length, 5);
  assert.equal(d.findings.filter((f) => f.change === 'new').length, 1);
  // the first delivery now points to the newer one instead of offering to deliver again
  await visit(page, `${w.s.base}/deliveries/${first}`);
  assert.match(await page.textContent('.dv-newer'), new RegExp(`A newer delivery answers this request: delivery ${second}`));
  assert.equal(await page.locator('.dv-verdict a.button').count(), 0);
  assert.equal((await w.s.call('GET', `/api/v1/deliveries/${first}`, { token: p.token })).json.latest, second);
});

test('a single-file redelivery under another name is compared by rule and place', async () => {
  const r2 = (await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails week 49' } })).json;
  const a = await deliver(w.s, p.token, p.id, r2.id, [await upload(w.s, p.token, 'week-49-v1.xml', WITH_ERRORS)]);
  for (let i = 0; i < 300; i++) {
    if ((await w.s.call('GET', `/api/v1/deliveries/${a}`, { token: p.token })).json.status !== 'validating') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const b = await deliver(w.s, p.token, p.id, r2.id, [await upload(w.s, p.token, 'week-49-v2.xml', REDELIVERY)]);
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, PARTNER_PW);
  await page.goto(`${w.s.base}/deliveries/${b}`);
  await page.waitForSelector('section.dv-diff', { timeout: 30000 });
  assert.equal((await page.textContent('.dv-diff-summary')).trim(), '1 error fixed, 3 errors still failing, 1 error new.');
  assert.match(await page.textContent('section.dv-diff'), /matched by rule and place, whatever the file is called/);
  assertClean(page);
});

test('while the checks run the page says so and shows the result by itself; without JavaScript, a Refresh link', async () => {
  // a server without validation workers keeps every delivery validating
  const s = await startServer({ testClock: true, testClockStart: '2026-11-24T10:00:00Z', args: ['--workers', '0'] });
  try {
    const admin = await s.signIn(s.admin.email, s.admin.password);
    const ok = (r) => { assert.ok(r.status < 300, r.text); return r; };
    const org = ok(await s.call('POST', '/api/v1/partners', { token: admin, body: { name: 'Waiting Studio', contact_email: 'ops@waiting.example', time_zone: 'Europe/London', channels: false, posthouse: false } })).json.id;
    ok(await s.call('POST', `/api/v1/partners/${org}/questionnaire/send`, { token: admin }));
    await fillQuestionnaire(s, org, admin, { already_onboarded: 'no', delivery_method: 'self' });
    ok(await s.call('POST', `/api/v1/partners/${org}/questionnaire/submit`, { token: admin }));
    for (const [item, body] of [['alias', { done: true, value: 'waiting' }], ['transfer_account', { done: true }], ['portal_account', { done: true }]])
      ok(await s.call('PUT', `/api/v1/partners/${org}/setup/${item}`, { token: admin, body }));
    ok(await s.call('POST', `/api/v1/partners/${org}/setup/confirm`, { token: admin }));
    const request = ok(await s.call('POST', `/api/v1/partners/${org}/requests`, { token: admin, body: { kind: 'avails', title: 'First avails' } })).json.id;
    const user = await s.userWithToken(admin, 'uploader@waiting.example', 'partner', org);
    const id = await deliver(s, user.token, org, request, [await upload(s, user.token, 'first.xml', GOOD)]);

    const page = await newPage(browser);
    await signIn(page, s.base, 'uploader@waiting.example', 'correct horse battery');
    const polled = page.waitForRequest((r) => r.url().endsWith(`/api/v1/deliveries/${id}`), { timeout: 5000 });
    await visit(page, `${s.base}/deliveries/${id}`, 'delivery-validating');
    assert.equal((await page.textContent('.dv-head')).trim(), 'Received: the files are being checked');
    assert.match(await page.textContent('.dv-verdict'), /never counted against your deadline/);
    assert.equal(await page.locator('section.dv-findings').count(), 0, 'no findings section before the result');
    await polled; // delivery.js asks the API every 2 s
    await page.waitForSelector('#poll-state:has-text("Still checking")');
    assertClean(page);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const nojs = watch(await context.newPage());
    await nojs.goto(`${s.base}/`);
    await nojs.fill('#email', 'uploader@waiting.example');
    await nojs.fill('#password', 'correct horse battery');
    await Promise.all([nojs.waitForNavigation(), nojs.click('button[type=submit]')]);
    await nojs.waitForLoadState('networkidle'); // the dashboard's own requests done before leaving it
    await visit(nojs, `${s.base}/deliveries/${id}`);
    assert.equal(await nojs.getAttribute('#refresh', 'href'), `/deliveries/${id}`);
    assert.equal(await nojs.locator('meta[http-equiv]').count(), 0, 'no meta refresh');
    await context.close();
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('another organisation\'s delivery is a 404, as one that does not exist', async () => {
  const other = await invite(w, 'Nosy Studio');
  const nosy = await w.s.userWithToken(w.tok.admin, 'nosy@nosy.example', 'partner', other.id);
  assert.ok(nosy.token);
  const page = await newPage(browser);
  await signIn(page, w.s.base, 'nosy@nosy.example', 'correct horse battery');
  page.expectHttpErrors = true;
  for (const path of [`/deliveries/${first}`, '/deliveries/999999', '/deliveries/abc']) {
    const res = await page.goto(`${w.s.base}${path}`);
    assert.equal(res.status(), 404, path);
    const text = await page.textContent('main');
    assert.doesNotMatch(text, /Checking Studio|avails-week-48|Avails week 48/, 'nothing of the other organisation shows');
  }
  const api = await w.s.call('GET', `/api/v1/deliveries/${first}`, { token: nosy.token });
  assert.equal(api.status, 404);
});
