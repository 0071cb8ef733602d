// Starts a real `vodgate serve` on 127.0.0.1 with a free port and a fresh data
// directory, and stops it by process id. Every API test goes through this.
//
// With VODGATE_TEST_DATABASE=postgres the store is PostgreSQL instead: each
// data directory gets a fresh database in the cluster at VODGATE_TEST_PG_URL
// (scripts/pg.sh prints it), passed with --database to the server and as
// VODGATE_DATABASE to the CLI, so that a server and a CLI run given one data
// directory share one database, as they share one SQLite file otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = process.env.VODGATE_BIN || 'build/asan/vodgate';
const PG = process.env.VODGATE_TEST_DATABASE === 'postgres';
const PSQL = join(process.env.PG_BINDIR || '/usr/lib/postgresql/15/bin', 'psql');
const pgMade = new Map(); // data directory -> database URL

// The PostgreSQL database of a data directory, created on first use; null without PG.
function databaseFor(data) {
  if (!PG) return null;
  const dir = resolve(data);
  if (pgMade.has(dir)) return pgMade.get(dir);
  const admin = process.env.VODGATE_TEST_PG_URL;
  if (!admin) throw new Error('VODGATE_TEST_DATABASE=postgres needs VODGATE_TEST_PG_URL (scripts/pg.sh start)');
  // Data directories are fresh temporary ones, so their hash names a fresh database.
  const name = 'vg_' + createHash('sha256').update(dir).digest('hex').slice(0, 24);
  const r = spawnSync(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', admin, '-c', `CREATE DATABASE ${name}`],
                      { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`creating database ${name} failed: ${r.stderr || r.error}`);
  const url = new URL(admin);
  url.pathname = '/' + name;
  pgMade.set(dir, url.toString());
  return url.toString();
}

// The value of the last `--name VALUE` in args, or undefined.
function lastOption(args, name) {
  const i = args.lastIndexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

// Options: testClock (bool), testClockStart (RFC 3339), env (extra), args (extra).
export async function startServer(opts = {}) {
  // opts.data: reuse a data directory (a restart after kill9()); else a fresh one.
  const data = opts.data || mkdtempSync(join(tmpdir(), 'vodgate-test-'));
  const args = ['serve', '--listen', '127.0.0.1:0', '--data', data, '--bootstrap-admin',
                '--threads', '4', ...(opts.args || [])];
  if (opts.testClock) args.push('--test-clock');
  if (opts.testClockStart) args.push('--test-clock-start', opts.testClockStart);
  const database = databaseFor(lastOption(args, '--data'));
  if (database) args.push('--database', database);
  const env = { ...process.env, VODGATE_ADMIN_EMAIL: 'admin@example.com',
                ASAN_OPTIONS: 'abort_on_error=0:detect_leaks=1', ...(opts.env || {}) };
  const child = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  // A test that fails before it can stop its server must not leave it running: the child
  // would keep the test process alive forever.
  const orphan = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', orphan);
  child.on('exit', () => process.removeListener('exit', orphan));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30000);
    const look = () => {
      const m = stderr.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stderr.on('data', look);
    child.on('exit', () => { clearTimeout(timer); reject(new Error(`server exited:\n${stderr}`)); });
  });
  // The admin's password goes to stdout and "listening" to stderr: the two pipes may be read
  // in either order, so on a fresh data directory (the admin is made then) wait for it too.
  if (!opts.data) {
    for (let i = 0; i < 200 && !/password: \S+/.test(stdout); i++) await new Promise((r) => setTimeout(r, 10));
  }
  const pw = stdout.match(/password: (\S+)/);
  const server = {
    child, data, port, base: `http://127.0.0.1:${port}`,
    admin: { email: 'admin@example.com', password: pw ? pw[1] : null },
    get stderr() { return stderr; },
    // Waits (up to ms) until what the server wrote to stderr after offset `since` matches re, and
    // returns that text: the request log is written by a thread of its own once a request has
    // completed, so a line may come late and after a later request's: wait for the line itself.
    async logged(since, re, ms = 10000) {
      for (const t0 = Date.now(); !re.test(stderr.slice(since)) && Date.now() - t0 < ms;) {
        await new Promise((r) => setTimeout(r, 20));
      }
      return stderr.slice(since);
    },
    exited,
    // Sends SIGTERM and waits; returns {code, signal}.
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const r = await exited;
      rmSync(data, { recursive: true, force: true });
      if (r.code !== 0) console.error(stderr.slice(-4000));
      return r;
    },
    // SIGKILL (a crash): waits for the exit and keeps the data directory for a restart.
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
    // One API call. body is JSON-encoded unless it is a string/Buffer.
    async call(method, path, { token, body, headers = {}, cookie, csrf } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      if (cookie) h.Cookie = cookie;
      if (csrf) h['X-CSRF-Token'] = csrf;
      let payload = body;
      if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
        payload = JSON.stringify(body);
        h['Content-Type'] = 'application/json';
      }
      const res = await fetch(this.base + path, { method, headers: h, body: payload });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      return { status: res.status, headers: res.headers, text, json };
    },
    async signIn(email, password) {
      const r = await this.call('POST', '/api/v1/session', { body: { email, password } });
      if (r.status !== 200) throw new Error(`sign-in of ${email} failed: ${r.status} ${r.text}`);
      return r.json.token;
    },
    // Creates a user through the API as admin and signs them in; returns {id, token}.
    async userWithToken(adminToken, email, role, partner) {
      const body = { email, name: email, role, password: 'correct horse battery', partner };
      const r = await this.call('POST', '/api/v1/users', { token: adminToken, body });
      if (r.status !== 201) throw new Error(`adding ${email} failed: ${r.status} ${r.text}`);
      return { id: r.json.id, token: await this.signIn(email, 'correct horse battery') };
    },
  };
  return server;
}

// Runs SQL on the store of a data directory (sqlite3 or psql, whichever the
// tests run on), for tests that need more rows than the API makes quickly.
export function sql(data, text) {
  const database = databaseFor(data);
  const r = database
    ? spawnSync(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database], { input: text, encoding: 'utf8' })
    : spawnSync('sqlite3', ['-bail', '-cmd', '.timeout 10000', join(data, 'vodgate.db')],
                { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`SQL failed: ${r.stderr || r.error}`);
  return r.stdout;
}

// Runs the CLI; returns {status, stdout, stderr}.
export function cli(args, { input, env } = {}) {
  const data = lastOption(args, '--data');
  const database = data ? databaseFor(data) : null;
  const pg = database ? { VODGATE_DATABASE: database } : {};
  const r = spawnSync(BIN, args, { input, env: { ...process.env, ...pg, ...(env || {}) }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
