// Crash and scale tests of the uploads: kill -9 of the server in the middle
// of a PATCH, 20 times at random points, restart on the same data, resume
// (alternately with tus-js-client and with `vodgate upload`): the stored file
// is byte-identical every time, and after each restart the file holds exactly
// the committed prefix. Then a large body with the server's memory watched,
// and the CLI's own resume after the server went away mid-upload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tusClient from 'tus-js-client';
import { startServer, BIN } from './server.mjs';
import { OCTET, setupOrgs, tus, create, offsetOf, stored, sha256, rssKiB, sleep } from './tus_helpers.mjs';

const KILLS = Number(process.env.VODGATE_TUS_KILLS || 20);
let work;
before(() => { work = mkdtempSync(join(tmpdir(), 'vodgate-crash-')); });
after(() => rmSync(work, { recursive: true, force: true }));

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Runs `vodgate upload`; resolves {code, stdout, stderr}; `child` is exposed for kills.
function cliUpload(args) {
  const child = spawn(BIN, ['upload', ...args], { stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASAN_OPTIONS: 'abort_on_error=0:detect_leaks=1' } });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

test(`kill -9 during PATCH, ${KILLS} times at random points: restart, resume, byte-identical`, async () => {
  const port = await freePort();
  const args = ['--listen', `127.0.0.1:${port}`];
  let s = await startServer({ args });
  const data = s.data;
  const o = await setupOrgs(s);
  const file = randomBytes(48 * 1024 * 1024);
  const src = join(work, 'master.mxf');
  writeFileSync(src, file);
  const mtime = Math.floor(statSync(src).mtimeMs / 1000);
  const state = join(work, 'master.state');
  let kills = 0, uploads = 0, path = null, url = null;
  // Each pass: resume (or start) the upload, kill -9 the server at a random
  // point, restart it on the same data, and check what it kept.
  while (kills < KILLS) {
    if (!path) {
      ({ path } = await create(s, o.tokenA, file.length));
      url = `${s.base}${path}`;
      writeFileSync(state, `vodgate-upload 1\nurl ${url}\nserver ${s.base}\nsize ${file.length}\nmtime ${mtime}\n`);
      uploads++;
    }
    const useCli = kills % 2 === 1;
    let running;
    if (useCli) {
      running = cliUpload([src, '--server', s.base, '--token', o.tokenA, '--state', state,
        '--chunk-size', String(4 * 1024 * 1024), '--retries', '0']).done;
    } else {
      running = new Promise((resolve) => {
        const u = new tusClient.Upload(file, { uploadUrl: url, endpoint: `${s.base}/files/`,
          headers: { Authorization: `Bearer ${o.tokenA}` }, retryDelays: [],
          onError: () => resolve('error'), onSuccess: () => resolve('done') });
        u.start();
      });
    }
    await sleep(20 + Math.floor(Math.random() * 150));
    await s.kill9();
    kills++;
    await running;
    s = await startServer({ args, data });
    const offset = await offsetOf(s, o.tokenA, path);
    assert.ok(offset >= 0 && offset <= file.length, `offset ${offset} after kill ${kills}`);
    // After a restart the file holds exactly the committed prefix, byte for byte.
    const have = stored(s, path);
    assert.equal(have.length, offset, `file cut back to the committed offset after kill ${kills}`);
    assert.ok(have.equals(file.subarray(0, offset)), `prefix identical after kill ${kills}`);
    if (offset === file.length) {
      const rec = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
      assert.equal(rec.json.sha256, sha256(file), `whole-file sha256 after kill ${kills}`);
      path = null;
    }
  }
  // Finish the last one with the CLI, which checks the server's sha256 against the file's.
  if (path) {
    const fin = await cliUpload([src, '--server', s.base, '--token', o.tokenA, '--state', state]).done;
    assert.equal(fin.code, 0, fin.stderr);
    assert.match(fin.stdout, new RegExp(`sha256 ${sha256(file)}`));
    assert.ok(stored(s, path).equals(file));
    const rec = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
    assert.equal(rec.json.sha256, sha256(file));
    // md5 may have lagged behind a fast body: the finisher completes it from its saved state.
    let md5 = rec.json.md5;
    for (let i = 0; i < 100 && !md5; i++) {
      await sleep(100);
      md5 = (await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA })).json.md5;
    }
    assert.equal(md5, createHash('md5').update(file).digest('hex'));
  }
  assert.equal(kills, KILLS);
  console.log(`# ${kills} kills over ${uploads} upload(s)`);
  assert.equal((await s.stop()).code, 0);
});

