// The tus 1.0.0 protocol suite (no official conformance suite exists): one
// case per MUST/SHOULD of the protocol text that vodgate implements (core,
// creation, creation-with-upload, creation-defer-length, termination,
// checksum, expiration, concatenation), each named by the sentence it checks; then the
// hostile inputs and vodgate's own rules (organisations, quota, timeouts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { OCTET, b64, sha256, digestB64, setupOrgs, tus, create, patch, offsetOf, stored, sleep } from './tus_helpers.mjs';

let s, o;
const MAX = 64 * 1024 * 1024;
const QUOTA = 96 * 1024 * 1024;

before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z',
    args: ['--max-upload', String(MAX), '--upload-quota', String(QUOTA), '--upload-expiry', '86400',
           '--idle-timeout', '3'] });
  o = await setupOrgs(s);
});
after(async () => { assert.equal((await s.stop()).code, 0); });

const spec = (sentence, fn) => test(sentence, fn);

// ---- core ----

spec('OPTIONS: "A successful response indicated by the 204 No Content or 200 OK status MUST contain the Tus-Version header. It MAY include the Tus-Extension and Tus-Max-Size headers."', async () => {
  const r = await tus(s, 'OPTIONS', '/files/', { version: null });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('tus-version'), '1.0.0');
  assert.deepEqual(r.headers.get('tus-extension').split(','),
    ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'checksum', 'expiration', 'concatenation']);
  assert.equal(r.headers.get('tus-max-size'), String(MAX));
});

spec('OPTIONS: "The Client SHOULD NOT include the Tus-Resumable header in the request and the Server MUST ignore the header."', async () => {
  const r = await tus(s, 'OPTIONS', '/files/', { version: '0.2.2' });
  assert.equal(r.status, 204);
});

spec('Checksum: "The Tus-Checksum-Algorithm header MUST be included in the response to an OPTIONS request." and "The Server MUST support at least the SHA1 checksum algorithm"', async () => {
  const r = await tus(s, 'OPTIONS', '/files/', { version: null });
  assert.ok(r.headers.get('tus-checksum-algorithm').split(',').includes('sha1'));
  assert.match(r.headers.get('tus-checksum-algorithm'), /^[a-z0-9,-]+$/, 'names without uppercase');
});

spec('Tus-Resumable: "If the version specified by the Client is not supported by the Server, it MUST respond with the 412 Precondition Failed status and MUST include the Tus-Version header into the response. In addition, the Server MUST NOT process the request."', async () => {
  const before = (await s.call('GET', '/api/v1/uploads', { token: o.tokenA })).json.uploads.length;
  for (const version of ['0.2.2', null]) {
    const r = await tus(s, 'POST', '/files/', { token: o.tokenA, version, headers: { 'Upload-Length': '5' } });
    assert.equal(r.status, 412);
    assert.equal(r.headers.get('tus-version'), '1.0.0');
  }
  const afterN = (await s.call('GET', '/api/v1/uploads', { token: o.tokenA })).json.uploads.length;
  assert.equal(afterN, before, 'no upload was created');
});

spec('Tus-Resumable: "The Tus-Resumable header MUST be included in every request and response except for OPTIONS requests."', async () => {
  const { path, res } = await create(s, o.tokenA, 10);
  const answers = [res, await tus(s, 'HEAD', path, { token: o.tokenA }),
    await patch(s, o.tokenA, path, 0, Buffer.from('12345')),
    await patch(s, o.tokenA, path, 0, Buffer.from('12345')), // 409
    await tus(s, 'HEAD', '/files/00000000000000000000000000000000', { token: o.tokenA }), // 404
    await tus(s, 'HEAD', path, {})]; // 401
  for (const a of answers) assert.equal(a.headers.get('tus-resumable'), '1.0.0', `status ${a.status}`);
});

spec('HEAD: "The Server MUST always include the Upload-Offset header in the response for a HEAD request, even if the offset is 0, or the upload is already considered completed. If the size of the upload is known, the Server MUST include the Upload-Length header in the response."', async () => {
  const { path } = await create(s, o.tokenA, 3);
  let r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('upload-offset'), '0');
  assert.equal(r.headers.get('upload-length'), '3');
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('abc'))).status, 204);
  r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.headers.get('upload-offset'), '3');
  assert.equal(r.headers.get('upload-length'), '3');
});

spec('HEAD: "The Server MUST prevent the client and/or proxies from caching the response by adding the Cache-Control: no-store header to the response."', async () => {
  const { path } = await create(s, o.tokenA, 3);
  const r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

spec('HEAD: "If the resource is not found, the Server SHOULD return either the 404 Not Found, 410 Gone or 403 Forbidden status without the Upload-Offset header."', async () => {
  for (const id of ['00000000000000000000000000000000', 'nothex', '..%2f..%2fetc%2fpasswd']) {
    const r = await tus(s, 'HEAD', `/files/${id}`, { token: o.tokenA });
    assert.equal(r.status, 404, id);
    assert.equal(r.headers.get('upload-offset'), null);
  }
});

spec('PATCH: "All PATCH requests MUST use Content-Type: application/offset+octet-stream, otherwise the server SHOULD return a 415 Unsupported Media Type status."', async () => {
  const { path } = await create(s, o.tokenA, 3);
  const r = await tus(s, 'PATCH', path, { token: o.tokenA, body: Buffer.from('abc'),
    headers: { 'Content-Type': 'application/octet-stream', 'Upload-Offset': '0' } });
  assert.equal(r.status, 415);
  assert.equal(await offsetOf(s, o.tokenA, path), 0);
});

spec('PATCH: "If the offsets do not match, the Server MUST respond with the 409 Conflict status without modifying the upload resource."', async () => {
  const { path } = await create(s, o.tokenA, 6);
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('abc'))).status, 204);
  for (const off of [0, 2, 4, 6]) {
    const r = await patch(s, o.tokenA, path, off, Buffer.from('xyz'));
    assert.equal(r.status, 409, `offset ${off}`);
  }
  assert.equal(await offsetOf(s, o.tokenA, path), 3);
  assert.equal(stored(s, path).toString(), 'abc');
});

