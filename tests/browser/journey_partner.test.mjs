// The partner's journey (issue 14), in a real browser on a test clock: the
// partner acts only through the portal pages, in its own browser context. It
// joins from the invitation link of its mail, answers and submits the
// questionnaire, uploads avails with the upload page's tus client, reads the
// failed result in its messages (errors first, with counts) and on the
// delivery page (findings grouped), redelivers a corrected file and sees it
// pass; then it stays silent on a second request until three warnings arrive,
// reads the pim's propose_posthouse decision and its note on its dashboard,
// chooses the proposed posthouse on its partner page, and sees the
// posthouse's user (its own browser context) deliver for it. The staff steps
// (invitation, setup, requests, the decision) go through the API, the clock
// through PUT /api/v1/clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, newPage, signIn, visit, shot, assertClean, act, submitQuestionnaire, SHOTS } from './browser.mjs';
import { world, at, invite, messages, provision, posthouse, warnings } from '../api/journeys.mjs';

const BROKEN = '../shared/mddf/samples/avails/Avails_withErrors.xml'; // 4 errors, 3 warnings
const FIXED = '../shared/mddf/samples/avails/Avails_noErrors_v2.3.xml';
const PASSWORD = 'kestrel partner password';
const RFC3339 = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
let w, browser, ph;

before(async () => {
  w = await world('2026-10-26T09:00:00Z');
  browser = await launch();
  ph = await posthouse(w, 'Post House One', 'posthouse_one');
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

const issue = async (p, title) => {
  const r = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title } });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
};

// The partner's mailbox in the portal: the messages page, one message opened by its subject.
async function readMail(page, subject, name) {
  await page.getByRole('link', { name: 'Messages' }).click();
  await page.waitForSelector('h1:has-text("Messages")');
  assertClean(page);
  const row = page.locator('tr', { has: page.locator('summary', { hasText: subject }) }).first();
  await row.locator('summary').click();
  const body = await row.locator('pre.mail-body').innerText();
  if (name) await shot(page, name);
  return { body, row };
}

