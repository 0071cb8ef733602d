// The whole onboarding of one partner through the pages alone, in two browser
// contexts (two people): staff (a cam who invites, then a pim who runs setup
// and training) and the partner's contact. Nothing in the walk goes through
// the API: the invitation link is read from the staff outbox page, every step
// is a form on a page. Only the staff accounts are made beforehand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, startServer, signIn, visit, shot, assertClean, act, submitQuestionnaire } from './browser.mjs';

const SAMPLE = '../shared/mddf/samples/avails/Avails_noErrors_v2.3.xml';
const PARTNER_PASSWORD = 'journey partner password';
let s, browser;

before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-30T09:00:00Z' });
  browser = await launch();
  const admin = await s.signIn(s.admin.email, s.admin.password);
  for (const role of ['cam', 'pim', 'pom']) await s.userWithToken(admin, `${role}@service.example`, role);
});
after(async () => {
  await browser?.close();
  assert.equal((await s.stop()).code, 0);
});

test('a cam, a pim and the partner walk one partner from invitation to steady state through the pages', async () => {
  const staff = await newPage(browser);
  const partner = await newPage(browser);
  staff.on('dialog', (d) => d.accept());
  partner.on('dialog', (d) => d.accept());

  // 1. The cam invites the partner and sends the questionnaire.
  await signIn(staff, s.base, 'cam@service.example', 'correct horse battery');
  await staff.getByRole('link', { name: 'Invite a partner' }).click();
  await staff.getByLabel('Organisation name').fill('Harbour Pictures');
  await staff.getByLabel('Contact email').fill('ops@harbour.example');
  await staff.getByLabel('Time zone').fill('Europe/Dublin');
  await Promise.all([staff.waitForNavigation(), staff.getByRole('button', { name: 'Add partner' }).click()]);
  const partnerUrl = staff.url();
  assert.match(partnerUrl, /\/partners\/\d+$/);
  await act(staff, 'send_questionnaire');
  await shot(staff, 'journey-invited');

  // 2. The invitation link, as the outbox shows the mail that went out.
  await visit(staff, `${s.base}/outbox`);
  const mailText = await staff.locator('main').innerText();
  const link = (await staff.content()).match(/https?:\/\/[^\s"<]*\/invitations\/[A-Za-z0-9_-]{43}/);
  assert.ok(link, `the outbox shows the invitation link:\n${mailText.slice(0, 2000)}`);
  const invitation = new URL(link[0].replace(/&amp;/g, '&'));

  // 3. The contact sets a password, lands signed in, answers and submits the questionnaire.
  await visit(partner, `${s.base}${invitation.pathname}`);
  await partner.getByLabel('New password').fill(PARTNER_PASSWORD);
  await partner.getByLabel('The same password again').fill(PARTNER_PASSWORD);
  await Promise.all([partner.waitForNavigation(), partner.locator('form button[type="submit"]').first().click()]);
  await partner.waitForSelector('nav[aria-label="Main"]');
  await partner.getByRole('link', { name: /questionnaire/i }).first().click();
  await submitQuestionnaire(partner);
  assertClean(partner);

  // 4. The pim provisions the accounts, plans the training and confirms setup.
  await staff.getByRole('button', { name: 'Sign out' }).click();
  await signIn(staff, s.base, 'pim@service.example', 'correct horse battery');
  await visit(staff, partnerUrl);
  await act(staff, 'setup_item', { item: 'alias', fill: (f) => f.locator('input[name="value"]').fill('harbour_pictures') });
  await act(staff, 'setup_item', { item: 'transfer_account' });
  // the credentials are shown once, on a page of their own
  assert.match(await staff.textContent('main'), /shown only this once/);
  await Promise.all([staff.waitForNavigation(), staff.getByRole('link', { name: 'Back to the partner' }).click()]);
  await act(staff, 'setup_item', { item: 'portal_account' });
  await act(staff, 'plan', { fill: async (f) => {
    const boxes = f.locator('input[name="modules"]');
    if (!(await f.locator('input[name="modules"]:checked').count())) await boxes.first().check();
  } });
  await act(staff, 'confirm');
  assert.match(await staff.textContent('main'), /Training/);
  await act(staff, 'request', { fill: async (f) => {
    await f.locator('select[name="kind"]').selectOption('avails');
    await f.locator('input[name="title"]').fill('First avails');
  } });
  await shot(staff, 'journey-training');

  // 5. The partner sees the request on the dashboard, uploads the avails and the delivery passes.
  await visit(partner, `${s.base}/`);
  assert.match(await partner.textContent('main'), /First avails/);
  await partner.getByRole('link', { name: 'First avails' }).first().click();
  await partner.getByRole('link', { name: /Deliver now/ }).click();
  await partner.waitForLoadState('networkidle');
  await partner.setInputFiles('#file-input', SAMPLE);
  await partner.waitForSelector('#deliver-button:not([disabled])', { timeout: 60000 });
  await Promise.all([partner.waitForURL(/\/deliveries\/\d+$/), partner.click('#deliver-button')]);
  await partner.waitForSelector('.dv-verdict.dv-passed', { timeout: 60000 });
  await shot(partner, 'journey-delivered');
  assertClean(partner);

  // 6. The pim completes the training with the approved formats: steady state.
  await visit(staff, partnerUrl);
  await act(staff, 'complete', { fill: async (f) => {
    if (!(await f.locator('input[name="formats"]:checked').count())) await f.locator('input[name="formats"]').first().check();
    await f.locator('select[name="pom"]').selectOption({ index: 1 });
  } });
  assert.match(await staff.textContent('main'), /Steady state/);
  await shot(staff, 'journey-steady');
  await visit(partner, `${s.base}/`);
  assert.match(await partner.textContent('main'), /Steady state/);
  assertClean(staff);
});