spec('PATCH: "The Server MUST acknowledge successful PATCH requests with the 204 No Content status. It MUST include the Upload-Offset header containing the new offset. The new offset MUST be the sum of the offset before the PATCH request and the number of bytes received and processed or stored during the current PATCH request."', async () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog');
  const { path } = await create(s, o.tokenA, data.length, { metadata: `filename ${b64('fox.txt')}` });
  let at = 0;
  for (const n of [1, 9, 0, 20, 13]) {
    const r = await patch(s, o.tokenA, path, at, data.subarray(at, at + n));
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('upload-offset'), String(at + n));
    at += n;
  }
  assert.deepEqual(stored(s, path), data);
  const info = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  assert.equal(info.json.complete, true);
  assert.equal(info.json.sha256, sha256(data));
  assert.equal(info.json.md5, digestB64('md5', data) && (await import('node:crypto')).createHash('md5').update(data).digest('hex'));
  assert.equal(info.json.filename, 'fox.txt');
});

spec('PATCH: "If the server receives a PATCH request against a non-existent resource it SHOULD return a 404 Not Found status."', async () => {
  const r = await patch(s, o.tokenA, '/files/0123456789abcdef0123456789abcdef', 0, Buffer.from('x'));
  assert.equal(r.status, 404);
});

spec('Upload-Offset: "The value MUST be a non-negative integer." (anything else is refused with 400, the upload untouched)', async () => {
  const { path } = await create(s, o.tokenA, 5);
  for (const bad of ['-1', 'abc', '1e3', '+1', '99999999999999999999', '0x10', '']) {
    const r = await patch(s, o.tokenA, path, bad, Buffer.from('x'));
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  assert.equal(await offsetOf(s, o.tokenA, path), 0);
});

spec('Upload-Length: "The value MUST be a non-negative integer." (a creation with anything else is refused with 400)', async () => {
  for (const bad of ['-5', 'ten', '1.5', '18446744073709551616']) {
    const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Length': bad } });
    assert.equal(r.status, 400, bad);
  }
});

spec('X-HTTP-Method-Override: "The X-HTTP-Method-Override request header MUST be a string which MUST be interpreted as the request\'s method by the Server, if the header is presented. The actual method of the request MUST be ignored."', async () => {
  const { path } = await create(s, o.tokenA, 4);
  let r = await tus(s, 'POST', path, { token: o.tokenA, body: Buffer.from('wxyz'),
    headers: { 'X-HTTP-Method-Override': 'PATCH', 'Content-Type': OCTET, 'Upload-Offset': '0' } });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('upload-offset'), '4');
  r = await tus(s, 'POST', path, { token: o.tokenA, headers: { 'X-HTTP-Method-Override': 'DELETE' } });
  assert.equal(r.status, 204);
  assert.equal(await offsetOf(s, o.tokenA, path), -404);
});

spec('PATCH: "The Server SHOULD always attempt to store as much of the received data as possible." (a client that goes away mid-body keeps what arrived)', async () => {
  const { path } = await create(s, o.tokenA, 8 * 1024 * 1024);
  const part = Buffer.alloc(3 * 1024 * 1024, 7);
  const url = new URL(s.base + path);
  await new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname, () => {
      sock.write(`PATCH ${path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer ${o.tokenA}\r\n` +
        `Content-Type: ${OCTET}\r\nUpload-Offset: 0\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`);
      sock.write(part, () => setTimeout(() => { sock.destroy(); resolve(); }, 300));
    });
    sock.on('error', reject);
  });
  let off = 0;
  for (let i = 0; i < 50 && off !== part.length; i++) { await sleep(100); off = await offsetOf(s, o.tokenA, path); }
  assert.equal(off, part.length);
  assert.deepEqual(stored(s, path), part);
  const rest = Buffer.alloc(5 * 1024 * 1024, 7);
  assert.equal((await patch(s, o.tokenA, path, off, rest)).status, 204);
  const info = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  assert.equal(info.json.sha256, sha256(Buffer.concat([part, rest])));
});

// ---- creation ----

spec('Creation: "The Server MUST acknowledge a successful upload creation with the 201 Created status. The Server MUST set the Location header to the URL of the created resource."', async () => {
  const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Length': '100' } });
  assert.equal(r.status, 201);
  assert.match(r.headers.get('location'), /^\/files\/[0-9a-f]{32}$/);
  assert.equal((await tus(s, 'HEAD', r.headers.get('location'), { token: o.tokenA })).status, 200);
});

spec('Creation: "If the length of the upload exceeds the maximum, which MAY be specified using the Tus-Max-Size header, the Server MUST respond with the 413 Request Entity Too Large status."', async () => {
  const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Length': String(MAX + 1) } });
  assert.equal(r.status, 413);
});

spec('Creation: "The Upload-Length header MAY be set to 0, indicating that the Client wants to upload an empty file. Such an upload is immediately complete after its creation"', async () => {
  const { path } = await create(s, o.tokenA, 0);
  const info = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  assert.equal(info.json.complete, true);
  assert.equal(info.json.sha256, sha256(Buffer.alloc(0)));
  assert.equal(info.json.md5, 'd41d8cd98f00b204e9800998ecf8427e');
});

spec('Creation: "If an upload contains additional metadata, responses to HEAD requests MUST include the Upload-Metadata header and its value as specified by the Client during the creation."', async () => {
  const meta = `filename ${b64('trailer.mov')},is_confidential,lang ${b64('en')}`;
  const { path } = await create(s, o.tokenA, 5, { metadata: meta });
  const r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.headers.get('upload-metadata'), meta);
});

