// The pim's four decisions after the third warning (SPEC 2.4, issue 14 items 2
// and 3): each one reaches the partner (a message with the pim's note, and
// the decision in the partner's own view) and has its consequence; the
// ladder ends at three; the partner (or the pim) sets the delivery agent
// with PUT /partners/{id}/agent. One server on a test clock, one partner per
// decision, all silent from the same instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { world, at, messages, clocks, warnings, events, posthouse, trainee } from './journeys.mjs';

const RFC3339 = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

const view = async (w, p, token = p.token) => {
  const r = await w.s.call('GET', `/api/v1/partners/${p.id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const decide = (w, p, action, note) => w.s.call('POST', `/api/v1/partners/${p.id}/training/decision`,
  { token: w.tok.pim, body: note ? { action, note } : { action } });
const setAgent = (w, p, token, posthouse) => w.s.call('PUT', `/api/v1/partners/${p.id}/agent`, { token, body: { posthouse } });

// The partner's own outbox, read with its own token.
async function ownMail(w, p, template) {
  const r = await w.s.call('GET', '/api/v1/messages', { token: p.token });
  assert.equal(r.status, 200, r.text);
  return r.json.messages.filter((m) => !template || m.template === template);
}

test('four decisions, each reaching the partner with its consequence; the ladder ends at three', async () => {
  const w = await world('2026-10-20T09:00:00Z');
  try {
    const ph = await posthouse(w, 'Post House One', 'posthouse_one');
    const fresh = await posthouse(w, 'Post House New', 'posthouse_new', false);
    const phUser = await w.s.userWithToken(w.tok.admin, 'ops@posthouseone.example', 'posthouse', ph.id);
    const p = {
      stop: await trainee(w, 'Stopping Films', 'stopping_films'),
      escalate: await trainee(w, 'Escalated Films', 'escalated_films'),
      propose_posthouse: await trainee(w, 'Proposed Films', 'proposed_films'),
      continue: await trainee(w, 'Continuing Films', 'continuing_films'),
    };
    // the same silence for all four: a request each on Mon 2 Nov, never answered
    await at(w, '2026-11-02T10:00:00Z');
    for (const q of Object.values(p)) {
      const r = await w.s.call('POST', `/api/v1/partners/${q.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails v1' } });
      assert.equal(r.status, 201, r.text);
      q.request = r.json.id;
    }
    // a long silence: three warnings, never a fourth, the escalation once per recipient
    await at(w, '2026-11-18T00:00:00Z');
    await at(w, '2026-12-01T00:00:00Z');
    for (const q of Object.values(p)) {
      assert.deepEqual((await warnings(w, q, q.token)).map((x) => x.number), [1, 2, 3]);
      const v = await view(w, q);
      assert.equal(v.warnings, 3);
      assert.equal(v.decision_pending, true);
      assert.equal(v.decision, null, 'nothing decided yet');
      const mail = await ownMail(w, q, 'warning');
      assert.deepEqual(mail.map((m) => m.subject.match(/Warning (\d) of 3/)?.[1]).sort(), ['1', '2', '3']);
      assert.ok((await events(w, q)).some((e) => e.action === 'training.missed_response'), 'later misses are breaches on record');
    }
    for (const role of ['pim', 'cam', 'commercial']) {
      const esc = (await messages(w, w.email[role])).filter((m) => m.template === 'escalation');
      assert.equal(esc.length, 4, `${role}: one escalation per partner, once`);
    }
    assert.ok(!(await messages(w)).some((m) => /of 3/.test(m.subject) && /Warning [4-9]/.test(m.subject)));

    // stop: stage stopped, every open clock of the training ends; resume brings it back
    let d = await decide(w, p.stop, 'stop', 'No answer since 2 November; we stop here.');
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.partner.stage, 'stopped');
    assert.deepEqual((await clocks(w, p.stop)).filter((c) => c.state === 'running'), [], 'open clocks end');
    let v = await view(w, p.stop);
    assert.equal(v.decision.action, 'stop');
    assert.equal(v.decision.note, 'No answer since 2 November; we stop here.');
    assert.equal(v.decision.by.email, w.email.pim);
    let mail = await ownMail(w, p.stop, 'decision');
    assert.equal(mail.length, 1);
    assert.match(mail[0].body, /No answer since 2 November; we stop here\./);
    assert.match(mail[0].body, /\/partners\/\d+/);
    assert.doesNotMatch(mail[0].body, RFC3339);
    const resumed = await w.s.call('POST', `/api/v1/partners/${p.stop.id}/training/resume`, { token: w.tok.pim });
    assert.equal(resumed.status, 200, resumed.text);
    assert.equal(resumed.json.stage, 'training');
    assert.equal(resumed.json.warnings, 0, 'a resumed training starts a new ladder');
    assert.ok((await clocks(w, p.stop)).some((c) => c.kind === 'training_30d' && c.state === 'running'));

    // escalate: stage escalated; commercial and the cam get the note, once each
    d = await decide(w, p.escalate, 'escalate', 'Their QC vendor changed; commercial to renegotiate.');
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.partner.stage, 'escalated');
    for (const role of ['commercial', 'cam']) {
      const m = (await messages(w, w.email[role])).filter((x) => x.template === 'escalated');
      assert.equal(m.length, 1, `${role} told once`);
      assert.match(m[0].body, /Their QC vendor changed; commercial to renegotiate\./);
      assert.doesNotMatch(m[0].body, /chooses one of/);
    }
    v = await view(w, p.escalate);
    assert.equal(v.decision.next_owner.team, 'commercial');
    assert.match(v.decision.next_owner.cam, /cam@service\.example/);
    mail = await ownMail(w, p.escalate, 'decision');
    assert.equal(mail.length, 1);
    assert.match(mail[0].body, /Their QC vendor changed/);
    assert.match(mail[0].body, /commercial team/);
    // while escalated, missed responses stay breaches: no fourth warning
    await at(w, '2026-12-10T00:00:00Z');
    assert.equal((await warnings(w, p.escalate)).length, 3);

    // propose_posthouse: the partner is sent the posthouses that fit and chooses one
    d = await decide(w, p.propose_posthouse, 'propose_posthouse', 'Post House One already delivers HD for us.');
    assert.equal(d.status, 200, d.text);
    assert.deepEqual(d.json.posthouses.map((x) => x.id), [ph.id], 'only the onboarded one fits');
    mail = await ownMail(w, p.propose_posthouse, 'decision');
    assert.equal(mail.length, 1);
    assert.match(mail[0].body, /Post House One already delivers HD for us\./);
    assert.match(mail[0].body, /- Post House One \(approved formats: /);
    v = await view(w, p.propose_posthouse);
    assert.deepEqual(v.decision.posthouses.map((x) => x.name), ['Post House One']);
    assert.equal(v.delivery_agent, null);
    // the posthouse cannot see the partner yet
    assert.equal((await w.s.call('GET', `/api/v1/partners/${p.propose_posthouse.id}`, { token: phUser.token })).status, 404);
    // refused: another organisation's partner, a posthouse not onboarded, an unknown one, no field
    assert.equal((await setAgent(w, p.propose_posthouse, p.continue.token, ph.id)).status, 404);
    let bad = await setAgent(w, p.propose_posthouse, p.propose_posthouse.token, fresh.id);
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(bad.json.error.fields, ['posthouse']);
    assert.equal((await setAgent(w, p.propose_posthouse, p.propose_posthouse.token, 999999)).status, 422);
    bad = await w.s.call('PUT', `/api/v1/partners/${p.propose_posthouse.id}/agent`, { token: p.propose_posthouse.token, body: {} });
    assert.equal(bad.status, 422);
    assert.equal((await setAgent(w, p.propose_posthouse, w.tok.cam, ph.id)).status, 403, 'the partner or its pim');
    assert.equal((await setAgent(w, p.propose_posthouse, phUser.token, ph.id)).status, 403, 'a posthouse user may not set an agent');
    // the partner chooses: its agent, the plan cut to avails review, the count reset
    const chosen = await setAgent(w, p.propose_posthouse, p.propose_posthouse.token, ph.id);
    assert.equal(chosen.status, 200, chosen.text);
    assert.equal(chosen.json.agent, ph.id);
    assert.equal(chosen.json.delivery_agent.name, 'Post House One');
    assert.deepEqual(chosen.json.training.modules, ['avails_review']);
    assert.equal(chosen.json.warnings, 0);
    assert.match(chosen.json.decision.what_now, /you deliver through Post House One/, 'the decision now tells what was chosen, not the proposal');
    const seen = await w.s.call('GET', `/api/v1/partners/${p.propose_posthouse.id}`, { token: phUser.token });
    assert.equal(seen.status, 200, 'the posthouse acts for the partner now');
    assert.equal((await messages(w, 'ops@posthouseone.example')).filter((m) => m.template === 'agent_set').length, 1);
    assert.equal((await ownMail(w, p.propose_posthouse, 'agent_set')).length, 1);
    const ev = (await events(w, p.propose_posthouse)).filter((e) => e.action === 'partner.agent');
    assert.deepEqual(ev.map((e) => [e.before.agent, e.after.agent]), [[null, ph.id]]);
    // the pim may set it too (here: back to none), and the posthouse loses the partner
    const none = await setAgent(w, p.propose_posthouse, w.tok.pim, null);
    assert.equal(none.status, 200, none.text);
    assert.equal(none.json.agent, null);
    assert.equal((await w.s.call('GET', `/api/v1/partners/${p.propose_posthouse.id}`, { token: phUser.token })).status, 404);
    assert.equal((await setAgent(w, p.propose_posthouse, w.tok.pim, ph.id)).status, 200);

    // continue: the count restarts at zero, the note recorded; a new ladder counts from one
    d = await decide(w, p.continue, 'continue', 'One more chance: call us before you deliver.');
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.partner.warnings, 0);
    assert.equal(d.json.partner.decision_pending, false);
    v = await view(w, p.continue);
    assert.equal(v.decision.action, 'continue');
    assert.match(v.decision.what_now, /restarts at zero/);
    const rec = (await events(w, p.continue)).filter((e) => e.action === 'training.decision');
    assert.equal(rec.length, 1);
    assert.equal(rec[0].after.note, 'One more chance: call us before you deliver.');
    mail = await ownMail(w, p.continue, 'decision');
    assert.equal(mail.length, 1);
    assert.match(mail[0].body, /One more chance: call us before you deliver\./);
    await at(w, '2026-12-31T00:00:00Z');
    assert.deepEqual((await warnings(w, p.continue)).map((x) => x.number), [1, 2, 3, 1, 2, 3]);
    assert.equal((await messages(w, w.email.cam)).filter((m) => m.template === 'escalation' &&
      m.subject.includes('Continuing Films')).length, 2, 'the new ladder escalates once more');
    // so does the partner that chose a posthouse, still silent on its request: its count restarted
    assert.deepEqual((await warnings(w, p.propose_posthouse)).map((x) => x.number), [1, 2, 3, 1, 2, 3]);
    // no decision, and no message for people, carries a raw RFC 3339 time
    for (const m of (await messages(w)).filter((x) => ['decision', 'escalated', 'escalation', 'agent_set'].includes(x.template)))
      assert.doesNotMatch(m.body, RFC3339, `${m.template} to ${m.to}`);
  } finally { assert.equal((await w.s.stop()).code, 0); }
});
