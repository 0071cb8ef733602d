// The onboarding lifecycle end to end, on real servers with a test clock:
// six journeys from invitation to steady state (issue 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';
import { world, at, messages, invite, sendAndJoin, answerAndSubmit, provision, clocks, warnings, events } from './journeys.mjs';

const kinds = (list) => list.map((c) => `${c.kind}:${c.state}`).sort();

test('journey (a): a studio that answers everything on time reaches steady state', async () => {
  const w = await world('2026-11-23T09:00:00Z');
  try {
    const p = await invite(w, 'Studio A');
    await sendAndJoin(w, p);
    // a submission with required answers missing names them
    const early = await w.s.call('POST', `/api/v1/partners/${p.id}/questionnaire/submit`, { token: p.token });
    assert.equal(early.status, 422);
    assert.equal(early.json.error.code, 'incomplete');
    assert.ok(early.json.error.fields.length > 3);
    await at(w, '2026-11-23T11:00:00Z');
    const sub = await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
    assert.deepEqual(sub.training.modules.length > 0, true, 'the answers drive a default plan');
    let c = await clocks(w, p);
    const setup = c.find((x) => x.kind === 'setup_10d');
    assert.equal(setup.due_at, '2026-12-04T00:00:00Z', '10 calendar days after Mon 23 Nov');
    // confirming with items pending says what is missing
    const tooSoon = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
    assert.equal(tooSoon.status, 409);
    assert.equal(tooSoon.json.error.code, 'illegal_transition');
    assert.match(tooSoon.json.error.message, /setup is not confirmed: partner alias, transfer account, portal account are still pending/);
    await provision(w, p, 'studio_a');
    const taken = await w.s.call('PUT', `/api/v1/partners/${p.id}/setup/alias`, { token: w.tok.pim, body: { done: true, value: 'studio_a' } });
    assert.equal(taken.status, 200, 'the same alias again is fine');
    const plan = await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim,
      body: { modules: ['technical_asset_review', 'avails_review'] } });
    assert.equal(plan.status, 200, plan.text);
    await at(w, '2026-11-27T09:00:00Z');
    const conf = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
    assert.equal(conf.status, 200, conf.text);
    assert.equal(conf.json.stage, 'training');
    assert.equal(conf.json.owners.pim.email, w.email.pim);
    c = await clocks(w, p);
    assert.equal(c.find((x) => x.kind === 'setup_10d').state, 'met');
    assert.equal(c.find((x) => x.kind === 'training_30d').due_at, '2026-12-28T00:00:00Z');
    // a request on Friday 17:00: respond by the end of Wednesday, deliver within 48 hours
    await at(w, '2026-11-27T17:00:00Z');
    const req = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim,
      body: { kind: 'avails', title: 'Launch avails', note: 'the first 20 titles' } });
    assert.equal(req.status, 201, req.text);
    assert.equal(req.json.due_at, '2026-11-29T17:00:00Z');
    assert.equal(req.json.clocks.find((x) => x.kind === 'response_3wd').due_at, '2026-12-03T00:00:00Z');
    const mail = (await messages(w, p.contact)).filter((m) => /Launch avails/.test(m.body));
    assert.ok(mail.length >= 1, 'the partner is told of the request');
    assert.match(mail[0].body, /Deliver: +by 17:00 on Sun 29 Nov, Europe\/London/, 'the 48-hour deadline in words');
    assert.match(mail[0].body, /Respond: +by the end of Wed 2 Dec, Europe\/London/, 'the response deadline in words');
    assert.doesNotMatch(mail[0].body, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    // the partner answers on the request before the response clock runs out
    await at(w, '2026-11-28T10:00:00Z');
    const msg = await w.s.call('POST', `/api/v1/requests/${req.json.id}/messages`, { token: p.token, body: { body: 'Uploading tonight.' } });
    assert.equal(msg.status, 200, msg.text);
    assert.equal(msg.json.clocks.find((x) => x.kind === 'response_3wd').state, 'met');
    await at(w, '2026-11-29T12:00:00Z');
    assert.equal((await warnings(w, p)).length, 0);
    // completion with the approved formats and the handover to a pom
    const done = await w.s.call('POST', `/api/v1/partners/${p.id}/training/complete`, { token: w.tok.pim,
      body: { approved_formats: ['HD', 'SDR', 'Stereo', '5.1'], pom: w.ids.pom } });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.stage, 'steady_state');
    assert.deepEqual(done.json.approved_formats, ['HD', 'SDR', 'Stereo', '5.1']);
    assert.equal(done.json.owners.pom.email, w.email.pom);
    const summary = (await messages(w, p.contact)).filter((m) => /HD/.test(m.body) && /5\.1/.test(m.body));
    assert.ok(summary.length >= 1, 'the summary lists the approved formats');
    assert.ok((await messages(w, w.email.pom)).length >= 1, 'the pom hears of the handover');
    c = await clocks(w, p);
    assert.equal(c.find((x) => x.kind === 'training_30d').state, 'met');
    const ev = (await events(w, p)).map((e) => e.action);
    for (const a of ['partner.create', 'questionnaire.send', 'questionnaire.submit', 'setup.item', 'training.plan', 'training.complete'])
      assert.ok(ev.includes(a), `audit log has ${a}`);
    const stages = (await events(w, p)).filter((e) => e.action === 'partner.stage').map((e) => `${e.before.stage}>${e.after.stage}`);
    assert.deepEqual(stages, ['invited>questionnaire', 'questionnaire>setup', 'setup>training', 'training>steady_state']);
    // illegal transitions answer 409 with a reason
    const back = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
    assert.equal(back.status, 409);
    assert.match(back.json.error.message, /stage steady_state/);
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

