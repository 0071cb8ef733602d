// One delivery request in a real browser: the partner sees what is asked, who
// owes the next move and by when (in its own zone, named, with a countdown),
// a plain way to deliver, and writes a message that stops its response clock;
// staff pause, resume and re-request through forms; the deliveries made
// against it are listed; another organisation's user gets 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, invite, sendAndJoin, answerAndSubmit, provision, at } from '../api/journeys.mjs';

let w, browser, p, rid, otherReq;

before(async () => {
  // Monday 2 November 2026, 09:00 UTC = 10:00 in Oslo
  w = await world('2026-11-02T09:00:00Z');
  browser = await launch();
  p = await sendAndJoin(w, await invite(w, 'Nordlys Film', { time_zone: 'Europe/Oslo' }));
  await answerAndSubmit(w, p, { already_onboarded: 'no', delivery_method: 'self' });
  await provision(w, p, 'nordlys_film');
  assert.equal((await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim })).status, 200);
  const r = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim,
    body: { kind: 'avails', title: 'Avails for the winter slate', note: 'Every title of the winter slate, Nordic territories.\nXLSX, EMA Avails 1.7.' } });
  assert.equal(r.status, 201, r.text);
  rid = r.json.id;
  // another organisation with a request of its own
  const q = await sendAndJoin(w, await invite(w, 'Elsewhere Media'));
  await answerAndSubmit(w, q, { already_onboarded: 'no', delivery_method: 'self' });
  await provision(w, q, 'elsewhere_media');
  assert.equal((await w.s.call('POST', `/api/v1/partners/${q.id}/setup/confirm`, { token: w.tok.pim })).status, 200);
  otherReq = (await w.s.call('POST', `/api/v1/partners/${q.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Theirs' } })).json.id;
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

test('the partner sees the deadline in its zone with a countdown, writes a message and is told how to deliver', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  await visit(page, `${w.s.base}/requests/${rid}`);
  assert.match(await page.textContent('h1'), /Avails for the winter slate/);
  assert.match(await page.textContent('.rq-meta'), /Open: waiting for the delivery/);
  assert.match(await page.textContent('.rq-meta'), new RegExp(`Issued .* by ${w.email.pim}`));
  assert.match(await page.textContent('.rq-note'), /Nordic territories/);
  // the 48-hour clock: due Wed 4 Nov 10:00 in Oslo (09:00 UTC), counting down on the server's clock
  const owed = await page.textContent('.rq-next');
  assert.match(owed, /You: deliver the files by the due time below/);
  assert.match(owed, /Delivery within 48 hours: due\s+by 10:00 on Wed 4 Nov\s+in Europe\/Oslo/);
  assert.match(owed, /Wed 4 Nov 2026, 09:00 \(UTC\)/);
  await page.waitForFunction(() => /left$/.test(document.querySelector('.rq-countdown .countdown').textContent));
  assert.match(await page.textContent('.rq-countdown .countdown'), /^(2 d 0 h 0 min|1 d 23 h 59 min) left$/);
  const deliver = page.getByRole('link', { name: 'Deliver now' });
  assert.equal(await deliver.getAttribute('href'), `/upload?request=${rid}`);
  assert.equal(await page.locator('.rq-clocks tbody tr').count(), 2, 'the delivery and the response clock');
  assert.equal(await page.getByRole('heading', { name: 'Actions' }).count(), 0, 'no staff actions');
  await shot(page, 'request-partner');

  await page.getByLabel('Write a message').fill('The slate is ready tomorrow morning.\nWe deliver by noon.');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send message' }).click()]);
  assert.match(await page.textContent('.flash-ok'), /Your message is sent/);
  const msg = page.locator('.rq-msg').last();
  assert.match(await msg.textContent(), new RegExp(`${p.contact.replace('.', '\\.')} \\(you\\)`));
  assert.match(await msg.locator('.rq-msg-body').textContent(), /ready tomorrow morning\.\nWe deliver by noon\./);
  // a partner's message answers the request: its response clock is met
  const response = page.locator('.rq-clocks tbody tr', { hasText: 'Response within 3 working days' });
  assert.match(await response.textContent(), /Met/);
  const empty = await page.getByRole('button', { name: 'Send message' });
  await Promise.all([page.waitForNavigation(), empty.click()]);
  assert.match(await page.textContent('.flash-error'), /Write a message before sending it/);
  assertClean(page);

  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, w.s.base, p.contact, 'partner password 1');
  await visit(phone, `${w.s.base}/requests/${rid}`, 'request-partner-phone');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
});

test('staff read the thread, pause and resume the clocks, and re-request through forms', async () => {
  const page = await newPage(browser);
  page.on('dialog', (d) => d.accept());
  await signIn(page, w.s.base, w.email.pim, 'correct horse battery');
  await visit(page, `${w.s.base}/requests/${rid}`);
  assert.match(await page.textContent('#messages'), /ready tomorrow morning/);
  assert.match(await page.textContent('.rq-next'), /Nordlys Film: the delivery is due by the time below/);

  await page.getByText('Pause the clocks').click();
  await page.getByLabel('Reason').nth(1).fill('waiting on us: the avails template is not published yet');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Pause', exact: true }).click()]);
  assert.match(await page.textContent('.flash-ok'), /clocks of this request are paused/);
  assert.match(await page.textContent('.rq-meta'), /Open, clocks paused/);
  const paused = page.locator('.rq-clocks tbody tr', { hasText: 'Delivery within 48 hours' }).first();
  assert.match(await paused.textContent(), /Paused since Mon 2 Nov 2026, 10:00 \(UTC\+01:00\): waiting on us: the avails template/);
  assert.match(await paused.textContent(), /not running while paused/);
  await shot(page, 'request-staff-paused');

  await at(w, '2026-11-02T15:00:00Z'); // paused for six hours
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Resume the clocks' }).click()]);
  assert.match(await page.textContent('.flash-ok'), /run again/);
  assert.match(await page.textContent('.rq-next'), /Delivery within 48 hours: due\s+by 16:00 on Wed 4 Nov/,
    'the due time moved by the paused time');

  await at(w, '2026-11-02T17:00:00Z');

  await page.getByText('Re-request the delivery').click();
  await page.getByLabel('Reason').first().fill('The slate changed: include the two new titles.');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Re-request' }).click()]);
  assert.match(await page.textContent('.flash-ok'), /Re-requested: the partner has 48 hours from now/);
  assert.match(await page.textContent('.rq-meta'), /Re-requested 1×, last Mon 2 Nov 2026, 18:00 \(UTC\+01:00\)/);
  assert.match(await page.textContent('.rq-next'), /due\s+by 18:00 on Wed 4 Nov/);
  assert.ok(await page.locator('.rq-clocks .badge.cancelled').count() >= 1, 'the replaced clocks are kept in the history');

  await page.getByLabel('Write a message').fill('Thanks, the template is out now.');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send message' }).click()]);
  assert.match(await page.locator('.rq-msg').last().textContent(), /· the service ·/);
  assertClean(page);
  await shot(page, 'request-staff');

  // an empty reason is refused with what to do
  await page.getByText('Re-request the delivery').click();
  await page.evaluate(() => document.querySelectorAll('textarea[name=reason]').forEach((t) => t.removeAttribute('required')));
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Re-request' }).click()]);
  assert.match(await page.textContent('.flash-error'), /say what must be delivered again and why/);
});

test('a delivery against the request is listed, and late shows as late', async () => {
  const up = await fetch(`${w.s.base}/files/`, { method: 'POST', headers: { Authorization: `Bearer ${p.token}`,
    'Tus-Resumable': '1.0.0', 'Upload-Length': '5', 'Upload-Metadata': `filename ${Buffer.from('a.xml').toString('base64')}`,
    'Content-Type': 'application/offset+octet-stream' }, body: '<a/>\n' });
  assert.equal(up.status, 201);
  const d = await w.s.call('POST', '/api/v1/deliveries', { token: p.token,
    body: { partner: p.id, request: rid, kind: 'avails', files: [up.headers.get('location').split('/').pop()] } });
  assert.equal(d.status, 202, d.text);
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  await visit(page, `${w.s.base}/requests/${rid}`);
  const link = page.getByRole('link', { name: `Delivery ${d.json.id}` });
  assert.equal(await link.getAttribute('href'), `/deliveries/${d.json.id}`);

  // the other organisation's request, moved past its 48 hours: staff see it missed
  await at(w, '2026-11-05T12:00:00Z');
  const staff = await newPage(browser);
  await signIn(staff, w.s.base, w.email.pom, 'correct horse battery');
  await visit(staff, `${w.s.base}/requests/${otherReq}`);
  assert.match(await staff.textContent('.rq-meta'), /delivery late/);
  assert.match(await staff.locator('.rq-clocks tbody tr', { hasText: 'Delivery within 48 hours' }).textContent(), /Missed/);
});

test('another organisation\'s user gets 404 for the request and its form', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  const res = await page.goto(`${w.s.base}/requests/${otherReq}`);
  assert.equal(res.status(), 404);
  assert.doesNotMatch(await page.textContent('main'), /Theirs|Elsewhere/);
  const missing = await page.goto(`${w.s.base}/requests/999999`);
  assert.equal(missing.status(), 404);
  // a message posted to their request is refused the same way (with this session's csrf)
  const own = await newPage(browser);
  await signIn(own, w.s.base, p.contact, 'partner password 1');
  await visit(own, `${w.s.base}/requests/${rid}`);
  const status = await own.evaluate(async (id) => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const r = await fetch(`/requests/${id}`, { method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, do: 'message', body: 'hello' }) });
    return r.status;
  }, otherReq);
  assert.equal(status, 404);
  const theirs = await w.s.call('GET', `/api/v1/requests/${otherReq}`, { token: w.tok.admin });
  assert.equal(theirs.json.messages.length, 0, 'nothing was written');
});
