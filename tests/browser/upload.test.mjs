// Uploads in the browser (/upload, static/upload.js with tus-js-client): a
// partner chooses files, the connection is cut halfway through the big one
// and the upload resumes from the offset the server holds; a reload in the
// middle of an upload resumes too when the same file is chosen again; the
// delivery is created from the page and its result appears. Staff may upload
// for a partner; without JavaScript the page gives the command line instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, newPage, watch, signIn as signInForm, visit, shot, assertClean } from './browser.mjs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision, fillQuestionnaire } from '../api/journeys.mjs';

// Signs in through the form and lets the landing page finish loading (its favicon and scripts),
// so that going on at once aborts nothing the page checks count as failed.
async function signIn(page, base, email, password) {
  await signInForm(page, base, email, password);
  await page.waitForLoadState('networkidle');
}

const SAMPLES = '../shared/mddf/samples/avails';
const MiB = 1024 * 1024;
const PARTNER_PW = 'partner password 1';
let w, p, req, browser, dir, small, big, big2, bigBytes, smallBytes;

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  p = await invite(w, 'Uploading Studio');
  await sendAndJoin(w, p);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, p, 'uploading');
  await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
  await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  await at(w, '2026-11-24T10:00:00Z');
  req = (await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails for December' } })).json;
  // a real avails file, and a big one: the same avails padded to 6 MiB (whitespace after the
  // root element is still valid XML), so that the upload takes several 1 MiB chunks
  dir = mkdtempSync(join(tmpdir(), 'vodgate-upload-'));
  smallBytes = readFileSync(`${SAMPLES}/Avails_noErrors_v2.4.xml`);
  bigBytes = Buffer.concat([smallBytes, Buffer.alloc(6 * MiB, '\n')]);
  small = join(dir, 'avails-december.xml');
  big = join(dir, 'avails-december-catalogue.xml');
  writeFileSync(small, smallBytes);
  big2 = join(dir, 'avails-december-copy.xml');
  writeFileSync(big, bigBytes);
  writeFileSync(big2, bigBytes);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
  assert.equal((await w.s.stop()).code, 0);
});

// Records the tus requests of a page: PATCHes with their Upload-Offset, HEAD answers with theirs.
function recordTus(page) {
  const log = { patches: [], heads: [] };
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/files/'))
      log.patches.push({ url: r.url(), offset: Number(r.headers()['upload-offset']) });
  });
  page.on('response', (r) => {
    if (r.request().method() === 'HEAD' && r.url().includes('/files/'))
      log.heads.push({ url: r.url(), status: r.status(), offset: Number(r.headers()['upload-offset']) });
  });
  return log;
}

const useSmallChunks = (page) => page.$eval('#upload-app', (el) => { el.dataset.chunkSize = String(1024 * 1024); });
const item = (page, name) => page.locator('#upload-list li', { has: page.locator('.up-name', { hasText: new RegExp(`^${name}$`) }) });

