// Issue 14, items 5 to 7, through the API on a test clock: a Channels
// partner's launch milestones (listed for staff and the partner, marked met
// by the plm, a missed one told to the plm and the partner once each), the
// alternate-solution case (open → acknowledged → resolved, the partner told
// at each answer, the service's own 3-working-day acknowledgement clock),
// and the partner's current owner: after the handover the pom, not the pim,
// hears of a late delivery. A partner never sees another's milestones or
// cases: 404, as for a missing id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, at, messages, invite, sendAndJoin, clocks, setUp, handOver } from './journeys.mjs';

let w, A, B;
const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const of = (list, template) => list.filter((m) => m.template === template);

before(async () => {
  w = await world('2026-11-02T09:00:00Z'); // a Monday
  A = await sendAndJoin(w, await invite(w, 'Channel Alpha', { channels: true }));
  B = await sendAndJoin(w, await invite(w, 'Studio Beta'));
  // the cam invited both; a pim is named for A (alternate solutions go to both)
  const own = await w.s.call('PUT', `/api/v1/partners/${A.id}/owners`, { token: w.tok.cam, body: { pim: w.ids.pim } });
  assert.equal(own.status, 200, own.text);
});
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('a plm sets the launch timeline, marks a milestone met, and a missed one tells the plm and the partner once', async () => {
  const add = (name, due_at) => w.s.call('POST', `/api/v1/partners/${A.id}/milestones`, { token: w.tok.plm, body: { name, due_at } });
  const art = await add('Channel artwork approved', '2026-11-10T12:00:00Z');
  assert.equal(art.status, 201, art.text);
  const qa = await add('Pre-publishing QA testing', '2026-11-20T09:00:00Z');
  assert.equal(qa.status, 201, qa.text);
  // the plm who draws the timeline owns it ("Launch (plm)")
  const p = await w.s.call('GET', `/api/v1/partners/${A.id}`, { token: w.tok.cam });
  assert.equal(p.json.owners.plm.id, w.ids.plm);

  // the partner reads its own timeline, earliest first, in its zone
  const list = await w.s.call('GET', `/api/v1/partners/${A.id}/milestones`, { token: A.token });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.milestones.map((m) => [m.name, m.due_at, m.state]), [
    ['Channel artwork approved', '2026-11-10T12:00:00Z', 'open'],
    ['Pre-publishing QA testing', '2026-11-20T09:00:00Z', 'open']]);
  assert.equal(list.json.milestones[0].due_words, 'Tue 10 Nov at 12:00, Europe/London');
  assert.equal(list.json.milestones[0].due_local, '2026-11-10T12:00:00+00:00');

  // met before its due instant; a second time is a conflict; only the plm (and admin) may
  assert.equal((await w.s.call('POST', `/api/v1/milestones/${art.json.id}/met`, { token: A.token })).status, 403);
  assert.equal((await w.s.call('POST', `/api/v1/milestones/${art.json.id}/met`, { token: w.tok.pim })).status, 403);
  await at(w, '2026-11-09T15:00:00Z');
  const met = await w.s.call('POST', `/api/v1/milestones/${art.json.id}/met`, { token: w.tok.plm });
  assert.equal(met.status, 200, met.text);
  assert.equal(met.json.state, 'met');
  assert.equal(met.json.closed_at, '2026-11-09T15:00:00Z');
  const again = await w.s.call('POST', `/api/v1/milestones/${art.json.id}/met`, { token: w.tok.plm });
  assert.equal(again.status, 409, again.text);

  // another kind of clock is no milestone: 404
  const cap = (await clocks(w, A)).find((c) => c.kind !== 'milestone');
  if (cap) assert.equal((await w.s.call('POST', `/api/v1/milestones/${cap.id}/met`, { token: w.tok.plm })).status, 404);

  // the QA milestone passes unmet: missed, one message to the plm and one to the partner
  await at(w, '2026-11-20T08:59:59Z');
  assert.equal(of(await messages(w, w.email.plm), 'milestone_missed').length, 0, 'not a second before');
  await at(w, '2026-11-20T09:00:00Z');
  const late = await w.s.call('POST', `/api/v1/milestones/${qa.json.id}/met`, { token: w.tok.plm });
  assert.equal(late.status, 409, 'a missed milestone is not met afterwards');
  assert.match(late.json.error.message, /missed/);
  await at(w, '2026-11-21T10:00:00Z'); // a later sweep sends nothing more
  const toPlm = of(await messages(w, w.email.plm), 'milestone_missed');
  const toPartner = of(await messages(w, A.contact), 'milestone_missed');
  assert.equal(toPlm.length, 1, 'the plm is told once');
  assert.equal(toPartner.length, 1, 'the partner is told once');
  for (const m of [...toPlm, ...toPartner]) {
    assert.match(m.body, /Pre-publishing QA testing/);
    assert.match(m.body, /Fri 20 Nov at 09:00, Europe\/London/);
    assert.match(m.body, new RegExp(`/partners/${A.id}`));
    assert.doesNotMatch(m.body, RFC3339, 'no raw RFC 3339 time for people');
  }
  const after = (await w.s.call('GET', `/api/v1/partners/${A.id}/milestones`, { token: A.token })).json.milestones;
  assert.deepEqual(after.map((m) => m.state), ['met', 'missed']);
});

