// The outbox as its readers get it (SPEC 6, issue 14): partners are driven
// through the process on a test clock so that every event of SPEC 6 happens,
// one step at a time. After each step the new
// messages of the outbox (GET /api/v1/messages) must be exactly the ones the
// step's row of EVENTS names: one message per recipient per event, no more
// (no duplicates, no copy to a second role of the same person), no fewer
// (no silence). Every subject and body is then read as a person would: no
// raw RFC 3339 time, no '(UTC)' nor a zone said twice, no unfilled
// variable, a link to the page; the steps check that the note that came
// with an action is in its message.
//
// Three walks, each on its own server: the onboarding of a partner to steady
// state; the pim's four decisions after a third warning, with the delivery
// agent they lead to; and the rest (a launch date too soon, a colleague, the
// transfer credential, a re-request, alternate-solution cases, a missed
// Channels milestone). The last test checks that every template of
// templates/mail/ was produced and read by one of them.
//
// To extend it: add a row to EVENTS with the templates and recipients the
// event must produce, and a step that calls `expect(name, p, fn)` with the
// action that causes it. A new template without a step fails the last test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision, events, warnings, FORMATS, upload, settled } from './journeys.mjs';

const SAMPLES = '../shared/mddf/samples/avails';
const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

// event → { template: [recipient roles] }. A role is a staff role (cam, pim,
// pom, plm, commercial), 'partner' (the partner's contact), 'colleague' (the
// colleague its admin invited), 'posthouse' (the users of its delivery
// agent). A recipient named twice means two messages (two events of the same
// kind in one step); a step on several partners expects the row for each.
const EVENTS = {
  'partner created': {},
  'questionnaire sent': { questionnaire_sent: ['partner'] },
  'questionnaire submitted, no pim yet': { questionnaire_submitted: ['cam'] },
  'questionnaire submitted, pim assigned': { questionnaire_submitted: ['cam', 'pim'] },
  'portal account of an existing user': { invitation: ['partner'] },
  'setup confirmed': {},
  'request issued': { request_issued: ['partner'] },
  'delivery clock due soon': { clock_due_soon: ['partner'] },
  'clocks paused': { clock_paused: ['partner'] },
  'clocks resumed (new due within a day: no due soon after it)': { clock_resumed: ['partner'] },
  'delivery clock breached': { delivery_late: ['partner', 'pim'] },
  'partner reply (training)': { request_message: ['pim'] },
  'result failed': { result_failed: ['partner', 'pim'] },
  'delivery passed': { delivery_passed: ['partner', 'pim'] },
  'response clock due soon': { clock_due_soon: ['partner'] },
  'warning 1': { warning: ['partner', 'pim'] },
  'warning 2': { warning: ['partner', 'pim'] },
  'warning 2, setup cap due soon': { warning: ['partner', 'pim'], clock_due_soon: ['cam', 'pim'] },
  'setup cap breached': { clock_breached: ['cam', 'pim'] },
  'warning 3 and escalation': { warning: ['partner', 'pim'], escalation: ['pim', 'cam', 'commercial'] },
  // SPEC 2.4: the ladder ends at three; a later miss is a breach on record, told to nobody
  'a 4th missed response, decision pending': {},
  // SPEC 2.4: every decision reaches the partner, with the pim's note
  'decision: stop': { decision: ['partner'] },
  'training resumed after stop': { decision: ['partner'] },
  'decision: escalate': { decision: ['partner'], escalated: ['commercial', 'cam'] },
  'decision: propose_posthouse': { decision: ['partner'] },
  'delivery agent chosen by the partner': { agent_set: ['partner', 'pim', 'posthouse'] },
  'delivery agent removed by the pim': { agent_set: ['partner', 'posthouse'] },
  'decision: continue': { decision: ['partner'] },
  'training complete, handover': { training_complete: ['partner'], handover: ['pom'] },
  'partner reply (steady state)': { request_message: ['pom'] },
  'staff message': { request_message: ['partner'] },
  'result failed (steady state), many errors': { result_failed: ['partner', 'pom'] },
  // the rest of SPEC 6 and issue 14
  'questionnaire submitted with a launch date too soon': { questionnaire_submitted: ['cam', 'pim'], launch_date_too_soon: ['cam', 'pim'] },
  'transfer credential issued again': {},
  'colleague invited': { colleague_invitation: ['colleague'] },
  'milestone added': {},
  'Channels milestone missed': { milestone_missed: ['plm', 'partner'] },
  'alternate solution asked': { alternate_solution: ['cam', 'pim'] },
  'alternate solution acknowledged': { alternate_acknowledged: ['partner'] },
  'alternate solution resolved': { alternate_resolved: ['partner'] },
  'alternate solution acknowledgement late': { clock_breached: ['cam', 'pim'] },
  're-request (to every user of the partner)': { rerequest: ['partner', 'colleague'] },
};