test('a partner uploads in the browser, the connection is cut halfway, the upload resumes, the delivery\'s result appears', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, PARTNER_PW);
  await page.getByRole('link', { name: 'Upload' }).first().click();
  await page.waitForURL(/\/upload$/);
  await page.waitForLoadState('networkidle');
  await visit(page, `${w.s.base}/upload?request=${req.id}`, 'upload');
  assert.match(await page.textContent('h1'), /Upload for Uploading Studio/);
  assert.equal(await page.inputValue('#request'), String(req.id), 'the request asked for is chosen');
  assert.equal(await page.inputValue('#kind'), 'avails');
  assert.ok(await page.isDisabled('#deliver-button'), 'nothing to deliver before the files are in');
  assert.ok(await page.isHidden('#needs-js'), 'with JavaScript the uploader replaces the explanation');
  assert.equal((await (await w.s.call('GET', '/static/tus.min.js')).text).length > 10000, true, 'tus-js-client is served');
  await useSmallChunks(page);
  const log = recordTus(page);

  // The connection drops after three chunks of the big file and stays down a few seconds.
  const perUrl = new Map();
  let down = true, cutAt = null;
  page.expectAborts = true;
  await page.route('**/files/**', async (route) => {
    const r = route.request();
    if (r.method() === 'PATCH') {
      const n = (perUrl.get(r.url()) || 0) + 1;
      perUrl.set(r.url(), n);
      if (n >= 4 && down) {
        cutAt ??= Number(r.headers()['upload-offset']);
        return route.abort('connectionreset');
      }
    }
    return route.continue();
  });
  await page.setInputFiles('#file-input', [small, big]);
  await item(page, 'avails-december.xml').locator('.up-state', { hasText: /Uploaded/ }).waitFor();
  const lost = item(page, 'avails-december-catalogue.xml').locator('.up-state', { hasText: /Connection lost at [\d.]+ MiB; trying again/ });
  await lost.waitFor();
  await page.waitForTimeout(1500); // a retry or two fail while the connection is down
  await lost.waitFor();
  await shot(page, 'upload-progress');
  assert.ok(await page.isDisabled('#deliver-button'), 'a file is still uploading');
  assert.match(await page.textContent('#deliver-state'), /Waiting for 1 file/);

  // The connection comes back: the upload goes on from where the server stands.
  down = false;
  await page.unroute('**/files/**');
  await item(page, 'avails-december-catalogue.xml').locator('.up-state', { hasText: /Uploaded/ }).waitFor({ timeout: 30000 });
  page.expectAborts = false;
  assert.equal(cutAt, 3 * MiB, 'the connection was cut after three 1 MiB chunks');
  const bigUrl = [...perUrl.entries()].find(([, n]) => n > 1)[0];
  const heads = log.heads.filter((h) => h.url === bigUrl && h.status === 200);
  assert.ok(heads.length >= 1 && heads.every((h) => h.offset === 3 * MiB), `HEAD found the server at 3 MiB: ${JSON.stringify(heads)}`);
  const resumed = log.patches.filter((x) => x.url === bigUrl && x.offset === 3 * MiB);
  assert.ok(resumed.length >= 2, 'the chunk at 3 MiB was sent again after the cut, not from 0');
  assert.equal(log.patches.filter((x) => x.url === bigUrl && x.offset === 0).length, 1, 'the first chunk was sent once');
  assert.match(await item(page, 'avails-december-catalogue.xml').locator('.up-state').textContent(), /continued from 3\.0 MiB/);
  // what the server holds is the file, byte for byte
  const bigId = bigUrl.split('/').pop();
  const up = await w.s.call('GET', `/api/v1/uploads/${bigId}`, { token: p.token });
  assert.equal(up.json.complete, true);
  assert.equal(up.json.length, bigBytes.length);
  assert.equal(up.json.sha256, sha256(bigBytes));
  await item(page, 'avails-december-catalogue.xml').locator('.up-sum', { hasText: sha256(bigBytes) }).waitFor();

  // Deliver: the receipt at once, then the result when the checks finish.
  await page.waitForSelector('#deliver-button:not([disabled])');
  assert.equal((await page.textContent('#deliver-button')).trim(), 'Deliver 2 files');
  await Promise.all([page.waitForURL(/\/deliveries\/\d+$/), page.click('#deliver-button')]);
  const id = Number(page.url().split('/').pop());
  assert.match(await page.textContent('.flash-ok'), new RegExp(`Delivery ${id} received .*checksums verified`));
  await page.waitForSelector('.dv-verdict.dv-passed', { timeout: 30000 });
  assert.equal((await page.textContent('.dv-head')).trim(), 'Passed');
  const rows = await page.$$eval('table.dv-files tbody tr', (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ')));
  assert.equal(rows.length, 2);
  assert.ok(rows.some((t) => t.includes('avails-december.xml') && t.includes(sha256(smallBytes))));
  assert.ok(rows.some((t) => t.includes('avails-december-catalogue.xml') && t.includes(sha256(bigBytes)) &&
    t.includes(`${bigBytes.length.toLocaleString('en-US')} bytes`)));
  assert.match(await page.textContent('.dv-crumbs'), /Uploading Studio.*Avails for December/);
  await shot(page, 'delivery-passed');
  assertClean(page);
  const d = await w.s.call('GET', `/api/v1/deliveries/${id}`, { token: p.token });
  assert.equal(d.json.status, 'passed');
  assert.deepEqual(d.json.files.map((f) => f.name), ['avails-december.xml', 'avails-december-catalogue.xml']);
  // the browser forgot the delivered uploads: nothing is offered for resuming any more
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')).length);
  assert.equal(left, 0);
});

