// The dashboard (GET / signed in) in a real browser: the staff view with its
// stage counts, clock lists and the filtered, sorted, paged partner list; the
// partner's and the posthouse's views; and the required one: the test clock
// moves past a request's 48 hours and its response clock, and the dashboard
// shows the breach and the warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision } from '../api/journeys.mjs';

let w, browser;
const org = {};
const STAFF_PW = 'correct horse battery';
const PARTNER_PW = 'partner password 1';
const FILLERS = 30;

async function confirm(p) {
  const r = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

before(async () => {
  // Monday 2 November 2026 in London
  w = await world('2026-11-02T08:00:00Z');
  browser = await launch();
  // Juniper: in training, with a request whose 48 hours run from Monday 10:00
  org.juniper = await invite(w, 'Juniper Films');
  await sendAndJoin(w, org.juniper);
  await answerAndSubmit(w, org.juniper, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, org.juniper, 'juniper');
  assert.equal((await confirm(org.juniper)).stage, 'training');
  // Keystone: an onboarded posthouse (training skipped), and Orbit, which delivers through it
  org.keystone = await invite(w, 'Keystone Post', { posthouse: true });
  await sendAndJoin(w, org.keystone);
  await answerAndSubmit(w, org.keystone, { delivery_method: 'self', already_onboarded: 'yes' });
  await provision(w, org.keystone, 'keystone');
  assert.equal((await confirm(org.keystone)).stage, 'steady_state');
  org.orbit = await invite(w, 'Orbit Media');
  await sendAndJoin(w, org.orbit);
  await answerAndSubmit(w, org.orbit, { delivery_method: 'posthouse', posthouse_id: org.keystone.id });
  await at(w, '2026-11-02T09:00:00Z');
  org.zenith = await invite(w, 'Zenith Pictures');
  await sendAndJoin(w, org.zenith);
  org.acme = await invite(w, 'Acme Studios');
  for (let i = 1; i <= FILLERS; i++) await invite(w, `Filler ${String(i).padStart(2, '0')}`);
  await at(w, '2026-11-02T10:00:00Z');
  const req = await w.s.call('POST', `/api/v1/partners/${org.juniper.id}/requests`, { token: w.tok.pim,
    body: { kind: 'avails', title: 'Launch avails' } });
  assert.equal(req.status, 201, req.text);
  org.juniper.request = req.json.id;
  const orq = await w.s.call('POST', `/api/v1/partners/${org.keystone.id}/requests`, { token: w.tok.pom,
    body: { kind: 'asset_package', title: 'Winter catalogue' } });
  assert.equal(orq.status, 201, orq.text);
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

// The text of the partner list's names, in order.
const names = (page) => page.locator('table.dash-partners tbody tr td:first-child a').allTextContents();

test('the staff dashboard shows partners by stage and the clocks due soon', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, w.email.pim, STAFF_PW);
  const res = await visit(page, `${w.s.base}/`);
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
  assert.match(await page.title(), /Dashboard/);
  const count = async (stage) => page.locator(`.dash-stages .stat[data-stage="${stage}"] .n`).textContent();
  assert.equal(await count('invited'), String(FILLERS + 1));
  assert.equal(await count('questionnaire'), '1');
  assert.equal(await count('setup'), '1');
  assert.equal(await count('training'), '1');
  assert.equal(await count('steady_state'), '1');
  // the request's 48 hours: due Wednesday 10:00 London, the zone named, counting down
  const due = page.locator('.dash-due tbody tr', { hasText: 'Juniper Films' }).filter({ hasText: 'Delivery within 48 hours' });
  assert.equal(await due.count(), 1);
  const row = await due.textContent();
  assert.match(row, /Launch avails/);
  assert.match(row, /by 10:00 on Wed 4 Nov,\s+Europe\/London/, 'a deadline in words');
  assert.match(row, /Europe\/London/);
  assert.equal(await due.locator('.countdown').getAttribute('data-due'), '2026-11-04T10:00:00Z');
  assert.match(await due.locator('.countdown').textContent(), /^1 d 23 h \d+ min left$/, 'the countdown ticks on the server clock');
  assert.equal(await due.locator('a[href^="/partners/"]').getAttribute('href'), `/partners/${org.juniper.id}`);
  assert.equal(await due.locator('a[href^="/requests/"]').getAttribute('href'), `/requests/${org.juniper.request}`);
  assert.match(await page.locator('.dash-breached').textContent(), /No clock ran out/);
  assert.match(await page.locator('#partners-count').textContent(), new RegExp(`Showing 1–25 of ${FILLERS + 5}`));
  await shot(page, 'dashboard-staff');
  // a cam may invite from here; a pim may not
  assert.equal(await page.locator('main a[href="/partners/new"]').count(), 0);
  const cam = await newPage(browser);
  await signIn(cam, w.s.base, w.email.cam, STAFF_PW);
  assert.equal(await cam.locator('main a[href="/partners/new"]').count(), 1);
  assertClean(cam);
  // on a phone: everything readable, nothing wider than the screen
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, w.s.base, w.email.pim, STAFF_PW);
  await visit(phone, `${w.s.base}/`, 'dashboard-staff-phone');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  assertClean(phone);
});

