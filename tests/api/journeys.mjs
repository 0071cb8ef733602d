// Shared steps of the lifecycle journeys: a server on a test clock with the
// staff of every role, a London business calendar, and the moves a cam, a
// pim and a partner make. Each journey file starts its own server.
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { b64, create, patch } from './tus_helpers.mjs';

export const STAFF = ['cam', 'pim', 'pom', 'plm', 'commercial'];

export async function world(start, opts = {}) {
  const s = await startServer({ testClock: true, testClockStart: start, ...opts });
  const w = { s, tok: {}, ids: {}, email: {} };
  w.tok.admin = await s.signIn(s.admin.email, s.admin.password);
  for (const role of STAFF) {
    w.email[role] = `${role}@service.example`;
    const u = await s.userWithToken(w.tok.admin, w.email[role], role);
    w.tok[role] = u.token;
    w.ids[role] = u.id;
  }
  const cal = await s.call('POST', '/api/v1/calendars', { token: w.tok.admin, body: {
    name: 'London', time_zone: 'Europe/London', working_days: [1, 2, 3, 4, 5],
    holidays: ['2026-12-25', '2026-12-28'], years: [2026, 2027] } });
  assert.equal(cal.status, 201, cal.text);
  w.calendar = cal.json.id;
  return w;
}

export const at = (w, now) => w.s.call('PUT', '/api/v1/clock', { token: w.tok.admin, body: { now } })
  .then((r) => { assert.equal(r.status, 200, r.text); return r; });

export async function messages(w, to) {
  const r = await w.s.call('GET', `/api/v1/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`, { token: w.tok.admin });
  assert.equal(r.status, 200, r.text);
  return r.json.messages;
}

export async function invite(w, name, body = {}) {
  const contact = `contact@${name.toLowerCase().replace(/[^a-z]/g, '')}.example`;
  const r = await w.s.call('POST', '/api/v1/partners', { token: w.tok.cam, body: {
    name, contact_email: contact, time_zone: 'Europe/London', calendar: w.calendar,
    channels: false, posthouse: false, ...body } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.stage, 'invited');
  return { id: r.json.id, contact: body.contact_email || contact };
}

// Sends the questionnaire, follows the invitation link in the mail, sets a password, signs in.
export async function sendAndJoin(w, p) {
  const sent = await w.s.call('POST', `/api/v1/partners/${p.id}/questionnaire/send`, { token: w.tok.cam });
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.json.stage, 'questionnaire');
  const mail = (await messages(w, p.contact)).find((m) => m.template === 'questionnaire_sent' || /questionnaire/i.test(m.subject));
  assert.ok(mail, 'the contact was sent the questionnaire');
  const link = mail.body.match(/\/invitations\/([A-Za-z0-9_-]{43})/);
  assert.ok(link, `the mail carries an invitation link:\n${mail.body}`);
  const ok = await w.s.call('POST', `/api/v1/invitations/${link[1]}`, { body: { password: 'partner password 1' } });
  assert.equal(ok.status, 200, ok.text);
  const again = await w.s.call('POST', `/api/v1/invitations/${link[1]}`, { body: { password: 'partner password 2' } });
  assert.equal(again.status, 404, 'an invitation works once');
  p.token = await w.s.signIn(p.contact, 'partner password 1');
  return p;
}

// A value of the right type for a question.
const VOCAB = { 'iso3166-1': 'GB', bcp47: 'en-GB', 'format:resolution': 'HD', 'format:dynamic_range': 'SDR',
  'format:audio': 'Stereo', 'format:captions': 'TTML' };
export function valueFor(q) {
  const first = q.options && q.options.length ? q.options[0].value : (VOCAB[q.vocabulary] ?? null);
  switch (q.type) {
    case 'email': return 'someone@studio.example';
    case 'date': return '2027-03-01';
    case 'yes_no': return 'no';
    case 'number': return 10;
    case 'choice': return first;
    case 'multi_choice': return [first];
    case 'posthouse': return null;
    default: return 'Example answer';
  }
}

// Fills the questionnaire as the server asks it: saves the overrides, then
// answers every visible required question still open, until none is left.
export async function fillQuestionnaire(s, partnerId, token, overrides = {}) {
  const url = `/api/v1/partners/${partnerId}/questionnaire`;
  let r = await s.call('PATCH', url, { token, body: { answers: overrides } });
  assert.equal(r.status, 200, r.text);
  for (let round = 0; round < 6; round++) {
    const questions = r.json.definition.sections.flatMap((sec) => sec.questions);
    const add = {};
    for (const q of questions) {
      if (!r.json.visible.includes(q.key) || !q.required || q.key in r.json.answers) continue;
      const v = valueFor(q);
      if (v !== null) add[q.key] = v;
    }
    if (!Object.keys(add).length) break;
    r = await s.call('PATCH', url, { token, body: { answers: add } });
    assert.equal(r.status, 200, r.text);
  }
  return r.json;
}

