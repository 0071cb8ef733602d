// The posthouse's journey (issue 14): a studio names an onboarded posthouse
// as its delivery agent; the pim makes the studio's transfer credential on
// the partner page (the secret shown once, with how to use it, and never
// again), and `vodgate deliver` delivers with it; the posthouse's user
// delivers for the studio through the portal's upload page and through the
// CLI: the files are the studio's, the deliveries answer its requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, newPage, signIn, visit, shot, assertClean, cli, SHOTS } from './browser.mjs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision } from '../api/journeys.mjs';

const SAMPLE = '../shared/mddf/samples/avails/Avails_noErrors_v2.3.xml';
const STAFF_PASSWORD = 'correct horse battery';
let w, browser, ph, studio, reqs, dir;

const sample = (name) => {
  const f = join(dir, name);
  copyFileSync(SAMPLE, f);
  return f;
};

async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vodgate-posthouse-'));
  w = await world('2026-11-30T09:00:00Z');
  browser = await launch();
  ph = await sendAndJoin(w, await invite(w, 'Harbour Post', { posthouse: true }));
  await answerAndSubmit(w, ph, { already_onboarded: 'yes' });
  await provision(w, ph, 'harbour_post');
  await w.s.call('POST', `/api/v1/partners/${ph.id}/setup/confirm`, { token: w.tok.pim });
  studio = await sendAndJoin(w, await invite(w, 'Lighthouse Films'));
  await answerAndSubmit(w, studio, { delivery_method: 'posthouse', posthouse_name: 'Harbour Post',
    posthouse_id: ph.id, posthouse_onboarded: 'yes', already_onboarded: 'no' });
  const alias = await w.s.call('PUT', `/api/v1/partners/${studio.id}/setup/alias`, { token: w.tok.pim, body: { done: true, value: 'lighthouse' } });
  assert.equal(alias.status, 200, alias.text);
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
  assert.equal((await w.s.stop()).code, 0);
});

test('the pim makes the transfer credential on the partner page: shown once, with how to use it; vodgate deliver uses it', async () => {
  const page = await newPage(browser);
  page.on('dialog', (d) => d.accept());
  await signIn(page, w.s.base, w.email.pim, STAFF_PASSWORD);
  const url = `${w.s.base}/partners/${studio.id}`;
  await visit(page, url);
  assert.match(await page.textContent('#transfer'), /No transfer credentials/);
  await submit(page, page.getByRole('button', { name: 'Create the credentials' }));
  assert.match(await page.textContent('h1'), /Transfer account of Lighthouse Films/);
  const secret = (await page.textContent('#transfer-token')).trim();
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal((await page.textContent('#transfer-username')).trim(), 'lighthouse');
  const howto = await page.textContent('main');
  assert.match(howto, /shown only this once/);
  assert.match(howto, /HTTP Basic/);
  assert.match(howto, new RegExp(`vodgate upload FILE --server ${w.s.base} --token SECRET`));
  assert.match(howto, new RegExp(`vodgate deliver FILE\\.\\.\\. --server ${w.s.base} --token SECRET --partner ${studio.id}`));
  await shot(page, 'transfer-secret-shown-once');
  assertClean(page);
  // back on the partner page: who made it and when, never the secret
  await submit(page, page.getByRole('link', { name: 'Back to the partner' }));
  const section = await page.textContent('#transfer');
  assert.match(section, /lighthouse/);
  assert.match(section, /by pim@service\.example/);
  assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page');
  // the checklist with the transfer account under it, as the pim sees it
  await page.locator('section[aria-labelledby="setup-h"]').screenshot({ path: join(SHOTS, 'transfer-account-on-partner-page.png') });
  // the rest of setup, then a request to deliver against
  await w.s.call('PUT', `/api/v1/partners/${studio.id}/setup/portal_account`, { token: w.tok.pim, body: { done: true } });
  const conf = await w.s.call('POST', `/api/v1/partners/${studio.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(conf.json.stage, 'training', conf.text);
  await at(w, '2026-11-30T10:00:00Z');
  reqs = [];
  for (const title of ['Avails by the transfer account', 'Avails by the posthouse, in the portal', 'Avails by the posthouse, CLI']) {
    const r = await w.s.call('POST', `/api/v1/partners/${studio.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title } });
    assert.equal(r.status, 201, r.text);
    reqs.push(r.json.id);
  }
  const r = cli(['deliver', sample('transfer.xml'), '--server', w.s.base, '--token', secret, '--user', 'lighthouse',
    '--partner', String(studio.id), '--kind', 'avails', '--request', String(reqs[0]), '--wait']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /passed/);
  // a new secret: the old one stops at once
  await visit(page, url);
  await submit(page, page.getByRole('button', { name: 'Issue a new secret' }));
  assert.match(await page.textContent('main'), /A new secret replaces the old one/);
  const old = await w.s.call('GET', '/api/v1/uploads', { token: secret });
  assert.equal(old.status, 401);
  await page.close();
});

test('the posthouse delivers for the studio through the upload page and the CLI', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, ph.contact, 'partner password 1');
  await visit(page, `${w.s.base}/upload?request=${reqs[1]}`);
  assert.match(await page.textContent('h1'), /Upload for Lighthouse Films/);
  assert.equal(await page.inputValue('#request'), String(reqs[1]));
  await page.setInputFiles('#file-input', sample('portal.xml'));
  await page.waitForSelector('#deliver-button:not([disabled])', { timeout: 30000 });
  await shot(page, 'posthouse-upload-for-partner');
  await Promise.all([page.waitForURL(/\/deliveries\/\d+$/), page.click('#deliver-button')]);
  const id = Number(page.url().split('/').pop());
  await page.waitForSelector('.dv-verdict.dv-passed', { timeout: 30000 });
  assertClean(page);
  // the studio sees it as its own: the delivery, and the upload
  const d = await w.s.call('GET', `/api/v1/deliveries/${id}`, { token: studio.token });
  assert.equal(d.status, 200, d.text);
  const ups = (await w.s.call('GET', '/api/v1/uploads', { token: studio.token })).json.uploads;
  assert.equal(ups.find((u) => u.filename === 'portal.xml')?.partner, studio.id);

  const r = cli(['deliver', sample('cli.xml'), '--server', w.s.base, '--token', ph.token,
    '--partner', String(studio.id), '--kind', 'avails', '--request', String(reqs[2])]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const cliId = Number(r.stdout.match(/delivery (\d+) received/)[1]);
  assert.equal((await w.s.call('GET', `/api/v1/deliveries/${cliId}`, { token: studio.token })).status, 200);
  const again = (await w.s.call('GET', '/api/v1/uploads', { token: studio.token })).json.uploads;
  assert.equal(again.find((u) => u.filename === 'cli.xml')?.partner, studio.id, 'the CLI\'s upload is the studio\'s too');
  // the studio's page lists both deliveries
  await visit(page, `${w.s.base}/partners/${studio.id}`);
  const text = await page.textContent('main');
  assert.match(text, new RegExp(`${id}`));
  await page.close();
});
