// The partner page in a real browser: a pim drives a partner from setup into
// training through the page's own forms (provision the three items, plan the
// training, confirm), issues a delivery request and sees it counting down;
// the timeline is inline SVG with the stages, the clocks, the warnings and
// "now", and the same facts in words; clocks are paused and resumed through
// forms; the partner's own user sees its page without staff actions; a user
// of another organisation gets the 404 page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, invite, sendAndJoin, answerAndSubmit, at } from '../api/journeys.mjs';

let w, browser, p, other;
const STAFF_PASSWORD = 'correct horse battery';

before(async () => {
  // Monday 30 November 2026, 09:00 UTC (London: the same)
  w = await world('2026-11-30T09:00:00Z');
  browser = await launch();
  // a name that needs escaping, in the header, the SVG and the titles
  p = await sendAndJoin(w, await invite(w, 'Juniper <Films> & "Co"'));
  await answerAndSubmit(w, p, { already_onboarded: 'no', delivery_method: 'self' });
  other = await sendAndJoin(w, await invite(w, 'Other Org'));
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

// Submits a form by clicking its button and waits for the page it leads to.
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

async function flashOk(page, re) {
  const error = page.locator('.flash-error');
  if (await error.count()) assert.fail(`the page says: ${await error.first().textContent()}`);
  assert.match(await page.locator('.flash-ok').textContent(), re);
}

test('a pim drives the partner from setup to training through the page, and issues a request', async () => {
  const page = await newPage(browser);
  page.on('dialog', (d) => d.accept()); // data-confirm asks before irreversible steps
  await signIn(page, w.s.base, w.email.pim, STAFF_PASSWORD);
  const url = `${w.s.base}/partners/${p.id}`;
  await visit(page, url);
  assert.equal(await page.textContent('h1'), 'Juniper <Films> & "Co"');
  assert.match(await page.textContent('.partner-meta'), /Account setup/);
  assert.match(await page.textContent('.partner-meta'), /Europe\/London/);
  assert.match(await page.textContent('#confirm-why'), /partner alias, transfer account, portal account are still pending/);
  // staff actions a pim may not do are not offered (owners: cam, admin; the questionnaire: cam)
  assert.equal(await page.locator('input[name=do][value=owners]').count(), 0);
  assert.equal(await page.locator('input[name=do][value=send_questionnaire]').count(), 0);

  // 1. the alias (a suggestion from the name is filled in)
  assert.equal(await page.inputValue('#alias-value'), 'juniper_films_co');
  await page.fill('#alias-value', 'juniper');
  await submit(page, page.getByRole('button', { name: 'Provision' }));
  await flashOk(page, /Partner alias provisioned/);
  assert.match(await page.textContent('table >> nth=0'), /juniper/);

  // 2. the transfer account: its credentials are shown once, on a page of their own
  await submit(page, page.getByRole('button', { name: 'Create the credentials' }));
  assert.match(await page.textContent('h1'), /Transfer account of Juniper <Films>/);
  assert.match(await page.textContent('#transfer-token'), /^[A-Za-z0-9_-]{43}$/);
  await shot(page, 'partner-credentials');
  assertClean(page);
  await submit(page, page.getByRole('link', { name: 'Back to the partner' }));

  // 3. the portal account: the contact's address is filled in
  assert.equal(await page.inputValue('#portal-email'), p.contact);
  await submit(page, page.getByRole('button', { name: 'Invite' }));
  await flashOk(page, /Portal account provisioned/);
  const statuses = await page.locator('table >> nth=0 >> tbody tr .badge').allTextContents();
  assert.deepEqual(statuses, ['done', 'done', 'done']);

  // 4. the training plan: the answers chose a default plan (new to avails and packages:
  // the phased review), which the pim changes
  assert.match(await page.textContent('section[aria-labelledby=training-h]'), /Phased review/);
  assert.equal(await page.locator('input[name=modules][value=phased_review]').isChecked(), true);
  for (const m of ['technical_asset_review', 'phased_review'])
    await page.locator(`input[name=modules][value=${m}]`).uncheck();
  await page.getByLabel('Avails review').check();
  await submit(page, page.getByRole('button', { name: 'Save the training plan' }));
  await flashOk(page, /Training plan saved/);
  assert.match(await page.textContent('section[aria-labelledby=training-h]'), /Avails review/);

  // 5. confirm (asks first): the partner is in training, its 30-day clock runs
  await submit(page, page.getByRole('button', { name: 'Confirm setup' }));
  await flashOk(page, /Setup confirmed/);
  assert.match(await page.textContent('.partner-meta'), /Training/);
  assert.equal(await page.locator('#confirm-why').count(), 0);

  // 6. a delivery request, listed with live countdowns and a link to its page
  await page.getByText('Issue a delivery request').click();
  await page.getByLabel('Kind').selectOption('avails');
  await page.getByLabel('Title', { exact: true }).fill('Winter <slate> avails');
  await page.getByLabel('Note for the partner (optional)').fill('EMA Avails 1.7, all titles.');
  await submit(page, page.getByRole('button', { name: 'Issue the request' }));
  await flashOk(page, /Delivery request issued/);
  const row = page.locator('section[aria-labelledby=req-h] tbody tr').first();
  const link = row.getByRole('link', { name: 'Winter <slate> avails' });
  assert.match(await link.getAttribute('href'), /^\/requests\/\d+$/);
  await page.waitForFunction(() => /left$/.test(document.querySelector('section[aria-labelledby=req-h] .countdown')?.textContent || ''));
  // the test clock stands still; the page's countdown ticks on from the server's time
  assert.match(await row.locator('td[data-label="Deliver by"] .countdown').textContent(),
    /^(2 d 0 h 0 min|1 d 23 h 5\d min) left$/);
  assert.match(await row.locator('td[data-label="Respond by"] .countdown').textContent(), /left$/);
  assert.match(await row.locator('td[data-label="Deliver by"]').textContent(), /by 09:00 on Wed 2 Dec/);

  // the timeline: stages, the clocks now running, "now"; the same in words
  const svg = page.locator('.timeline svg.tl');
  assert.equal(await svg.count(), 1);
  assert.equal(await svg.getAttribute('role'), 'img');
  assert.match(await svg.locator('title#tl-title').textContent(), /Timeline of Juniper <Films> & "Co"/);
  const labels = await svg.locator('.tl-label').allTextContents();
  for (const stage of ['Invited', 'Questionnaire', 'Account setup', 'Training', 'Steady state'])
    assert.ok(labels.includes(stage), `the ${stage} row (${labels})`);
  assert.ok(labels.some((l) => /^Deliver 48 h: Winter <slate>/.test(l)), `the request's delivery clock (${labels})`);
  assert.ok(labels.includes('Training 30 d'));
  assert.equal(await svg.locator('.tl-stage.training.current').count(), 1);
  assert.equal(await svg.locator('.tl-stage.setup.done').count(), 1);
  assert.ok(await svg.locator('.tl-clock.running').count() >= 3, 'training cap, delivery and response clocks run');
  assert.equal(await svg.locator('.tl-clock.met').count(), 1, 'the setup clock was met');
  assert.equal(await svg.locator('.tl-now').count(), 1);
  assert.match(await svg.locator('.tl-clock.running title').first().textContent(), /due \w{3} \d+ \w{3} 2026/);
  const words = await page.textContent('.tl-words');
  assert.match(words, /Training: current stage, began Mon 30 Nov 2026/);
  assert.match(words, /Account setup: done/);
  assertClean(page);
});

test('clocks are paused and resumed through forms, and a silent partner gets a warning on the timeline', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, w.email.pim, STAFF_PASSWORD);
  const url = `${w.s.base}/partners/${p.id}`;
  await visit(page, url);
  const delivery = page.locator('section[aria-labelledby=clocks-h] tbody tr', { hasText: 'Delivery within 48 hours' });
  await delivery.getByText('Change').click();
  await delivery.getByLabel('Why pause it').fill('waiting on us: the spec is not ready');
  await submit(page, delivery.getByRole('button', { name: 'Pause' }));
  await flashOk(page, /Clock paused/);
  assert.match(await delivery.locator('.badge').first().textContent(), /paused/);
  assert.equal(await page.locator('.timeline svg .tl-clock.paused').count(), 1);
  await delivery.getByText('Change').click();
  await submit(page, delivery.getByRole('button', { name: 'Resume' }));
  await flashOk(page, /Clock resumed/);
  assert.match(await delivery.locator('.badge').first().textContent(), /running/);
  // the training cap cannot be paused, only extended on record
  const cap = page.locator('section[aria-labelledby=clocks-h] tbody tr', { hasText: 'Training within 30 days' });
  await cap.getByText('Change').click();
  assert.equal(await cap.getByRole('button', { name: 'Pause' }).count(), 0);
  await cap.getByLabel('Days to add').fill('2');
  await cap.getByLabel('Why (on record)').fill('holiday season');
  await submit(page, cap.getByRole('button', { name: 'Extend' }));
  await flashOk(page, /Clock extended/);
  assert.match(await cap.textContent(), /\+2 d/);

  // three working days of silence (Mon 30 Nov + Tue, Wed, Thu): warning 1 at the end of Thursday
  await at(w, '2026-12-04T01:00:00Z');
  await visit(page, url);
  assert.match(await page.textContent('section[aria-labelledby=warn-h]'), /Warning 1/);
  const svg = page.locator('.timeline svg.tl');
  assert.equal(await svg.locator('.tl-warning').count(), 1);
  assert.match(await svg.locator('.tl-warning title').textContent(), /Warning 1, issued Fri 4 Dec 2026, 00:00 \(UTC\)/);
  assert.ok(await svg.locator('.tl-clock.breached').count() >= 1, 'the breached clocks are drawn');
  assert.match(await page.textContent('.partner-meta'), /1 warning/);
  // the audit log: newest first, for staff
  assert.match(await page.textContent('#log'), /training\.warning/);
  assert.match(await page.textContent('#log'), /setup\.item/);
  await shot(page, 'partner-staff');
  assertClean(page);
});

