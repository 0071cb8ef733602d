// Scorecards (issue 15 item 5): a steady-state partner's deliveries on a test
// clock — an on-time pass, a late delivery, a failed result fixed 30 hours
// later, a failure nobody answered — give exact numbers, every rate beside
// its base; a period cuts them; a partner reads its own card and gets 404 for
// another's; a posthouse reads its own (nothing delivered yet: no rate at
// all); `vodgate export scorecards` prints the same numbers as CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cli } from './server.mjs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision } from './journeys.mjs';
import { b64, create, patch } from './tus_helpers.mjs';

const SAMPLES = '../shared/mddf/samples/avails';
const BAD = readFileSync(`${SAMPLES}/Avails_withErrors.xml`);
const GOOD = readFileSync(`${SAMPLES}/Avails_noErrors_v2.4.xml`);
let w, p, other, ph;

async function upload(token, name, bytes) {
  const { path } = await create(w.s, token, bytes.length, { metadata: `filename ${b64(name)}` });
  const r = await patch(w.s, token, path, 0, bytes);
  assert.equal(r.status, 204, r.text);
  return path.split('/').pop();
}

async function request(title) {
  const r = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pom, body: { kind: 'avails', title } });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

// Delivers bytes against a request and waits for its result.
async function deliver(requestId, bytes, expect) {
  const files = [await upload(p.token, 'catalogue.xml', bytes)];
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: requestId, kind: 'avails', files } });
  assert.equal(r.status, 202, r.text);
  for (let i = 0; i < 300; i++) {
    const d = await w.s.call('GET', `/api/v1/deliveries/${r.json.id}`, { token: p.token });
    if (d.json.status !== 'validating') { assert.equal(d.json.status, expect); return d.json; }
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('validation did not finish');
}

const card = async (id, query = '', token = p.token) => w.s.call('GET', `/api/v1/partners/${id}/scorecard${query}`, { token });

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  p = await invite(w, 'Score Studio');
  await sendAndJoin(w, p);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, p, 'score');
  await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
  await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  await at(w, '2026-11-24T10:00:00Z');
  const done = await w.s.call('POST', `/api/v1/partners/${p.id}/training/complete`, { token: w.tok.pim,
    body: { approved_formats: ['HD', 'SDR', 'Stereo'], pom: w.ids.pom } });
  assert.equal(done.status, 200, done.text);
  other = await invite(w, 'Other Studio');
  await sendAndJoin(w, other);
  ph = await invite(w, 'Score Post', { posthouse: true });
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
});
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('the last 90 days: exact numbers, each rate beside its base', async () => {
  const r = await card(p.id);
  assert.equal(r.status, 200, r.text);
  const s = r.json;
  assert.deepEqual(s.partner, { id: p.id, name: 'Score Studio', posthouse: false });
  assert.deepEqual([s.from, s.to, s.time_zone], ['2026-09-05', '2026-12-03', 'Europe/London']);
  assert.equal(s.deliveries, 5);
  assert.deepEqual([s.on_time_rate, s.on_time, s.on_time_of, s.late], [0.8, 4, 5, 1]);
  assert.deepEqual([s.first_pass_rate, s.first_pass, s.first_pass_of], [0.5, 2, 4]);
  assert.deepEqual([s.median_fix_hours, s.fixes], [30, 1]);
  assert.equal(s.open_defects, 1);
  assert.equal(s.open_defect_deliveries.length, 1);
  const open = await w.s.call('GET', `/api/v1/deliveries/${s.open_defect_deliveries[0]}`, { token: p.token });
  assert.equal(open.json.status, 'failed', 'the open defect names the failed delivery');
  // staff read the same card
  assert.deepEqual((await card(p.id, '', w.tok.pom)).json, s);
});

test('a period cuts the deliveries; open defects are those still open at its end', async () => {
  const day1 = (await card(p.id, '?from=2026-12-01&to=2026-12-01')).json;
  assert.deepEqual([day1.from, day1.to, day1.deliveries], ['2026-12-01', '2026-12-01', 3]);
  assert.deepEqual([day1.on_time_rate, day1.on_time, day1.on_time_of], [1, 3, 3]);
  assert.deepEqual([day1.first_pass, day1.first_pass_of], [1, 3]);
  assert.deepEqual([day1.median_fix_hours, day1.fixes], [null, 0], 'no fix yet: no median');
  assert.equal(day1.open_defects, 2, 'request C was still failed at the end of 1 Dec');
  const later = (await card(p.id, '?from=2026-12-02&to=2026-12-03')).json;
  assert.deepEqual([later.deliveries, later.on_time, later.on_time_of, later.late], [2, 1, 2, 1]);
  assert.deepEqual([later.first_pass_rate, later.first_pass, later.first_pass_of], [1, 1, 1]);
  assert.deepEqual([later.median_fix_hours, later.fixes, later.open_defects], [30, 1, 1]);
  const none = (await card(p.id, '?from=2026-10-01&to=2026-10-31')).json;
  assert.deepEqual([none.deliveries, none.on_time_rate, none.first_pass_rate, none.median_fix_hours, none.open_defects],
    [0, null, null, null, 0], 'nothing to measure: no rate, never a 0 %');
  for (const [q, field] of [['?from=2026-12-31', 'from'], ['?to=yesterday', 'to'], ['?from=2026-02-30', 'from']]) {
    const bad = await card(p.id, q);
    assert.equal(bad.status, 422, `${q}: ${bad.text}`);
    assert.deepEqual(bad.json.error.fields, [field], q);
  }
});

test('a partner reads its own card only; a posthouse its own', async () => {
  assert.equal((await card(p.id, '', other.token)).status, 404);
  assert.equal((await card(other.id, '', p.token)).status, 404);
  assert.equal((await card(ph.id, '', p.token)).status, 404);
  const own = await card(other.id, '', other.token);
  assert.equal(own.status, 200, own.text);
  const post = await card(ph.id, '', ph.token);
  assert.equal(post.status, 200, post.text);
  assert.equal(post.json.partner.posthouse, true);
  assert.match(post.json.scope, /made by this posthouse/);
  assert.deepEqual([post.json.deliveries, post.json.on_time_rate, post.json.open_defects], [0, null, 0]);
});

test('`vodgate export scorecards` prints one row per partner with the same numbers', async () => {
  const help = cli(['export', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /export scorecards \[--from DATE\] \[--to DATE\]/);
  const r = cli(['export', 'scorecards', '--from', '2026-11-01', '--to', '2026-12-03', '--data', w.s.data]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\r\n');
  assert.equal(lines[0], 'partner,name,posthouse,from,to,time_zone,deliveries,on_time_rate,on_time,on_time_of,'
    + 'first_pass_rate,first_pass,first_pass_of,median_fix_hours,fixes,open_defects');
  assert.equal(lines.length, 4, 'a header and one row per partner');
  assert.equal(lines.find((l) => l.startsWith(`${p.id},`)),
    `${p.id},Score Studio,no,2026-11-01,2026-12-03,Europe/London,5,0.8000,4,5,0.5000,2,4,30.0,1,1`);
  assert.equal(lines.find((l) => l.startsWith(`${ph.id},`)),
    `${ph.id},Score Post,yes,2026-11-01,2026-12-03,Europe/London,0,,0,0,,0,0,,0,0`);
  const bad = cli(['export', 'scorecards', '--from', 'soon', '--data', w.s.data]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /'from' is a date, YYYY-MM-DD/);
});