test('an upload interrupted by a reload continues from the server\'s offset when the file is chosen again', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, PARTNER_PW);
  await visit(page, `${w.s.base}/upload?request=${req.id}`);
  await useSmallChunks(page);
  // the connection dies for good after two chunks of each file
  page.expectAborts = true;
  const perUrl = new Map();
  await page.route('**/files/**', (route) => {
    const r = route.request();
    if (r.method() !== 'PATCH') return route.continue();
    const n = (perUrl.get(r.url()) || 0) + 1;
    perUrl.set(r.url(), n);
    return n >= 3 ? route.abort('connectionreset') : route.continue();
  });
  await page.setInputFiles('#file-input', [big, big2]);
  await page.waitForFunction(() => document.querySelectorAll('#upload-list li.paused').length === 2);
  // the tab is reloaded (or closed and opened again): the unfinished uploads are listed
  await page.goto(`${w.s.base}/upload?request=${req.id}`);
  await page.unroute('**/files/**');
  page.expectAborts = false;
  page.problems.length = 0; // the aborted requests of the page before the reload
  await page.waitForFunction(() => document.querySelectorAll('#resumable-list li').length === 2);
  const listed = await page.textContent('#resumable-list');
  assert.match(listed, /avails-december-catalogue\.xml\s+2\.0 MiB of 6\.0 MiB received/);
  assert.match(listed, /avails-december-copy\.xml\s+2\.0 MiB of 6\.0 MiB received/);
  await shot(page, 'upload-resumable');
  // one is not wanted any more: forgetting it deletes it on the server
  const copy = page.locator('#resumable-list li', { hasText: 'avails-december-copy.xml' });
  const copyId = await copy.getAttribute('data-upload-id');
  await copy.getByRole('button', { name: /Forget/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('#resumable-list li').length === 1);
  assert.equal((await w.s.call('GET', `/api/v1/uploads/${copyId}`, { token: p.token })).status, 404, 'forgotten: terminated');
  // the other is chosen again: it continues where the server stands
  await useSmallChunks(page);
  const log = recordTus(page);
  await page.setInputFiles('#file-input', big);
  await item(page, 'avails-december-catalogue.xml').locator('.up-state', { hasText: /Uploaded/ }).waitFor({ timeout: 30000 });
  assert.equal(log.heads.length, 1, 'the page asked the server where the upload stands');
  assert.equal(log.heads[0].offset, 2 * MiB, 'the server had kept the first 2 MiB');
  assert.equal(log.patches[0].offset, 2 * MiB, 'the upload continued from 2 MiB, not from 0');
  assert.ok(log.patches.every((x) => x.offset >= 2 * MiB));
  assert.match(await item(page, 'avails-december-catalogue.xml').locator('.up-state').textContent(), /continued from 2\.0 MiB/);
  assert.ok(await page.isHidden('#resumable'), 'no longer listed as unfinished');
  const id = log.heads[0].url.split('/').pop();
  const up = await w.s.call('GET', `/api/v1/uploads/${id}`, { token: p.token });
  assert.equal(up.json.sha256, sha256(bigBytes), 'the stored file is the file');
  assert.equal(await page.isDisabled('#deliver-button'), false);
  // Removed from the list, a complete upload is forgotten by the browser (kept on the server,
  // where another tab or the CLI may deliver it).
  await item(page, 'avails-december-catalogue.xml').getByRole('button', { name: /Remove/ }).click();
  assert.equal(await page.locator('#upload-list li').count(), 0);
  assert.ok(await page.isDisabled('#deliver-button'));
  await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('tus::')));
  assert.equal((await w.s.call('GET', `/api/v1/uploads/${id}`, { token: p.token })).json.complete, true);
  assertClean(page);
});

test('a refused delivery says why and keeps the uploaded files for the next try', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, PARTNER_PW);
  await visit(page, `${w.s.base}/upload?request=${req.id}`);
  await page.setInputFiles('#file-input', small);
  await page.waitForSelector('#deliver-button:not([disabled])');
  await page.selectOption('#kind', 'asset_package'); // not what the request asks for
  page.expectHttpErrors = true;
  const [res] = await Promise.all([page.waitForNavigation(), page.click('#deliver-button')]);
  assert.equal(res.status(), 422);
  await page.waitForLoadState('networkidle');
  assert.match(await page.textContent('#upload-error'), new RegExp(`request ${req.id} asks for avails, not asset_package`));
  assert.equal(await page.locator('#upload-list li.done').count(), 1, 'the uploaded file is still there');
  assert.equal(await page.inputValue('#kind'), 'asset_package', 'the choices are kept');
  await page.selectOption('#kind', 'avails');
  await Promise.all([page.waitForURL(/\/deliveries\/\d+$/), page.click('#deliver-button')]);
  await page.waitForSelector('.dv-verdict.dv-passed', { timeout: 30000 });
  assert.match(await page.textContent('table.dv-files'), /avails-december\.xml/);
  assertClean(page);
});