test('journey (b): silence brings three warnings on the exact instants, then a decision', async () => {
  const w = await world('2026-10-20T09:00:00Z');
  try {
    // an onboarded posthouse that delivers HD, to be proposed
    const ph = await invite(w, 'Post House One', { posthouse: true });
    await sendAndJoin(w, ph);
    await answerAndSubmit(w, ph, { already_onboarded: 'yes' });
    await provision(w, ph, 'posthouse_one');
    await w.s.call('PUT', `/api/v1/partners/${ph.id}/training/plan`, { token: w.tok.pim, body: { modules: [] } });
    const phc = await w.s.call('POST', `/api/v1/partners/${ph.id}/setup/confirm`, { token: w.tok.pim });
    assert.equal(phc.json.stage, 'steady_state', 'already onboarded: training skipped');
    const fm = await w.s.call('PUT', `/api/v1/partners/${ph.id}/approved-formats`, { token: w.tok.pim,
      body: { approved_formats: ['SD', 'HD', 'SDR', 'Stereo', '5.1', 'TTML', 'SCC'] } });
    assert.equal(fm.status, 200, fm.text);

    const p = await invite(w, 'Silent Films');
    await sendAndJoin(w, p);
    await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no',
      formats_resolution: ['HD'], formats_dynamic_range: ['SDR'], formats_audio: ['Stereo'], formats_captions: ['TTML'] });
    await provision(w, p, 'silent_films');
    await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
    await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
    await at(w, '2026-11-02T10:00:00Z');
    const req = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails v1' } });
    assert.equal(req.status, 201, req.text);
    await at(w, '2026-11-03T09:59:59Z');
    const soon = (m) => m.filter((x) => x.template === 'clock_due_soon' || /due soon|is due/i.test(x.subject));
    assert.equal(soon(await messages(w, p.contact)).length, 0, 'no reminder before the last day');
    await at(w, '2026-11-03T10:00:00Z');
    assert.equal(soon(await messages(w, p.contact)).length, 1, 'a reminder a day before the delivery is due');
    await at(w, '2026-11-05T23:59:59Z');
    assert.equal((await warnings(w, p)).length, 0, 'not a second early');
    assert.equal(soon(await messages(w, p.contact)).length, 2, 'and a day before the response is due');
    await at(w, '2026-11-06T00:00:00Z');
    let ws = await warnings(w, p, p.token);
    assert.deepEqual(ws.map((x) => [x.number, x.issued_at]), [[1, '2026-11-06T00:00:00Z']]);
    assert.equal(ws[0].request, req.json.id);
    await at(w, '2026-11-12T00:00:00Z');
    await at(w, '2026-11-18T00:00:00Z');
    ws = await warnings(w, p);
    assert.deepEqual(ws.map((x) => x.issued_at), ['2026-11-06T00:00:00Z', '2026-11-12T00:00:00Z', '2026-11-18T00:00:00Z']);
    const partner = (await w.s.call('GET', `/api/v1/partners/${p.id}`, { token: w.tok.pim })).json;
    assert.equal(partner.warnings, 3);
    assert.equal(partner.decision_pending, true);
    assert.equal(partner.stage, 'training', 'never stopped automatically');
    const toPartner = (await messages(w, p.contact)).filter((m) => /warning/i.test(m.subject));
    assert.equal(toPartner.length, 3, 'each warning mailed once to the partner');
    assert.equal((await messages(w, w.email.pim)).filter((m) => /warning/i.test(m.subject)).length, 3, 'with a copy to the pim');
    for (const role of ['pim', 'cam', 'commercial'])
      assert.ok((await messages(w, w.email[role])).some((m) => /escalat|decision/i.test(m.subject)), `${role} notified of the escalation`);
    const late = (await w.s.call('GET', `/api/v1/requests/${req.json.id}`, { token: w.tok.pim })).json;
    assert.equal(late.late, true, 'the missed 48-hour delivery is recorded as late');
    // the decision: propose a posthouse that delivers the partner's formats
    const cam = await w.s.call('POST', `/api/v1/partners/${p.id}/training/decision`, { token: w.tok.cam, body: { action: 'stop' } });
    assert.equal(cam.status, 403, 'the pim decides');
    const d = await w.s.call('POST', `/api/v1/partners/${p.id}/training/decision`, { token: w.tok.pim,
      body: { action: 'propose_posthouse', note: 'three warnings' } });
    assert.equal(d.status, 200, d.text);
    assert.deepEqual(d.json.posthouses.map((x) => x.id), [ph.id]);
    assert.equal(d.json.partner.decision_pending, false);
    const again = await w.s.call('POST', `/api/v1/partners/${p.id}/training/decision`, { token: w.tok.pim, body: { action: 'continue' } });
    assert.equal(again.status, 409, 'no decision is pending now');
    // the ladder ends at three (SPEC 2.4): the next missed response is a breach on record only
    await at(w, '2026-11-24T00:00:00Z');
    assert.equal((await warnings(w, p)).length, 3, 'no fourth warning');
    assert.ok((await events(w, p)).some((e) => e.action === 'training.missed_response'));
    assert.ok(!(await messages(w, p.contact)).some((m) => /warning 4/i.test(m.subject)));
    // the partner chooses the proposed posthouse: the ladder starts again, on avails only
    const ag = await w.s.call('PUT', `/api/v1/partners/${p.id}/agent`, { token: p.token, body: { posthouse: ph.id } });
    assert.equal(ag.status, 200, ag.text);
    assert.equal(ag.json.warnings, 0);
    assert.deepEqual(ag.json.training.modules, ['avails_review']);
    await at(w, '2026-11-28T00:00:00Z');
    ws = await warnings(w, p);
    assert.deepEqual(ws.map((x) => x.number), [1, 2, 3, 1], 'a new ladder counts from one');
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

test('journey (c): a studio delivering through an onboarded posthouse gets avails review only', async () => {
  const w = await world('2026-11-02T09:00:00Z');
  try {
    const ph = await invite(w, 'Post House Two', { posthouse: true });
    await sendAndJoin(w, ph);
    await answerAndSubmit(w, ph, { already_onboarded: 'yes' });
    await provision(w, ph, 'posthouse_two');
    await w.s.call('POST', `/api/v1/partners/${ph.id}/setup/confirm`, { token: w.tok.pim });
    await w.s.call('PUT', `/api/v1/partners/${ph.id}/approved-formats`, { token: w.tok.pim, body: { approved_formats: ['HD', 'UHD', 'SDR', 'HDR10', '5.1', 'Stereo'] } });
    const dir = await w.s.call('GET', '/api/v1/posthouses', { token: w.tok.commercial });
    assert.deepEqual(dir.json.posthouses.map((x) => x.id), [ph.id]);
    assert.ok(dir.json.posthouses[0].approved_formats.includes('UHD'));

    const p = await invite(w, 'Studio C');
    await sendAndJoin(w, p);
    const sub = await answerAndSubmit(w, p, { delivery_method: 'posthouse', posthouse_name: 'Post House Two',
      posthouse_id: ph.id, posthouse_onboarded: 'yes', already_onboarded: 'no' });
    assert.deepEqual(sub.training.modules, ['avails_review']);
    assert.equal(sub.agent, ph.id, 'the posthouse is recorded as the delivery agent');
    const wide = await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim,
      body: { modules: ['technical_asset_review', 'avails_review'] } });
    assert.equal(wide.status, 422);
    assert.match(wide.json.error.message, /avails_review/);
    // the posthouse's users act for the studio
    const seen = await w.s.call('GET', `/api/v1/partners/${p.id}`, { token: ph.token });
    assert.equal(seen.status, 200, seen.text);
    await provision(w, p, 'studio_c');
    const conf = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
    assert.equal(conf.json.stage, 'training');
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

test('journey (d): an already-onboarded partner skips training', async () => {
  const w = await world('2026-11-02T09:00:00Z');
  try {
    const p = await invite(w, 'Veteran Pictures');
    await sendAndJoin(w, p);
    const sub = await answerAndSubmit(w, p, { already_onboarded: 'yes' });
    assert.equal(sub.training.skipped, true);
    const plan = await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
    assert.equal(plan.status, 422, 'an onboarded partner gets no training modules');
    await provision(w, p, 'veteran');
    const conf = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
    assert.equal(conf.status, 200, conf.text);
    assert.equal(conf.json.stage, 'steady_state');
    assert.ok(!(await clocks(w, p)).some((c) => c.kind === 'training_30d'), 'no training clock');
    // steady state: requests keep their 48-hour clock, breaches are recorded without warnings
    const req = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pom, body: { kind: 'asset_package', title: 'Title 1' } });
    assert.equal(req.status, 201, req.text);
    assert.equal(req.json.phase, 'steady_state');
    await at(w, '2026-11-20T00:00:00Z');
    assert.equal((await warnings(w, p)).length, 0);
    const r = (await w.s.call('GET', `/api/v1/requests/${req.json.id}`, { token: p.token })).json;
    assert.equal(r.late, true);
    assert.ok(r.clocks.some((c) => c.kind === 'response_3wd' && c.state === 'breached'));
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

test('journey (e): a Channels partner with plm milestones plans its launch', async () => {
  const w = await world('2026-11-27T09:00:00Z');
  try {
    const p = await invite(w, 'Channel E', { channels: true });
    const plm = await w.s.call('PUT', `/api/v1/partners/${p.id}/owners`, { token: w.tok.cam, body: { plm: w.ids.plm, pim: w.ids.pim } });
    assert.equal(plm.status, 200, plm.text);
    assert.equal(plm.json.owners.plm.email, w.email.plm);
    for (const [name, due] of [['Launch titles delivered', '2027-02-15T00:00:00Z'], ['Pre-publishing QA testing', '2027-03-10T00:00:00Z']]) {
      const m = await w.s.call('POST', `/api/v1/partners/${p.id}/milestones`, { token: w.tok.plm, body: { name, due_at: due } });
      assert.equal(m.status, 201, m.text);
    }
    const plan = await w.s.call('GET', `/api/v1/plan?partner=${p.id}&target=2027-02-01`, { token: w.tok.cam });
    assert.equal(plan.status, 200, plan.text);
    assert.equal(plan.json.earliest >= '2027-03-10', true, `earliest ${plan.json.earliest} waits for the last milestone`);
    assert.equal(plan.json.feasible, false);
    assert.ok(plan.json.steps.some((s) => s.name === 'channels_launch'));
    const later = await w.s.call('GET', `/api/v1/plan?partner=${p.id}&target=2027-06-01`, { token: w.tok.cam });
    assert.equal(later.json.feasible, true);
    // a prospect: the guide's example, content needed within 40 days, needs a posthouse
    const prospect = await w.s.call('GET', '/api/v1/plan?target=2027-01-06', { token: w.tok.cam });
    assert.equal(prospect.status, 200, prospect.text);
    assert.equal(prospect.json.earliest, '2027-01-20');
    assert.equal(prospect.json.needs_posthouse, true);
    // the partner asks for an alternate solution: its cam and pim hear of it
    await sendAndJoin(w, p);
    const alt = await w.s.call('POST', `/api/v1/partners/${p.id}/alternate-solution`, { token: p.token, body: { reason: 'Our launch is fixed on 1 February.' } });
    assert.equal(alt.status, 201, alt.text);
    assert.ok((await messages(w, w.email.cam)).some((m) => /1 February/.test(m.body)));
    assert.ok((await messages(w, w.email.pim)).some((m) => /1 February/.test(m.body)));
  } finally { assert.equal((await w.s.stop()).code, 0); }
});

test('journey (f): two weeks of downtime during training; the missed warnings fire once each, in order', async () => {
  const data = mkdtempSync(join(tmpdir(), 'vodgate-downtime-'));
  let w;
  try {
    w = await world('2026-10-26T09:00:00Z', { args: ['--data', data] });
    const admin = w.s.admin;
    const p = await invite(w, 'Offline Studio');
    await sendAndJoin(w, p);
    await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
    await provision(w, p, 'offline_studio');
    await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
    await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
    await at(w, '2026-11-02T10:00:00Z');
    const req = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title: 'Avails during downtime' } });
    assert.equal(req.status, 201);
    await at(w, '2026-11-03T10:00:00Z');
    assert.equal((await w.s.stop()).code, 0);
    // back two weeks and a day later
    const s2 = await startServer({ testClock: true, testClockStart: '2026-11-19T12:00:00Z', args: ['--data', data] });
    w.s = s2;
    w.tok.admin = await s2.signIn(admin.email, admin.password);
    await new Promise((r) => setTimeout(r, 300)); // the scheduler catches up at start
    await at(w, '2026-11-19T12:00:01Z');
    const ws = await warnings(w, p);
    assert.deepEqual(ws.map((x) => [x.number, x.issued_at]),
      [[1, '2026-11-06T00:00:00Z'], [2, '2026-11-12T00:00:00Z'], [3, '2026-11-18T00:00:00Z']]);
    const mails = (await messages(w, p.contact)).filter((m) => /warning/i.test(m.subject));
    assert.equal(mails.length, 3, 'each missed warning mailed once');
    const breaches = (await events(w, p)).filter((e) => e.action === 'training.warning').map((e) => e.at);
    assert.deepEqual(breaches, ['2026-11-06T00:00:00Z', '2026-11-12T00:00:00Z', '2026-11-18T00:00:00Z'], 'in order, each at its own instant');
    await at(w, '2026-11-19T13:00:00Z');
    assert.equal((await warnings(w, p)).length, 3, 'and never again');
  } finally {
    if (w) assert.equal((await w.s.stop()).code, 0);
    rmSync(data, { recursive: true, force: true });
  }
});
