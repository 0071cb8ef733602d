// The scorecard in the portal (issue 15 item 5): on the partner page a section
// that reads as a person reads it ("80 % on time against the 48-hour clock (4
// of 5)"), with its period picked in a form and a bad date said plainly; the
// same card on the partner's own dashboard; links to the open defects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, shot } from './browser.mjs';
import { scoredWorld } from '../api/scorecard_world.mjs';

let w, p, browser;

before(async () => {
  ({ w, p } = await scoredWorld());
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal((await w.s.stop()).code, 0);
});

test('the partner reads its scorecard on its page and its dashboard', async () => {
  const page = await newPage(browser);
  await signIn(page, w.s.base, p.contact, 'partner password 1');
  const dash = page.locator('#scorecard');
  assert.match(await dash.innerText(), /80 % on time against the 48-hour clock \(4 of 5\)/);
  await shot(page, 'scorecard-dashboard');

  await visit(page, `${w.s.base}/partners/${p.id}`);
  const sc = page.locator('#scorecard');
  const text = await sc.innerText();
  assert.match(text, /Scorecard Sat 5 Sep( 2026)? to Thu 3 Dec( 2026)?, Europe\/London/);
  assert.match(text, /5 deliveries received/);
  assert.match(text, /80 % on time against the 48-hour clock \(4 of 5\)/);
  assert.match(text, /50 % passed at the first delivery \(2 of 4\)/);
  assert.match(text, /30 h from a failed result to its fix \(median of 1 fix\)/);
  assert.match(text, /1 open defect: failed, not yet fixed by a passing delivery: delivery \d+/);
  await sc.scrollIntoViewIfNeeded();
  await page.locator('#scorecard').screenshot({ path: 'build/test-artifacts/screenshots/scorecard-section.png' });
  await shot(page, 'scorecard-partner');

  // another period, through the form
  await page.fill('#sc-from', '2026-12-01');
  await page.fill('#sc-to', '2026-12-01');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show this period' }).click()]);
  const day = await page.locator('#scorecard').innerText();
  assert.match(day, /Tue 1 Dec( 2026)? to Tue 1 Dec/);
  assert.match(day, /100 % on time against the 48-hour clock \(3 of 3\)/);
  assert.match(day, /33 % passed at the first delivery \(1 of 3\)/);
  assert.match(day, /No failed result was fixed in this period/);
  assert.match(day, /2 open defects/);

  // the open defect's link leads to the failed delivery
  await visit(page, `${w.s.base}/partners/${p.id}`);
  await Promise.all([page.waitForNavigation(), page.locator('#scorecard a[href^="/deliveries/"]').first().click()]);
  assert.match(page.url(), /\/deliveries\/\d+$/);

  // a period typed wrong: said, and the default shown
  await visit(page, `${w.s.base}/partners/${p.id}?from=2026-12-09&to=2026-12-01`);
  const wrong = await page.locator('#scorecard').innerText();
  assert.match(wrong, /the period starts after it ends.*The last 90 days are shown/s);
  assert.match(wrong, /\(4 of 5\)/);
});