test('staff upload for a partner they choose; only the roles that deliver get the delivery form', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, w.email.pim, 'correct horse battery');
  await visit(page, `${w.s.base}/upload`);
  await page.selectOption('#partner-choice', String(p.id));
  await Promise.all([page.waitForURL(new RegExp(`/upload\\?partner=${p.id}$`)), page.click('form.up-chooser button')]);
  await page.waitForSelector('#upload-app:not([hidden])');
  assert.equal(await page.locator('#deliver-form').count(), 0, 'a pim does not deliver');
  assert.match(await page.textContent('#upload-app'), /delivery itself is made by the partner's own users/);
  await page.setInputFiles('#file-input', small);
  await item(page, 'avails-december.xml').locator('.up-state', { hasText: /Uploaded .*upload id [0-9a-f]{32}/ }).waitFor();
  // files dropped on the zone go the same way
  const dropped = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['<dropped/>\n'], 'dropped.xml', { type: 'text/xml' }));
    return dt;
  });
  await page.dispatchEvent('#dropzone', 'dragover', { dataTransfer: dropped });
  assert.ok(await page.$eval('#dropzone', (el) => el.classList.contains('over')), 'the zone shows where to drop');
  await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: dropped });
  await item(page, 'dropped.xml').locator('.up-state', { hasText: /Uploaded/ }).waitFor();
  await shot(page, 'upload-staff');
  const uid = await item(page, 'avails-december.xml').getAttribute('data-upload-id');
  const u = await w.s.call('GET', `/api/v1/uploads/${uid}`, { token: p.token });
  assert.equal(u.status, 200, 'the partner sees the upload made for it');
  assert.equal(u.json.partner, p.id);
  assertClean(page);
});

test('without JavaScript the upload page says why and gives the command line', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = watch(await context.newPage());
  await page.goto(`${w.s.base}/`);
  await page.fill('#email', p.contact);
  await page.fill('#password', PARTNER_PW);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.waitForLoadState('networkidle'); // the dashboard's own requests done before leaving it
  await visit(page, `${w.s.base}/upload?request=${req.id}`, 'upload-nojs');
  assert.ok(await page.isVisible('#needs-js'));
  assert.match(await page.textContent('#needs-js'), /needs JavaScript/);
  assert.ok(await page.isHidden('#upload-app'));
  assert.ok(await page.isVisible('.up-cli pre'), 'the commands are shown (folded away only when the uploader works)');
  const cli = await page.textContent('.up-cli');
  assert.match(cli, new RegExp(`vodgate deliver FILE… --server http://127\\.0\\.0\\.1:\\d+ --token TOKEN --partner ${p.id} --kind avails --request ${req.id} --wait`));
  assert.match(cli, /vodgate upload FILE --server/);
  await context.close();
});

test('the upload page refuses another organisation\'s request and partner', async () => {
  // another organisation in training, with a request of its own
  const other = await invite(w, 'Other Studio');
  const t = w.tok.admin;
  const ok = (r) => { assert.ok(r.status < 300, r.text); return r; };
  ok(await w.s.call('POST', `/api/v1/partners/${other.id}/questionnaire/send`, { token: t }));
  await fillQuestionnaire(w.s, other.id, t, { already_onboarded: 'no', delivery_method: 'self' });
  ok(await w.s.call('POST', `/api/v1/partners/${other.id}/questionnaire/submit`, { token: t }));
  for (const [item, body] of [['alias', { done: true, value: 'other_studio' }], ['transfer_account', { done: true }], ['portal_account', { done: true }]])
    ok(await w.s.call('PUT', `/api/v1/partners/${other.id}/setup/${item}`, { token: t, body }));
  ok(await w.s.call('POST', `/api/v1/partners/${other.id}/setup/confirm`, { token: t }));
  const otherReq = ok(await w.s.call('POST', `/api/v1/partners/${other.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Theirs' } })).json.id;

  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, PARTNER_PW);
  for (const path of [`/upload?partner=${other.id}`, `/upload?request=${otherReq}`, '/upload?request=999999', '/upload?partner=abc']) {
    const res = await page.goto(`${w.s.base}${path}`);
    assert.equal(res.status(), 404, path);
    assert.doesNotMatch(await page.content(), /Other Studio|Theirs/, 'nothing of the other organisation shows');
  }
  // a delivery form naming another organisation's partner is refused as if it did not exist
  const csrf = await page.getAttribute('form.signout input[name=csrf]', 'value');
  const res = await page.request.post(`${w.s.base}/upload`, { form: { csrf, do: 'deliver', partner: String(other.id), kind: 'avails', request: String(otherReq), files: 'x' }, maxRedirects: 0 });
  assert.equal(res.status(), 404);
  assert.doesNotMatch(await res.text(), /Other Studio|Theirs/);
});
