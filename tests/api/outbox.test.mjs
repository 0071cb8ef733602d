// The outbox as its readers get it (SPEC 6, issue 14 item 8): a partner is
// driven through its onboarding on a test clock so that every event of SPEC 6
// this test can reach happens, one step at a time. After each step the new
// messages of the outbox (GET /api/v1/messages) must be exactly the ones the
// step's row of EVENTS names: one message per recipient per event, no more
// (no duplicates, no copy to a second role of the same person), no fewer
// (no silence). Every subject and body is then read as a person would: no
// raw RFC 3339 time, no doubled zone, a link to the page.
//
// To extend it (decisions, milestones, alternate-solution answers ...): add a
// row to EVENTS with the templates and recipients the event must produce,
// and a step that calls `expect(name, fn)` with the action that causes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision } from './journeys.mjs';
import { b64, create, patch } from './tus_helpers.mjs';

const SAMPLES = '../shared/mddf/samples/avails';
const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

// event → { template: [recipient roles] }. A role is a staff role (cam, pim,
// pom, commercial) or 'partner' (the partner's user). A recipient named twice
// means two messages (two events of the same kind in one step).
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
  'warning 2, setup cap due soon': { warning: ['partner', 'pim'], clock_due_soon: ['cam', 'pim'] },
  'setup cap breached': { clock_breached: ['cam', 'pim'] },
  'warning 3 and escalation': { warning: ['partner', 'pim'], escalation: ['pim', 'cam', 'commercial'] },
  // SPEC 2.4: every decision reaches the partner (the decision templates extend this row)
  'decision: continue': { decision: ['partner'] },
  'training complete, handover': { training_complete: ['partner'], handover: ['pom'] },
  'partner reply (steady state)': { request_message: ['pom'] },
  'staff message': { request_message: ['partner'] },
  'result failed (steady state), many errors': { result_failed: ['partner', 'pom'] },
};

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

async function settled(w, id, token) {
  for (let i = 0; i < 300; i++) {
    const r = await w.s.call('GET', `/api/v1/deliveries/${id}`, { token });
    assert.equal(r.status, 200, r.text);
    if (r.json.status !== 'validating') return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('validation did not finish');
}

test('every event of SPEC 6 gives exactly one message per recipient, in words, with its link', async () => {
  const w = await world('2026-11-02T09:00:00Z');
  const seen = new Set();
  const log = [];
  const emailOf = (p) => (role) => (role === 'partner' ? p.contact : w.email[role]);
  // Runs fn, then checks the messages it queued against EVENTS[name] (recipients of p).
  async function expect(name, p, fn) {
    assert.ok(name in EVENTS, `EVENTS has a row for '${name}'`);
    await fn();
    const fresh = (await allMessages(w)).filter((m) => !seen.has(m.id));
    fresh.forEach((m) => seen.add(m.id));
    const got = {};
    for (const m of fresh) (got[m.template] ??= []).push(m.to);
    const want = {};
    for (const [tmpl, roles] of Object.entries(EVENTS[name])) want[tmpl] = roles.map(emailOf(p));
    const sorted = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]).sort());
    assert.deepEqual(sorted(got), sorted(want), `${name}: the messages and their recipients`);
    const keys = fresh.map((m) => `${m.to}\n${m.subject}\n${m.body}`);
    assert.equal(new Set(keys).size, keys.length, `${name}: no message twice`);
    log.push(...fresh.map((m) => ({ event: name, ...m })));
    return fresh;
  }
  const upload = async (p, name, bytes) => {
    const { path } = await create(w.s, p.token, bytes.length, { metadata: `filename ${b64(name)}` });
    const r = await patch(w.s, p.token, path, 0, bytes);
    assert.equal(r.status, 204, r.text);
    return path.split('/').pop();
  };
  const deliver = async (p, req, file, name) => {
    const up = await upload(p, name, Buffer.isBuffer(file) ? file : readFileSync(`${SAMPLES}/${file}`));
    const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token, body: { partner: p.id, request: req.id, kind: 'avails', files: [up] } });
    assert.equal(r.status, 202, r.text);
    return settled(w, r.json.id, p.token);
  };
  const post = async (path, token, body) => {
    const r = await w.s.call('POST', path, { token, body });
    assert.ok(r.status === 200 || r.status === 201, `${path}: ${r.text}`);
    return r.json;
  };
  try {
    let p; let q;
    await expect('partner created', null, async () => {
      p = await invite(w, 'Outbox Films');
      q = await invite(w, 'Stalled Setup');
    });
    const P = p;
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
    m = await expect('result failed', p, () => deliver(p, a, 'Avails_withErrors.xml', 'avails-week-45.xml'));
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
    m = await expect('delivery passed', p, () => deliver(p, a, 'Avails_noErrors_v2.4.xml', 'avails-week-45-fixed.xml'));
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
    m = await expect('result failed (steady state), many errors', p, () => deliver(p, c, many, 'december.xml'));
    const big = m.find((x) => x.to === p.contact).body;
    assert.equal(big.match(/^  - avails\./gm).length, 10, 'ten errors listed');
    assert.match(big, /\.\.\. and 15 more errors on the page/);
    assert.match(big, /Respond as soon as you can/, 'no response clock in steady state');

    // ---- every message, read as a person reads it ----
    const all = await allMessages(w);
    assert.equal(all.length, seen.size, 'every message was expected by a step');
    for (const x of all) {
      for (const text of [x.subject, x.body]) {
        assert.doesNotMatch(text, RFC3339, `${x.template} to ${x.to}: no raw RFC 3339 time:\n${text}`);
        assert.doesNotMatch(text, /\) \(|Z UTC|\(UTC\)/, `${x.template}: no doubled zone:\n${text}`);
      }
      assert.match(x.body, /https?:\/\/\S+/, `${x.template} to ${x.to} links to its page`);
    }
    // a few in full, for people to read (build/test-artifacts/outbox-samples.txt)
    mkdirSync('build/test-artifacts', { recursive: true });
    const pick = ['result_failed', 'warning', 'clock_paused', 'clock_resumed', 'questionnaire_submitted', 'invitation'];
    writeFileSync('build/test-artifacts/outbox-samples.txt', pick.map((t) => log.find((x) => x.template === t && x.to === P.contact) || log.find((x) => x.template === t))
      .map((x) => `=== ${x.event} → ${x.to}\nSubject: ${x.subject}\n\n${x.body}`).join('\n'));
  } finally { assert.equal((await w.s.stop()).code, 0); }
});
