// Browser tests: Debian's chromium driven by playwright-core, against a real
// `vodgate serve --test-clock` on loopback (tests/api/server.mjs starts it).
//
// Every page a test opens goes through watch(): console errors, uncaught
// exceptions, failed requests and HTTP errors of sub-resources are collected,
// and assertClean() fails the test on any of them. shot() saves a full-page
// screenshot to build/test-artifacts/screenshots/NAME.png (the CI keeps
// build/ as its artifacts); every page of the portal gets one.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export { startServer, cli } from '../api/server.mjs';

export const SHOTS = join('build', 'test-artifacts', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// A new context (its own cookies: one person) with a page whose problems are collected.
export async function newPage(browser, { viewport } = {}) {
  const context = await browser.newContext({ viewport: viewport || { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page);
  return page;
}

export function watch(page) {
  page.problems = [];
  // a document answered 4xx (a form sent back with its errors) is logged by chromium as a failed
  // resource: those are checked by the tests themselves, sub-resources by the response handler
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    // net::ERR_ABORTED is the browser cancelling a fetch because the page moved on (a form
    // sent, a link followed); a server fault shows as a reset, an empty reply or an HTTP error
    if (why === 'net::ERR_ABORTED') return;
    // aborts a test makes on purpose (route.abort) are marked expected by the test
    if (!page.expectAborts) page.problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    const req = r.request();
    if (r.status() >= 400 && req.resourceType() !== 'document' && !page.expectHttpErrors)
      page.problems.push(`HTTP ${r.status()}: ${req.method()} ${r.url()}`);
  });
  return page;
}

export function assertClean(page, where = '') {
  assert.deepEqual(page.problems, [], `problems on the page ${where || page.url()}`);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// Signs in through the form; lands on the dashboard (or next).
export async function signIn(page, base, email, password) {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.waitForSelector('nav[aria-label="Main"]');
  // let the dashboard's own requests (styles, scripts, icon) finish before the test moves on:
  // leaving mid-load aborts them, which watch() would report as failed requests
  await page.waitForLoadState('networkidle');
}

// Opens a page, checks it answered 200 and is clean, saves its screenshot.
export async function visit(page, url, name) {
  const res = await page.goto(url);
  assert.equal(res.status(), 200, `${url} answered ${res.status()}`);
  await page.waitForLoadState('load');
  assertClean(page, url);
  if (name) await shot(page, name);
  return res;
}

// Submits the form on the page whose hidden "do" is action (and whose item is item), after
// fill(form); opens the <details> it sits in first; checks the flash is not an error.
export async function act(page, action, { item, fill } = {}) {
  const sel = `form:has(input[name="do"][value="${action}"])` + (item ? `:has(input[name="item"][value="${item}"])` : '');
  const form = page.locator(sel).first();
  const details = page.locator(`details:has(${sel})`).first();
  if (await details.count() && !(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  if (fill) await fill(form);
  try {
    await Promise.all([page.waitForNavigation({ timeout: 10000 }), form.locator('button[type="submit"]').first().click({ timeout: 10000 })]);
  } catch (e) {
    await shot(page, `journey-failed-${action}`);
    throw e;
  }
  const failed = page.locator('.flash-error');
  assert.equal(await failed.count(), 0, `${action}: ${(await failed.count()) ? await failed.first().textContent() : ''}`);
  assertClean(page, `${action} on ${page.url()}`);
}

// Answers a questionnaire field the way a person would, by its widget (see questionnaire.test.mjs):
// "we deliver ourselves", "no" to yes/no questions, the first of the choices, a plausible text.
export async function answerQuestion(page, key) {
  const field = page.locator(`.qn-q[data-key="${key}"]`);
  if (key === 'delivery_method') return field.getByLabel('We deliver ourselves').check();
  const first = field.locator('input[type=radio], input[type=checkbox]').first();
  if (await first.count()) {
    const no = field.locator('input[value="no"]');
    return ((await no.count()) ? no : first).check();
  }
  const select = field.locator('select');
  if (await select.count()) return select.selectOption({ index: 1 });
  const input = field.locator('input:not([type=hidden]), textarea').first();
  const type = await input.getAttribute('type');
  const mode = await input.getAttribute('inputmode');
  await input.fill(type === 'email' ? 'team@harbour.example' : type === 'date' ? '2027-03-01' : mode ? '12'
    : ['territories', 'registration_country'].includes(key) ? 'GB' : key === 'languages' ? 'en-GB' : 'Harbour answer');
}

// On the questionnaire page: submits, answers what the refusal names, until it is accepted.
export async function submitQuestionnaire(page) {
  await page.waitForSelector('#qn-form');
  for (let round = 0; round < 6; round++) {
    const [r] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit questionnaire' }).click()]);
    if (r.status() !== 422) break;
    const keys = await page.$$eval('#error-summary a', (as) => as.map((a) => a.getAttribute('href').slice(3)));
    assert.ok(keys.length > 0, 'a refused submission names what is missing');
    for (const key of keys) await answerQuestion(page, key);
  }
  await page.waitForSelector('.qn-read');
}