test('a partner never sees another partner\'s milestones or marks one: 404 as for a missing id', async () => {
  const ms = (await w.s.call('GET', `/api/v1/partners/${A.id}/milestones`, { token: w.tok.commercial })).json.milestones;
  assert.equal(ms.length, 2, 'staff read them');
  const foreign = await w.s.call('GET', `/api/v1/partners/${A.id}/milestones`, { token: B.token });
  const missing = await w.s.call('GET', '/api/v1/partners/999999/milestones', { token: B.token });
  assert.equal(foreign.status, 404);
  assert.deepEqual(foreign.json, missing.json);
  assert.deepEqual((await w.s.call('GET', `/api/v1/partners/${B.id}/milestones`, { token: B.token })).json.milestones, []);
});

test('an alternate-solution request is a case: open → acknowledged → resolved, with the partner told and the service\'s clock', async () => {
  await at(w, '2026-11-23T10:00:00Z'); // Monday
  const ask = await w.s.call('POST', `/api/v1/partners/${A.id}/alternate-solution`, { token: A.token,
    body: { reason: 'Our QA vendor cannot test before January.' } });
  assert.equal(ask.status, 201, ask.text);
  assert.equal(ask.json.state, 'open');
  const id = ask.json.id;
  // the cam and the pim, once each, with the acknowledgement due in words
  for (const who of ['cam', 'pim']) {
    const m = of(await messages(w, w.email[who]), 'alternate_solution');
    assert.equal(m.length, 1, `the ${who} is told once`);
    assert.match(m[0].body, /by the end of Thu 26 Nov, Europe\/London/);
    assert.doesNotMatch(m[0].body, RFC3339);
  }
  // the partner sees its case and the service's clock (3 working days)
  let cases = await w.s.call('GET', '/api/v1/alternate-solutions', { token: A.token });
  assert.equal(cases.status, 200, cases.text);
  assert.equal(cases.json.alternate_solutions.length, 1);
  let c = cases.json.alternate_solutions[0];
  assert.equal(c.id, id);
  assert.equal(c.state, 'open');
  assert.equal(c.acknowledge_due_at, '2026-11-27T00:00:00Z');
  assert.equal(c.acknowledge_due_words, 'by the end of Thu 26 Nov, Europe/London');
  const ack = (await w.s.call('GET', `/api/v1/partners/${A.id}/clocks`, { token: A.token })).json.clocks
    .find((x) => x.kind === 'acknowledge_3wd');
  assert.equal(ack.state, 'running');
  assert.equal(ack.subject, `alternate:${id}`);

  // another partner: none of it
  assert.deepEqual((await w.s.call('GET', '/api/v1/alternate-solutions', { token: B.token })).json.alternate_solutions, []);
  const foreign = await w.s.call('GET', `/api/v1/alternate-solutions?partner=${A.id}`, { token: B.token });
  const missing = await w.s.call('GET', '/api/v1/alternate-solutions?partner=999999', { token: B.token });
  assert.equal(foreign.status, 404);
  assert.deepEqual(foreign.json, missing.json);
  assert.equal((await w.s.call('POST', `/api/v1/alternate-solutions/${id}/acknowledge`, { token: B.token })).status, 403);
  assert.equal((await w.s.call('POST', `/api/v1/alternate-solutions/${id}/acknowledge`, { token: w.tok.pom })).status, 403);

  // the cam acknowledges with a note: the clock is met, the partner told once
  await at(w, '2026-11-24T11:00:00Z');
  const a = await w.s.call('POST', `/api/v1/alternate-solutions/${id}/acknowledge`, { token: w.tok.cam,
    body: { note: 'We are looking at a later QA slot.' } });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.state, 'acknowledged');
  assert.equal(a.json.acknowledged_by.id, w.ids.cam);
  assert.equal(a.json.acknowledge_clock.state, 'met');
  const again = await w.s.call('POST', `/api/v1/alternate-solutions/${id}/acknowledge`, { token: w.tok.pim });
  assert.equal(again.status, 409, again.text);
  const ackMail = of(await messages(w, A.contact), 'alternate_acknowledged');
  assert.equal(ackMail.length, 1);
  assert.match(ackMail[0].body, /We are looking at a later QA slot\./);
  assert.match(ackMail[0].body, /Our QA vendor cannot test before January\./);
  assert.doesNotMatch(ackMail[0].body, RFC3339);

  // resolving needs an outcome; the pim resolves; the partner reads the outcome
  const empty = await w.s.call('POST', `/api/v1/alternate-solutions/${id}/resolve`, { token: w.tok.pim, body: { outcome: '' } });
  assert.equal(empty.status, 422, empty.text);
  const r = await w.s.call('POST', `/api/v1/alternate-solutions/${id}/resolve`, { token: w.tok.pim,
    body: { outcome: 'QA moves to 11 January; the launch date moves by one week.' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'resolved');
  assert.equal(r.json.outcome, 'QA moves to 11 January; the launch date moves by one week.');
  assert.equal((await w.s.call('POST', `/api/v1/alternate-solutions/${id}/resolve`, { token: w.tok.cam,
    body: { outcome: 'again' } })).status, 409);
  const resMail = of(await messages(w, A.contact), 'alternate_resolved');
  assert.equal(resMail.length, 1);
  assert.match(resMail[0].body, /QA moves to 11 January/);
  cases = await w.s.call('GET', `/api/v1/alternate-solutions?partner=${A.id}`, { token: w.tok.commercial });
  c = cases.json.alternate_solutions.find((x) => x.id === id);
  assert.equal(c.state, 'resolved');
  assert.equal(c.note, 'We are looking at a later QA slot.');
});

test('an acknowledgement that is late tells the cam and the pim once each; the case stays open', async () => {
  await at(w, '2026-11-30T10:00:00Z'); // Monday
  const ask = await w.s.call('POST', `/api/v1/partners/${A.id}/alternate-solution`, { token: A.token,
    body: { reason: 'The channel feed moves to a new encoder.' } });
  assert.equal(ask.status, 201, ask.text);
  const before = { cam: of(await messages(w, w.email.cam), 'clock_breached').length,
    pim: of(await messages(w, w.email.pim), 'clock_breached').length };
  await at(w, '2026-12-04T00:00:00Z'); // the end of Thursday 3 Dec
  await at(w, '2026-12-05T00:00:00Z');
  for (const who of ['cam', 'pim'])
    assert.equal(of(await messages(w, w.email[who]), 'clock_breached').length, before[who] + 1, `the ${who} once`);
  const c = (await w.s.call('GET', '/api/v1/alternate-solutions', { token: A.token })).json.alternate_solutions
    .find((x) => x.id === ask.json.id);
  assert.equal(c.state, 'open');
  assert.equal(c.acknowledge_clock.state, 'breached');
  // still answerable: acknowledged late
  const a = await w.s.call('POST', `/api/v1/alternate-solutions/${ask.json.id}/acknowledge`, { token: w.tok.pim });
  assert.equal(a.status, 200, a.text);
});

test('after the handover the pom owns the partner: a late delivery is told to the pom, not the pim', async () => {
  await at(w, '2026-12-07T09:00:00Z');
  await setUp(w, B, 'studio_beta');
  // a late delivery in training: the pim owns it then
  const t = await w.s.call('POST', `/api/v1/partners/${B.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Training avails' } });
  assert.equal(t.status, 201, t.text);
  await at(w, '2026-12-09T09:00:00Z');
  assert.equal(of(await messages(w, w.email.pim), 'delivery_late').length, 1, 'the pim, during training');
  await handOver(w, B);
  const req = await w.s.call('POST', `/api/v1/partners/${B.id}/requests`, { token: w.tok.pom, body: { kind: 'avails', title: 'December avails' } });
  assert.equal(req.status, 201, req.text);
  await at(w, '2026-12-11T09:00:00Z');
  const pom = of(await messages(w, w.email.pom), 'delivery_late');
  assert.equal(pom.length, 1, 'the pom hears of the steady-state breach');
  assert.match(pom[0].body, /December avails/);
  assert.equal(of(await messages(w, w.email.pim), 'delivery_late').length, 1, 'the pim no more');
});
