// Issue 14, item 9 (f): a questionnaire whose target launch date is before
// the earliest date the standard path allows. The submit still succeeds
// (stage setup) but answers with a launch_date_too_soon warning naming the
// onboarded posthouses that fit; the cam and the pim get one message each,
// in words; the audit log, the partner view, the partner page, the
// submitted questionnaire and the planner show it. A feasible date, or a
// partner whose agent is an onboarded posthouse, gets none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, messages, invite, sendAndJoin, answerAndSubmit, events, setUp } from './journeys.mjs';

const RFC3339 = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
const FORMATS = { formats_resolution: ['HD'], formats_dynamic_range: ['SDR'], formats_audio: ['Stereo'], formats_captions: ['TTML'] };
let w, ph;

const page = async (path, token) => {
  const res = await fetch(w.s.base + path, { headers: { Accept: 'text/html', Cookie: `vodgate_session=${token}` }, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};
const tooSoon = async (email) => (await messages(w, email)).filter((m) => m.template === 'launch_date_too_soon');

// A partner of the cam's, its pim assigned, with its questionnaire answered and submitted.
async function submitted(name, answers) {
  const p = await invite(w, name);
  const own = await w.s.call('PUT', `/api/v1/partners/${p.id}/owners`, { token: w.tok.cam, body: { pim: w.ids.pim } });
  assert.equal(own.status, 200, own.text);
  await sendAndJoin(w, p);
  p.sub = await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no', ...FORMATS, ...answers });
  return p;
}

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  // an onboarded posthouse that delivers the partners' formats
  ph = await invite(w, 'Quick Post', { posthouse: true });
  await sendAndJoin(w, ph);
  await setUp(w, ph, 'quick_post', { answers: { already_onboarded: 'yes' }, modules: [] });
  const fm = await w.s.call('PUT', `/api/v1/partners/${ph.id}/approved-formats`, { token: w.tok.pim,
    body: { approved_formats: ['HD', 'SDR', 'Stereo', '5.1', 'TTML'] } });
  assert.equal(fm.status, 200, fm.text);
});
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('a launch date too soon: the submit succeeds with a warning, the cam and the pim are told once, in words', async () => {
  const before = { cam: (await tooSoon(w.email.cam)).length, pim: (await tooSoon(w.email.pim)).length };
  const p = await submitted('Cedar Pictures', { target_launch_date: '2027-01-04' });
  assert.equal(p.sub.stage, 'setup', 'the submit went through');
  assert.equal(p.sub.warnings.length, 1, JSON.stringify(p.sub.warnings));
  const wn = p.sub.warnings[0];
  assert.equal(wn.code, 'launch_date_too_soon');
  assert.equal(wn.target, '2027-01-04');
  // 23 Nov + 10 days of setup + 30 of training + 14 of publishing, in Europe/London
  assert.equal(wn.earliest, '2027-01-16');
  assert.equal(wn.earliest_with_posthouse, '2026-12-07');
  assert.equal(wn.needs_posthouse, true);
  assert.deepEqual(wn.posthouses, [{ id: ph.id, name: 'Quick Post' }]);
  assert.match(wn.message, /Mon 4 Jan 2027, is before the earliest date the standard path allows \(Sat 16 Jan 2027\)/);
  assert.match(wn.message, /Quick Post/);

  const cam = await tooSoon(w.email.cam), pim = await tooSoon(w.email.pim);
  assert.equal(cam.length - before.cam, 1, 'exactly one message to the cam');
  assert.equal(pim.length - before.pim, 1, 'exactly one message to the pim');
  const m = cam.at(-1);
  assert.match(m.subject, /Cedar Pictures wants to launch on Mon 4 Jan 2027/);
  assert.match(m.body, /Sat 16 Jan 2027/);
  assert.match(m.body, /Quick Post/);
  assert.match(m.body, new RegExp(`/partners/${p.id}\\b`), 'a link to the partner page');
  for (const x of [m, pim.at(-1)]) {
    assert.doesNotMatch(x.subject + x.body, RFC3339, 'no raw RFC 3339 time');
  }
  assert.equal((await tooSoon(p.contact)).length, 0, 'the partner is answered by the submit itself');

  // recorded in the audit log
  const ev = (await events(w, p)).filter((e) => e.action === 'questionnaire.launch_warning');
  assert.equal(ev.length, 1);

  // the partner view, for staff and for the partner
  for (const token of [w.tok.cam, p.token]) {
    const v = await w.s.call('GET', `/api/v1/partners/${p.id}`, { token });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.launch_warning.code, 'launch_date_too_soon');
    assert.equal(v.json.launch_warning.earliest, '2027-01-16');
  }

  // the partner page and the submitted questionnaire show the panel; the planner asks the date
  const pp = await page(`/partners/${p.id}`, p.token);
  assert.equal(pp.status, 200);
  assert.match(pp.text, /id="launch-warning"/);
  assert.match(pp.text, /Target launch Mon 4 Jan 2027 is before the earliest the standard path allows \(Sat 16 Jan 2027\); needs an onboarded posthouse/);
  assert.match(pp.text, /tell your contact at the service/);
  const staff = await page(`/partners/${p.id}`, w.tok.cam);
  assert.match(staff.text, /Agree the way forward with the partner/);
  const qn = await page(`/partners/${p.id}/questionnaire`, p.token);
  assert.match(qn.text, /id="launch-warning"/);
  for (const token of [w.tok.pim, p.token]) {
    const plan = await page(`/plan?partner=${p.id}`, token);
    assert.equal(plan.status, 200, plan.text.slice(0, 400));
    assert.match(plan.text, /id="target"[^>]*value="2027-01-04"/, 'the target is the questionnaire\'s launch date');
    assert.match(plan.text, /id="plan-from-questionnaire"/);
    assert.match(plan.text, /Quick Post/, 'the posthouses that fit are listed');
  }
});