// Answers every required question (and the overrides), saves and submits.
export async function answerAndSubmit(w, p, overrides = {}) {
  await fillQuestionnaire(w.s, p.id, p.token, overrides);
  const sub = await w.s.call('POST', `/api/v1/partners/${p.id}/questionnaire/submit`, { token: p.token });
  assert.equal(sub.status, 200, sub.text);
  assert.equal(sub.json.stage, 'setup');
  return sub.json;
}

// Provisions the three setup items as the pim.
export async function provision(w, p, alias) {
  const put = (item, body) => w.s.call('PUT', `/api/v1/partners/${p.id}/setup/${item}`, { token: w.tok.pim, body });
  const a = await put('alias', { done: true, value: alias });
  assert.equal(a.status, 200, a.text);
  const t = await put('transfer_account', { done: true });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.credentials.token.length, 43, 'the transfer credentials are shown once');
  const pa = await put('portal_account', { done: true });
  assert.equal(pa.status, 200, pa.text);
  assert.ok(pa.json.items.every((i) => i.status === 'done'));
  return t.json.credentials;
}

export async function clocks(w, p) {
  const r = await w.s.call('GET', `/api/v1/partners/${p.id}/clocks`, { token: w.tok.admin });
  assert.equal(r.status, 200, r.text);
  return r.json.clocks;
}

export async function warnings(w, p, token = w.tok.admin) {
  const r = await w.s.call('GET', `/api/v1/partners/${p.id}/warnings`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json.warnings;
}

export async function events(w, p) {
  const r = await w.s.call('GET', `/api/v1/partners/${p.id}/events`, { token: w.tok.admin });
  assert.equal(r.status, 200, r.text);
  return r.json.events;
}

// Decisions (issue 14): an onboarded posthouse, and partners in training to decide on.
export const FORMATS = { formats_resolution: ['HD'], formats_dynamic_range: ['SDR'], formats_audio: ['Stereo'], formats_captions: ['TTML'] };

// The rest of set-up, as the partner and the pim do it: the answers submitted, the account
// provisioned, a training plan of `modules` and the set-up confirmed; the partner is then in
// training, or in steady state at once when the plan has no modules.
export async function setUp(w, p, alias, { answers = {}, modules = ['avails_review'] } = {}) {
  await answerAndSubmit(w, p, answers);
  await provision(w, p, alias);
  const plan = await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules } });
  assert.equal(plan.status, 200, plan.text);
  const c = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.stage, modules.length ? 'training' : 'steady_state', c.text);
  return p;
}

// A new partner, invited, joined and set up (setUp's options).
export async function newPartner(w, name, alias, opts) {
  const p = await invite(w, name);
  await sendAndJoin(w, p);
  return setUp(w, p, alias, opts);
}

// The pim completes the training and hands the partner over to the pom: steady state.
export async function handOver(w, p, approved = ['HD', 'SDR', 'Stereo']) {
  const done = await w.s.call('POST', `/api/v1/partners/${p.id}/training/complete`, { token: w.tok.pim,
    body: { approved_formats: approved, pom: w.ids.pom } });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.stage, 'steady_state');
  return done.json;
}

// A posthouse, onboarded (steady state with approved formats) unless told otherwise.
export async function posthouse(w, name, alias, onboarded = true) {
  const ph = await invite(w, name, { posthouse: true });
  await sendAndJoin(w, ph);
  if (!onboarded) {
    await answerAndSubmit(w, ph, { already_onboarded: 'yes' });
    return ph;
  }
  await setUp(w, ph, alias, { answers: { already_onboarded: 'yes' }, modules: [] });
  const fm = await w.s.call('PUT', `/api/v1/partners/${ph.id}/approved-formats`, { token: w.tok.pim,
    body: { approved_formats: ['SD', 'HD', 'SDR', 'Stereo', '5.1', 'TTML'] } });
  assert.equal(fm.status, 200, fm.text);
  return ph;
}

// A partner in training with the technical and avails modules, its pim the pim.
export const trainee = (w, name, alias) => newPartner(w, name, alias, {
  answers: { delivery_method: 'self', already_onboarded: 'no', ...FORMATS },
  modules: ['technical_asset_review', 'avails_review'] });

// Deliveries: a tus upload of `bytes` (a Buffer or a string) named `name`, made with `token`;
// `meta` adds Upload-Metadata pairs (",partner <b64 id>" for a posthouse). Its upload id.
export async function upload(w, token, name, bytes, meta = '') {
  const body = Buffer.from(bytes);
  const { path } = await create(w.s, token, body.length, { metadata: `filename ${b64(name)}${meta}` });
  const r = await patch(w.s, token, path, 0, body);
  assert.equal(r.status, 204, r.text);
  return path.split('/').pop();
}

// A delivery as `token` sees it once its validation has finished (a minute at most).
export async function settled(w, id, token) {
  for (let i = 0; i < 600; i++) {
    const r = await w.s.call('GET', `/api/v1/deliveries/${id}`, { token });
    assert.equal(r.status, 200, r.text);
    if (r.json.status !== 'validating') return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('validation did not finish');
}
