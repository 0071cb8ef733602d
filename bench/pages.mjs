// Page timing benchmark (issue 7: "every page under 100 ms on the server with
// the demo data"). Seeds a fresh installation with `vodgate demo`, starts the
// release build, signs in as staff of each role and as partner and posthouse
// users, visits every page each of them can reach (dashboards, partner pages,
// questionnaires, requests, deliveries, upload, planner, posthouses, outbox,
// account) ROUNDS times, and reads the server's own time for each request from
// its log line ("GET /path 200 3.1ms user"). Prints per page kind: requests,
// statuses, median and worst server ms; exits 1 when any page is over 100 ms.
//   node bench/pages.mjs            (sh bench/pages.sh builds first)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.VODGATE_BIN || 'build/vodgate';
const ROUNDS = Number(process.env.ROUNDS || 10);
const LIMIT_MS = 100;
const data = mkdtempSync(join(tmpdir(), 'vodgate-pages-'));

const demo = spawnSync(BIN, ['demo', '--data', data], { encoding: 'utf8' });
if (demo.status !== 0) throw new Error(demo.stderr);
const password = demo.stdout.match(/password of every demo account: (\S+)/)[1];
const accounts = [...demo.stdout.matchAll(/^\s+(\S+@demo\.vodgate\.local)\s+(\S+)/gm)]
  .map((m) => ({ email: m[1], role: m[2] }));

const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--data', data, '--threads', '4'],
                    { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
child.stderr.on('data', (d) => { log += d; });
const port = await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(log)), 20000);
  child.stderr.on('data', () => {
    const m = log.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (m) { clearTimeout(t); resolve(Number(m[1])); }
  });
});
const base = `http://127.0.0.1:${port}`;

async function api(token, path) {
  const r = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
  return r.ok ? r.json() : null;
}

// The pages one account can reach, as [kind, path].
async function pagesOf(token) {
  const pages = [['/', '/'], ['/upload', '/upload'], ['/plan', '/plan'], ['/posthouses', '/posthouses'],
                 ['/outbox', '/outbox'], ['/account', '/account'], ['/partners/new', '/partners/new']];
  const partners = (await api(token, '/api/v1/partners'))?.partners || [];
  for (const p of partners) {
    pages.push(['/partners/{id}', `/partners/${p.id}`], ['/partners/{id}/questionnaire', `/partners/${p.id}/questionnaire`]);
    for (const q of (await api(token, `/api/v1/partners/${p.id}/requests`))?.requests || [])
      pages.push(['/requests/{id}', `/requests/${q.id}`]);
    for (const d of (await api(token, `/api/v1/partners/${p.id}/deliveries`))?.deliveries || [])
      pages.push(['/deliveries/{id}', `/deliveries/${d.id}`]);
  }
  return pages;
}

const stats = new Map(); // kind -> {ms: [], statuses: Set}
for (const a of accounts) {
  const s = await fetch(base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: a.email, password }) });
  const token = (await s.json()).token;
  const pages = await pagesOf(token);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [kind, path] of pages) {
      const before = log.length;
      const r = await fetch(base + path, { headers: { Cookie: `vodgate_session=${token}`, Accept: 'text/html' }, redirect: 'manual' });
      await r.arrayBuffer();
      // the server logs a request when it completes, just after the answer went out
      let line;
      for (let i = 0; i < 100 && !line; i++) {
        line = log.slice(before).split('\n').find((l) => l.includes(` GET ${path} `) && /\n|ms /.test(l));
        if (!line) await new Promise((res) => setTimeout(res, 2));
      }
      const ms = line ? Number(line.match(/ (\d+(?:\.\d+)?)ms /)?.[1]) : NaN;
      const key = `${kind} (${a.role})`;
      if (!stats.has(key)) stats.set(key, { ms: [], statuses: new Set() });
      const st = stats.get(key);
      st.statuses.add(r.status);
      if (!Number.isNaN(ms)) st.ms.push(ms);
    }
  }
}
child.kill('SIGTERM');
await new Promise((res) => child.on('exit', res));
rmSync(data, { recursive: true, force: true });

let over = 0;
console.log(`pages on the demo data, ${ROUNDS} rounds, server time from the log (ms):`);
console.log('page (role)'.padEnd(44) + 'n'.padStart(6) + '  status      p50     max');
for (const [key, st] of [...stats].sort()) {
  const ms = st.ms.sort((x, y) => x - y);
  const p50 = ms[Math.floor(ms.length / 2)] ?? NaN, max = ms[ms.length - 1] ?? NaN;
  if (max > LIMIT_MS) over++;
  console.log(key.padEnd(44) + String(ms.length).padStart(6) + '  ' + [...st.statuses].join(',').padEnd(10) +
              p50.toFixed(1).padStart(7) + max.toFixed(1).padStart(8) + (max > LIMIT_MS ? '  OVER' : ''));
}
console.log(over ? `${over} page kinds over ${LIMIT_MS} ms` : `every page under ${LIMIT_MS} ms`);
process.exit(over ? 1 : 0);