// Every template any step produced (and so checked), over the tests of this file.
const PRODUCED = new Set();
const SAMPLES_SEEN = [];

async function allMessages(w) {
  const out = [];
  let before = '';
  for (;;) {
    const r = await w.s.call('GET', `/api/v1/messages?limit=200${before}`, { token: w.tok.admin });
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.messages);
    if (!r.json.next_before) break;
    before = `&before=${r.json.next_before}`;
  }
  return out.sort((a, b) => a.id - b.id);
}

// A message read as a person reads it: times in words, one zone, a link.
function readable(x) {
  for (const text of [x.subject, x.body]) {
    assert.doesNotMatch(text, RFC3339, `${x.template} to ${x.to}: no raw RFC 3339 time:\n${text}`);
    assert.doesNotMatch(text, /\) \(|Z UTC|\(UTC\)/, `${x.template}: no doubled zone:\n${text}`);
    assert.doesNotMatch(text, /\b((?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]+)[\s,()]+\1\b/, `${x.template}: a zone said twice:\n${text}`);
    assert.doesNotMatch(text, /\{\{|\}\}|undefined|\(null\)/, `${x.template}: no unfilled variable:\n${text}`);
  }
  assert.match(x.body, /https?:\/\/\S+/, `${x.template} to ${x.to} links to its page`);
}

// The walk of one server: expect(name, p, fn) runs fn, then checks the
// messages it queued against EVENTS[name] for p (a partner, or a list of
// partners that each expect the row), and reads each one.
function walker(w) {
  const seen = new Set();
  const log = [];
  const emailOf = (p) => (role) => {
    if (role === 'partner') return p.contact;
    if (role === 'colleague' || role === 'posthouse') {
      assert.ok(p[role], `partner ${p.id} has a ${role}`);
      return p[role];
    }
    assert.ok(w.email[role], `a staff role: ${role}`);
    return w.email[role];
  };
  async function expect(name, p, fn) {
    assert.ok(name in EVENTS, `EVENTS has a row for '${name}'`);
    await fn();
    const fresh = (await allMessages(w)).filter((m) => !seen.has(m.id));
    fresh.forEach((m) => seen.add(m.id));
    const got = {};
    for (const m of fresh) (got[m.template] ??= []).push(m.to);
    const want = {};
    for (const q of [p].flat()) {
      for (const [tmpl, roles] of Object.entries(EVENTS[name])) (want[tmpl] ??= []).push(...roles.map(emailOf(q)).flat());
    }
    const sorted = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]).sort());
    assert.deepEqual(sorted(got), sorted(want), `${name}: the messages and their recipients`);
    const keys = fresh.map((m) => `${m.to}\n${m.subject}\n${m.body}`);
    assert.equal(new Set(keys).size, keys.length, `${name}: no message twice`);
    for (const m of fresh) {
      readable(m);
      PRODUCED.add(m.template);
    }
    log.push(...fresh.map((m) => ({ event: name, ...m })));
    SAMPLES_SEEN.push(...fresh.map((m) => ({ event: name, ...m })));
    return fresh;
  }
  // At the end: the outbox holds nothing a step did not expect.
  async function done() {
    const all = await allMessages(w);
    assert.equal(all.length, seen.size, 'every message was expected by a step');
    all.forEach(readable);
  }
  return { expect, done, log };
}

