// The pim's journey through the decisions (issue 14), in a real browser on a
// test clock: a partner in training stays silent, the ladder gives exactly
// three warnings, the pim decides on the partner page, and each decision is
// seen by its partner in its own browser context, with the pim's note and
// its consequence; the partner chooses the proposed posthouse on its partner
// page. The partners are brought to training through the API (the pages of
// those steps have their own journey, journey.test.mjs); the clock moves
// through PUT /api/v1/clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, newPage, signIn, visit, shot, assertClean, act, SHOTS } from './browser.mjs';
import { world, at, posthouse, trainee, warnings } from '../api/journeys.mjs';

let w, browser;

before(async () => {
  w = await world('2026-10-20T09:00:00Z');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

// The pim records a decision with its note on the partner page.
async function decide(pim, p, action, note) {
  await visit(pim, `${w.s.base}/partners/${p.id}`);
  await act(pim, 'decide', { fill: async (f) => {
    await f.locator(`input[name="action"][value="${action}"]`).check();
    await f.locator('textarea[name="note"]').fill(note);
  } });
  assert.match(await pim.textContent('.flash'), /Decision recorded/);
}

// A partner's own browser: signed in as its contact.
async function partnerPage(p) {
  const page = await newPage(browser);
  page.on('dialog', (d) => d.accept());
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  return page;
}

const panel = (page) => page.locator('section.decision');
// The decision panel alone, as the person reads it (the whole page is long).
const shotPanel = (page, name) => panel(page).screenshot({ path: join(SHOTS, `${name}.png`) });

test('the pim: three warnings, exactly three, then each decision with its consequence, seen by the partner', async () => {
  const ph = await posthouse(w, 'Post House One', 'posthouse_one');
  const p = {
    propose: await trainee(w, 'Proposed Films', 'proposed_films'),
    stop: await trainee(w, 'Stopping Films', 'stopping_films'),
    escalate: await trainee(w, 'Escalated Films', 'escalated_films'),
    continue: await trainee(w, 'Continuing Films', 'continuing_films'),
  };
  const pim = await newPage(browser);
  pim.on('dialog', (d) => d.accept());
  await signIn(pim, w.s.base, w.email.pim, 'correct horse battery');

  // training: the pim issues a delivery request to each partner on the page, Mon 2 Nov
  await at(w, '2026-11-02T10:00:00Z');
  for (const q of Object.values(p)) {
    await visit(pim, `${w.s.base}/partners/${q.id}`);
    await act(pim, 'request', { fill: async (f) => {
      await f.locator('select[name="kind"]').selectOption('avails');
      await f.locator('input[name="title"]').fill('Winter avails');
    } });
  }
  // a long silence: exactly three warnings, each on its instant, never a fourth
  await at(w, '2026-11-18T00:00:00Z');
  await at(w, '2026-12-01T00:00:00Z');
  for (const q of Object.values(p))
    assert.deepEqual((await warnings(w, q)).map((x) => [x.number, x.issued_at]),
      [[1, '2026-11-06T00:00:00Z'], [2, '2026-11-12T00:00:00Z'], [3, '2026-11-18T00:00:00Z']]);
  await visit(pim, `${w.s.base}/partners/${p.propose.id}`);
  assert.equal(await pim.locator('ol.warnings > li').count(), 3, 'three warnings listed');
  assert.match(await pim.textContent('.partner-head'), /3 warnings/);
  await assert.doesNotReject(panel(pim).locator('form.decision-form').waitFor());
  await shotPanel(pim, 'decisions-pim-form');

  // the partner sees that a decision is being made, before it is
  const proposed = await partnerPage(p.propose);
  assert.match(await panel(proposed).textContent(), /three warnings/i);

  // propose a posthouse: the partner reads it on its dashboard and chooses on its partner page
  await decide(pim, p.propose, 'propose_posthouse', 'Post House One already delivers HD; please use them.');
  assert.match(await pim.textContent('.flash'), /Post House One/);
  await visit(proposed, `${w.s.base}/`, 'decisions-partner-dashboard');
  await shotPanel(proposed, 'decisions-partner-dashboard-panel');
  assert.match(await panel(proposed).textContent(), /Post House One already delivers HD; please use them\./);
  await Promise.all([proposed.waitForNavigation(), proposed.getByRole('link', { name: 'Choose a posthouse on your partner page' }).click()]);
  const choose = panel(proposed).locator('form.decision-agent-form');
  assert.match(await choose.textContent(), /Post House One/);
  await shotPanel(proposed, 'decisions-partner-panel');
  await act(proposed, 'agent', { fill: (f) => f.getByLabel(/Post House One/).check() });
  assert.match(await proposed.textContent('.flash'), /Delivery agent set/);
  assert.match(await panel(proposed).textContent(), /Delivery agent: Post House One/);
  assert.doesNotMatch(await proposed.textContent('.partner-head'), /3 warnings/, 'the count restarts');
  assert.match(await proposed.textContent('main'), /Avails review/);
  assert.doesNotMatch(await proposed.textContent('main'), /Technical asset review/, 'the plan is cut to avails');
  await shotPanel(proposed, 'decisions-partner-chose');

  // stop: the partner's page shows the training stopped, with the note; the pim may resume
  await decide(pim, p.stop, 'stop', 'Four weeks without an answer: we stop here for now.');
  assert.match(await pim.textContent('.partner-head'), /Stopped|stopped/);
  const stopped = await partnerPage(p.stop);
  await visit(stopped, `${w.s.base}/partners/${p.stop.id}`);
  const st = await panel(stopped).textContent();
  assert.match(st, /the training stops/i);
  assert.match(st, /Four weeks without an answer: we stop here for now\./);
  assert.match(st, /open clocks have ended/);
  await visit(pim, `${w.s.base}/partners/${p.stop.id}`);
  await act(pim, 'resume_training');
  await visit(stopped, `${w.s.base}/`);
  assert.match(await stopped.textContent('main'), /Training/);

  // escalate: the partner sees who owns the next step
  await decide(pim, p.escalate, 'escalate', 'Commercial will discuss your QC vendor with you.');
  const escalated = await partnerPage(p.escalate);
  await visit(escalated, `${w.s.base}/partners/${p.escalate.id}`);
  const es = await panel(escalated).textContent();
  assert.match(es, /Who owns the next step/);
  assert.match(es, /commercial team/i);
  assert.match(es, /cam@service\.example/);
  assert.match(es, /Commercial will discuss your QC vendor with you\./);
  await shotPanel(escalated, 'decisions-partner-escalated');

  // continue: the count restarts, the note is on the partner's dashboard
  await decide(pim, p.continue, 'continue', 'One more chance: answer within three days.');
  const continuing = await partnerPage(p.continue);
  const co = await panel(continuing).textContent();
  assert.match(co, /the training continues/i);
  assert.match(co, /One more chance: answer within three days\./);
  assert.match(co, /restarts at zero/);
  for (const page of [pim, proposed, stopped, escalated, continuing]) assertClean(page);
});