spec('Upload-Metadata: "The key MUST NOT contain spaces and commas and MUST NOT be empty. ... the value MUST be Base64 encoded. All keys MUST be unique." (a malformed header is refused with 400)', async () => {
  const bad = [`filename ${b64('a')},filename ${b64('b')}`, `filename ${b64('a')},,x ${b64('x')}`, 'filename not*base64!', `,filename ${b64('a')}`,
    `filename ${b64('a')},`, 'filename ====', `filename ${b64('x'.repeat(5000))}`, 'k\u0001 eA=='];
  for (const m of bad) {
    const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Length': '1', 'Upload-Metadata': m } })
      .catch(() => ({ status: 400 })); // fetch itself refuses control characters
    assert.equal(r.status, 400, m.slice(0, 40));
  }
  const ok = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Length': '1', 'Upload-Metadata': 'is_confidential' } });
  assert.equal(ok.status, 201, 'a key without a value is allowed');
});

spec('Creation: "Servers SHOULD carefully validate metadata values or sanitize them before using them" (a filename is metadata only: path tricks and control characters)', async () => {
  const { path } = await create(s, o.tokenA, 1, { metadata: `filename ${b64('../../../etc/passwd')}` });
  const id = path.split('/').pop();
  assert.ok(existsSync(join(s.data, 'uploads', id)), 'stored under its id');
  const info = await s.call('GET', `/api/v1/uploads/${id}`, { token: o.tokenA });
  assert.equal(info.json.filename, '../../../etc/passwd');
  for (const name of ['a\nb', 'bell\u0007', Buffer.from([0xff, 0xfe]).toString('latin1')]) {
    const m = `filename ${Buffer.from(name, name.includes('\u00ff') ? 'latin1' : 'utf8').toString('base64')}`;
    const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Length': '1', 'Upload-Metadata': m } });
    assert.equal(r.status, 400, JSON.stringify(name));
  }
});

spec('Creation (defer length): "If the Upload-Defer-Length header contains any other value than 1 the server should return a 400 Bad Request status."', async () => {
  for (const v of ['0', '2', 'yes']) {
    const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Defer-Length': v } });
    assert.equal(r.status, 400, v);
  }
  const both = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Defer-Length': '1', 'Upload-Length': '3' } });
  assert.equal(both.status, 400);
  const none = await tus(s, 'POST', '/files/', { token: o.tokenA });
  assert.equal(none.status, 400);
});

spec('Creation (defer length): "As long as the length of the upload is not known, the Server MUST set Upload-Defer-Length: 1 in all responses to HEAD requests." and "the Client MUST set the Upload-Length header in the next PATCH request, once the length is known. Once set the length MUST NOT be changed."', async () => {
  const { path } = await create(s, o.tokenA, null);
  let r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.headers.get('upload-defer-length'), '1');
  assert.equal(r.headers.get('upload-length'), null);
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('hello '))).status, 204);
  r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.headers.get('upload-defer-length'), '1');
  r = await patch(s, o.tokenA, path, 6, Buffer.from('world'), { 'Upload-Length': '11' });
  assert.equal(r.status, 204);
  r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.headers.get('upload-length'), '11');
  assert.equal(r.headers.get('upload-defer-length'), null);
  const info = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  assert.equal(info.json.sha256, sha256(Buffer.from('hello world')));
  r = await patch(s, o.tokenA, path, 11, Buffer.alloc(0), { 'Upload-Length': '12' });
  assert.equal(r.status, 400, 'the length cannot change');
});

spec('Creation With Upload: "The Client MUST include the Content-Type: application/offset+octet-stream header. The Server SHOULD accept as many bytes as possible and MUST include the Upload-Offset header in the response"', async () => {
  const data = Buffer.from('first bytes, and the rest later');
  const r = await tus(s, 'POST', '/files/', { token: o.tokenA, body: data.subarray(0, 11),
    headers: { 'Upload-Length': String(data.length), 'Content-Type': OCTET } });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('upload-offset'), '11');
  const path = r.headers.get('location');
  assert.equal((await patch(s, o.tokenA, path, 11, data.subarray(11))).status, 204);
  assert.deepEqual(stored(s, path), data);
  const wrong = await tus(s, 'POST', '/files/', { token: o.tokenA, body: Buffer.from('x'),
    headers: { 'Upload-Length': '1', 'Content-Type': 'text/plain' } });
  assert.equal(wrong.status, 415);
});

// ---- expiration ----

spec('Expiration: "This header MUST be included in every PATCH response if the upload is going to expire. If the expiration is known at the creation, the Upload-Expires header MUST be included in the response to the initial POST request." (RFC 9110 date)', async () => {
  const { path, res } = await create(s, o.tokenA, 10);
  const date = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
  assert.match(res.headers.get('upload-expires'), date);
  const r = await patch(s, o.tokenA, path, 0, Buffer.from('12345'));
  assert.match(r.headers.get('upload-expires'), date);
  assert.ok(Date.parse(r.headers.get('upload-expires')) - Date.parse('2026-11-27T16:00:00Z') >= 86400e3 - 60e3);
});

spec('Expiration: "If a Client does attempt to resume an upload which has since been removed by the Server, the Server SHOULD respond with the 404 Not Found or 410 Gone status. The latter one SHOULD be used if the Server is keeping track of expired uploads."', async () => {
  const { path } = await create(s, o.tokenA, 10);
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('12345'))).status, 204);
  const done = await create(s, o.tokenA, 2);
  assert.equal((await patch(s, o.tokenA, done.path, 0, Buffer.from('ok'))).status, 204);
  const clock = await s.call('GET', '/api/v1/clock', { token: o.admin });
  const later = new Date(Date.parse(clock.json.now) + 2 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  assert.equal((await s.call('PUT', '/api/v1/clock', { token: o.admin, body: { now: later } })).status, 200);
  assert.equal((await tus(s, 'HEAD', path, { token: o.tokenA })).status, 410);
  assert.equal((await patch(s, o.tokenA, path, 5, Buffer.from('67890'))).status, 410);
  assert.ok(!existsSync(join(s.data, 'uploads', path.split('/').pop())), 'its bytes are removed');
  assert.equal((await tus(s, 'HEAD', done.path, { token: o.tokenA })).status, 200, 'a complete upload stays');
  const info = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  assert.equal(info.json.state, 'expired');
});

