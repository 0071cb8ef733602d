// The cam's journey (issue 14), in a real browser on a test clock: the cam
// invites a partner and sends the questionnaire on the pages; when the
// partner's training collects its third warning the cam receives the
// escalation, once, in its outbox and on its dashboard; the pim escalates
// with a note, and the cam reads the note in its outbox and sees the
// decision, and who owns the next step, on the partner page. The partner's
// and the pim's steps in between go through the API (their pages have
// journeys of their own); the clock moves through PUT /api/v1/clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, newPage, signIn, visit, shot, assertClean, SHOTS } from './browser.mjs';
import { world, at, messages, answerAndSubmit, provision, FORMATS } from '../api/journeys.mjs';

let w, browser;

before(async () => {
  w = await world('2026-10-26T09:00:00Z');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

test('the cam: invites, receives the escalation once, and sees the decision', async () => {
  const cam = await newPage(browser);
  cam.on('dialog', (d) => d.accept());
  await signIn(cam, w.s.base, w.email.cam, 'correct horse battery');

  // 1. The cam invites the partner and sends the questionnaire, on the pages.
  await cam.getByRole('link', { name: 'Invite a partner' }).click();
  await cam.getByLabel('Organisation name').fill('Lantern Films');
  await cam.getByLabel('Contact email').fill('ops@lantern.example');
  await cam.getByLabel('Time zone').fill('Europe/London');
  await Promise.all([cam.waitForNavigation(), cam.getByRole('button', { name: 'Add partner' }).click()]);
  const partnerUrl = cam.url();
  const id = Number(partnerUrl.match(/\/partners\/(\d+)$/)[1]);
  const send = cam.locator('form:has(input[name="do"][value="send_questionnaire"])');
  await Promise.all([cam.waitForNavigation(), send.locator('button[type="submit"]').click()]);
  assert.equal(await cam.locator('.flash-error').count(), 0);
  assertClean(cam);

  // 2. The partner joins from the mail and answers; the pim sets it up and issues a request.
  const mail = (await messages(w, 'ops@lantern.example')).find((m) => /\/invitations\//.test(m.body));
  const link = mail.body.match(/\/invitations\/([A-Za-z0-9_-]{43})/);
  assert.equal((await w.s.call('POST', `/api/v1/invitations/${link[1]}`, { body: { password: 'partner password 1' } })).status, 200);
  const p = { id, contact: 'ops@lantern.example', token: await w.s.signIn('ops@lantern.example', 'partner password 1') };
  // the cam invited the partner through the page, so the page made it the partner's cam
  const calendar = await w.s.call('PUT', `/api/v1/partners/${id}/calendar`, { token: w.tok.pim, body: { calendar: w.calendar } });
  assert.equal(calendar.status, 200, calendar.text);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no', ...FORMATS });
  await provision(w, p, 'lantern_films');
  await w.s.call('PUT', `/api/v1/partners/${id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
  const confirmed = await w.s.call('POST', `/api/v1/partners/${id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(confirmed.json.stage, 'training', confirmed.text);
  await at(w, '2026-11-02T10:00:00Z');
  const req = await w.s.call('POST', `/api/v1/partners/${id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Autumn avails' } });
  assert.equal(req.status, 201, req.text);

  // 3. Silence: the third warning on 18 Nov; the cam is told once, and again never.
  const inbox = `${w.s.base}/outbox?to=${encodeURIComponent(w.email.cam)}`; // the cam's own mail
  await at(w, '2026-11-17T23:59:59Z');
  await visit(cam, inbox);
  assert.doesNotMatch(await cam.textContent('main'), /needs a decision/, 'nothing before the third warning');
  await at(w, '2026-11-18T00:00:00Z');
  await at(w, '2026-12-02T00:00:00Z');
  await visit(cam, inbox);
  const subjects = await cam.locator('main summary').allTextContents();
  assert.equal(subjects.filter((t) => /Escalation: the training of Lantern Films needs a decision/.test(t)).length, 1,
    'the escalation reaches the cam once, however long the decision takes');
  const all = await messages(w);
  assert.equal(all.filter((m) => /Warning [4-9]/.test(m.subject)).length, 0, 'no fourth warning to anyone');
  assert.equal(all.filter((m) => m.template === 'escalation').length, 3, 'pim, cam and commercial, once each');
  await visit(cam, `${w.s.base}/`);
  const waiting = cam.locator('section.dash-decisions');
  assert.match(await waiting.textContent(), /Lantern Films/);
  assert.match(await waiting.textContent(), /3 warnings/);
  await shot(cam, 'cam-dashboard-escalation');

  // 4. The pim escalates with a note: the cam reads the note, and sees the decision on the page.
  const d = await w.s.call('POST', `/api/v1/partners/${id}/training/decision`, { token: w.tok.pim,
    body: { action: 'escalate', note: 'Their QC vendor left; please agree a new date with them.' } });
  assert.equal(d.status, 200, d.text);
  await visit(cam, inbox);
  const escalated = cam.locator('main details', { hasText: 'is escalated to the commercial team' });
  assert.equal(await escalated.count(), 1, 'one message to the cam');
  await escalated.locator('summary').click();
  assert.match(await escalated.textContent(), /Their QC vendor left; please agree a new date with them\./);
  assert.doesNotMatch(await escalated.textContent(), /chooses one of/);
  await visit(cam, partnerUrl);
  const panel = cam.locator('section.decision');
  const text = await panel.textContent();
  assert.match(text, /escalated to the commercial team/i);
  assert.match(text, /Their QC vendor left; please agree a new date with them\./);
  assert.match(text, /Who owns the next step/);
  assert.match(await cam.textContent('.partner-head'), /Escalated|escalated/);
  await panel.screenshot({ path: join(SHOTS, 'cam-decision-seen.png') });
  assertClean(cam);
});