test('a feasible launch date: no warning, no message', async () => {
  const before = (await tooSoon(w.email.cam)).length;
  const p = await submitted('Dale Studios', { target_launch_date: '2027-03-01' });
  assert.deepEqual(p.sub.warnings, []);
  assert.equal(p.sub.launch_warning, null);
  assert.equal((await tooSoon(w.email.cam)).length, before);
  assert.equal((await events(w, p)).filter((e) => e.action === 'questionnaire.launch_warning').length, 0);
  for (const path of [`/partners/${p.id}`, `/partners/${p.id}/questionnaire`]) {
    const pp = await page(path, p.token);
    assert.equal(pp.status, 200, path);
    assert.doesNotMatch(pp.text, /id="launch-warning"/);
  }
});

test('an onboarded posthouse delivering for the partner shortens the path; even it needs 14 days', async () => {
  const viaPh = { delivery_method: 'posthouse', posthouse_id: ph.id, posthouse_name: 'Quick Post', posthouse_onboarded: 'yes' };
  const before = (await tooSoon(w.email.cam)).length;
  const ok = await submitted('Elm Features', { ...viaPh, target_launch_date: '2027-01-04' });
  assert.equal(ok.sub.agent, ph.id);
  assert.deepEqual(ok.sub.warnings, [], 'its onboarded posthouse gets there');
  assert.equal((await tooSoon(w.email.cam)).length, before);

  const soon = await submitted('Fir Films', { ...viaPh, target_launch_date: '2026-12-01' });
  assert.equal(soon.sub.warnings.length, 1);
  assert.equal(soon.sub.warnings[0].needs_posthouse, false);
  assert.match(soon.sub.warnings[0].message, /Its posthouse Quick Post is onboarded, but publishing takes up to 14 days .* Mon 7 Dec or later/);
  assert.equal((await tooSoon(w.email.cam)).length, before + 1);
});
