// Helpers of the tus tests: an organisation with a partner user, and the
// tus requests written out by hand (fetch), so that each test sees exactly
// the headers it sends and gets.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const OCTET = 'application/offset+octet-stream';

export const b64 = (s) => Buffer.from(String(s)).toString('base64');
export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
export const digestB64 = (alg, buf) => createHash(alg).update(buf).digest('base64');

// Signs in the admin and makes partners A and B with a partner user each.
export async function setupOrgs(s) {
  const admin = await s.signIn(s.admin.email, s.admin.password);
  const mk = async (name) => {
    const r = await s.call('POST', '/api/v1/partners', { token: admin,
      body: { name, contact_email: 'ops@example.com', time_zone: 'Europe/London', channels: false, posthouse: false } });
    if (r.status !== 201) throw new Error(`partner: ${r.status} ${r.text}`);
    return r.json.id;
  };
  const A = await mk('Studio A');
  const B = await mk('Studio B');
  const tag = randomBytes(4).toString('hex');
  const a = await s.userWithToken(admin, `a-${tag}@example.com`, 'partner', A);
  const b = await s.userWithToken(admin, `b-${tag}@example.com`, 'partner', B);
  return { admin, A, B, tokenA: a.token, tokenB: b.token };
}

// One tus request: {status, headers, text}.
export async function tus(s, method, path, { token, headers = {}, body, version = '1.0.0' } = {}) {
  const h = { ...headers };
  if (version) h['Tus-Resumable'] = version;
  if (token) h.Authorization = `Bearer ${token}`;
  const res = await fetch(s.base + path, { method, headers: h, body, duplex: body ? 'half' : undefined });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

// Creates an upload of `length` bytes (or deferred when length is null); returns its path.
export async function create(s, token, length, { metadata, headers = {}, body } = {}) {
  const h = { ...headers };
  if (length === null) h['Upload-Defer-Length'] = '1';
  else h['Upload-Length'] = String(length);
  if (metadata !== undefined) h['Upload-Metadata'] = metadata;
  if (body) h['Content-Type'] = OCTET;
  const r = await tus(s, 'POST', '/files/', { token, headers: h, body });
  if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`);
  return { path: r.headers.get('location'), res: r };
}

export async function patch(s, token, path, offset, body, headers = {}) {
  return tus(s, 'PATCH', path, { token, body,
    headers: { 'Content-Type': OCTET, 'Upload-Offset': String(offset), ...headers } });
}

export async function offsetOf(s, token, path) {
  const r = await tus(s, 'HEAD', path, { token });
  return r.status === 200 ? Number(r.headers.get('upload-offset')) : -r.status;
}

// The bytes the server stored for an upload path.
export function stored(s, path) {
  return readFileSync(join(s.data, 'uploads', path.split('/').pop()));
}
export function storedSize(s, path) {
  return statSync(join(s.data, 'uploads', path.split('/').pop())).size;
}

// The server's VmRSS in KiB (Linux).
export function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) : 0;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
