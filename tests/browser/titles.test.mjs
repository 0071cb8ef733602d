// The catalogue pages (issue 15, item 4) in a real browser, on a test clock: a partner in steady
// state delivers the MDDF sample avails file (Avails_noErrors_v2.3.xml) through the API, so that
// titles exist; the partner and then a pom open /titles, search it, filter it and open a title:
// its windows, and per territory its state with the reasons it is not ready in words. The
// partner's view offers no partner filter and no "Mark published"; the pom's offers both the
// filter and, where a territory is ready, the form. Nothing in the sample is ready (no asset
// package names its titles: building one needs ffmpeg and a full package, which
// tests/api/titles.test.mjs does), so the pom's form is checked by its refusal path only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, newPage, signIn, visit, shot, assertClean } from './browser.mjs';
import { world, at, upload, settled, newPartner } from '../api/journeys.mjs';

const STAFF_PASSWORD = 'correct horse battery';
const SAMPLE = '../shared/mddf/samples/avails/Avails_noErrors_v2.3.xml';
let w, browser, p;

async function deliver(who, name, bytes) {
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: who.token,
    body: { partner: who.id, kind: 'avails', files: [await upload(w, who.token, name, bytes)] } });
  assert.equal(r.status, 202, r.text);
  return settled(w, r.json.id, who.token);
}

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  browser = await launch();
  p = await newPartner(w, 'Catalogue Studio', 'catalogue', { answers: { delivery_method: 'self', already_onboarded: 'yes' }, modules: [] });
  await at(w, '2026-11-24T10:00:00Z');
  const d = await deliver(p, 'Avails_noErrors_v2.3.xml', readFileSync(SAMPLE));
  assert.equal(d.status, 'passed', JSON.stringify(d.findings?.slice(0, 3)));
  p.delivery = d.id;
  const list = await w.s.call('GET', '/api/v1/titles?limit=200', { token: p.token });
  assert.ok(list.json.total >= 5, list.text);
  p.titles = list.json.titles;
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

const rows = (page) => page.locator('.titles-table tbody tr');

test('a partner finds its titles, filters them and reads what a title waits for', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  await page.getByRole('link', { name: 'Titles', exact: true }).click();
  await page.waitForSelector('.titles-table');
  assertClean(page);
  await shot(page, 'titles-partner');
  assert.equal(await rows(page).count(), p.titles.length);
  assert.equal(await page.locator('select#partner').count(), 0, 'a partner is offered no other organisation');
  assert.equal(await page.locator('th', { hasText: 'Partner' }).count(), 0);
  const text = await page.locator('main').textContent();
  assert.match(text, /THE BRAVADOS/);
  assert.match(text, /waiting for assets/);
  assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no raw RFC 3339 time for people');

  // search by name, then by id
  await page.getByLabel('Name or id').fill('bravados');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show' }).click()]);
  assert.equal(await rows(page).count(), 1);
  assert.match(await rows(page).first().textContent(), /THE BRAVADOS/);
  await page.getByLabel('Name or id').fill('33603_OV');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show' }).click()]);
  assert.equal(await rows(page).count(), 1);
  assert.match(await rows(page).first().textContent(), /Revenge Of The Sith/);

  // a territory: the sample's windows are all in the US, none in France
  await page.goto(`${w.s.base}/titles?territory=US`);
  assert.equal(await rows(page).count(), p.titles.length);
  await page.goto(`${w.s.base}/titles?territory=FR`);
  assert.equal(await rows(page).count(), 0);
  // a state nothing is in, and late: nothing, said so
  await page.goto(`${w.s.base}/titles?state=published`);
  assert.match(await page.locator('#titles-empty').textContent(), /No title matches/);
  await page.goto(`${w.s.base}/titles?late=1`);
  assert.equal(await rows(page).count(), 0);
  assertClean(page);

  // one title: header, windows, per-territory state with the reasons in words, no publish form
  await page.goto(`${w.s.base}/titles`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'THE BRAVADOS' }).click()]);
  assertClean(page);
  await shot(page, 'title-partner');
  assert.equal(await page.locator('h1').textContent().then((t) => /THE BRAVADOS/.test(t)), true);
  assert.match(await page.locator('.dv-facts').textContent(), /md:pseudoalid:wprid\.fox\.com:001143/);
  assert.match(await page.locator('.dv-facts').textContent(), /Catalogue Studio/);
  const us = page.locator('#territory-US');
  assert.match(await us.textContent(), /waiting for assets/);
  assert.match(await us.locator('.tt-reasons').textContent(), /no video/);
  assert.ok(await page.locator('#windows tbody tr').count() >= 1);
  assert.match(await page.locator('#windows').textContent(), /US/);
  assert.match(await page.locator('#deliveries').textContent(), new RegExp(`delivery ${p.delivery}`));
  assert.equal(await page.locator('svg.tt').count(), 1, 'the go-live timeline is drawn');
  assert.match(await page.locator('.tl-words').textContent(), /Window opened/);
  assert.equal(await page.locator('form:has(input[name="do"][value="published"])').count(), 0);
  const main = await page.locator('main').textContent();
  assert.doesNotMatch(main.replace(/GET \/api\/v1\/titles\/\d+/, ''), /\d{4}-\d\d-\d\dT\d\d:\d\d/);
  // the delivery in the history is a link to its result
  await Promise.all([page.waitForNavigation(), page.locator('#deliveries a').first().click()]);
  assert.match(page.url(), new RegExp(`/deliveries/${p.delivery}$`));
  // the partner page counts the titles and links to them
  await visit(page, `${w.s.base}/partners/${p.id}`);
  assert.match(await page.locator('#partner-titles').textContent(), new RegExp(`Titles \\(${p.titles.length}\\)`));
  await page.context().close();
});

test('a pom filters the catalogue by partner and reads a title; a territory not ready cannot be marked published', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, w.email.pom, STAFF_PASSWORD);
  await visit(page, `${w.s.base}/titles`);
  assert.ok(await page.locator('th', { hasText: 'Partner' }).count() >= 1);
  await page.locator('select#partner').selectOption(String(p.id));
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show' }).click()]);
  assert.equal(await rows(page).count(), p.titles.length);
  assert.match(await rows(page).first().textContent(), /Catalogue Studio/);
  await shot(page, 'titles-pom');
  const bravados = p.titles.find((t) => t.name === 'THE BRAVADOS');
  await visit(page, `${w.s.base}/titles/${bravados.id}`, 'title-pom');
  assert.match(await page.locator('#territory-US .tt-reasons').textContent(), /no video/);
  // no form for a territory that is not ready; sent anyway, the refusal is shown in words
  assert.equal(await page.locator('form:has(input[name="do"][value="published"])').count(), 0);
  const csrf = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).csrf);
  await page.evaluate(({ id, csrf }) => {
    const f = document.createElement('form');
    f.method = 'post';
    f.action = `/titles/${id}`;
    for (const [k, v] of Object.entries({ csrf, do: 'published', territory: 'US' })) {
      const i = document.createElement('input');
      i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
    }
    document.body.appendChild(f);
    f.submit();
  }, { id: bravados.id, csrf });
  await page.waitForSelector('.flash-error');
  assert.match(await page.locator('.flash-error').textContent(), /not ready in US: .*no video/);
  const t = await w.s.call('GET', `/api/v1/titles/${bravados.id}`, { token: w.tok.pom });
  assert.equal(t.json.territories.find((x) => x.territory === 'US').state, 'waiting_for_assets');
  await page.context().close();
});
