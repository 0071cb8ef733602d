// The plm's journey (issue 14.6) and the alternate-solution case (14.7) in a
// real browser, on a test clock, each person in a context of their own: the
// plm sets a Channels partner's launch milestones on its partner page in the
// partner's zone, becomes its "Launch (plm)", marks one met; one passes
// unmet and the plm and the partner are told; the partner sees its timeline
// on its dashboard and its partner page. Then the partner asks for an
// alternate solution from its dashboard, and the cam acknowledges and
// resolves it on the partner page; the partner reads the outcome.
// The partner is brought to its questionnaire through the API beforehand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, at, messages, invite, sendAndJoin } from '../api/journeys.mjs';

const STAFF_PASSWORD = 'correct horse battery';
let w, browser, A;

before(async () => {
  w = await world('2026-11-02T09:00:00Z'); // a Monday
  browser = await launch();
  A = await sendAndJoin(w, await invite(w, 'Channel Alpha', { channels: true }));
  const own = await w.s.call('PUT', `/api/v1/partners/${A.id}/owners`, { token: w.tok.cam, body: { pim: w.ids.pim } });
  assert.equal(own.status, 200, own.text);
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

// Submits the form whose hidden "do" is action (opening its <details> first), as a person would.
async function act(page, action, fill, extra = '') {
  const sel = `form:has(input[name="do"][value="${action}"])${extra}`;
  const form = page.locator(sel).first();
  const details = page.locator(`details:has(${sel})`).first();
  if (await details.count() && !(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  if (fill) await fill(form);
  await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').first().click()]);
  const failed = page.locator('.flash-error');
  assert.equal(await failed.count(), 0, `${action}: ${(await failed.count()) ? await failed.first().textContent() : ''}`);
  assertClean(page, `${action} on ${page.url()}`);
}

test('a plm sets the launch timeline, marks one met, one is missed and told, and the partner sees it', async () => {
  const plm = await newPage(browser);
  await signIn(plm, w.s.base, w.email.plm, STAFF_PASSWORD);
  await visit(plm, `${w.s.base}/partners/${A.id}`);
  // the time field says its zone: the partner's
  const details = plm.locator('details:has(input[name="do"][value="milestone"])');
  await details.locator('summary').click();
  assert.match(await details.locator('label[for="ms-due"]').textContent(), /Europe\/London/);
  for (const [name, due] of [['Channel artwork approved', '2026-11-10T12:00'], ['Pre-publishing QA testing', '2026-11-20T09:00']]) {
    await act(plm, 'milestone', async (f) => {
      await f.getByLabel('Milestone').fill(name);
      await f.getByLabel(/Due/).fill(due);
    });
  }
  // the plm who drew the timeline is its "Launch (plm)"
  const launchOwner = plm.locator('.owners div', { hasText: 'Launch (plm)' });
  assert.match(await launchOwner.textContent(), /plm@service\.example/);
  assert.doesNotMatch(await launchOwner.textContent(), /not assigned/);
  const items = plm.locator('#launch .launch-item');
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).textContent(), /Channel artwork approved[\s\S]*Tue 10 Nov at 12:00, Europe\/London/);

  await at(w, '2026-11-09T15:00:00Z');
  await plm.reload();
  await act(plm, 'milestone_met', null, ':has(input[name="milestone"])');
  assert.match(await plm.locator('.flash').first().textContent(), /met/);
  assert.match(await items.nth(0).locator('.badge').textContent(), /met/);
  await shot(plm, 'journey-plm-partner-page');

  // the QA milestone passes unmet: the plm and the partner are told once each
  await at(w, '2026-11-20T09:00:00Z');
  const toPlm = (await messages(w, w.email.plm)).filter((m) => m.template === 'milestone_missed');
  const toPartner = (await messages(w, A.contact)).filter((m) => m.template === 'milestone_missed');
  assert.equal(toPlm.length, 1);
  assert.equal(toPartner.length, 1);
  assert.match(toPartner[0].body, /Pre-publishing QA testing[\s\S]*Fri 20 Nov at 09:00, Europe\/London/);
  await plm.reload();
  assert.match(await items.nth(1).locator('.badge').textContent(), /missed/);
  assert.equal(await plm.locator('#launch form').count(), 0, 'nothing left to mark met');

  // the partner, in its own context: its dashboard shows the timeline and links to its page
  const partner = await newPage(browser);
  await signIn(partner, w.s.base, A.contact, 'partner password 1');
  const dash = partner.locator('.dash-launch');
  assert.match(await dash.textContent(), /met Channel artwork approved[\s\S]*Pre-publishing QA testing/);
  assert.match(await dash.locator('.launch-item.missed').textContent(), /missed/);
  await shot(partner, 'journey-plm-partner-dashboard');
  await Promise.all([partner.waitForNavigation(), partner.getByRole('link', { name: 'Your partner page' }).click()]);
  assert.equal(new URL(partner.url()).pathname, `/partners/${A.id}`);
  assertClean(partner);
  const launchSection = partner.locator('#launch');
  assert.match(await launchSection.textContent(), /Times in Europe\/London/);
  assert.equal(await launchSection.locator('form').count(), 0, 'the partner reads, the plm marks');
  await launchSection.screenshot({ path: 'build/test-artifacts/screenshots/journey-plm-partner-launch-timeline.png' });
  await shot(partner, 'journey-plm-partner-own-page');
  await plm.context().close();
  await partner.context().close();
});

test('the partner asks for an alternate solution from its dashboard; the cam acknowledges and resolves it', async () => {
  await at(w, '2026-11-23T10:00:00Z');
  const partner = await newPage(browser);
  await signIn(partner, w.s.base, A.contact, 'partner password 1');
  await Promise.all([partner.waitForNavigation(), partner.getByRole('link', { name: 'Request an alternate solution' }).click()]);
  assert.equal(new URL(partner.url()).hash, '#cases');
  await act(partner, 'alternate_ask', (f) => f.getByLabel('Which deadline you cannot meet, and why').fill('Our QA vendor cannot test before January.'));
  const mine = partner.locator('#cases .case').first();
  assert.match(await mine.textContent(), /open[\s\S]*Our QA vendor[\s\S]*Acknowledgement owed by the end of Thu 26 Nov, Europe\/London/);
  assert.equal((await messages(w, w.email.cam)).filter((m) => m.template === 'alternate_solution').length, 1);
  assert.equal((await messages(w, w.email.pim)).filter((m) => m.template === 'alternate_solution').length, 1);

  // the cam sees it on the dashboard and answers on the partner page
  const cam = await newPage(browser);
  await signIn(cam, w.s.base, w.email.cam, STAFF_PASSWORD);
  const open = cam.locator('.dash-alternates');
  assert.match(await open.textContent(), /Channel Alpha\s+open[\s\S]*Our QA vendor/, 'open: the acknowledgement is still owed');
  await Promise.all([cam.waitForNavigation(), open.getByRole('link', { name: 'Channel Alpha' }).first().click()]);
  assertClean(cam);
  await cam.locator('#cases').scrollIntoViewIfNeeded();
  await shot(cam, 'journey-plm-staff-case-open');
  await act(cam, 'alternate_ack', (f) => f.getByLabel(/Note for the partner/).fill('We are looking at a later QA slot.'));
  await act(cam, 'alternate_resolve', (f) => f.getByLabel(/Outcome/).fill('QA moves to 11 January; the launch date moves by one week.'));
  const c = cam.locator('#cases .case').first();
  assert.match(await c.textContent(), /resolved[\s\S]*Acknowledged by cam@service\.example, Mon 23 Nov at 10:00, Europe\/London[\s\S]*QA moves to 11 January/);
  await cam.locator('#cases').screenshot({ path: 'build/test-artifacts/screenshots/journey-plm-staff-case-view.png' });

  // the partner is told at each step and reads the outcome on its dashboard
  const got = (await messages(w, A.contact)).map((m) => m.template);
  assert.equal(got.filter((t) => t === 'alternate_acknowledged').length, 1);
  assert.equal(got.filter((t) => t === 'alternate_resolved').length, 1);
  await partner.goto(`${w.s.base}/`);
  assert.match(await partner.locator('.dash-cases').textContent(), /resolved[\s\S]*Outcome: QA moves to 11 January/);
  await shot(partner, 'journey-plm-partner-dashboard-case');
  assertClean(partner);
  await cam.context().close();
  await partner.context().close();
});