test('the partner list filters by stage, name and owner, sorts and pages', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, w.email.cam, STAFF_PW);
  // a stage count is a link that filters the list
  await Promise.all([page.waitForURL(/\?stage=invited#partners$/), page.locator('.dash-stages .stat[data-stage="invited"]').click()]);
  assert.equal(await page.locator('.dash-stages .stat[aria-current="true"]').getAttribute('data-stage'), 'invited');
  const stages = await page.locator('table.dash-partners tbody td[data-label="Stage"]').allTextContents();
  assert.equal(stages.length, 25);
  assert.ok(stages.every((s) => /Invited/.test(s)), stages.join(','));
  assert.match(await page.locator('#partners-count').textContent(), new RegExp(`Showing 1–25 of ${FILLERS + 1}`));
  assert.equal((await names(page))[0], 'Acme Studios');
  // the next page
  await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: 'Next page' }).click()]);
  assert.match(await page.locator('#partners-count').textContent(), new RegExp(`Showing 26–${FILLERS + 1} of ${FILLERS + 1}`));
  assert.equal((await names(page)).at(-1), `Filler ${FILLERS}`);
  assertClean(page);
  // the form: any stage, a part of the name
  await page.selectOption('#f-stage', '');
  await page.fill('#f-q', 'juni');
  await Promise.all([page.waitForURL(/q=juni/), page.getByRole('button', { name: 'Show' }).click()]);
  assert.deepEqual(await names(page), ['Juniper Films']);
  assert.match(await page.locator('#partners-count').textContent(), /Showing 1–1 of 1\./);
  await Promise.all([page.waitForURL(/\/#partners$/), page.getByRole('link', { name: 'Clear the filters' }).click()]);
  // sorting by a column header; a second click reverses it
  const stageHeader = page.getByRole('link', { name: 'Stage', exact: true });
  await Promise.all([page.waitForURL(/sort=stage/), stageHeader.click()]);
  assert.match(await page.locator('th[aria-sort="ascending"]').textContent(), /^Stage ▲$/);
  let first = await page.locator('table.dash-partners tbody tr').first().textContent();
  assert.match(first, /Invited/);
  await Promise.all([page.waitForURL(/sort=stage&dir=desc/), stageHeader.click()]);
  first = await page.locator('table.dash-partners tbody tr').first().textContent();
  assert.match(first, /Steady state/);
  assert.match(first, /Keystone Post/);
  await visit(page, `${w.s.base}/?sort=name&dir=desc`);
  assert.equal((await names(page))[0], 'Zenith Pictures');
  // nonsense in the URL falls back to the defaults, never an error page
  await visit(page, `${w.s.base}/?stage=nowhere&sort=size&dir=up&page=-3&limit=0&mine=perhaps&q=%FF%FE`);
  assert.match(await page.locator('#partners-count').textContent(), new RegExp(`Showing 1–25 of ${FILLERS + 5}`));
  await visit(page, `${w.s.base}/?q=${'é'.repeat(60)}`); // 120 bytes: cut at 100, between characters
  assert.match(await page.locator('#partners-count').textContent(), /No partner matches/);
  await visit(page, `${w.s.base}/?stage=invited&page=99`);
  assert.match(await page.locator('#partners-count').textContent(), new RegExp(`Showing 26–${FILLERS + 1} of ${FILLERS + 1}`), 'past the end: the last page');
  assertClean(page);
  // "mine" for the pim: the partners whose setup it confirmed
  const pim = await newPage(browser);
  await signIn(pim, w.s.base, w.email.pim, STAFF_PW);
  await pim.check('#f-mine');
  await Promise.all([pim.waitForURL(/mine=1/), pim.getByRole('button', { name: 'Show' }).click()]);
  const mine = await names(pim);
  assert.ok(mine.includes('Juniper Films') && mine.includes('Keystone Post'), mine.join(','));
  assert.ok(!mine.includes('Acme Studios'), mine.join(','));
  assert.ok(await pim.isChecked('#f-mine'), 'the form shows the filter in use');
  assertClean(pim);
});

test('a partner sees its stage, what happens next, what is asked and by when', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, org.juniper.contact, PARTNER_PW);
  await visit(page, `${w.s.base}/`, 'dashboard-partner');
  assert.equal(await page.locator('h1').textContent(), 'Juniper Films');
  assert.match(await page.locator('.dash-stage').textContent(), /Training/);
  assert.match(await page.locator('.dash-next').textContent(), /deliver each one within 48\s+hours/);
  const ask = page.locator('.dash-ask', { hasText: 'Launch avails' });
  assert.match(await ask.textContent(), /Deliver by\s+10:00 on Wed 4 Nov,\s+Europe\/London/);
  assert.match(await ask.textContent(), /Reply or deliver by\s+the end of Thu 5 Nov,/);
  assert.equal(await ask.locator('a').first().getAttribute('href'), `/requests/${org.juniper.request}`);
  assert.equal(await page.locator('main a[href="/upload"]').count(), 1);
  assert.match(await page.locator('.dash-warnings').textContent(), /no warnings/);
  // nothing of another organisation, and no staff lists
  const text = await page.locator('main').textContent();
  for (const other of ['Acme Studios', 'Zenith Pictures', 'Keystone Post', 'Orbit Media']) assert.ok(!text.includes(other), other);
  assert.equal(await page.locator('.dash-stages, #partners').count(), 0);
  // a partner in the questionnaire stage is sent to it
  const z = await newPage(browser);
  await signIn(z, w.s.base, org.zenith.contact, PARTNER_PW);
  assert.equal(await z.locator('main a[href$="/questionnaire"]').getAttribute('href'), `/partners/${org.zenith.id}/questionnaire`);
  assert.match(await z.locator('.dash-next').textContent(), /Fill in the onboarding questionnaire/);
  assertClean(z);
});