// Uploads a file on the upload page (its tus client) and delivers it; returns the delivery id.
async function deliver(page, file, verdict) {
  await page.waitForLoadState('networkidle');
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('#deliver-button:not([disabled])', { timeout: 30000 });
  await Promise.all([page.waitForURL(/\/deliveries\/\d+$/), page.click('#deliver-button')]);
  await page.waitForSelector(`.dv-verdict.dv-${verdict}`, { timeout: 30000 });
  assertClean(page);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

const panel = (page) => page.locator('section.decision');

test('the partner: questionnaire, a failed result read in its mail and on the page, redelivery, three warnings, the proposed posthouse chosen and delivering for it', async () => {
  // the cam invites; the invitation is the partner's first mail
  const p = await invite(w, 'Kestrel Films');
  const sent = await w.s.call('POST', `/api/v1/partners/${p.id}/questionnaire/send`, { token: w.tok.cam });
  assert.equal(sent.status, 200, sent.text);
  const invitation = (await messages(w, p.contact)).map((m) => m.body.match(/https?:\/\/\S*\/invitations\/[A-Za-z0-9_-]{43}/)).find(Boolean);
  assert.ok(invitation, 'the mail carries the invitation link');

  // 1. the partner joins from the link, answers and submits the questionnaire
  const partner = await newPage(browser);
  partner.on('dialog', (d) => d.accept());
  await visit(partner, new URL(invitation[0]).href.replace(/^https?:\/\/[^/]+/, w.s.base));
  await partner.getByLabel('New password').fill(PASSWORD);
  await partner.getByLabel('The same password again').fill(PASSWORD);
  await Promise.all([partner.waitForNavigation(), partner.locator('form button[type="submit"]').first().click()]);
  await partner.waitForSelector('nav[aria-label="Main"]');
  await partner.getByRole('link', { name: /questionnaire/i }).first().click();
  await partner.waitForSelector('#qn-form');
  for (const [key, value] of Object.entries({ formats_resolution: 'HD', formats_dynamic_range: 'SDR', formats_audio: 'Stereo', formats_captions: 'TTML' }))
    await partner.locator(`.qn-q[data-key="${key}"] input[value="${value}"]`).check();
  await submitQuestionnaire(partner);
  assertClean(partner);

  // the pim sets it up and plans the training; Mon 2 Nov it asks for avails
  await provision(w, p, 'kestrel_films');
  const plan = await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim,
    body: { modules: ['technical_asset_review', 'avails_review'] } });
  assert.equal(plan.status, 200, plan.text);
  const conf = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(conf.json.stage, 'training', conf.text);
  await at(w, '2026-11-02T10:00:00Z');
  const autumn = await issue(p, 'Autumn avails');

  // 2. the partner delivers from the request; the file fails
  await visit(partner, `${w.s.base}/`);
  await partner.getByRole('link', { name: 'Autumn avails' }).first().click();
  await partner.getByRole('link', { name: /Deliver now/ }).click();
  const failed = await deliver(partner, BROKEN, 'failed');

  // 3. the failed result in its mail: counts, errors before warnings, where to respond, the link
  const { body: mail, row } = await readMail(partner, `Delivery ${failed} for Kestrel Films failed`, 'journey-partner-mail-failed');
  assert.match(mail, /4 errors, 3 warnings/);
  assert.ok(mail.indexOf('avails.language.invalid') < mail.indexOf('Warning '), `errors come before warnings:\n${mail}`);
  assert.match(mail, /avails\.territory\.invalid/);
  assert.match(mail, /Warning avails\.price\.missing, 2 times/);
  assert.match(mail, /Respond by the end of Thu 5 Nov, Europe\/London/);
  assert.doesNotMatch(mail, RFC3339);
  const link = mail.match(/https?:\/\/\S+\/deliveries\/(\d+)/);
  assert.ok(link && Number(link[1]) === failed, 'the mail links to the result page');

  // 4. it follows the mail's link to the result page: the findings grouped by severity and
  // code, errors first, with counts
  await Promise.all([partner.waitForURL(new RegExp(`/deliveries/${failed}$`)), row.getByRole('link', { name: /\/deliveries\// }).click()]);
  await partner.waitForLoadState('networkidle');
  assertClean(partner);
  await shot(partner, 'journey-partner-result-failed');
  const heads = await partner.$$eval('.dv-sev-head', (hs) => hs.map((h) => h.textContent.trim()));
  assert.match(heads[0], /error/i, `errors first: ${heads}`);
  const groups = await partner.$$eval('details.dv-group', (ds) => ds.map((d) => [d.dataset.code, Number(d.dataset.count)]));
  assert.deepEqual(Object.fromEntries(groups), { 'avails.language.invalid': 3, 'avails.territory.invalid': 1,
    'avails.licenserightsdescription.unknown': 1, 'avails.price.missing': 2 });

  // 5. it redelivers a corrected file against the request: passed, the errors fixed
  await Promise.all([partner.waitForNavigation(), partner.getByRole('link', { name: 'Deliver again' }).click()]);
  assert.equal(await partner.inputValue('#request'), String(autumn), 'the redelivery answers the request');
  const passed = await deliver(partner, FIXED, 'passed');
  assert.match(await partner.textContent('#diff'), new RegExp(`What changed since delivery ${failed}`));
  await shot(partner, 'journey-partner-result-passed');

  // 6. a second request, and silence: exactly three warnings, each in its mail
  const winter = await issue(p, 'Winter avails');
  await at(w, '2026-11-18T00:00:00Z');
  await at(w, '2026-11-24T09:00:00Z');
  assert.deepEqual((await warnings(w, p)).map((x) => [x.number, x.issued_at]),
    [[1, '2026-11-06T00:00:00Z'], [2, '2026-11-12T00:00:00Z'], [3, '2026-11-18T00:00:00Z']]);
  await visit(partner, `${w.s.base}/`);
  const third = (await readMail(partner, 'Warning 3 of 3 for Kestrel Films', 'journey-partner-mail-warnings')).body;
  assert.match(third, /Winter avails/);
  assert.match(third, /the third warning/);
  const subjects = await partner.$$eval('.outbox-table summary', (es) => es.map((e) => e.textContent.trim()));
  assert.deepEqual(subjects.filter((t) => /^Warning/.test(t)).map((t) => t.slice(0, 12)),
    ['Warning 3 of', 'Warning 2 of', 'Warning 1 of'], 'three warnings, never a fourth');

  // 7. the pim proposes a posthouse; the partner reads it, with the note, on its dashboard
  const note = 'Post House One already delivers HD avails for us: please deliver through them.';
  const dec = await w.s.call('POST', `/api/v1/partners/${p.id}/training/decision`, { token: w.tok.pim,
    body: { action: 'propose_posthouse', note } });
  assert.equal(dec.status, 200, dec.text);
  await visit(partner, `${w.s.base}/`);
  assert.match(await panel(partner).textContent(), new RegExp(note.replace(/[.:]/g, '\\$&')));
  await panel(partner).screenshot({ path: join(SHOTS, 'journey-partner-decision.png') });

  // 8. it chooses the proposed posthouse on its partner page
  await Promise.all([partner.waitForNavigation(), partner.getByRole('link', { name: 'Choose a posthouse on your partner page' }).click()]);
  assert.match(await panel(partner).locator('form.decision-agent-form').textContent(), /Post House One/);
  await panel(partner).screenshot({ path: join(SHOTS, 'journey-partner-posthouse-choice.png') });
  await act(partner, 'agent', { fill: (f) => f.getByLabel(/Post House One/).check() });
  assert.match(await partner.textContent('.flash'), /Delivery agent set/);
  assert.match(await panel(partner).textContent(), /Delivery agent: Post House One/);

  // 9. the posthouse's user delivers for it, in its own browser, on the upload page
  const house = await newPage(browser);
  await signIn(house, w.s.base, ph.contact, 'partner password 1');
  await visit(house, `${w.s.base}/upload?request=${winter}`);
  assert.match(await house.textContent('h1'), /Upload for Kestrel Films/);
  const byHouse = await deliver(house, FIXED, 'passed');
  await shot(house, 'journey-partner-posthouse-delivered');

  // 10. the partner sees that delivery on its own pages: the request answered, the delivery passed
  await visit(partner, `${w.s.base}/requests/${winter}`, 'journey-partner-delivered-through-posthouse');
  assert.ok(await partner.locator(`a[href="/deliveries/${byHouse}"]`).count(), 'the request lists the delivery');
  await visit(partner, `${w.s.base}/deliveries/${byHouse}`, 'journey-partner-final-delivery');
  assert.match(await partner.textContent('.dv-verdict'), /pass/i);
  await visit(partner, `${w.s.base}/partners/${p.id}`);
  assert.ok(await partner.locator(`a[href="/deliveries/${byHouse}"]`).count(), 'its partner page lists it too');
  assert.ok(passed > failed);
  for (const page of [partner, house]) assertClean(page);
});
