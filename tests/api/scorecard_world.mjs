// The scorecard's world (issue 15): a steady-state partner whose deliveries on a
// test clock are an on-time pass, a late delivery, a failed result fixed 30
// hours later and a failure nobody answered; another partner; a posthouse that
// has delivered nothing. Shared by the API and the browser tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { world, at, invite, sendAndJoin, upload, settled, newPartner, handOver } from './journeys.mjs';

const SAMPLES = '../shared/mddf/samples/avails';
const BAD = readFileSync(`${SAMPLES}/Avails_withErrors.xml`);
const GOOD = readFileSync(`${SAMPLES}/Avails_noErrors_v2.4.xml`);
let w, p;

async function request(title) {
  const r = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pom, body: { kind: 'avails', title } });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

// Delivers bytes against a request and waits for its result.
async function deliver(requestId, bytes, expect) {
  const files = [await upload(w, p.token, 'catalogue.xml', bytes)];
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: requestId, kind: 'avails', files } });
  assert.equal(r.status, 202, r.text);
  const d = await settled(w, r.json.id, p.token);
  assert.equal(d.status, expect);
  return d;
}

export async function scoredWorld() {
  w = await world('2026-11-23T09:00:00Z');
  p = await newPartner(w, 'Score Studio', 'score', { answers: { delivery_method: 'self', already_onboarded: 'no' } });
  await at(w, '2026-11-24T10:00:00Z');
  await handOver(w, p);
  const other = await invite(w, 'Other Studio');
  await sendAndJoin(w, other);
  const ph = await invite(w, 'Score Post', { posthouse: true });
  await sendAndJoin(w, ph);

  // Tue 1 Dec 09:00 UTC: four requests
  await at(w, '2026-12-01T09:00:00Z');
  const [a, b, c, d] = [await request('A'), await request('B'), await request('C'), await request('D')];
  await at(w, '2026-12-01T10:00:00Z');
  await deliver(a, GOOD, 'passed');           // on time, first pass
  const failed = await deliver(c, BAD, 'failed'); // on time, fails: its result at 10:00
  assert.ok(failed.validated_at.startsWith('2026-12-01T10:00'));
  await deliver(d, BAD, 'failed');            // on time, fails, never answered
  await at(w, '2026-12-02T16:00:00Z');
  await deliver(c, GOOD, 'passed');           // the fix, 30 hours after the failed result
  await at(w, '2026-12-03T10:00:00Z');        // request B's 48 hours ran out at 09:00
  await deliver(b, GOOD, 'passed');           // late
  return { w, p, other, ph };
}