test('the partner sees its own page read-only, with what it owes and by when', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  await visit(page, `${w.s.base}/partners/${p.id}`, 'partner-partner');
  assert.equal(await page.textContent('h1'), 'Juniper <Films> & "Co"');
  // no staff form: only asking for an alternate solution (in its own section, open: easy to find)
  const actions = await page.locator('form input[name=do]').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(actions, ['alternate_ask']);
  assert.equal(await page.locator('#log').count(), 0, 'the audit log is for staff');
  assert.equal(await page.locator('section[aria-labelledby=clocks-h] details').count(), 0, 'no clock changes');
  assert.match(await page.textContent('.next-list'), /Your move/);
  // the timeline, from what the partner may read (no audit log): the same stages
  const labels = await page.locator('.timeline svg.tl .tl-label').allTextContents();
  for (const stage of ['Invited', 'Questionnaire', 'Account setup', 'Training']) assert.ok(labels.includes(stage));
  assert.equal(await page.locator('.timeline svg .tl-stage.training.current').count(), 1);
  assert.equal(await page.locator('.timeline svg .tl-warning').count(), 1);
  // the alternate solution goes to the account managers
  await page.getByLabel('Which deadline you cannot meet, and why').fill('Our encoder is down until Monday.');
  await submit(page, page.getByRole('button', { name: 'Request an alternate solution' }));
  await flashOk(page, /alternate solution is sent/);
  assertClean(page);

  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, w.s.base, p.contact, 'partner password 1');
  await visit(phone, `${w.s.base}/partners/${p.id}`, 'partner-phone');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling of the page (${overflow}px); the chart scrolls in its box`);
  assert.ok(await phone.locator('.tl-words').isVisible(), 'the timeline in words on a phone');
});

test('a user of another organisation gets the 404 page for this partner\'s pages', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, other.contact, 'partner password 1');
  for (const path of [`/partners/${p.id}`, `/partners/${p.id}?log=all`]) {
    const res = await page.goto(`${w.s.base}${path}`);
    assert.equal(res.status(), 404, path);
    assert.match(await page.textContent('h1'), /Not found/);
    assert.doesNotMatch(await page.content(), /Juniper/, 'nothing of the other organisation shows');
  }
  // a form posted by hand to the other organisation's page is refused the same way
  const csrf = await page.evaluate(() => document.querySelector('input[name=csrf]').value);
  const res = await page.request.post(`${w.s.base}/partners/${p.id}`, {
    form: { csrf, do: 'alternate_ask', reason: 'not mine' }, maxRedirects: 0 });
  assert.equal(res.status(), 404);
  // its own page opens
  await visit(page, `${w.s.base}/partners/${other.id}`);
});