// ---- checksum ----

spec('Checksum: "Once the entire request has been received, the Server MUST verify the uploaded chunk against the provided checksum ... 204 No Content if the checksums match" (sha1, sha256, sha512, md5)', async () => {
  const data = Buffer.from('hello world');
  for (const alg of ['sha1', 'sha256', 'sha512', 'md5']) {
    const { path } = await create(s, o.tokenA, data.length);
    const r = await patch(s, o.tokenA, path, 0, data, { 'Upload-Checksum': `${alg} ${digestB64(alg, data)}` });
    assert.equal(r.status, 204, alg);
    assert.equal(r.headers.get('upload-offset'), '11');
  }
});

spec('Checksum: "460 Checksum Mismatch if the checksums mismatch ... the uploaded chunk MUST be discarded, and the upload and its offset MUST NOT be updated."', async () => {
  const { path } = await create(s, o.tokenA, 10);
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('12345'))).status, 204);
  const r = await patch(s, o.tokenA, path, 5, Buffer.from('67890'), { 'Upload-Checksum': `sha1 ${digestB64('sha1', Buffer.from('other'))}` });
  assert.equal(r.status, 460);
  assert.equal(await offsetOf(s, o.tokenA, path), 5);
  assert.equal(stored(s, path).toString(), '12345');
  const ok = await patch(s, o.tokenA, path, 5, Buffer.from('67890'), { 'Upload-Checksum': `sha1 ${digestB64('sha1', Buffer.from('67890'))}` });
  assert.equal(ok.status, 204);
  const info = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  assert.equal(info.json.sha256, sha256(Buffer.from('1234567890')));
});

spec('Checksum: "400 Bad Request if the checksum algorithm is not supported by the server" (and a malformed header is 400 too; the offset stays)', async () => {
  const { path } = await create(s, o.tokenA, 5);
  for (const h of ['crc32 AAAAAA==', 'sha1', 'sha1 !!!', `SHA1 ${digestB64('sha1', Buffer.from('x'))}`, 'sha256 AAAA']) {
    const r = await patch(s, o.tokenA, path, 0, Buffer.from('12345'), { 'Upload-Checksum': h });
    assert.equal(r.status, 400, h);
  }
  assert.equal(await offsetOf(s, o.tokenA, path), 0);
});

// ---- termination ----

spec('Termination: "When receiving a DELETE request for an existing upload the Server SHOULD free associated resources and MUST respond with the 204 No Content status ... For all future requests to this URL, the Server SHOULD respond with the 404 Not Found or 410 Gone status."', async () => {
  const { path } = await create(s, o.tokenA, 10);
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('12345'))).status, 204);
  const r = await tus(s, 'DELETE', path, { token: o.tokenA });
  assert.equal(r.status, 204);
  assert.ok(!existsSync(join(s.data, 'uploads', path.split('/').pop())));
  assert.equal((await tus(s, 'HEAD', path, { token: o.tokenA })).status, 404);
  assert.equal((await patch(s, o.tokenA, path, 5, Buffer.from('67890'))).status, 404);
  assert.equal((await tus(s, 'DELETE', path, { token: o.tokenA })).status, 404);
});

// ---- concatenation ----

// A partial upload of these bytes, complete; returns its path.
async function partial(token, bytes, headers = {}) {
  const { path, res } = await create(s, token, bytes.length, { headers: { 'Upload-Concat': 'partial', ...headers } });
  if (bytes.length) assert.equal((await patch(s, token, path, 0, bytes)).status, 204);
  return { path, res };
}
// Waits until the server has made the final upload at path (it is made in the background
// from its partial uploads: HEAD shows an Upload-Offset once it is).
async function made(token, path) {
  for (let i = 0; i < 400; i++) {
    const h = await tus(s, 'HEAD', path, { token });
    assert.equal(h.status, 200, `HEAD ${path}`);
    if (h.headers.get('upload-offset') !== null) return;
    await sleep(25);
  }
  assert.fail(`the final upload ${path} was not made within 10 s`);
}
// POST of a final upload: {status, headers, text}; after a 201, once the final is made.
const final = async (token, value, headers = {}) => {
  const r = await tus(s, 'POST', '/files/', { token, headers: { 'Upload-Concat': value, ...headers } });
  if (r.status === 201) await made(token, r.headers.get('location'));
  return r;
};
const idOf = (path) => path.split('/').pop();
const record = async (path, token = o.tokenA) => (await s.call('GET', `/api/v1/uploads/${idOf(path)}`, { token })).json;
const md5 = (buf) => createHash('md5').update(buf).digest('hex');

spec('Concatenation: "If the Server supports this extension, it MUST add concatenation to the Tus-Extension header."', async () => {
  const r = await tus(s, 'OPTIONS', '/files/', { version: null });
  assert.ok(r.headers.get('tus-extension').split(',').includes('concatenation'));
  assert.ok(!r.headers.get('tus-extension').split(',').includes('concatenation-unfinished'), 'not offered');
});

