// The admin's journey in the portal (issue 14): from the navigation to
// /admin/users (adds a user, who then signs in; disables another) and
// /admin/calendars (creates a calendar, imports its holidays from an .ics
// file chosen in the browser, edits its working days). Then the partner's
// side of the dead ends: its own planner, and the upload page naming the
// late request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision } from '../api/journeys.mjs';

let w, browser, p;
const ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:boxing@example.com',
  'DTSTART;VALUE=DATE:20261226', 'DTEND;VALUE=DATE:20261227', 'SUMMARY:Boxing Day', 'RRULE:FREQ=YEARLY',
  'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  p = await invite(w, 'Larch Pictures');
  await sendAndJoin(w, p);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, p, 'larch');
  assert.equal((await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim })).status, 200);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

test('the admin adds a user and disables another from /admin/users', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, w.s.admin.email, w.s.admin.password);
  await Promise.all([page.waitForURL(/\/admin\/users$/), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click()]);
  const add = page.locator('#add-user');
  await add.getByLabel('Email').fill('new.pom@service.example');
  await add.getByLabel('Name', { exact: true }).fill('Nina Pom');
  await add.getByLabel('Role').selectOption('pom');
  await add.getByLabel('Password').fill('a long enough password');
  await Promise.all([page.waitForURL(/\/admin\/users/), add.getByRole('button', { name: 'Add the user' }).click()]);
  assert.match(await page.textContent('.flash'), /new\.pom@service\.example was added/);
  const row = page.locator('#users-table tr[data-email="new.pom@service.example"]');
  assert.match(await row.textContent(), /Nina Pom[\s\S]*never[\s\S]*active/);
  // the partner's row names its organisation and says when it last signed in
  const partnerRow = page.locator(`#users-table tr[data-email="${p.contact}"]`);
  assert.match(await partnerRow.textContent(), /Larch Pictures[\s\S]*organisation admin[\s\S]*2026|Larch Pictures[\s\S]*\d{4}/);
  const signed = await w.s.signIn('new.pom@service.example', 'a long enough password');
  assert.ok(signed, 'the new user signs in');
  // disable the commercial user: its token stops working
  const com = page.locator('#users-table tr[data-email="commercial@service.example"]');
  await Promise.all([page.waitForURL(/\/admin\/users/), com.getByRole('button', { name: 'Disable' }).click()]);
  assert.match(await page.textContent('.flash'), /disabled/);
  assert.match(await page.locator('#users-table tr[data-email="commercial@service.example"]').textContent(), /disabled/);
  assert.equal((await w.s.call('GET', '/api/v1/me', { token: w.tok.commercial })).status, 401);
  await shot(page, 'admin-users');
  assertClean(page);
});

test('the admin creates a calendar, imports its holidays from an .ics file and edits its working days', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, w.s.admin.email, w.s.admin.password);
  await Promise.all([page.waitForURL(/\/admin\/calendars$/), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendars' }).click()]);
  const form = page.locator('#new-calendar');
  await form.getByLabel('Name').fill('Dublin office');
  await form.getByLabel('Time zone').fill('Europe/Dublin');
  await form.getByLabel('Holidays').fill('2026-12-25 Christmas Day');
  await Promise.all([page.waitForURL(/\/admin\/calendars#calendar-\d+/), form.getByRole('button', { name: 'Create the calendar' }).click()]);
  assert.match(await page.textContent('.flash'), /created/);
  const card = page.locator('.adm-calendar[data-name="Dublin office"]');
  assert.match(await card.locator('.hint').first().textContent(), /Europe\/Dublin · works Mon, Tue, Wed, Thu, Fri · 2026–2027 · 1 holidays/);
  // the .ics file, chosen in the browser
  const dir = mkdtempSync(join(tmpdir(), 'vg-ics-'));
  writeFileSync(join(dir, 'ireland.ics'), ICS);
  await card.locator('input[type=file]').setInputFiles(join(dir, 'ireland.ics'));
  await page.waitForFunction(() => [...document.querySelectorAll('textarea[name=ics]')].some((t) => t.value.includes('Boxing Day')));
  await Promise.all([page.waitForURL(/\/admin\/calendars/), card.getByRole('button', { name: 'Import the holidays' }).click()]);
  assert.match(await page.textContent('.flash'), /holidays of the file were added/);
  const after = page.locator('.adm-calendar[data-name="Dublin office"]');
  const hol = await after.locator('textarea[name=holidays]').inputValue();
  assert.match(hol, /2026-12-26 Boxing Day/);
  assert.match(hol, /2027-12-26 Boxing Day/, 'the yearly rule is expanded over the covered years');
  // Saturday becomes a working day
  await after.getByLabel('Sat').check();
  await Promise.all([page.waitForURL(/\/admin\/calendars/), after.getByRole('button', { name: 'Save' }).click()]);
  assert.match(await page.textContent('.flash'), /saved; 0 running clocks moved/);
  assert.match(await page.locator('.adm-calendar[data-name="Dublin office"] .hint').first().textContent(), /works Mon, Tue, Wed, Thu, Fri, Sat · 2026–2027 · 3 holidays/);
  const api = (await w.s.call('GET', '/api/v1/calendars', { token: w.tok.admin })).json.calendars.find((c) => c.name === 'Dublin office');
  assert.deepEqual(api.working_days, [1, 2, 3, 4, 5, 6]);
  await shot(page, 'admin-calendars');
  assertClean(page);
});

test('a partner plans for itself on /plan, and its upload page names the late request', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  await Promise.all([page.waitForURL(/\/plan$/), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Planner' }).click()]);
  const choices = await page.locator('#partner option').allTextContents();
  assert.deepEqual(choices.map((c) => c.trim()), ['Larch Pictures (Training)']);
  assert.equal(await page.locator('fieldset.plan-prospect').count(), 0, 'no prospect for a partner');
  await page.getByLabel('Target publish date').fill('2027-01-10');
  await Promise.all([page.waitForURL(/\/plan\?/), page.getByRole('button', { name: 'Compute the plan' }).click()]);
  assert.match(await page.textContent('#verdict-h'), /for Larch Pictures/);
  await shot(page, 'plan-partner');
  // a request, then two days later another: the first is late and comes first, selected
  const issue = (title) => w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title } });
  const first = (await issue('Avails: the back catalogue')).json.id;
  await at(w, '2026-11-26T15:00:00Z');
  await issue('Avails: December prices');
  await visit(page, `${w.s.base}/upload`);
  await page.waitForSelector('#upload-app:not([hidden])');
  assert.equal(await page.locator('#request').inputValue(), String(first));
  assert.match(await page.locator('#request option:checked').textContent(), /late \(was due by 09:00 on Wed 25 Nov, Europe\/London\)/);
  assert.match(await page.textContent('#late-requests'), /A request is overdue[\s\S]*Avails: the back catalogue[\s\S]*late \(was due by 09:00 on Wed 25 Nov/);
  await shot(page, 'upload-late');
  assertClean(page);
});
