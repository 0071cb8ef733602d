// The staff dashboard's reads: GET /api/v1/dashboard (partners by stage,
// clocks due soon and breached, warnings, waiting decisions, alternate-solution
// requests) and the filtered, sorted, paged GET /api/v1/partners behind the
// dashboard's list. Runs on both engines like the rest of the API suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision } from './journeys.mjs';

let w;
const p = {};

// Invitation to training, as the cam, the partner and the pim do it.
async function toTraining(name, alias) {
  const x = await invite(w, name);
  await sendAndJoin(w, x);
  await answerAndSubmit(w, x, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, x, alias);
  const conf = await w.s.call('POST', `/api/v1/partners/${x.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(conf.status, 200, conf.text);
  assert.equal(conf.json.stage, 'training');
  return x;
}

const dash = async (token = w.tok.cam, q = '') => {
  const r = await w.s.call('GET', `/api/v1/dashboard${q}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const list = async (q, token = w.tok.cam) => {
  const r = await w.s.call('GET', `/api/v1/partners${q}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

before(async () => {
  // Monday 2 November 2026, London: the spec's ladder example
  w = await world('2026-11-02T08:00:00Z');
  p.train = await toTraining('Juniper Films', 'juniper');
  await at(w, '2026-11-02T08:30:00Z');
  p.quiet = await invite(w, 'Acme Studios');
  p.asked = await invite(w, 'Zenith Pictures');
  await at(w, '2026-11-02T09:00:00Z');
  const sent = await w.s.call('POST', `/api/v1/partners/${p.asked.id}/questionnaire/send`, { token: w.tok.cam });
  assert.equal(sent.status, 200, sent.text);
  await at(w, '2026-11-02T09:30:00Z');
  p.percent = await invite(w, '100% Docs_Ltd');
  await at(w, '2026-11-02T10:00:00Z');
  const req = await w.s.call('POST', `/api/v1/partners/${p.train.id}/requests`, { token: w.tok.pim,
    body: { kind: 'avails', title: 'Launch avails' } });
  assert.equal(req.status, 201, req.text);
  p.train.request = req.json.id;
});
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('partners by stage: every stage in lifecycle order, counted in one answer', async () => {
  const d = await dash();
  assert.deepEqual(d.stages.map((s) => s.stage),
    ['invited', 'questionnaire', 'setup', 'training', 'stopped', 'escalated', 'steady_state']);
  const n = Object.fromEntries(d.stages.map((s) => [s.stage, s.count]));
  assert.equal(n.invited, 2);
  assert.equal(n.questionnaire, 1);
  assert.equal(n.training, 1);
  assert.equal(n.steady_state, 0);
  assert.equal(d.partners, 4);
  assert.equal(d.now, '2026-11-02T10:00:00Z');
});

test('a request\'s 48-hour clock is due soon, then breached; warnings and the decision follow', async () => {
  let d = await dash();
  assert.equal(d.due_soon.hours, 48);
  const soon = d.due_soon.clocks.find((c) => c.kind === 'delivery_48h');
  assert.ok(soon, JSON.stringify(d.due_soon));
  assert.equal(soon.due_at, '2026-11-04T10:00:00Z');
  assert.equal(soon.due_local, '2026-11-04T10:00:00+00:00');
  assert.equal(soon.time_zone, 'Europe/London');
  assert.deepEqual(soon.partner, { id: p.train.id, name: 'Juniper Films', time_zone: 'Europe/London' });
  assert.equal(soon.request, p.train.request);
  assert.equal(soon.request_title, 'Launch avails');
  assert.equal(soon.state, 'running');
  assert.ok(!d.due_soon.clocks.some((c) => c.kind === 'response_3wd'), 'the response clock is 3 working days away');
  assert.equal(d.breached.total, 0);

  // an hour after the 48 hours: the delivery clock is breached, the response clock now due soon
  await at(w, '2026-11-04T11:00:00Z');
  d = await dash();
  assert.equal(d.breached.total, 1);
  assert.equal(d.breached.days, 14);
  const late = d.breached.clocks[0];
  assert.equal(late.kind, 'delivery_48h');
  assert.equal(late.state, 'breached');
  assert.equal(late.due_at, '2026-11-04T10:00:00Z');
  assert.equal(late.partner.id, p.train.id);
  const resp = d.due_soon.clocks.find((c) => c.kind === 'response_3wd');
  assert.equal(resp.due_at, '2026-11-06T00:00:00Z');
  assert.equal(d.warnings.length, 0);

  // no answer at all: warnings 1, 2 and 3 (SPEC §5), then the pim owes a decision
  await at(w, '2026-11-18T01:00:00Z');
  d = await dash();
  assert.deepEqual(d.warnings.map((x) => x.number), [3, 2, 1], 'the latest warning first');
  assert.equal(d.warnings[0].issued_at, '2026-11-18T00:00:00Z');
  assert.equal(d.warnings[0].partner.name, 'Juniper Films');
  assert.equal(d.warnings[0].request, p.train.request);
  assert.equal(d.warnings[0].request_title, 'Launch avails');
  assert.equal(d.warnings[0].reason, 'no response or corrective action within 3 working days on request '
    + '"Launch avails", due by the end of Tue 17 Nov, Europe/London', 'the due time in the partner\'s zone');
  assert.equal(d.decisions.total, 1);
  assert.equal(d.decisions.partners[0].id, p.train.id);
  assert.equal(d.decisions.partners[0].warnings, 3);
  assert.equal(d.decisions.partners[0].pim.email, w.email.pim);
  assert.ok(d.breached.total >= 4, 'the delivery clock and three response clocks');
  assert.deepEqual(d.breached.clocks.map((c) => c.due_at),
    [...d.breached.clocks.map((c) => c.due_at)].sort().reverse(), 'the latest breach first');
  // ?limit bounds every list
  const one = await dash(w.tok.cam, '?limit=1');
  assert.equal(one.breached.clocks.length, 1);
  assert.equal(one.warnings.length, 1);
  assert.equal(one.breached.total, d.breached.total, 'the total counts them all');
  const bad = await w.s.call('GET', '/api/v1/dashboard?limit=0', { token: w.tok.cam });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.error.fields, ['limit']);

  // the partner asks for an alternate solution: it shows, newest first
  const alt = await w.s.call('POST', `/api/v1/partners/${p.train.id}/alternate-solution`, { token: p.train.token,
    body: { reason: 'Our encoder is down until December.' } });
  assert.equal(alt.status, 201, alt.text);
  d = await dash(w.tok.commercial);
  assert.equal(d.alternates.total, 1);
  assert.equal(d.alternates.requests[0].reason, 'Our encoder is down until December.');
  assert.equal(d.alternates.requests[0].partner.id, p.train.id);
  assert.equal(d.alternates.requests[0].by, p.train.contact);

  // the decision taken, it leaves the list
  const dec = await w.s.call('POST', `/api/v1/partners/${p.train.id}/training/decision`, { token: w.tok.pim,
    body: { action: 'continue', note: 'one more chance' } });
  assert.equal(dec.status, 200, dec.text);
  assert.equal((await dash()).decisions.total, 0);
});

test('the dashboard is for staff only', async () => {
  for (const role of ['admin', 'cam', 'pim', 'pom', 'plm', 'commercial']) await dash(w.tok[role]);
  const r = await w.s.call('GET', '/api/v1/dashboard', { token: p.train.token });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
});

test('the partner list filters, sorts and pages in the database', async () => {
  let l = await list('');
  assert.equal(l.total, 4);
  assert.deepEqual(l.partners.map((x) => x.id), [p.train.id, p.quiet.id, p.asked.id, p.percent.id], 'by id without sort');
  assert.ok(l.partners.every((x) => typeof x.stage_since === 'string'));

  l = await list('?stage=invited');
  assert.deepEqual(l.partners.map((x) => x.name).sort(), ['100% Docs_Ltd', 'Acme Studios']);
  assert.equal(l.total, 2);

  l = await list('?sort=name');
  assert.deepEqual(l.partners.map((x) => x.name), ['100% Docs_Ltd', 'Acme Studios', 'Juniper Films', 'Zenith Pictures']);
  l = await list('?sort=name&dir=desc&limit=2');
  assert.deepEqual(l.partners.map((x) => x.name), ['Zenith Pictures', 'Juniper Films']);
  assert.equal(l.total, 4, 'total counts every match, not the page');
  l = await list('?sort=name&dir=desc&limit=2&offset=2');
  assert.deepEqual(l.partners.map((x) => x.name), ['Acme Studios', '100% Docs_Ltd']);

  l = await list('?sort=stage');
  assert.deepEqual(l.partners.map((x) => x.stage), ['invited', 'invited', 'questionnaire', 'training']);
  l = await list('?sort=since');
  assert.deepEqual(l.partners.map((x) => x.id), [p.train.id, p.quiet.id, p.asked.id, p.percent.id], 'longest in its stage first');
  l = await list('?sort=since&dir=desc');
  assert.deepEqual(l.partners.map((x) => x.id), [p.percent.id, p.asked.id, p.quiet.id, p.train.id]);

  // a part of the name, case-insensitive; % and _ are plain characters
  assert.deepEqual((await list('?q=JUNIPER')).partners.map((x) => x.id), [p.train.id]);
  assert.deepEqual((await list('?q=0%25%20docs_')).partners.map((x) => x.id), [p.percent.id]);
  assert.equal((await list('?q=%25')).total, 1);
  assert.equal((await list('?q=_')).total, 1);
  assert.equal((await list('?q=nothing like it')).total, 0);

  // mine: the partners the user owns as cam, pim, pom or plm
  assert.deepEqual((await list('?mine=true', w.tok.pim)).partners.map((x) => x.id), [p.train.id]);
  assert.equal((await list('?mine=true', w.tok.cam)).total, 4, 'the cam who invited them all');
  assert.equal((await list('?mine=true', w.tok.commercial)).total, 0);
  assert.deepEqual((await list('?mine=true&stage=training&q=jun', w.tok.pim)).partners.map((x) => x.id), [p.train.id]);

  // an organisation's user still sees only itself, whatever it asks for
  assert.deepEqual((await list('?sort=name&limit=10', p.train.token)).partners.map((x) => x.id), [p.train.id]);
  assert.equal((await list('?q=acme', p.train.token)).total, 0);

  for (const [q, field] of [['?sort=size', 'sort'], ['?dir=up', 'dir'], ['?limit=0', 'limit'],
    ['?limit=x', 'limit'], ['?offset=-1', 'offset'], ['?mine=maybe', 'mine'], ['?q=%FF', 'q'],
    [`?q=${'x'.repeat(201)}`, 'q']]) {
    const r = await w.s.call('GET', `/api/v1/partners${q}`, { token: w.tok.cam });
    assert.equal(r.status, 422, q);
    assert.deepEqual(r.json.error.fields, [field], q);
  }
});