spec('Concatenation: "A partial upload represents a chunk of a file. It is constructed by including the Upload-Concat: partial header while creating a new upload using the Creation extension." and "The response to a HEAD request for a partial upload MUST contain the Upload-Offset header."', async () => {
  const { path, res } = await create(s, o.tokenA, 5, { headers: { 'Upload-Concat': 'partial' } });
  assert.equal(res.status, 201);
  let r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('upload-concat'), 'partial');
  assert.equal(r.headers.get('upload-offset'), '0');
  assert.equal(r.headers.get('upload-length'), '5');
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('hello'))).status, 204);
  r = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(r.headers.get('upload-offset'), '5');
  const rec = await record(path);
  assert.equal(rec.concat, 'partial', 'the API marks it: a piece, not a file to deliver');
  assert.equal(rec.complete, true);
  // creation-with-upload works for a partial upload too
  const withData = await create(s, o.tokenA, 3, { headers: { 'Upload-Concat': 'partial' }, body: Buffer.from('abc') });
  assert.equal(withData.res.headers.get('upload-offset'), '3');
});

spec('Concatenation: "The length of the final upload MUST be the sum of the length of all partial uploads." and "The partial uploads MUST be concatenated as per the order specified in the list." (bytes, sha256 and md5 of the final)', async () => {
  const a = await partial(o.tokenA, Buffer.from('hello'));
  const b = await partial(o.tokenA, Buffer.from(' world'));
  const r = await final(o.tokenA, `final;${a.path} ${b.path}`);
  assert.equal(r.status, 201, r.text);
  const path = r.headers.get('location');
  assert.match(path, /^\/files\/[0-9a-f]{32}$/);
  assert.notEqual(path, a.path);
  const want = Buffer.from('hello world');
  const head = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(head.headers.get('upload-length'), '11');
  assert.deepEqual(stored(s, path), want, 'the final has its own file, named by the server');
  const rec = await record(path);
  assert.equal(rec.length, 11);
  assert.equal(rec.offset, 11);
  assert.equal(rec.complete, true);
  assert.equal(rec.concat, 'final');
  assert.equal(rec.sha256, sha256(want));
  assert.equal(rec.md5, md5(want));
  // the other order, an absolute URL, and the same partial twice ("MAY be present multiple times")
  const r2 = await final(o.tokenA, `final;${s.base}${b.path} ${a.path} ${b.path}`);
  assert.equal(r2.status, 201, r2.text);
  const want2 = Buffer.from(' worldhello world');
  const rec2 = await record(r2.headers.get('location'));
  assert.equal(rec2.length, want2.length);
  assert.equal(rec2.sha256, sha256(want2));
  assert.equal(rec2.md5, md5(want2));
  assert.deepEqual(stored(s, r2.headers.get('location')), want2);
});

spec('Concatenation: a final upload of several MiB streams through the server; its sha256 and md5 are those of the concatenation', async () => {
  const parts = [randomBytes(3 * 1024 * 1024 + 17), randomBytes(5 * 1024 * 1024 + 1), randomBytes(1)];
  const paths = [];
  for (const p of parts) paths.push((await partial(o.tokenA, p)).path);
  const r = await final(o.tokenA, `final;${paths.join(' ')}`, { 'Upload-Metadata': `filename ${b64('big.mov')}` });
  assert.equal(r.status, 201, r.text);
  const want = Buffer.concat(parts);
  const rec = await record(r.headers.get('location'));
  assert.equal(rec.length, want.length);
  assert.equal(rec.sha256, sha256(want));
  assert.equal(rec.md5, md5(want));
  assert.equal(rec.filename, 'big.mov');
});

spec('Concatenation: "The Client MUST NOT include the Upload-Length header in the final upload creation." (400, nothing is created)', async () => {
  const a = await partial(o.tokenA, Buffer.from('abc'));
  const before = (await s.call('GET', '/api/v1/uploads', { token: o.tokenA })).json.uploads.length;
  for (const h of [{ 'Upload-Length': '3' }, { 'Upload-Defer-Length': '1' }, { 'Upload-Length': '3', 'Upload-Defer-Length': '1' }]) {
    const r = await final(o.tokenA, `final;${a.path}`, h);
    assert.equal(r.status, 400, JSON.stringify(h));
    assert.equal(r.headers.get('location'), null);
  }
  const body = await tus(s, 'POST', '/files/', { token: o.tokenA, body: Buffer.from('abc'),
    headers: { 'Upload-Concat': `final;${a.path}`, 'Content-Type': OCTET } });
  assert.equal(body.status, 400, 'a final upload takes no data');
  const afterN = (await s.call('GET', '/api/v1/uploads', { token: o.tokenA })).json.uploads.length;
  assert.equal(afterN, before);
});

spec('Concatenation: "The Server MUST respond with the 403 Forbidden status to PATCH requests against a final upload URL and MUST NOT modify the final or its partial uploads."', async () => {
  const a = await partial(o.tokenA, Buffer.from('abc'));
  const r = await final(o.tokenA, `final;${a.path}`);
  const path = r.headers.get('location');
  for (const [off, body] of [[3, 'def'], [0, 'xyz'], [3, '']]) {
    const p = await patch(s, o.tokenA, path, off, Buffer.from(body));
    assert.equal(p.status, 403, `offset ${off}`);
  }
  const head = await tus(s, 'HEAD', path, { token: o.tokenA });
  assert.equal(head.headers.get('upload-offset'), '3');
  assert.equal(head.headers.get('upload-length'), '3');
  assert.equal(stored(s, path).toString(), 'abc');
  assert.equal(stored(s, a.path).toString(), 'abc');
  assert.equal(await offsetOf(s, o.tokenA, a.path), 3);
});

spec('Concatenation: "After successful concatenation, the Upload-Offset and Upload-Length MUST be set and their values MUST be equal." and "Response to HEAD request against partial or final upload MUST include the Upload-Concat header and its value as received in the upload creation request."', async () => {
  const a = await partial(o.tokenA, Buffer.from('1234'));
  const b = await partial(o.tokenA, Buffer.from('56'));
  const value = `final;${s.base}${a.path} ${b.path}`;
  const r = await final(o.tokenA, value);
  assert.equal(r.status, 201, r.text);
  const head = await tus(s, 'HEAD', r.headers.get('location'), { token: o.tokenA });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('upload-concat'), value);
  assert.equal(head.headers.get('upload-offset'), '6');
  assert.equal(head.headers.get('upload-length'), '6');
  assert.equal(head.headers.get('upload-expires'), null, 'complete: it does not expire');
  assert.equal((await tus(s, 'HEAD', a.path, { token: o.tokenA })).headers.get('upload-concat'), 'partial');
});

