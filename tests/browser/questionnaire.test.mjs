// The invitation link and the onboarding questionnaire in a real browser: the
// contact sets a password from the link in the mail and lands signed in; the
// form generated from the questionnaire's definition saves partial answers,
// shows each problem next to its question (and summarised at the top, with
// links) without losing what was typed, hides conditional questions until
// they apply, and submits; staff read the answers; another organisation's
// user gets 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, startServer, signIn, visit, shot, assertClean } from './browser.mjs';
import { fillQuestionnaire } from '../api/journeys.mjs';

let s, browser, admin, cam, partner, other, token;
const PASSWORD = 'a partner password 1';

before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T09:00:00Z' });
  browser = await launch();
  admin = await s.signIn(s.admin.email, s.admin.password);
  cam = (await s.userWithToken(admin, 'cam@service.example', 'cam')).token;
  const mk = async (name, contact) => {
    const r = await s.call('POST', '/api/v1/partners', { token: cam, body: { name, contact_email: contact, time_zone: 'Europe/Paris' } });
    assert.equal(r.status, 201, r.text);
    const sent = await s.call('POST', `/api/v1/partners/${r.json.id}/questionnaire/send`, { token: cam });
    assert.equal(sent.status, 200, sent.text);
    return r.json.id;
  };
  partner = await mk('Northlight Pictures', 'ops@northlight.example');
  other = await mk('Other Org', 'ops@other.example');
  await s.userWithToken(admin, 'someone@other.example', 'partner', other);
  // the one-time link of the mail the contact got (the outbox shows it under the test clock)
  const out = await s.call('GET', '/api/v1/messages?to=ops@northlight.example', { token: admin });
  const mail = out.json.messages.find((m) => /questionnaire/i.test(m.subject));
  token = mail.body.match(/\/invitations\/([A-Za-z0-9_-]{43})/)[1];
});
after(async () => {
  await browser?.close();
  assert.equal((await s.stop()).code, 0);
});

// Answers the question of a field (a .qn-q) the way a person would, by its widget.
async function answer(page, key) {
  const field = page.locator(`.qn-q[data-key="${key}"]`);
  const first = field.locator('input[type=radio], input[type=checkbox]').first();
  if (await first.count()) {
    const no = field.locator('input[value="no"]');
    await ((await no.count()) ? no : first).check();
    return;
  }
  const select = field.locator('select');
  if (await select.count()) {
    await select.selectOption({ index: 1 });
    return;
  }
  const input = field.locator('input:not([type=hidden]), textarea').first();
  const type = await input.getAttribute('type');
  const mode = await input.getAttribute('inputmode');
  const value = type === 'email' ? 'team@northlight.example'
    : type === 'date' ? '2027-03-01'
    : mode ? '12'
    : key === 'territories' || key === 'registration_country' ? 'GB'
    : key === 'languages' ? 'en-GB, fr'
    : 'Northlight answer';
  await input.fill(value);
}

test('the invitation link sets a password and lands signed in', async () => {
  const page = await newPage(browser);
  await visit(page, `${s.base}/invitations/${token}`, 'invitation');
  assert.equal(await page.inputValue('#inv-email'), 'ops@northlight.example', 'whose account it is');
  assert.match(await page.textContent('.inv'), /Northlight Pictures/);
  assert.match(await page.textContent('#inv-rules'), /At least 10 characters/);

  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('The same password again').fill('something else entirely');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.waitForSelector('#inv-error');
  assert.match(await page.textContent('#inv-error'), /not the same/);

  await page.getByLabel('New password').fill('short');
  await page.getByLabel('The same password again').fill('short');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.waitForSelector('#inv-error');
  assert.match(await page.textContent('#inv-error'), /at least 10 characters/);

  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('The same password again').fill(PASSWORD);
  await Promise.all([page.waitForURL(`${s.base}/`), page.getByRole('button', { name: 'Set password and sign in' }).click()]);
  await page.waitForSelector('nav[aria-label="Main"]');
  assert.match(await page.textContent('.flash-ok'), /password is set and you are signed in/);
  assert.match(await page.textContent('header .who'), /ops@northlight\.example/);
  assertClean(page);

  // the link worked once: now it says so and what to do
  const again = await page.goto(`${s.base}/invitations/${token}`);
  assert.equal(again.status(), 410);
  assert.match(await page.textContent('main'), /has been used/);
  await shot(page, 'invitation-used');
  const unknown = await page.goto(`${s.base}/invitations/${'x'.repeat(43)}`);
  assert.equal(unknown.status(), 404);
  assert.match(await page.textContent('main'), /new invitation/);
});