const deliver = async (w, p, req, file, name) => {
  const up = await upload(w, p.token, name, Buffer.isBuffer(file) ? file : readFileSync(`${SAMPLES}/${file}`));
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: req.id, kind: 'avails', files: [up] } });
  assert.equal(r.status, 202, r.text);
  return settled(w, r.json.id, p.token);
};
const call = async (w, method, path, token, body) => {
  const r = await w.s.call(method, path, { token, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
};

test('every event of SPEC 6 gives exactly one message per recipient, in words, with its link', async () => {
  const w = await world('2026-11-02T09:00:00Z');
  const { expect, done } = walker(w);
  const deliver1 = (p, req, file, name) => deliver(w, p, req, file, name);
  const post = (path, token, body) => call(w, 'POST', path, token, body);
  try {
    let p; let q;
    await expect('partner created', null, async () => {
      p = await invite(w, 'Outbox Films');
      q = await invite(w, 'Stalled Setup');
    });
    const only = (list, tmpl) => list.filter((m) => m.template === tmpl);

    // ---- questionnaire, setup ----
    await expect('questionnaire sent', p, () => sendAndJoin(w, p));
    const assigned = await w.s.call('PUT', `/api/v1/partners/${q.id}/owners`, { token: w.tok.cam, body: { pim: w.ids.pim } });
    assert.equal(assigned.status, 200, assigned.text);
    await expect('questionnaire sent', q, () => sendAndJoin(w, q));
    let m = await expect('questionnaire submitted, no pim yet', p, () => answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' }));
    assert.match(m[0].body, /by the end of Thu 12 Nov, Europe\/London/, 'the setup target in words');
    assert.match(m[0].body, new RegExp(`/partners/${p.id}#owners`), 'the cam is shown where to assign a pim');
    m = await expect('questionnaire submitted, pim assigned', q, () => answerAndSubmit(w, q, { delivery_method: 'self', already_onboarded: 'no' }));
    assert.ok(m.every((x) => !/#owners/.test(x.body)), 'a pim is assigned: nobody is asked to assign one');
    m = await expect('portal account of an existing user', p, () => provision(w, p, 'outbox_films'));
    assert.match(m[0].body, /now has access/);
    assert.doesNotMatch(m[0].body, /choose your password|expires|\(UTC\)/i, 'an existing user is not asked to choose a password');
    await expect('setup confirmed', p, async () => {
      await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
      await post(`/api/v1/partners/${p.id}/setup/confirm`, w.tok.pim);
    });

    // ---- requests, due soon, pause and resume ----
    await at(w, '2026-11-02T10:00:00Z');
    let a;
    m = await expect('request issued', p, async () => {
      a = await post(`/api/v1/partners/${p.id}/requests`, w.tok.pim, { kind: 'avails', title: 'Launch avails', note: 'the first 20 titles' });
    });
    assert.match(m[0].body, /Deliver: +by 10:00 on Wed 4 Nov, Europe\/London/);
    assert.match(m[0].body, /Respond: +by the end of Thu 5 Nov, Europe\/London/);
    assert.match(m[0].body, /Note: +the first 20 titles/);
    assert.match(m[0].body, new RegExp(`/requests/${a.id}\\b`));
    await at(w, '2026-11-02T12:00:00Z');
    let b;
    await expect('request issued', p, async () => {
      b = await post(`/api/v1/partners/${p.id}/requests`, w.tok.pim, { kind: 'avails', title: 'Catalogue avails' });
    });
    await expect('delivery clock due soon', p, () => at(w, '2026-11-03T10:00:00Z'));
    m = await expect('clocks paused', p, async () => {
      await at(w, '2026-11-03T11:00:00Z');
      await post(`/api/v1/requests/${a.id}/pause`, w.tok.pim, { reason: 'waiting on us: the avails template is not ready' });
    });
    assert.match(m[0].body, /Launch avails/);
    assert.match(m[0].body, /waiting on us: the avails template is not ready/);
    assert.match(m[0].body, /Delivery within 48 hours: was due by 10:00 on Wed 4 Nov, Europe\/London/);
    await expect('delivery clock due soon', p, () => at(w, '2026-11-03T12:00:00Z')); // request b's; a is paused
    m = await expect('clocks resumed (new due within a day: no due soon after it)', p, async () => {
      await at(w, '2026-11-03T15:00:00Z');
      await post(`/api/v1/requests/${a.id}/resume`, w.tok.pim);
    });
    assert.match(m[0].body, /Delivery within 48 hours: by 14:00 on Wed 4 Nov, Europe\/London/, 'four hours paused, four hours later');
    await expect('delivery clock breached', p, () => at(w, '2026-11-04T12:00:00Z')); // b's; a's moved to 14:00

    // ---- the thread, results ----
    await expect('partner reply (training)', p, () => post(`/api/v1/requests/${a.id}/messages`, p.token, { body: 'Uploading tonight.' }));
    await at(w, '2026-11-04T13:00:00Z');
    m = await expect('result failed', p, () => deliver1(p, a, 'Avails_withErrors.xml', 'avails-week-45.xml'));
    const failed = m.find((x) => x.to === p.contact);
    const result = (await w.s.call('GET', `/api/v1/deliveries/${failed.body.match(/\/deliveries\/(\d+)/)[1]}`, { token: p.token })).json;
    const nErr = result.findings.filter((f) => f.severity === 'error').length;
    const nWarn = result.findings.filter((f) => f.severity === 'warning').length;
    assert.ok(nErr > 0);
    const counts = `${nErr} error${nErr === 1 ? '' : 's'}, ${nWarn} warning${nWarn === 1 ? '' : 's'}`;
    assert.ok(failed.subject.includes(counts), `the subject counts: ${failed.subject}`);
    assert.ok(failed.body.includes(counts));
    const firstError = result.findings.find((f) => f.severity === 'error');
    const at1 = failed.body.indexOf(firstError.code);
    assert.ok(at1 > 0, 'each error by its code');
    if (nWarn) assert.ok(failed.body.indexOf('Warning ') > at1, 'errors before warnings');
    assert.match(failed.body, /Respond by the end of Mon 9 Nov, Europe\/London/, 'the response deadline in words');
    assert.match(failed.body, /line \d+|row \d+|\/[A-Za-z]+/, 'each error with its place');
    await at(w, '2026-11-04T14:00:00Z');
    m = await expect('delivery passed', p, () => deliver1(p, a, 'Avails_noErrors_v2.4.xml', 'avails-week-45-fixed.xml'));
    assert.match(m[0].subject, /passed: Launch avails/);

    // ---- silence on b: the ladder (a's clocks are all met) ----
    await expect('response clock due soon', p, () => at(w, '2026-11-05T00:00:00Z'));
    m = await expect('warning 1', p, () => at(w, '2026-11-06T00:00:00Z'));
    assert.match(m[0].body, /Catalogue avails"\s+by the end of Thu 5 Nov, Europe\/London/);
    assert.match(m[0].body, /reply on the request or deliver, by the end of Wed 11 Nov, Europe\/London/);
    await expect('response clock due soon', p, () => at(w, '2026-11-11T00:00:00Z'));
    m = await expect('warning 2, setup cap due soon', p, async () => {
      await at(w, '2026-11-12T00:00:00Z');
    });
    // the other partner's setup cap: its cam (and pim) hear of it, in its zone
    const caps = only(m, 'clock_due_soon');
    assert.deepEqual(caps.map((x) => x.to).sort(), [w.email.cam, w.email.pim].sort());
    for (const cap of caps) assert.match(cap.subject, /Stalled Setup/);
    m = await expect('setup cap breached', q, () => at(w, '2026-11-13T00:00:00Z'));
    assert.match(m[0].body, /Was due: +by the end of Thu 12 Nov, Europe\/London/);
    await expect('response clock due soon', p, () => at(w, '2026-11-17T00:00:00Z'));
    m = await expect('warning 3 and escalation', p, () => at(w, '2026-11-18T00:00:00Z'));
    await expect('decision: continue', p, () => post(`/api/v1/partners/${p.id}/training/decision`, w.tok.pim, { action: 'continue', note: 'one more chance' }));

    // ---- steady state: the pom owns the partner ----
    await at(w, '2026-11-19T10:00:00Z');
    m = await expect('training complete, handover', p, () => post(`/api/v1/partners/${p.id}/training/complete`, w.tok.pim,
      { approved_formats: ['HD', 'SDR', 'Stereo', '5.1'], pom: w.ids.pom }));
    const summary = only(m, 'training_complete')[0];
    assert.match(summary.body, /- HD\n +- SDR\n +- Stereo\n +- 5\.1/);
    assert.match(summary.body, new RegExp(w.email.pom));
    let c;
    await expect('request issued', p, async () => {
      c = await post(`/api/v1/partners/${p.id}/requests`, w.tok.pom, { kind: 'avails', title: 'December avails' });
    });
    await expect('partner reply (steady state)', p, () => post(`/api/v1/requests/${c.id}/messages`, p.token, { body: 'Coming Friday.' }));
    m = await expect('staff message', p, () => post(`/api/v1/requests/${c.id}/messages`, w.tok.pom, { body: 'Thanks, noted.' }));
    assert.match(m[0].body, /Thanks, noted\./);
    // 25 errors (every territory unknown): the first ten with their places, the rest counted
    const many = Buffer.from(readFileSync(`${SAMPLES}/Avails_noErrors_v2.4.xml`, 'utf8')
      .replace(/(<[a-z:]*country>)[A-Z]+</g, '$1JJ<'));
    m = await expect('result failed (steady state), many errors', p, () => deliver1(p, c, many, 'december.xml'));
    const big = m.find((x) => x.to === p.contact).body;
    assert.equal(big.match(/^  - avails\./gm).length, 10, 'ten errors listed');
    assert.match(big, /\.\.\. and 15 more errors on the page/);
    assert.match(big, /Respond as soon as you can/, 'no response clock in steady state');

    // ---- every message, read as a person reads it ----
    await done();
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

// SPEC 2.4 after the third warning: the four decisions, each reaching its
// partner with the pim's note (escalate also the commercial team and the cam),
// the resume after a stop, the delivery agent the proposal leads to; and no
// message at all for a missed response while the decision is pending.
test('every decision, the resume and the delivery agent: one message per recipient, the note in each', async () => {
  const w = await world('2026-11-02T09:00:00Z');
  const { expect, done } = walker(w);
  const post = (path, token, body) => call(w, 'POST', path, token, body);
  const put = (path, token, body) => call(w, 'PUT', path, token, body);
  try {
    // an onboarded posthouse, with a second user of its own
    let ph;
    await expect('partner created', null, async () => { ph = await invite(w, 'Post House One', { posthouse: true }); });
    await expect('questionnaire sent', ph, () => sendAndJoin(w, ph));
    await expect('questionnaire submitted, no pim yet', ph, () => answerAndSubmit(w, ph, { already_onboarded: 'yes' }));
    await expect('portal account of an existing user', ph, () => provision(w, ph, 'posthouse_one'));
    await expect('setup confirmed', ph, async () => {
      await put(`/api/v1/partners/${ph.id}/training/plan`, w.tok.pim, { modules: [] });
      assert.equal((await post(`/api/v1/partners/${ph.id}/setup/confirm`, w.tok.pim)).stage, 'steady_state');
      await put(`/api/v1/partners/${ph.id}/approved-formats`, w.tok.pim, { approved_formats: ['SD', 'HD', 'SDR', 'Stereo', '5.1', 'TTML'] });
      await w.s.userWithToken(w.tok.admin, 'ops@posthouseone.example', 'posthouse', ph.id);
    });

    // four partners in training, silent on a request from the same instant
    const names = { stop: 'Stopping Films', escalate: 'Escalated Films', propose: 'Proposed Films', cont: 'Continuing Films' };
    const t = {};
    await expect('partner created', null, async () => {
      for (const [k, name] of Object.entries(names)) t[k] = await invite(w, name);
    });
    const T = Object.values(t);
    for (const x of T) x.posthouse = [ph.contact, 'ops@posthouseone.example']; // once it is their agent
    await expect('questionnaire sent', T, async () => { for (const x of T) await sendAndJoin(w, x); });
    await expect('questionnaire submitted, no pim yet', T, async () => {
      for (const x of T) await answerAndSubmit(w, x, { delivery_method: 'self', already_onboarded: 'no', ...FORMATS });
    });
    await expect('portal account of an existing user', T, async () => {
      for (const x of T) await provision(w, x, x.contact.split('@')[1].split('.')[0]);
    });
    await expect('setup confirmed', T, async () => {
      for (const x of T) {
        await put(`/api/v1/partners/${x.id}/training/plan`, w.tok.pim, { modules: ['technical_asset_review', 'avails_review'] });
        assert.equal((await post(`/api/v1/partners/${x.id}/setup/confirm`, w.tok.pim)).stage, 'training');
      }
    });
    await at(w, '2026-11-02T10:00:00Z');
    await expect('request issued', T, async () => {
      for (const x of T) x.request = await post(`/api/v1/partners/${x.id}/requests`, w.tok.pim, { kind: 'avails', title: 'Avails v1' });
    });
    // the ladder, step by step, for all four at once
    await expect('delivery clock due soon', T, () => at(w, '2026-11-03T10:00:00Z'));
    await expect('delivery clock breached', T, () => at(w, '2026-11-04T12:00:00Z'));
    await expect('response clock due soon', T, () => at(w, '2026-11-05T00:00:00Z'));
    await expect('warning 1', T, () => at(w, '2026-11-06T00:00:00Z'));
    await expect('response clock due soon', T, () => at(w, '2026-11-11T00:00:00Z'));
    await expect('warning 2', T, () => at(w, '2026-11-12T00:00:00Z'));
    await expect('response clock due soon', T, () => at(w, '2026-11-17T00:00:00Z'));
    let m = await expect('warning 3 and escalation', T, () => at(w, '2026-11-18T00:00:00Z'));
    assert.ok(m.filter((x) => x.template === 'warning').every((x) => /Warning 3 of 3/.test(x.subject)));
    // the response clock still runs (a miss is a breach on record): the partner is reminded
    m = await expect('response clock due soon', T, () => at(w, '2026-11-23T00:00:00Z'));
    assert.ok(m.every((x) => /by the end of Mon 23 Nov, Europe\/London/.test(x.body)));
    // a 4th missed response: recorded, told to nobody, then silence until the decision
    await expect('a 4th missed response, decision pending', T, () => at(w, '2026-11-24T00:00:00Z'));
    await expect('a 4th missed response, decision pending', T, () => at(w, '2026-11-30T00:00:00Z'));
    for (const x of T) {
      assert.deepEqual((await warnings(w, x)).map((y) => y.number), [1, 2, 3]);
      assert.ok((await events(w, x)).some((e) => e.action === 'training.missed_response'), 'the miss is on record');
    }
    await at(w, '2026-11-30T10:00:00Z');
    const decide = (x, action, note) => post(`/api/v1/partners/${x.id}/training/decision`, w.tok.pim, { action, note });
    const noted = (msgs, note) => {
      for (const x of msgs) assert.ok(x.body.includes(note), `${x.template} to ${x.to} carries the note:\n${x.body}`);
    };
    const linked = (msgs, x) => {
      for (const y of msgs) assert.match(y.body, new RegExp(`/partners/${x.id}\\b`), `${y.template} links to the partner page`);
    };

    // stop, then resume
    let note = 'No answer since 2 November; we stop here.';
    m = await expect('decision: stop', t.stop, () => decide(t.stop, 'stop', note));
    noted(m, note);
    linked(m, t.stop);
    assert.match(m[0].subject, /Stopping Films: the training decision is "the training stops"/);
    assert.match(m[0].body, /on Mon 30 Nov at 10:00, Europe\/London/);
    m = await expect('training resumed after stop', t.stop, () => post(`/api/v1/partners/${t.stop.id}/training/resume`, w.tok.pim));
    linked(m, t.stop);
    assert.match(m[0].body, /the training resumes/);
    assert.doesNotMatch(m[0].body, /no note given|Note from/, 'no note came with the resume: no empty note block');

    // escalate: the partner, the commercial team and the cam, each once, each with the note
    note = 'Their QC vendor changed; commercial to renegotiate.';
    m = await expect('decision: escalate', t.escalate, () => decide(t.escalate, 'escalate', note));
    noted(m, note);
    linked(m, t.escalate);
    for (const x of m.filter((y) => y.template === 'escalated')) assert.doesNotMatch(x.body, /chooses one of/);

    // propose a posthouse: the partner reads the ones that fit, chooses one; the pim removes it
    note = 'Post House One already delivers HD for us.';
    m = await expect('decision: propose_posthouse', t.propose, () => decide(t.propose, 'propose_posthouse', note));
    noted(m, note);
    linked(m, t.propose);
    assert.match(m[0].body, /- Post House One \(approved formats: /);
    m = await expect('delivery agent chosen by the partner', t.propose, () =>
      put(`/api/v1/partners/${t.propose.id}/agent`, t.propose.token, { posthouse: ph.id }));
    linked(m, t.propose);
    for (const x of m) assert.match(x.subject, /Proposed Films now delivers through Post House One/);
    assert.ok(m.every((x) => /warning count restarts/.test(x.body)), 'the consequence is said');
    m = await expect('delivery agent removed by the pim', t.propose, () =>
      put(`/api/v1/partners/${t.propose.id}/agent`, w.tok.pim, { posthouse: null }));
    linked(m, t.propose);

    // continue
    note = 'One more chance: call us before you deliver.';
    m = await expect('decision: continue', t.cont, () => decide(t.cont, 'continue', note));
    noted(m, note);
    linked(m, t.cont);
    assert.match(m[0].body, /restarts at zero/);

    await done();
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

// The rest: a launch date too soon, a colleague, the transfer credential (its
// secret is never mailed), alternate-solution cases answered and one left
// late, a Channels milestone missed, a re-request to every user of the partner.
test('launch date, colleague, credential, alternate solutions, milestones and re-requests: one message per recipient', async () => {
  const w = await world('2026-11-02T09:00:00Z'); // a Monday
  const { expect, done } = walker(w);
  const post = (path, token, body) => call(w, 'POST', path, token, body);
  const put = (path, token, body) => call(w, 'PUT', path, token, body);
  try {
    let c;
    await expect('partner created', null, async () => {
      c = await invite(w, 'Channel Cedar', { channels: true });
      await put(`/api/v1/partners/${c.id}/owners`, w.tok.cam, { pim: w.ids.pim });
    });
    await expect('questionnaire sent', c, () => sendAndJoin(w, c));
    let m = await expect('questionnaire submitted with a launch date too soon', c, () =>
      answerAndSubmit(w, c, { delivery_method: 'self', already_onboarded: 'no', ...FORMATS, target_launch_date: '2026-12-14' }));
    for (const x of m.filter((y) => y.template === 'launch_date_too_soon')) {
      assert.match(x.subject, /Channel Cedar wants to launch on Mon 14 Dec, before the earliest possible date \(Sat 26 Dec\)/);
      assert.match(x.body, new RegExp(`/partners/${c.id}\\b`));
    }
    let secret;
    await expect('portal account of an existing user', c, () => provision(w, c, 'channel_cedar'));
    await expect('transfer credential issued again', c, async () => {
      ({ secret } = await post(`/api/v1/partners/${c.id}/transfer-credentials`, w.tok.pim));
    });
    assert.ok(secret && secret.length > 20);
    await expect('setup confirmed', c, async () => {
      await put(`/api/v1/partners/${c.id}/training/plan`, w.tok.pim, { modules: ['avails_review'] });
      await post(`/api/v1/partners/${c.id}/setup/confirm`, w.tok.pim);
    });
    await expect('milestone added', c, () => post(`/api/v1/partners/${c.id}/milestones`, w.tok.plm,
      { name: 'Channel artwork approved', due_at: '2026-11-04T12:00:00Z' }));

    // an alternate solution: asked, acknowledged with a note, resolved with the outcome
    await at(w, '2026-11-02T10:00:00Z');
    const reason = 'Our QA vendor cannot test before January.';
    let alt;
    m = await expect('alternate solution asked', c, async () => {
      alt = await post(`/api/v1/partners/${c.id}/alternate-solution`, c.token, { reason });
    });
    for (const x of m) {
      assert.ok(x.body.includes(reason), x.body);
      assert.match(x.body, /by the end of Thu 5 Nov, Europe\/London/);
      assert.match(x.body, new RegExp(`/partners/${c.id}\\b`));
    }
    const ackNote = 'We are looking at a later QA slot.';
    m = await expect('alternate solution acknowledged', c, () => post(`/api/v1/alternate-solutions/${alt.id}/acknowledge`, w.tok.cam, { note: ackNote }));
    assert.ok(m[0].body.includes(ackNote) && m[0].body.includes(reason), m[0].body);
    assert.match(m[0].body, new RegExp(`/partners/${c.id}\\b`));
    const outcome = 'QA moves to 11 January; the launch date moves by one week.';
    m = await expect('alternate solution resolved', c, () => post(`/api/v1/alternate-solutions/${alt.id}/resolve`, w.tok.pim, { outcome }));
    assert.ok(m[0].body.includes(outcome) && m[0].body.includes(reason), m[0].body);
    assert.match(m[0].body, new RegExp(`/partners/${c.id}\\b`));
    // a second one, left unanswered
    await expect('alternate solution asked', c, () => post(`/api/v1/partners/${c.id}/alternate-solution`, c.token,
      { reason: 'The channel feed moves to a new encoder.' }));

    // the milestone passes unmet: the plm and the partner, once each
    m = await expect('Channels milestone missed', c, () => at(w, '2026-11-04T12:00:00Z'));
    for (const x of m) {
      assert.match(x.body, /"Channel artwork approved" of Channel Cedar\s+was due Wed 4 Nov at 12:00, Europe\/London/);
      assert.match(x.body, new RegExp(`/partners/${c.id}\\b`));
    }
    // the acknowledgement owed since Monday is late: the cam and the pim, once each
    m = await expect('alternate solution acknowledgement late', c, () => at(w, '2026-11-06T00:00:00Z'));
    for (const x of m) assert.match(x.body, /Was due: +by the end of Thu 5 Nov, Europe\/London/);

    // a request; the partner's admin invites a colleague; the re-request reaches both users
    await at(w, '2026-11-06T10:00:00Z');
    let r;
    await expect('request issued', c, async () => {
      r = await post(`/api/v1/partners/${c.id}/requests`, w.tok.pim, { kind: 'avails', title: 'Launch avails' });
    });
    c.colleague = 'colleague@channelcedar.example';
    m = await expect('colleague invited', c, () => post(`/api/v1/partners/${c.id}/users`, c.token, { email: c.colleague }));
    assert.match(m[0].body, /\/invitations\/[A-Za-z0-9_-]{43}/);
    assert.match(m[0].body, /^contact@channelcedar\.example invited you/m, 'the inviter, named once');
    assert.match(m[0].body, /until Fri 20 Nov at 10:00, Europe\/London/);
    const why = 'the territories of the first file were wrong';
    m = await expect('re-request (to every user of the partner)', c, () => post(`/api/v1/requests/${r.id}/rerequest`, w.tok.pim, { reason: why }));
    for (const x of m) {
      assert.ok(x.body.includes(why), x.body);
      assert.match(x.body, /Deliver: +by 10:00 on Sun 8 Nov, Europe\/London/);
      assert.match(x.body, new RegExp(`/requests/${r.id}\\b`));
    }

    await done();
    assert.ok((await allMessages(w)).every((x) => !x.body.includes(secret)), 'the transfer secret is never mailed');
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

test('every template of templates/mail/ was produced by a step and read', () => {
  const files = readdirSync('templates/mail').filter((f) => f.endsWith('.txt')).map((f) => f.replace(/\.txt$/, '')).sort();
  assert.deepEqual([...PRODUCED].sort(), files, 'a template without a step here (or a step without a template)');
  // some in full, for people to read (build/test-artifacts/outbox-samples.txt)
  mkdirSync('build/test-artifacts', { recursive: true });
  const pick = (tmpl) => SAMPLES_SEEN.filter((x) => x.template === tmpl);
  const shown = ['decision', 'escalated', 'milestone_missed', 'alternate_resolved', 'alternate_acknowledged', 'agent_set',
    'result_failed', 'warning', 'clock_paused', 'clock_resumed', 'questionnaire_submitted', 'invitation',
    'launch_date_too_soon', 'colleague_invitation', 'rerequest']
    .flatMap((tmpl) => (tmpl === 'decision' ? pick(tmpl) : pick(tmpl).slice(0, 1)));
  writeFileSync('build/test-artifacts/outbox-samples.txt', shown
    .map((x) => `=== ${x.event} → ${x.to}\nSubject: ${x.subject}\n\n${x.body}`).join('\n'));
});