test('a posthouse sees its own requests and the partners it delivers for', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, org.keystone.contact, PARTNER_PW);
  await visit(page, `${w.s.base}/`, 'dashboard-posthouse');
  assert.equal(await page.locator('h1').textContent(), 'Keystone Post');
  assert.match(await page.locator('.dash-asked').textContent(), /Winter catalogue/);
  const principal = page.locator('.dash-principal');
  assert.equal(await principal.count(), 1);
  assert.match(await principal.textContent(), /Orbit Media/);
  assert.match(await principal.textContent(), /Account setup/);
  assert.ok(!(await page.locator('main').textContent()).includes('Juniper Films'));
});

test('the clock is moved forward and the dashboard shows the breach and the warning', async () => {
  const staff = await newPage(browser);
  await signIn(staff, w.s.base, w.email.pim, STAFF_PW);
  const partner = await newPage(browser);
  await signIn(partner, w.s.base, org.juniper.contact, PARTNER_PW);
  // past the 48 hours of the request (due Wed 4 Nov 10:00Z)
  await at(w, '2026-11-04T12:00:00Z');
  await visit(staff, `${w.s.base}/`);
  const breach = staff.locator('.dash-breached tbody tr', { hasText: 'Juniper Films' });
  assert.equal(await breach.count(), 1);
  assert.match(await breach.textContent(), /Delivery within 48 hours: Launch avails/);
  assert.match(await breach.textContent(), /by 10:00 on Wed 4 Nov,\s+Europe\/London/);
  assert.match(await breach.locator('.countdown').textContent(), /^late by 2 h 0 min/);
  assert.ok(await breach.locator('.countdown.late').count(), 'the countdown is marked late');
  // Keystone's steady-state request ran out too (recorded, no warnings ladder)
  assert.equal(await staff.locator('.dash-breached h2 .badge').textContent(),
    String(await staff.locator('.dash-breached tbody tr').count()));
  // the response clock is now the next thing due
  assert.match(await staff.locator('.dash-due').textContent(), /Response within 3 working days/);
  // past the 3 working days (due Fri 6 Nov 00:00Z): warning 1 is issued
  await at(w, '2026-11-06T00:30:00Z');
  await staff.reload();
  assertClean(staff);
  const warning = staff.locator('.dash-warnings .dash-item', { hasText: 'Juniper Films' });
  assert.equal(await warning.count(), 1);
  assert.match(await warning.textContent(), /Warning 1/);
  assert.match(await warning.textContent(), /Launch avails/);
  assert.match(await warning.textContent(), /Fri 6 Nov 2026, 00:00 \(UTC\)/);
  const kinds = await staff.locator('.dash-breached tbody td[data-label="Clock"]').allTextContents();
  assert.ok(kinds.some((k) => /Response within 3 working days/.test(k)) && kinds.some((k) => /Delivery within 48 hours/.test(k)), kinds.join(','));
  await shot(staff, 'dashboard-breach');
  // the partner sees the same: its warning, and the next response due
  await visit(partner, `${w.s.base}/`, 'dashboard-partner-warning');
  assert.match(await partner.locator('.dash-warnings').textContent(), /Warning 1/);
  const ask = partner.locator('.dash-ask', { hasText: 'Launch avails' });
  assert.match(await ask.textContent(), /Reply or deliver by/);
  assert.ok(!(await ask.textContent()).includes('Deliver by'), 'the 48 hours are over: no delivery countdown');
});