test('a partner saves partial answers, fixes the errors shown next to them, and submits', async () => {
  const page = await newPage(browser);
  await signIn(page, s.base, 'ops@northlight.example', PASSWORD);
  const url = `${s.base}/partners/${partner}/questionnaire`;
  await visit(page, url, 'questionnaire');
  assert.match(await page.textContent('.qn-meta'), /Version 2026-11-1/);
  assert.match(await page.textContent('.qn-progress'), /0 of 22 required answers/);
  // every input has a label, sections are fieldsets, required questions are marked
  const unlabelled = await page.$$eval('#qn-form input:not([type=hidden]), #qn-form select, #qn-form textarea',
    (els) => els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.name));
  assert.deepEqual(unlabelled, []);
  assert.equal(await page.locator('fieldset.qn-section').count(), 6);
  assert.equal(await page.getByLabel('Legal name of the business').getAttribute('aria-required'), 'true');
  assert.match(await page.textContent('#q-legal_name-help'), /As registered/);

  // conditional questions appear when their condition holds
  const other = page.locator('.qn-q[data-key="content_types_other"]');
  assert.equal(await other.isVisible(), false);
  assert.match(await other.locator('.qn-if').textContent(), /Only if .Content types. includes .Other./);
  const otherType = page.getByRole('group', { name: /^Content types/ }).getByLabel('Other');
  await otherType.check();
  assert.equal(await other.isVisible(), true);
  await otherType.uncheck();
  assert.equal(await other.isVisible(), false);
  assert.equal(await page.locator('.qn-q[data-key="posthouse_name"]').isVisible(), false);
  await page.getByLabel('A posthouse delivers for us').check();
  assert.equal(await page.locator('.qn-q[data-key="posthouse_name"]').isVisible(), true);
  await page.getByLabel('We deliver ourselves').check();

  // a partial save with mistakes: nothing is lost, each problem is shown where it is
  await page.getByLabel('Legal name of the business').fill('Northlight Pictures Limited');
  await page.getByLabel('Business contact: email').fill('not an address');
  await page.getByLabel('Territories you will license').fill('GB, XX');
  await page.getByLabel('Titles you expect to deliver per month').fill('ten');
  await page.getByLabel('HD (720p, 1080i/p)').check();
  const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save answers' }).first().click()]);
  assert.equal(res.status(), 422);
  await page.waitForSelector('#error-summary');
  assert.match(await page.textContent('#error-summary h2'), /Nothing was saved: 3 answers need correcting/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary', 'the summary takes the focus');
  const links = await page.$$eval('#error-summary a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#q-business_contact_email', '#q-titles_per_month', '#q-territories']);
  const emailField = page.locator('.qn-q[data-key="business_contact_email"]');
  assert.match(await emailField.getAttribute('class'), /field-invalid/);
  assert.match(await emailField.locator('.err').textContent(), /'not an address' is not an email address/);
  assert.match(await page.getByLabel('Business contact: email').getAttribute('aria-describedby'), /q-business_contact_email-err/);
  assert.equal(await page.getByLabel('Business contact: email').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.inputValue('#q-legal_name'), 'Northlight Pictures Limited', 'what was typed is kept');
  assert.equal(await page.inputValue('#q-business_contact_email'), 'not an address');
  assert.equal(await page.inputValue('#q-territories'), 'GB, XX');
  assert.equal(await page.isChecked('input[name=q_formats_resolution][value=HD]'), true);
  assertClean(page);
  await shot(page, 'questionnaire-errors');
  await page.click('#error-summary a[href="#q-territories"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q-territories', 'a summary link goes to its field');

  // corrected, the save keeps the partial answers
  await page.getByLabel('Business contact: email').fill('Business@Northlight.example');
  await page.getByLabel('Territories you will license').fill('GB, IE');
  await page.getByLabel('Titles you expect to deliver per month').fill('10');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save answers' }).last().click()]);
  assert.match(await page.textContent('.flash-ok'), /Your answers are saved\. 16 required answers still to give/);
  assert.equal(await page.inputValue('#q-business_contact_email'), 'business@northlight.example', 'stored as cleaned');
  assert.equal(await page.inputValue('#q-territories'), 'GB, IE');
  assert.match(await page.textContent('.qn-progress'), /6 of 22 required answers given: 16 to go/);
  assertClean(page);

  // a form that asks one question (an older page, another tab) changes that answer only
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const sent = await fetch(url, { method: 'POST', redirect: 'manual',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: await page.inputValue('input[name=csrf]'), do: 'save', asked: 'trading_name',
      q_trading_name: 'Northlight' }) });
  assert.equal(sent.status, 303, 'saved and sent back to the page');
  const kept = await s.call('GET', `/api/v1/partners/${partner}/questionnaire`, { token: admin });
  assert.equal(kept.json.answers.trading_name, 'Northlight');
  assert.equal(kept.json.answers.legal_name, 'Northlight Pictures Limited');
  assert.deepEqual(kept.json.answers.formats_resolution, ['HD']);

  // submit too early: the missing answers are listed, then given, then it goes
  page.on('dialog', (d) => d.accept());
  for (let round = 0; round < 4; round++) {
    const [r] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit questionnaire' }).click()]);
    if (r.status() !== 422) break;
    assert.match(await page.textContent('#error-summary h2'), /Not submitted yet/);
    if (round === 0) {
      assert.match(await page.textContent('#error-summary'), /Enter the registered address of your business/);
      await shot(page, 'questionnaire-submit-errors');
    }
    const keys = await page.$$eval('#error-summary a', (as) => as.map((a) => a.getAttribute('href').slice(3)));
    assert.ok(keys.length > 0);
    for (const key of keys) await answer(page, key);
  }
  await page.waitForSelector('.qn-read');
  assert.match(await page.textContent('.flash-ok'), /questionnaire is submitted/);
  assert.match(await page.textContent('main'), /You submitted this questionnaire/);
  assert.equal(await page.locator('#qn-form').count(), 0, 'read-only after submission');
  assert.match(await page.textContent('.qn-read'), /Northlight Pictures Limited/);
  assertClean(page);
  await shot(page, 'questionnaire-submitted');
  const api = await s.call('GET', `/api/v1/partners/${partner}`, { token: admin });
  assert.equal(api.json.stage, 'setup');
});

