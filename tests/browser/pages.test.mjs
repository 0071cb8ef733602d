// The planner, the posthouse directory, the outbox and the account page in a
// real browser: each renders for the roles that may open it (screenshots of
// each), a partner user is refused the staff pages, a password is changed
// through the form and works at the next sign-in, an API token made in the
// browser works against the API until it is revoked there, and the
// calendar-feed link made there answers text/calendar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, invite, sendAndJoin, answerAndSubmit, provision } from '../api/journeys.mjs';

const PW = 'correct horse battery';
let w, s, browser, partner, posthouse;

before(async () => {
  w = await world('2026-11-27T09:00:00Z');
  s = w.s;
  // an onboarded posthouse with its approved formats, in its own zone
  posthouse = await invite(w, 'Northlight Post', { posthouse: true, time_zone: 'Europe/Berlin' });
  await sendAndJoin(w, posthouse);
  await answerAndSubmit(w, posthouse, { already_onboarded: 'yes' });
  await provision(w, posthouse, 'northlight');
  await s.call('PUT', `/api/v1/partners/${posthouse.id}/training/plan`, { token: w.tok.pim, body: { modules: [] } });
  const c = await s.call('POST', `/api/v1/partners/${posthouse.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(c.json.stage, 'steady_state', c.text);
  const f = await s.call('PUT', `/api/v1/partners/${posthouse.id}/approved-formats`, { token: w.tok.pim,
    body: { approved_formats: ['HD', 'UHD', 'SDR', 'HDR10', 'Stereo', '5.1', 'TTML'] } });
  assert.equal(f.status, 200, f.text);
  // a partner in training, delivering HD/SDR/Stereo/TTML by itself
  partner = await invite(w, 'Marigold Films');
  await sendAndJoin(w, partner);
  await answerAndSubmit(w, partner, { delivery_method: 'self', already_onboarded: 'no',
    formats_resolution: ['HD'], formats_dynamic_range: ['SDR'], formats_audio: ['Stereo'], formats_captions: ['TTML'] });
  await provision(w, partner, 'marigold');
  await s.call('PUT', `/api/v1/partners/${partner.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
  const t = await s.call('POST', `/api/v1/partners/${partner.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(t.json.stage, 'training', t.text);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  // the server's own time for each page (the log line's ms), for the record
  const lines = (s?.stderr || '').split('\n').filter((l) => / (GET|POST) \/(plan|posthouses|outbox|account)\b/.test(l));
  if (lines.length) console.log(lines.map((l) => `# ${l}`).join('\n'));
  assert.equal((await s.stop()).code, 0);
});

test('the planner: a partner and a target give the verdict, the steps, a chart and the key dates', async () => {
  const page = await newPage(browser);
  await signIn(page, s.base, w.email.pim, PW);
  await visit(page, `${s.base}/plan`);
  await page.getByLabel('Partner', { exact: true }).selectOption({ label: 'Marigold Films (Training)' });
  await page.getByLabel('Target publish date').fill('2027-03-01');
  await Promise.all([page.waitForURL(/\/plan\?/), page.getByRole('button', { name: 'Compute the plan' }).click()]);
  assert.match(await page.textContent('#verdict-h'), /Feasible on the standard path/);
  assert.match(await page.textContent('#verdict-h'), /Marigold Films/);
  assert.match(await page.textContent('.plan-facts'), /Monday 1 March 2027/);
  const steps = await page.$$eval('.plan-steps tbody th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.deepEqual(steps, ['Account setup', 'Training', 'Publishing']);
  assert.equal(await page.locator('svg.plan-chart rect.bar').count(), 2, 'training and publishing have bars');
  assert.ok(await page.locator('.plan-dates li').count() >= 3);
  assertClean(page);
  await shot(page, 'plan');

  // a prospect needed sooner than onboarding allows: only a posthouse gets there
  await visit(page, `${s.base}/plan?partner=&target=2027-01-05&time_zone=Europe%2FLondon`);
  assert.match(await page.textContent('#verdict-h'), /Needs an onboarded posthouse/);
  assert.match(await page.textContent('.plan-posthouses'), /Northlight Post/);
  assert.match(await page.textContent('.plan-risks'), /before the earliest date/);
  await shot(page, 'plan-prospect');

  // a Channels partner: the launch milestones its plm set are key dates, the timeline a step
  const ch = await invite(w, 'Cobalt Channels', { channels: true });
  const m = await s.call('POST', `/api/v1/partners/${ch.id}/milestones`, { token: w.tok.plm,
    body: { name: 'Pre-publishing QA testing', due_at: '2027-02-15T09:00:00Z' } });
  assert.equal(m.status, 201, m.text);
  await visit(page, `${s.base}/plan?partner=${ch.id}&target=2027-02-01`, 'plan-channels');
  assert.match(await page.textContent('.plan-dates'), /Monday 15 February 2027.*Launch milestone: Pre-publishing QA testing/);
  assert.match(await page.textContent('#verdict-h'), /Not feasible|Needs an onboarded posthouse/);
  assert.equal(await page.locator('svg.plan-chart rect.bar').count(), 4);

  // a bad zone says what is wrong, in the form
  const res = await page.goto(`${s.base}/plan?target=2027-01-05&time_zone=Mars%2FOlympus`);
  assert.equal(res.status(), 422);
  assert.match(await page.textContent('#plan-error'), /Mars\/Olympus.*IANA/);
});

test('the posthouse directory: staff and partners see it and filter it by what is delivered', async () => {
  const page = await newPage(browser);
  await signIn(page, s.base, partner.contact, 'partner password 1');
  await visit(page, `${s.base}/posthouses`);
  assert.match(await page.textContent('.ph-table'), /Northlight Post/);
  assert.match(await page.textContent('.ph-table'), /Europe\/Berlin/);
  assert.match(await page.textContent('.lead'), /questionnaire/, 'a partner is told how to use one');
  await shot(page, 'posthouses-partner');
  await page.getByLabel('UHD').check();
  await page.getByLabel('TTML').check();
  await Promise.all([page.waitForURL(/f_UHD/), page.getByRole('button', { name: 'Show posthouses' }).click()]);
  assert.match(await page.textContent('#ph-summary'), /1 of 1 onboarded posthouses deliver UHD, TTML/);
  await page.getByLabel('Atmos').check();
  await Promise.all([page.waitForURL(/f_Atmos/), page.getByRole('button', { name: 'Show posthouses' }).click()]);
  assert.match(await page.textContent('#ph-summary'), /0 of 1/);
  assert.equal(await page.locator('.ph-table').count(), 0);
  assertClean(page);

  const staff = await newPage(browser);
  await signIn(staff, s.base, w.email.cam, PW);
  await visit(staff, `${s.base}/posthouses?f_HD=1&f_5.1=1`, 'posthouses');
  assert.match(await staff.textContent('#ph-summary'), /1 of 1 onboarded posthouses deliver HD, 5\.1/);
});

test('the outbox: staff filter it and read a message; a partner user reads only its own mail there', async () => {
  const page = await newPage(browser);
  await signIn(page, s.base, w.email.commercial, PW);
  await visit(page, `${s.base}/outbox`);
  assert.ok(await page.locator('.outbox-table tbody tr').count() >= 2);
  await page.getByLabel('State').selectOption('queued');
  await page.locator('#partner').selectOption({ label: 'Marigold Films' });
  await Promise.all([page.waitForURL(/state=queued/), page.getByRole('button', { name: 'Show' }).click()]);
  const rows = page.locator('.outbox-table tbody tr');
  assert.ok(await rows.count() >= 1);
  for (const to of await page.$$eval('.outbox-table td[data-label="To"]', (tds) => tds.map((t) => t.textContent)))
    assert.match(to, /Marigold Films/);
  await rows.first().locator('summary').first().click();
  assert.ok((await rows.first().locator('pre.mail-body').innerText()).length > 20, 'the body shows');
  assertClean(page);
  await shot(page, 'outbox');

  // a partner user reads its own mail there, as "Messages": nobody else's, no staff filters
  const org = await newPage(browser);
  await signIn(org, s.base, partner.contact, 'partner password 1');
  await visit(org, `${s.base}/outbox?to=${encodeURIComponent(w.email.cam)}`);
  assert.match(await org.textContent('h1'), /Messages/);
  assert.equal(await org.locator('form.filters').count(), 0, 'no staff filters');
  assert.equal(await org.locator('.outbox-table tbody tr').count(), 0, 'asking for another\'s mail finds nothing');
  await visit(org, `${s.base}/outbox`);
  const mine = await org.locator('.outbox-table tbody tr').count();
  assert.ok(mine >= 1, 'its own mail is listed');
  const own = (await s.call('GET', `/api/v1/messages?to=${encodeURIComponent(partner.contact)}`, { token: w.tok.admin })).json.messages;
  assert.equal(mine, own.length, 'exactly its own mail');
  await shot(org, 'messages-partner');
  // the planner is the partner's too (issue 14), for its own organisation only
  const plan = await org.goto(`${s.base}/plan?target=2027-03-01`);
  assert.equal(plan.status(), 200, '/plan');
  const nav = await org.$$eval('nav[aria-label="Main"] a', (as) => as.map((a) => a.textContent));
  assert.ok(!nav.includes('Outbox') && nav.includes('Messages') && nav.includes('Planner'), 'its messages are offered, not the outbox; the planner is');
});

test('a refused form keeps what was typed in it; passwords are never kept', async () => {
  await s.userWithToken(w.tok.admin, 'keep@service.example', 'pom');
  const page = await newPage(browser);
  await signIn(page, s.base, 'keep@service.example', PW);
  await visit(page, `${s.base}/account`);
  // a label over the server's 100 characters (the browser's own limit taken off)
  const long = 'the nightly script that delivers our avails '.repeat(4);
  await page.evaluate(() => document.getElementById('label').removeAttribute('maxlength'));
  await page.fill('#label', long);
  await page.selectOption('#expires_in_days', '365');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create token' }).click()]);
  assert.match(await page.textContent('.flash-error'), /names what the token is for \(1 to 100 characters\)/);
  assert.equal(await page.inputValue('#label'), long, 'the typed label is back in its field');
  assert.equal(await page.inputValue('#expires_in_days'), '365', 'and the choice too');
  // shortened, it goes through, and nothing comes back on the next visit
  await page.fill('#label', 'nightly avails');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create token' }).click()]);
  assert.match(await page.inputValue('#new-token-value'), /\S{20,}/, 'the new token is shown once');
  assert.equal(await page.inputValue('#label'), '', 'nothing typed comes back after a success');
  // a refused password change: the password fields come back empty
  const form = page.locator('#password form');
  await form.getByLabel('Current password').fill('not my password');
  await form.getByLabel('New password', { exact: true }).fill('a fresh passphrase here');
  await form.getByLabel('New password again').fill('a fresh passphrase here');
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.waitForSelector('.flash-error');
  assert.equal(await form.getByLabel('Current password').inputValue(), '');
  assert.equal(await form.getByLabel('New password', { exact: true }).inputValue(), '');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('vodgate-form')), null, 'nothing is left in storage');
});

test('the account: change the password through the form, then sign in with the new one', async () => {
  await s.userWithToken(w.tok.admin, 'acct@service.example', 'pom');
  const page = await newPage(browser);
  await signIn(page, s.base, 'acct@service.example', PW);
  await visit(page, `${s.base}/account`);
  assert.match(await page.textContent('.account-facts'), /Partner Operations Manager/);
  const form = page.locator('#password form');
  // the two new passwords differ: the form says so and changes nothing
  await form.getByLabel('Current password').fill(PW);
  await form.getByLabel('New password', { exact: true }).fill('a fresh passphrase here');
  await form.getByLabel('New password again').fill('a different one there');
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.waitForSelector('.flash-error');
  assert.match(await page.textContent('.flash-error'), /differ: type the same new password twice/);
  // the current password is wrong
  await form.getByLabel('Current password').fill('not my password');
  await form.getByLabel('New password', { exact: true }).fill('a fresh passphrase here');
  await form.getByLabel('New password again').fill('a fresh passphrase here');
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.waitForSelector('.flash-error');
  assert.match(await page.textContent('.flash-error'), /current password is not right/);
  // right
  await form.getByLabel('Current password').fill(PW);
  await form.getByLabel('New password', { exact: true }).fill('a fresh passphrase here');
  await form.getByLabel('New password again').fill('a fresh passphrase here');
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.waitForSelector('.flash-ok');
  assert.match(await page.textContent('.flash-ok'), /Password changed/);
  assertClean(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForSelector('.flash-ok');
  await signIn(page, s.base, 'acct@service.example', 'a fresh passphrase here');
  const old = await s.call('POST', '/api/v1/session', { body: { email: 'acct@service.example', password: PW } });
  assert.equal(old.status, 401, 'the old password no longer works');
});

test('the account: an API token made in the browser works against the API until revoked there', async () => {
  const page = await newPage(browser);
  await signIn(page, s.base, partner.contact, 'partner password 1');
  await visit(page, `${s.base}/account`);
  assert.match(await page.textContent('.account-facts'), /Marigold Films/);
  await page.getByLabel('What it is for').fill('delivery script');
  await page.getByLabel('Valid for').selectOption('30');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.waitForSelector('#new-token-value');
  const token = await page.inputValue('#new-token-value');
  assert.equal(token.length, 43);
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.waitForFunction(() => /Copied|Selected/.test(document.querySelector('#new-token .copy-status').textContent));
  assert.match(await page.textContent('#tokens'), /delivery script/);
  assertClean(page);
  const me = await s.call('GET', '/api/v1/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.email, partner.contact);
  // reloading does not show the secret again
  await visit(page, `${s.base}/account`);
  assert.equal(await page.locator('#new-token-value').count(), 0);
  assert.ok(!(await page.content()).includes(token), 'the secret is shown once');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Revoke delivery script' }).click();
  await page.waitForSelector('.flash-ok');
  assert.match(await page.textContent('.flash-ok'), /Token revoked/);
  assert.match(await page.textContent('#no-tokens'), /no API tokens/);
  assert.equal((await s.call('GET', '/api/v1/me', { token })).status, 401);
  assertClean(page);
});

test('the account: the calendar-feed link made there answers text/calendar; screenshots', async () => {
  const page = await newPage(browser);
  await signIn(page, s.base, w.email.pim, PW);
  await visit(page, `${s.base}/account`);
  assert.match(await page.textContent('#feed-state'), /no feed link yet/);
  await page.getByRole('button', { name: 'Make my feed link' }).click();
  await page.waitForSelector('#new-feed-value');
  const url = await page.inputValue('#new-feed-value');
  assert.match(url, /\/api\/v1\/me\/calendar\.ics\?token=[A-Za-z0-9_-]{43}$/);
  assert.match(await page.getAttribute('#webcal-link', 'href'), /^webcal:\/\//);
  const ics = await fetch(url);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar/);
  assert.match(await ics.text(), /BEGIN:VCALENDAR/);
  assert.match(await page.textContent('#feed-state'), /You have a feed link/);
  await page.getByLabel('What it is for').fill('nightly avails export');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.waitForSelector('#new-token-value');
  await shot(page, 'account-new-token');
  await visit(page, `${s.base}/account`, 'account');
  // a new link, with the confirmation, stops the old one
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Make a new link' }).click();
  await page.waitForSelector('#new-feed-value');
  assert.notEqual(await page.inputValue('#new-feed-value'), url);
  assert.equal((await fetch(url)).status, 401, 'the old link stopped working');
  assertClean(page);

  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, s.base, partner.contact, 'partner password 1');
  await visit(phone, `${s.base}/account`, 'account-phone');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the account page fits a phone (overflow ${overflow}px)`);
  await visit(phone, `${s.base}/posthouses`, 'posthouses-phone');
});