test('kill -9 while a final upload (concatenation) is being made: the restart makes it again, byte-identical', async () => {
  const port = await freePort();
  const args = ['--listen', `127.0.0.1:${port}`];
  let s = await startServer({ args });
  const data = s.data;
  const o = await setupOrgs(s);
  const parts = [randomBytes(24 * 1024 * 1024), randomBytes(16 * 1024 * 1024 + 5)];
  const paths = [];
  for (const p of parts) {
    const { path } = await create(s, o.tokenA, p.length, { headers: { 'Upload-Concat': 'partial' } });
    assert.equal((await tus(s, 'PATCH', path, { token: o.tokenA, body: p,
      headers: { 'Upload-Offset': '0', 'Content-Type': OCTET } })).status, 204);
    paths.push(path);
  }
  const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Concat': `final;${paths.join(' ')}` } });
  assert.equal(r.status, 201, r.text);
  const fin = r.headers.get('location');
  await s.kill9(); // at once: the copy (40 MiB, hashed on the way) has barely begun, if at all
  const atKill = existsSync(join(data, 'uploads', fin.split('/').pop())) ? statSync(join(data, 'uploads', fin.split('/').pop())).size : -1;
  s = await startServer({ args, data });
  let head;
  for (let i = 0; i < 400; i++) {
    head = await tus(s, 'HEAD', fin, { token: o.tokenA });
    assert.equal(head.status, 200);
    if (head.headers.get('upload-offset') !== null) break;
    await sleep(25);
  }
  const want = Buffer.concat(parts);
  assert.equal(head.headers.get('upload-offset'), String(want.length), 'made after the restart');
  assert.ok(stored(s, fin).equals(want));
  const rec = await s.call('GET', `/api/v1/uploads/${fin.split('/').pop()}`, { token: o.tokenA });
  assert.equal(rec.json.sha256, sha256(want));
  assert.equal(rec.json.md5, createHash('md5').update(want).digest('hex'));
  console.log(`# the final upload's file held ${atKill} of ${want.length} bytes at the kill`);
  assert.equal((await s.stop()).code, 0);
});

test('a 256 MiB body streams to disk with flat server memory (VmRSS)', async () => {
  const s = await startServer();
  const o = await setupOrgs(s);
  const total = 256 * 1024 * 1024;
  const { path } = await create(s, o.tokenA, total);
  const base = rssKiB(s.child.pid);
  let peak = base;
  const watch = setInterval(() => { peak = Math.max(peak, rssKiB(s.child.pid)); }, 20);
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 7 + 3) & 255;
  const url = new URL(s.base + path);
  const status = await new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname, async () => {
      sock.write(`PATCH ${path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer ${o.tokenA}\r\n` +
        `Content-Type: ${OCTET}\r\nUpload-Offset: 0\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n`);
      for (let i = 0; i < total / block.length; i++)
        if (!sock.write(block)) await new Promise((r) => sock.once('drain', r));
    });
    let reply = '';
    sock.on('data', (d) => { reply += d; });
    sock.on('end', () => resolve(Number(reply.split(' ')[1])));
    sock.on('error', reject);
  });
  clearInterval(watch);
  assert.equal(status, 204);
  assert.equal(await offsetOf(s, o.tokenA, path), total);
  const growth = (peak - base) / 1024;
  assert.ok(growth < 48, `server RSS grew ${growth.toFixed(1)} MiB (from ${(base / 1024).toFixed(1)} MiB) for a 256 MiB body`);
  const rec = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  const h = (await import('node:crypto')).createHash('sha256');
  for (let i = 0; i < total / block.length; i++) h.update(block);
  assert.equal(rec.json.sha256, h.digest('hex'));
  assert.equal((await s.stop()).code, 0);
});

test('vodgate upload: progress lines, resume after the server is killed and restarted, clear failures', async () => {
  const port = await freePort();
  const args = ['--listen', `127.0.0.1:${port}`];
  let s = await startServer({ args });
  const data = s.data;
  const o = await setupOrgs(s);
  const file = randomBytes(96 * 1024 * 1024 + 3);
  const src = join(work, 'trailer.mov');
  writeFileSync(src, file);
  // The server dies mid-upload; the CLI retries (with pauses) until it is back.
  const run = cliUpload([src, '--server', s.base, '--token', o.tokenA, '--chunk-size', String(1024 * 1024), '--retries', '10']);
  await sleep(150);
  await s.kill9();
  await sleep(1500);
  s = await startServer({ args, data });
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^upload [0-9a-f]{32}\nsha256 [0-9a-f]{64}\n$/);
  assert.match(r.stdout, new RegExp(sha256(file)));
  assert.match(r.stderr, /uploaded .* of 96\.0 MiB/, 'plain progress lines when not a terminal');
  assert.match(r.stderr, /retrying in/);
  assert.ok(!existsSync(`${src}.vodgate-upload`), 'the state file is removed once done');
  const id = r.stdout.split('\n')[0].split(' ')[1];
  assert.ok(readFileSync(join(data, 'uploads', id)).equals(file));
  // Ctrl-C style interruption: kill the CLI, run it again, it resumes from the server's offset.
  const big = randomBytes(96 * 1024 * 1024);
  const src2 = join(work, 'feature.mov');
  writeFileSync(src2, big);
  const first = cliUpload([src2, '--server', s.base, '--token', o.tokenA, '--chunk-size', String(1024 * 1024)]);
  await sleep(150);
  first.child.kill('SIGINT');
  await first.done;
  assert.ok(existsSync(`${src2}.vodgate-upload`), 'the state file stays for a resume');
  const second = await cliUpload([src2, '--server', s.base, '--token', o.tokenA]).done;
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /resuming .* at byte \d+/);
  assert.match(second.stdout, new RegExp(sha256(big)));
  // Failures are clear and non-zero.
  const bad = await cliUpload([src, '--server', s.base, '--token', 'x'.repeat(43)]).done;
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /refused/);
  const gone = await cliUpload([join(work, 'nope.mov'), '--server', s.base, '--token', o.tokenA]).done;
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /cannot read/);
  const usage = await cliUpload([src]).done;
  assert.equal(usage.code, 2);
  assert.equal((await s.stop()).code, 0);
});
