// What the request and invitation pages ask the API for, beyond SPEC section 10:
// GET /api/v1/invitations/{token} (what a link is: pending with the account's
// email, used, expired, unknown), and one request's issuer, the reason of a
// pause in force and the deliveries against it (GET /api/v1/requests/{id}).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, invite, messages, at, answerAndSubmit, provision } from './journeys.mjs';

let w;
before(async () => { w = await world('2026-11-02T09:00:00Z'); });
after(async () => { assert.equal((await w.s.stop()).code, 0); });

async function linkOf(p) {
  const sent = await w.s.call('POST', `/api/v1/partners/${p.id}/questionnaire/send`, { token: w.tok.cam });
  assert.equal(sent.status, 200, sent.text);
  const mail = (await messages(w, p.contact)).find((m) => /questionnaire/i.test(m.subject));
  return mail.body.match(/\/invitations\/([A-Za-z0-9_-]{43})/)[1];
}

test('an invitation link tells its account while it works, and only its state after', async () => {
  const p = await invite(w, 'Lumen Films');
  const token = await linkOf(p);
  const pending = await w.s.call('GET', `/api/v1/invitations/${token}`);
  assert.equal(pending.status, 200, pending.text);
  assert.equal(pending.json.state, 'pending');
  assert.equal(pending.json.email, p.contact);
  assert.equal(pending.json.partner, 'Lumen Films');
  assert.equal(pending.json.expires_at, '2026-11-16T09:00:00Z', 'fourteen days');
  assert.equal(pending.json.used_at, null);

  const ok = await w.s.call('POST', `/api/v1/invitations/${token}`, { body: { password: 'a long enough password' } });
  assert.equal(ok.status, 200, ok.text);
  const used = await w.s.call('GET', `/api/v1/invitations/${token}`);
  assert.equal(used.status, 200);
  assert.equal(used.json.state, 'used');
  assert.equal(used.json.used_at, '2026-11-02T09:00:00Z');
  assert.equal(used.json.email, undefined, 'a used link names nobody');

  const unknown = await w.s.call('GET', `/api/v1/invitations/${'x'.repeat(43)}`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'invitation_invalid');
  assert.match(unknown.json.error.message, /new invitation/);
});

test('an invitation link expires on the clock of the server', async () => {
  const p = await invite(w, 'Slow Reply Studio');
  const token = await linkOf(p);
  await at(w, '2026-11-16T09:00:00Z');
  const expired = await w.s.call('GET', `/api/v1/invitations/${token}`);
  assert.equal(expired.status, 200);
  assert.equal(expired.json.state, 'expired');
  assert.equal(expired.json.email, undefined);
  const accept = await w.s.call('POST', `/api/v1/invitations/${token}`, { body: { password: 'a long enough password' } });
  assert.equal(accept.status, 404, 'the API refuses it too');
});

test('one request tells who issued it, why its clocks are paused, and its deliveries', async () => {
  const p = await invite(w, 'Orbit Media', { calendar: w.calendar });
  const token = await linkOf(p);
  assert.equal((await w.s.call('POST', `/api/v1/invitations/${token}`, { body: { password: 'orbit password 1' } })).status, 200);
  p.token = await w.s.signIn(p.contact, 'orbit password 1');
  await answerAndSubmit(w, p, { already_onboarded: 'no', delivery_method: 'self' });
  await provision(w, p, 'orbit_media');
  assert.equal((await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim })).status, 200);
  const made = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim,
    body: { kind: 'avails', title: 'Avails for December', note: 'All titles, all territories' } });
  assert.equal(made.status, 201, made.text);
  const rid = made.json.id;
  assert.deepEqual(made.json.issued_by, { id: w.ids.pim, email: w.email.pim, name: w.email.pim });
  assert.deepEqual(made.json.deliveries, []);

  const paused = await w.s.call('POST', `/api/v1/requests/${rid}/pause`, { token: w.tok.pim, body: { reason: 'waiting on us: the spec is not ready' } });
  assert.equal(paused.status, 200, paused.text);
  const open = paused.json.clocks.filter((c) => c.state === 'paused');
  assert.equal(open.length, 2);
  for (const c of open) {
    assert.equal(c.pause_reason, 'waiting on us: the spec is not ready');
    assert.equal(c.paused_since, paused.json.issued_at);
  }
  const resumed = await w.s.call('POST', `/api/v1/requests/${rid}/resume`, { token: w.tok.pim });
  assert.equal(resumed.status, 200, resumed.text);
  assert.ok(resumed.json.clocks.every((c) => c.pause_reason === undefined));

  const up = await fetch(`${w.s.base}/files/`, { method: 'POST', headers: { Authorization: `Bearer ${p.token}`,
    'Tus-Resumable': '1.0.0', 'Upload-Length': '5', 'Upload-Metadata': `filename ${Buffer.from('a.xml').toString('base64')}`,
    'Content-Type': 'application/offset+octet-stream' }, body: '<a/>\n' });
  assert.equal(up.status, 201, await up.text());
  const d = await w.s.call('POST', '/api/v1/deliveries', { token: p.token,
    body: { partner: p.id, request: rid, kind: 'avails', files: [up.headers.get('location').split('/').pop()] } });
  assert.equal(d.status, 202, d.text);
  const seen = await w.s.call('GET', `/api/v1/requests/${rid}`, { token: p.token });
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.deliveries.length, 1);
  assert.equal(seen.json.deliveries[0].id, d.json.id);
  assert.equal(seen.json.deliveries[0].kind, 'avails');
  assert.ok(['validating', 'passed', 'failed'].includes(seen.json.deliveries[0].status));
  const list = await w.s.call('GET', `/api/v1/partners/${p.id}/requests`, { token: p.token });
  assert.equal(list.json.requests[0].deliveries, undefined, 'lists stay light');
});