spec('Concatenation: "When creating a new final upload the partial uploads\' metadata SHALL NOT be transferred to the new final upload. All metadata SHOULD be included in the concatenation request using the Upload-Metadata header."', async () => {
  const a = await partial(o.tokenA, Buffer.from('abc'), { 'Upload-Metadata': `filename ${b64('piece.bin')}` });
  let r = await final(o.tokenA, `final;${a.path}`);
  let head = await tus(s, 'HEAD', r.headers.get('location'), { token: o.tokenA });
  assert.equal(head.headers.get('upload-metadata'), null);
  assert.equal((await record(r.headers.get('location'))).filename, null);
  const meta = `filename ${b64('whole.mov')}`;
  r = await final(o.tokenA, `final;${a.path}`, { 'Upload-Metadata': meta });
  head = await tus(s, 'HEAD', r.headers.get('location'), { token: o.tokenA });
  assert.equal(head.headers.get('upload-metadata'), meta);
  assert.equal((await record(r.headers.get('location'))).filename, 'whole.mov');
});

spec('Concatenation: "This concatenation request SHOULD happen after all of the corresponding partial uploads are completed." (concatenation-unfinished is not offered: an unfinished partial, or an upload that is not partial, is refused with 400)', async () => {
  const done = await partial(o.tokenA, Buffer.from('abc'));
  const { path: open } = await create(s, o.tokenA, 10, { headers: { 'Upload-Concat': 'partial' } });
  assert.equal((await patch(s, o.tokenA, open, 0, Buffer.from('12345'))).status, 204);
  let r = await final(o.tokenA, `final;${done.path} ${open}`);
  assert.equal(r.status, 400);
  assert.match(JSON.parse(r.text).error.message, new RegExp(`partial upload /files/${idOf(open)} is not complete`));
  const plain = await create(s, o.tokenA, 3);
  assert.equal((await patch(s, o.tokenA, plain.path, 0, Buffer.from('abc'))).status, 204);
  r = await final(o.tokenA, `final;${done.path} ${plain.path}`);
  assert.equal(r.status, 400);
  assert.match(JSON.parse(r.text).error.message, /not a partial upload/);
  const another = await final(o.tokenA, `final;${done.path}`);
  r = await final(o.tokenA, `final;${another.headers.get('location')}`);
  assert.equal(r.status, 400, 'a final upload is not a partial one');
  r = await final(o.tokenA, 'final;/files/0123456789abcdef0123456789abcdef');
  assert.equal(r.status, 400, 'a missing upload');
  assert.equal(await offsetOf(s, o.tokenA, open), 5, 'the unfinished partial is untouched');
});

spec('Concatenation: "If the upload is a partial one, the header value MUST be partial. In the case of a final upload, its value MUST be final followed by a semicolon and a space-separated list of partial upload URLs" (anything else: 400)', async () => {
  const a = await partial(o.tokenA, Buffer.from('abc'));
  const id = idOf(a.path);
  const bad = ['Partial', 'partial;', 'final', 'final;', `final; ${a.path}`, `final;${a.path} x`,
    `final;${a.path}  ${a.path}`, `final;${a.path},${a.path}`, 'final;/files/nothex', `final;/other/${id}`,
    `final;${a.path}/`, `final;${a.path}?x=1`, `final;files/${id}`, `merge;${a.path}`, `final;http:///files/${id}`,
    `final;${Array(257).fill(a.path).join(' ')}`];
  for (const v of bad) {
    const r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Concat': v, 'Upload-Length': '3' } });
    assert.equal(r.status, 400, JSON.stringify(v));
    if (v.startsWith('final;')) {
      const r2 = await final(o.tokenA, v);
      assert.equal(r2.status, 400, JSON.stringify(v));
    }
  }
});

spec('Concatenation: "The Server MAY delete partial uploads after concatenation. The Client, however, MAY attempt to use a partial upload multiple times." (terminating the partial uploads leaves the final one whole)', async () => {
  const a = await partial(o.tokenA, Buffer.from('left-'));
  const b = await partial(o.tokenA, Buffer.from('right'));
  const r1 = await final(o.tokenA, `final;${a.path} ${b.path}`);
  const r2 = await final(o.tokenA, `final;${a.path} ${b.path}`);
  assert.equal(r2.status, 201, 'used a second time');
  for (const p of [a.path, b.path]) assert.equal((await tus(s, 'DELETE', p, { token: o.tokenA })).status, 204);
  for (const r of [r1, r2]) {
    const path = r.headers.get('location');
    assert.equal(stored(s, path).toString(), 'left-right');
    assert.equal(await offsetOf(s, o.tokenA, path), 10);
    assert.equal((await record(path)).sha256, sha256(Buffer.from('left-right')));
  }
  assert.equal((await final(o.tokenA, `final;${a.path} ${b.path}`)).status, 400, 'gone partials cannot be used again');
});

