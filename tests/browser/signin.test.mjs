// Signing in and out in a real browser: errors that say what to do, the way
// back to the page asked for, and the security headers the pages rely on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, startServer, signIn, shot, assertClean } from './browser.mjs';

let s, browser;
before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T09:00:00Z' });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal((await s.stop()).code, 0);
});

test('a wrong password says so, a right one opens the dashboard, sign-out ends the session', async () => {
  const page = await newPage(browser);
  const res = await page.goto(`${s.base}/`);
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
  await shot(page, 'signin');
  await page.getByLabel('Email').fill(s.admin.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('#signin-error');
  assert.match(await page.textContent('#signin-error'), /Wrong email or password/);
  assert.equal(await page.inputValue('#email'), s.admin.email, 'the email is kept');
  await shot(page, 'signin-error');
  await signIn(page, s.base, s.admin.email, s.admin.password);
  assert.match(await page.title(), /Dashboard/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForSelector('.flash-ok');
  assert.match(await page.textContent('.flash-ok'), /signed out/);
  assertClean(page);
});

test('a page opened signed out comes back after the sign-in', async () => {
  const page = await newPage(browser);
  await page.goto(`${s.base}/account`);
  assert.match(page.url(), /\/\?next=%2Faccount$/);
  assert.match(await page.textContent('.flash-error'), /sign in/i);
  await page.getByLabel('Email').fill(s.admin.email);
  await page.getByLabel('Password').fill(s.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${s.base}/account`);
});

test('the keyboard alone signs in: skip link, fields in order, Enter submits; focus is visible', async () => {
  const page = await newPage(browser);
  await page.goto(`${s.base}/`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  let guard = 0;
  while (await page.evaluate(() => document.activeElement.id) !== 'email' && guard++ < 10) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused field shows it');
  await page.keyboard.type(s.admin.email);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.keyboard.type(s.admin.password);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.title(), /Dashboard/);
  assertClean(page);
});
