// The pom's journey (issue 14.5) in a real browser, on a test clock: after
// the pim completes the training and hands the partner over, the pom owns
// it (the partner page says so), issues a steady-state request on the page,
// and when the 48-hour clock breaches it is the pom, not the pim, who is
// told, as the pom's outbox shows. Onboarding up to the handover goes
// through the API beforehand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, at, messages, invite, sendAndJoin, setUp, handOver } from '../api/journeys.mjs';

const STAFF_PASSWORD = 'correct horse battery';
let w, browser, B;

before(async () => {
  w = await world('2026-11-02T09:00:00Z');
  browser = await launch();
  B = await sendAndJoin(w, await invite(w, 'Studio Beta'));
  await setUp(w, B, 'studio_beta');
  await at(w, '2026-11-20T09:00:00Z');
  await handOver(w, B);
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

test('the pom owns the partner after the handover and receives its breaches', async () => {
  const pom = await newPage(browser);
  await signIn(pom, w.s.base, w.email.pom, STAFF_PASSWORD);
  await visit(pom, `${w.s.base}/partners/${B.id}`);
  assert.match(await pom.locator('.owners div', { hasText: 'Operations (pom)' }).textContent(), /pom@service\.example/);

  // a steady-state request, issued on the page
  await at(w, '2026-11-23T10:00:00Z');
  await pom.reload();
  const sel = 'form:has(input[name="do"][value="request"])';
  await pom.locator(`details:has(${sel}) summary`).click();
  const form = pom.locator(sel);
  await form.getByLabel('Title').fill('December avails');
  await Promise.all([pom.waitForNavigation(), form.locator('button[type="submit"]').click()]);
  assert.equal(await pom.locator('.flash-error').count(), 0);
  assertClean(pom);

  // nothing delivered within 48 hours: the breach goes to the pom, the partner's owner now
  const pimBefore = (await messages(w, w.email.pim)).filter((m) => m.template === 'delivery_late').length;
  await at(w, '2026-11-25T10:00:00Z');
  const late = (await messages(w, w.email.pom)).filter((m) => m.template === 'delivery_late');
  assert.equal(late.length, 1, 'the pom is told once');
  assert.match(late[0].body, /December avails/);
  assert.equal((await messages(w, w.email.pim)).filter((m) => m.template === 'delivery_late').length, pimBefore,
    'the pim, who no longer owns the partner, is not');
  assert.equal((await messages(w, B.contact)).filter((m) => m.template === 'delivery_late').length, 1, 'and the partner');

  // the pom reads it in the outbox, addressed to itself
  await visit(pom, `${w.s.base}/outbox?to=${encodeURIComponent(w.email.pom)}`, 'journey-pom-outbox');
  assert.match(await pom.locator('main').textContent(), /December avails/);
  await visit(pom, `${w.s.base}/partners/${B.id}`, 'journey-pom-partner-page');
  assert.match(await pom.locator('main').textContent(), /December avails/);
  await pom.context().close();
});