spec('Concatenation: the final upload\'s length is held to Tus-Max-Size and to the partner\'s quota (413)', async () => {
  const mib = randomBytes(1024 * 1024);
  const a = await partial(o.tokenA, mib);
  let r = await final(o.tokenA, `final;${Array(65).fill(a.path).join(' ')}`);
  assert.equal(r.status, 413, '65 MiB is above the 64 MiB maximum');
  assert.equal(r.headers.get('location'), null);
  const p = await s.call('POST', '/api/v1/partners', { token: o.admin,
    body: { name: 'Quota Concat Co', contact_email: 'q@example.com', time_zone: 'Europe/London', channels: false, posthouse: false } });
  const meta = `partner ${b64(p.json.id)}`;
  const big = await tus(s, 'POST', '/files/', { token: o.admin, headers: { 'Upload-Length': String(40 * 1024 * 1024), 'Upload-Metadata': meta } });
  assert.equal(big.status, 201);
  const piece = await partial(o.admin, mib, { 'Upload-Metadata': meta });
  r = await final(o.admin, `final;${Array(56).fill(piece.path).join(' ')}`, { 'Upload-Metadata': meta });
  assert.equal(r.status, 413, '40 + 1 + 56 MiB is past the 96 MiB quota');
  assert.match(r.text, /quota/);
  r = await final(o.admin, `final;${Array(50).fill(piece.path).join(' ')}`, { 'Upload-Metadata': meta });
  assert.equal(r.status, 201, '40 + 1 + 50 MiB fits');
  assert.equal((await record(r.headers.get('location'), o.admin)).sha256, sha256(Buffer.concat(Array(50).fill(mib))));
  // staff name the partner: a partial of another partner is refused as missing
  r = await final(o.admin, `final;${piece.path}`, { 'Upload-Metadata': `partner ${b64(o.B)}` });
  assert.equal(r.status, 400);
});

spec('Concatenation: unfinished partial uploads expire like any upload (410); complete ones and final ones stay', async () => {
  const { path: open } = await create(s, o.tokenA, 10, { headers: { 'Upload-Concat': 'partial' } });
  assert.equal((await patch(s, o.tokenA, open, 0, Buffer.from('12345'))).status, 204);
  const done = await partial(o.tokenA, Buffer.from('kept'));
  const fin = (await final(o.tokenA, `final;${done.path}`)).headers.get('location');
  const clock = await s.call('GET', '/api/v1/clock', { token: o.admin });
  const later = new Date(Date.parse(clock.json.now) + 2 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  assert.equal((await s.call('PUT', '/api/v1/clock', { token: o.admin, body: { now: later } })).status, 200);
  assert.equal((await tus(s, 'HEAD', open, { token: o.tokenA })).status, 410);
  assert.equal((await tus(s, 'HEAD', done.path, { token: o.tokenA })).status, 200);
  assert.equal((await tus(s, 'HEAD', fin, { token: o.tokenA })).status, 200);
  assert.equal(stored(s, fin).toString(), 'kept');
});

// ---- hostile input and vodgate's own rules ----

spec('A body longer than the upload is refused with 413, and the upload is left as it was', async () => {
  const { path } = await create(s, o.tokenA, 4);
  const r = await patch(s, o.tokenA, path, 0, Buffer.from('too long'));
  assert.equal(r.status, 413);
  assert.equal(await offsetOf(s, o.tokenA, path), 0);
  assert.equal(stored(s, path).length, 0);
});

spec('Another organisation\'s upload answers 404, exactly as one that does not exist; staff reach it', async () => {
  const { path } = await create(s, o.tokenA, 5, { metadata: `filename ${b64('secret.mov')}` });
  const missing = '/files/ffffffffffffffffffffffffffffffff';
  for (const [m, p, extra] of [['HEAD', path], ['PATCH', path, true], ['DELETE', path]]) {
    const opts = extra ? { body: Buffer.from('x'), headers: { 'Content-Type': OCTET, 'Upload-Offset': '0' } } : {};
    const foreign = await tus(s, m, p, { token: o.tokenB, ...opts });
    const none = await tus(s, m, missing, { token: o.tokenB, ...opts });
    assert.equal(foreign.status, 404, m);
    assert.equal(foreign.text, none.text, m);
  }
  const id = path.split('/').pop();
  const api = await s.call('GET', `/api/v1/uploads/${id}`, { token: o.tokenB });
  assert.equal(api.status, 404);
  const list = await s.call('GET', '/api/v1/uploads', { token: o.tokenB });
  assert.ok(!list.json.uploads.some((u) => u.id === id));
  assert.ok(!JSON.stringify(list.json).includes('secret.mov'));
  assert.equal((await tus(s, 'HEAD', path, { token: o.admin })).status, 200);
  const staffList = await s.call('GET', `/api/v1/uploads?partner=${o.A}`, { token: o.admin });
  assert.ok(staffList.json.uploads.some((u) => u.id === id));
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('12345'))).status, 204, 'the owner is unaffected');
});

spec('Staff uploads name their partner in Upload-Metadata (400 without); a partner cannot upload for another', async () => {
  let r = await tus(s, 'POST', '/files/', { token: o.admin, headers: { 'Upload-Length': '1' } });
  assert.equal(r.status, 400);
  r = await tus(s, 'POST', '/files/', { token: o.admin, headers: { 'Upload-Length': '1', 'Upload-Metadata': `partner ${b64(o.B)}` } });
  assert.equal(r.status, 201);
  const info = await s.call('GET', `/api/v1/uploads/${r.headers.get('location').split('/').pop()}`, { token: o.tokenB });
  assert.equal(info.json.partner, o.B);
  r = await tus(s, 'POST', '/files/', { token: o.tokenA, headers: { 'Upload-Length': '1', 'Upload-Metadata': `partner ${b64(o.B)}` } });
  assert.equal(r.status, 400);
  r = await tus(s, 'POST', '/files/', { token: o.admin, headers: { 'Upload-Length': '1', 'Upload-Metadata': `partner ${b64('999999')}` } });
  assert.equal(r.status, 400);
});

