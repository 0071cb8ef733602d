// The tour: every page of the portal, for every role, on the demo data
// (`vodgate demo`). Each page must answer 200 (or the 403 page for a role
// that may not open it), load without console errors or failed requests,
// pass axe-core's accessibility rules (nothing serious or critical), and fit
// a phone's width; a screenshot of each (page, role) is saved as
// tour-ROLE-PAGE.png in build/test-artifacts/screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, startServer, cli, signIn, shot, assertClean } from './browser.mjs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let s, browser, password, accounts;
// axe-core, the accessibility checker, evaluated in the page (page.evaluate is not bound by the CSP)
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The serious accessibility problems of the page open in page: missing labels, contrast, roles...
async function accessibility(page) {
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

before(async () => {
  const data = mkdtempSync(join(tmpdir(), 'vodgate-tour-'));
  const demo = cli(['demo', '--data', data]);
  assert.equal(demo.status, 0, demo.stderr);
  password = demo.stdout.match(/password of every demo account: (\S+)/)[1];
  accounts = [...demo.stdout.matchAll(/^\s+(\S+@demo\.vodgate\.local)\s+(\S+)/gm)].map((m) => ({ email: m[1], role: m[2] }));
  s = await startServer({ data });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  assert.equal((await s.stop()).code, 0);
});

// The pages a user can reach, as [name, path], found through the API as that user.
async function pagesOf(token) {
  const get = async (path) => (await s.call('GET', path, { token })).json;
  const pages = [['dashboard', '/'], ['upload', '/upload'], ['plan', '/plan'], ['posthouses', '/posthouses'],
                 ['outbox', '/outbox'], ['account', '/account'], ['partner-new', '/partners/new']];
  const partners = (await get('/api/v1/partners'))?.partners || [];
  // one partner in training (requests, deliveries) and one early in the process
  const pick = [partners.find((p) => p.stage === 'training'), partners.find((p) => p.stage === 'questionnaire'),
                partners[0]].filter(Boolean);
  const seen = new Set();
  for (const p of pick) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    pages.push([`partner-${p.stage}`, `/partners/${p.id}`], [`questionnaire-${p.stage}`, `/partners/${p.id}/questionnaire`]);
    const rq = (await get(`/api/v1/partners/${p.id}/requests`))?.requests || [];
    if (rq.length) pages.push([`request-${p.stage}`, `/requests/${rq[0].id}`]);
    const dv = (await get(`/api/v1/partners/${p.id}/deliveries`))?.deliveries || [];
    if (dv.length) pages.push([`delivery-${p.stage}`, `/deliveries/${dv[0].id}`]);
  }
  return pages;
}

test('every page opens cleanly for every role of the demo, on a desktop and on a phone', async () => {
  const roles = new Map();
  for (const a of accounts) if (!roles.has(a.role)) roles.set(a.role, a);
  assert.ok(roles.size >= 8, `the demo has every role: ${[...roles.keys()]}`);
  let opened = 0;
  for (const [role, a] of roles) {
    const token = await s.signIn(a.email, password);
    const pages = await pagesOf(token);
    const page = await newPage(browser);
    const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await signIn(page, s.base, a.email, password);
    await signIn(phone, s.base, a.email, password);
    for (const [name, path] of pages) {
      const res = await page.goto(s.base + path);
      await page.waitForLoadState('networkidle');
      assert.ok([200, 403].includes(res.status()), `${role} ${path}: ${res.status()}`);
      assertClean(page, `${role} ${path}`);
      assert.ok(await page.locator('h1').count() > 0, `${role} ${path} has a heading`);
      if (res.status() === 200) {
        opened++;
        assert.deepEqual(await accessibility(page), [], `accessibility of ${path} for ${role}`);
        await shot(page, `tour-${role}-${name}`);
        // readable on a phone: the page itself never scrolls sideways (wide tables scroll in their box)
        await phone.goto(s.base + path);
        await phone.waitForLoadState('networkidle');
        assertClean(phone, `${role} ${path} (phone)`);
        const wide = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(wide <= 1, `${role} ${path} is ${wide}px wider than a phone`);
      }
    }
    await page.context().close();
    await phone.context().close();
  }
  assert.ok(opened > 60, `pages opened: ${opened}`);
});