test('staff read the answers; another organisation gets 404', async () => {
  const page = await newPage(browser);
  await s.userWithToken(admin, 'pim@service.example', 'pim');
  await signIn(page, s.base, 'pim@service.example', 'correct horse battery');
  await visit(page, `${s.base}/partners/${partner}/questionnaire`, 'questionnaire-staff');
  assert.equal(await page.locator('#qn-form').count(), 0);
  const text = await page.textContent('main');
  assert.match(text, /Northlight Pictures submitted this questionnaire/);
  assert.match(text, /business@northlight\.example/);
  assert.match(text, /HD \(720p, 1080i\/p\)/, 'choices shown by their labels');
  assert.match(text, /We deliver ourselves/);

  // a draft: read-only with its answers so far, and editing on the partner's behalf for those allowed
  await visit(page, `${s.base}/partners/${other}/questionnaire`);
  assert.match(await page.textContent('main'), /has not submitted the questionnaire yet/);
  await page.getByRole('link', { name: 'Edit answers on the partner\'s behalf' }).click();
  await page.waitForSelector('#qn-form');
  await page.getByLabel('Legal name of the business').fill('Other Org SARL');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save answers' }).first().click()]);
  assert.match(await page.textContent('.flash-ok'), /Your answers are saved/);
  assert.equal(await page.locator('button[value=submit]').count(), 0, 'a pim may save, not submit');
  assertClean(page);

  // the other organisation's user: its own questionnaire, never this one
  const theirs = await newPage(browser);
  await signIn(theirs, s.base, 'someone@other.example', 'correct horse battery');
  await visit(theirs, `${s.base}/partners/${other}/questionnaire`);
  assert.equal(await theirs.inputValue('#q-legal_name'), 'Other Org SARL');
  const res = await theirs.goto(`${s.base}/partners/${partner}/questionnaire`);
  assert.equal(res.status(), 404);
  assert.doesNotMatch(await theirs.textContent('main'), /Northlight/);
});

test('the questionnaire on a phone', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(page, s.base, 'someone@other.example', 'correct horse battery');
  await visit(page, `${s.base}/partners/${other}/questionnaire`, 'questionnaire-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
});

test('a launch date before the earliest the standard path allows: the partner is told at submit and on its page', async () => {
  // the other organisation answers everything, with a launch date five weeks away
  const them = await s.signIn('someone@other.example', 'correct horse battery');
  await fillQuestionnaire(s, other, them, { delivery_method: 'self', already_onboarded: 'no', target_launch_date: '2027-01-04' });
  const page = await newPage(browser);
  await signIn(page, s.base, 'someone@other.example', 'correct horse battery');
  await visit(page, `${s.base}/partners/${other}/questionnaire`);
  page.on('dialog', (d) => d.accept());
  const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit questionnaire' }).click()]);
  assert.equal(res.status(), 200, 'submitted: a warning, not a refusal');
  await page.waitForSelector('.qn-read');
  assert.match(await page.textContent('.flash-ok'), /questionnaire is submitted .* your target launch date, Mon 4 Jan 2027, is before the earliest date the standard path allows \(Wed 20 Jan 2027\)/);
  const panel = page.locator('#launch-warning');
  assert.match(await panel.locator('h2').textContent(), /Target launch Mon 4 Jan 2027 is before the earliest the standard path allows \(Wed 20 Jan 2027\); needs an onboarded posthouse/);
  assert.match(await panel.textContent(), /agree a later launch date with your contact at the service/, 'no posthouse fits its formats: a later date is the way');
  assertClean(page);
  await shot(page, 'questionnaire-launch-warning');

  // its partner page shows the same, and the planner link asks about that date
  await visit(page, `${s.base}/partners/${other}`);
  assert.match(await page.locator('#launch-warning h2').textContent(), /Target launch Mon 4 Jan 2027/);
  assertClean(page);
  await page.locator('#launch-warning').scrollIntoViewIfNeeded();
  await shot(page, 'partner-launch-warning');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'See the plan for this date' }).click()]);
  assert.equal(await page.inputValue('#target'), '2027-01-04');
  assert.match(await page.textContent('main'), /before the earliest/i);
  await shot(page, 'plan-launch-warning');
});