spec('Staff read a partner\'s upload but never write it: PATCH, DELETE and a final upload by any staff role are refused with 403, bytes and offset untouched; the owner still writes', async () => {
  const staff = { admin: o.admin };
  for (const role of ['commercial', 'cam', 'plm', 'pim', 'pom'])
    staff[role] = (await s.userWithToken(o.admin, `${role}-writes@example.com`, role)).token;
  const { path } = await create(s, o.tokenA, 10, { metadata: `filename ${b64('master.mov')}` });
  assert.equal((await patch(s, o.tokenA, path, 0, Buffer.from('12345'))).status, 204);
  const piece = await partial(o.tokenA, Buffer.from('piece'));
  for (const [role, token] of Object.entries(staff)) {
    assert.equal((await tus(s, 'HEAD', path, { token })).status, 200, `${role} reads it`);
    for (const offset of [5, 0]) {
      const w = await patch(s, token, path, offset, Buffer.from('EVIL!'));
      assert.equal(w.status, 403, `${role} PATCH at ${offset}: ${w.status} ${w.text}`);
      assert.equal(JSON.parse(w.text).error.code, 'forbidden');
    }
    if (role !== 'admin') {
      const d = await tus(s, 'DELETE', path, { token });
      assert.equal(d.status, 403, `${role} DELETE: ${d.status} ${d.text}`);
    }
    const f = await tus(s, 'POST', '/files/', { token, headers: { 'Upload-Concat': `final;${piece.path}`,
      'Upload-Metadata': `partner ${b64(o.A)}` } });
    assert.equal(f.status, 403, `${role} makes a final upload of the partner's piece: ${f.status} ${f.text}`);
    assert.equal(f.headers.get('location'), null);
    assert.equal(await offsetOf(s, o.tokenA, path), 5, `${role} left the offset`);
    assert.equal(stored(s, path).toString(), '12345', `${role} left the bytes`);
  }
  assert.equal((await record(path)).offset, 5);
  // the owner is unaffected
  assert.equal((await patch(s, o.tokenA, path, 5, Buffer.from('67890'))).status, 204);
  assert.equal(stored(s, path).toString(), '1234567890');
  assert.equal((await final(o.tokenA, `final;${piece.path}`)).status, 201);
  // the staff who upload for a partner write what they made, and only that
  const mine = await create(s, staff.pim, 3, { metadata: `partner ${b64(o.A)}` });
  assert.equal((await patch(s, staff.pom, mine.path, 0, Buffer.from('pom'))).status, 403);
  assert.equal((await patch(s, staff.pim, mine.path, 0, Buffer.from('pim'))).status, 204);
  assert.equal(stored(s, mine.path).toString(), 'pim');
  assert.equal((await tus(s, 'DELETE', mine.path, { token: staff.pom })).status, 403);
  assert.equal((await tus(s, 'DELETE', mine.path, { token: staff.pim })).status, 204);
  // terminating: the owner its own, admin any (the operator's housekeeping)
  const open = await create(s, o.tokenA, 3);
  assert.equal((await tus(s, 'DELETE', open.path, { token: o.admin })).status, 204);
  assert.equal((await tus(s, 'DELETE', path, { token: o.tokenA })).status, 204);
});

spec('The per-partner quota refuses a creation past it with 413', async () => {
  const admin = o.admin;
  const p = await s.call('POST', '/api/v1/partners', { token: admin,
    body: { name: 'Quota Co', contact_email: 'q@example.com', time_zone: 'Europe/London', channels: false, posthouse: false } });
  const meta = `partner ${b64(p.json.id)}`;
  let r = await tus(s, 'POST', '/files/', { token: admin, headers: { 'Upload-Length': String(60 * 1024 * 1024), 'Upload-Metadata': meta } });
  assert.equal(r.status, 201);
  r = await tus(s, 'POST', '/files/', { token: admin, headers: { 'Upload-Length': String(40 * 1024 * 1024), 'Upload-Metadata': meta } });
  assert.equal(r.status, 413);
  assert.match(r.text, /quota/);
});

spec('A newer request for the same upload wins: the older connection is stopped and the bytes never interleave', async () => {
  const total = 6 * 1024 * 1024;
  const data = Buffer.alloc(total);
  for (let i = 0; i < total; i++) data[i] = (i * 131) & 255;
  const { path } = await create(s, o.tokenA, total);
  const url = new URL(s.base + path);
  // The old connection sends 1 MiB, then stalls (a client whose network died).
  const old = connect(Number(url.port), url.hostname);
  const oldClosed = new Promise((r) => old.on('close', r));
  old.on('error', () => {});
  await new Promise((r) => old.on('connect', r));
  old.write(`PATCH ${path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer ${o.tokenA}\r\n` +
    `Content-Type: ${OCTET}\r\nUpload-Offset: 0\r\nContent-Length: ${total}\r\n\r\n`);
  old.write(Buffer.alloc(1024 * 1024, 0xee)); // not the file's bytes: must never be kept
  await sleep(300);
  const r = await patch(s, o.tokenA, path, 0, data);
  assert.equal(r.status, 204);
  old.write(Buffer.alloc(1024 * 1024, 0xee)); // it wakes up: the server closes it at once
  await Promise.race([oldClosed, sleep(2000)]);
  assert.ok(old.destroyed || old.readableEnded, 'the older connection was closed');
  assert.deepEqual(stored(s, path), data);
  const info = await s.call('GET', `/api/v1/uploads/${path.split('/').pop()}`, { token: o.tokenA });
  assert.equal(info.json.sha256, sha256(data));
});

spec('A slow-loris connection (headers never finished) is closed after the idle timeout', async () => {
  const url = new URL(s.base);
  const sock = connect(Number(url.port), url.hostname);
  sock.on('error', () => {});
  await new Promise((r) => sock.on('connect', r));
  sock.write('PATCH /files/00000000000000000000000000000000 HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n');
  const t0 = Date.now();
  await Promise.race([new Promise((r) => sock.on('close', r)), sleep(15000)]);
  assert.ok(sock.destroyed, 'closed by the server');
  assert.ok(Date.now() - t0 < 10000);
});
