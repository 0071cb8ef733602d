// Interoperability with tus-js-client (the client Uppy and most browser
// uploaders use), pinned in package-lock.json: a chunked upload, pause and
// resume from where the server stands, data sent with the creation request,
// termination, and parallel uploads (concatenation). Each upload's bytes and sha256 are checked on the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as tusClient from 'tus-js-client';
import { startServer } from './server.mjs';
import { setupOrgs, tus, offsetOf, stored, sha256, sleep } from './tus_helpers.mjs';

let s, o;
before(async () => {
  s = await startServer();
  o = await setupOrgs(s);
});
after(async () => { assert.equal((await s.stop()).code, 0); });

// Runs one tus-js-client upload to completion; resolves with the upload URL.
function upload(data, opts = {}) {
  return new Promise((resolve, reject) => {
    const u = new tusClient.Upload(data, {
      endpoint: `${s.base}/files/`,
      headers: { Authorization: `Bearer ${o.tokenA}` },
      metadata: { filename: 'feature.mov', filetype: 'video/quicktime' },
      retryDelays: [],
      ...opts,
      onError: reject,
      onSuccess: () => resolve(u.url),
    });
    if (opts.onCreate) opts.onCreate(u);
    u.start();
  });
}

async function record(url) {
  return (await s.call('GET', `/api/v1/uploads/${url.split('/').pop()}`, { token: o.tokenA })).json;
}

test('a chunked upload (1 MiB chunks) arrives whole, with its sha256 and md5', async () => {
  const data = randomBytes(5 * 1024 * 1024 + 12345);
  const url = await upload(data, { chunkSize: 1024 * 1024 });
  assert.deepEqual(stored(s, new URL(url).pathname), data);
  const rec = await record(url);
  assert.equal(rec.complete, true);
  assert.equal(rec.filename, 'feature.mov');
  assert.equal(rec.sha256, sha256(data));
});

test('pause (abort) and resume: the second run goes on from the server\'s offset', async () => {
  const data = randomBytes(8 * 1024 * 1024);
  let first;
  const paused = new Promise((resolve, reject) => {
    first = new tusClient.Upload(data, {
      endpoint: `${s.base}/files/`,
      headers: { Authorization: `Bearer ${o.tokenA}` },
      chunkSize: 512 * 1024,
      retryDelays: [],
      onError: reject,
      onChunkComplete: (chunk, sent) => {
        if (sent >= 3 * 1024 * 1024 && !first._paused) {
          first._paused = true;
          first.abort().then(resolve);
        }
      },
    });
    first.start();
  });
  await paused;
  const url = first.url;
  const path = new URL(url).pathname;
  const at = await offsetOf(s, o.tokenA, path);
  assert.ok(at >= 3 * 1024 * 1024 && at < data.length, `paused at ${at}`);
  let resumedFrom = -1;
  const done = await upload(data, { uploadUrl: url, chunkSize: 512 * 1024,
    onCreate: (u) => { u.options.onProgress = (sent) => { if (resumedFrom < 0) resumedFrom = sent; }; } });
  assert.equal(done, url);
  assert.ok(resumedFrom >= at, 'it did not start over');
  assert.deepEqual(stored(s, path), data);
  assert.equal((await record(url)).sha256, sha256(data));
});

test('uploadDataDuringCreation: the first chunk rides on the POST (creation-with-upload)', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 7);
  const url = await upload(data, { uploadDataDuringCreation: true, chunkSize: 1024 * 1024 });
  assert.deepEqual(stored(s, new URL(url).pathname), data);
  assert.equal((await record(url)).sha256, sha256(data));
});

test('the whole file in one PATCH (the default chunk size), and an empty file', async () => {
  const data = randomBytes(20 * 1024 * 1024);
  const url = await upload(data);
  assert.equal((await record(url)).sha256, sha256(data));
  const empty = await upload(Buffer.alloc(0));
  assert.equal((await record(empty)).complete, true);
});

test('termination: abort(true) deletes the upload on the server', async () => {
  const data = randomBytes(4 * 1024 * 1024);
  let u;
  await new Promise((resolve, reject) => {
    u = new tusClient.Upload(data, {
      endpoint: `${s.base}/files/`,
      headers: { Authorization: `Bearer ${o.tokenA}` },
      chunkSize: 1024 * 1024,
      retryDelays: [],
      onError: reject,
      onChunkComplete: () => { if (!u._stopping) { u._stopping = true; u.abort(true).then(resolve, reject); } },
    });
    u.start();
  });
  await sleep(100);
  const r = await tus(s, 'HEAD', new URL(u.url).pathname, { token: o.tokenA });
  assert.equal(r.status, 404);
});

test('overridePatchMethod: PATCH sent as POST with X-HTTP-Method-Override', async () => {
  const data = randomBytes(2 * 1024 * 1024);
  const url = await upload(data, { overridePatchMethod: true, chunkSize: 1024 * 1024 });
  assert.equal((await record(url)).sha256, sha256(data));
});

test('parallelUploads: 3 partial uploads in parallel, then the final one (concatenation); its sha256 is the file\'s', async () => {
  const data = randomBytes(6 * 1024 * 1024 + 4321);
  const url = await upload(data, { parallelUploads: 3, chunkSize: 1024 * 1024 });
  const path = new URL(url).pathname;
  // the server makes the final upload in the background: its Upload-Offset shows once it is made
  let head;
  for (let i = 0; i < 400; i++) {
    head = await tus(s, 'HEAD', path, { token: o.tokenA });
    if (head.headers.get('upload-offset') !== null) break;
    await sleep(25);
  }
  assert.match(head.headers.get('upload-concat'), /^final;/);
  const parts = head.headers.get('upload-concat').slice('final;'.length).split(' ');
  assert.equal(parts.length, 3);
  assert.equal(head.headers.get('upload-offset'), String(data.length));
  assert.equal(head.headers.get('upload-length'), String(data.length));
  const rec = await record(url);
  assert.equal(rec.complete, true);
  assert.equal(rec.concat, 'final');
  assert.equal(rec.length, data.length);
  assert.equal(rec.filename, 'feature.mov', 'the metadata came with the final upload');
  assert.equal(rec.sha256, sha256(data));
  assert.equal(rec.md5, createHash('md5').update(data).digest('hex'));
  assert.deepEqual(stored(s, path), data);
  for (const p of parts) assert.equal((await record(p)).concat, 'partial');
});
