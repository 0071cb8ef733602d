// The isolation test: walks the server's own route table (`vodgate routes`)
// and checks, for every route, that
//   - without sign-in a non-public route answers 401;
//   - every role outside the route's list is refused with 403;
//   - every role inside it gets through;
//   - a partner (or posthouse) user asking for another organisation's
//     resource gets 404, exactly as for an id that does not exist.
// A route added to src/http/routes.c without a case below fails this test.
// Portal pages ("page": true in the route dump) are called the way a browser
// does: with the session cookie, forms with the session's csrf field; they
// redirect to the sign-in page instead of 401 and answer HTML errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from './server.mjs';
import { fillQuestionnaire } from './journeys.mjs';

const ROLES = ['admin', 'cam', 'pim', 'pom', 'plm', 'commercial', 'partner', 'posthouse'];
let s, routes, tok = {}, org = {};
let serial = 0;
const uniq = () => `${Date.now()}-${serial++}`;

// One case per route: the path for a target organisation and the body to send.
// `target` is the id of the organisation whose resource is asked for.
const cases = {
  'GET /healthz': {},
  'POST /api/v1/session': { body: () => ({ email: 'admin@example.com', password: s.admin.password }) },
  'DELETE /api/v1/session': { freshToken: true },
  'GET /api/v1/me': {},
  'POST /api/v1/users': { body: () => ({ email: `u${uniq()}@example.com`, role: 'pom', password: 'long enough pw' }) },
  'GET /api/v1/users': {},
  'GET /api/v1/clock': {},
  'PUT /api/v1/clock': { body: () => ({ now: '2030-01-01T00:00:00Z' }) },
  'POST /api/v1/partners': { body: () => ({ name: `P ${uniq()}`, contact_email: 'p@example.com', time_zone: 'Europe/London', channels: false, posthouse: false }) },
  'GET /api/v1/partners': {},
  'GET /api/v1/partners/{id}': {},
  'GET /api/v1/partners/{id}/events': {},
  'GET /api/v1/posthouses': {},
  'POST /api/v1/calendars': { body: () => ({ name: `C ${uniq()}`, time_zone: 'Europe/London', working_days: [1, 2, 3, 4, 5], holidays: [], years: [2026, 2027] }) },
  'GET /api/v1/calendars': {},
  'GET /api/v1/calendars/{id}': { id: () => ids.calendar },
  'PUT /api/v1/calendars/{id}': { id: () => ids.calendar, body: () => ({ name: `C ${uniq()}` }) },
  'POST /api/v1/calendars/{id}/ics': { id: () => ids.calendar, body: () => ICS },
  'GET /api/v1/partners/{id}/clocks': {},
  'POST /api/v1/partners/{id}/clocks': { body: () => ({ kind: 'delivery_48h', subject: `test:${uniq()}`, started_at: '2026-11-27T16:00:00Z' }) },
  'POST /api/v1/partners/{id}/milestones': { body: () => ({ name: 'QA testing', due_at: '2027-01-15T09:00:00Z' }) },
  'PUT /api/v1/partners/{id}/calendar': { body: () => ({ calendar: ids.calendar }) },
  'POST /api/v1/clocks/{id}/pause': { id: () => ids.clock, body: () => ({ reason: 'waiting on us' }) },
  'POST /api/v1/clocks/{id}/resume': { id: () => ids.clock },
  'POST /api/v1/clocks/{id}/extend': { id: () => ids.cap, body: () => ({ days: 1, reason: 'holiday season' }) },
  'POST /api/v1/me/feed': {},
  'GET /api/v1/me/calendar.ics': {},
  'GET /api/v1/messages': {},
  'POST /api/v1/test/fail': {},
  'GET /test/fail': {},
  'POST /api/v1/test/messages': { body: () => ({ to: 'someone@example.com', template: 'escalation', vars: { partner: 'Org A', warnings: 3, link: 'http://127.0.0.1/partners/1' } }) },
  'POST /api/v1/partners/{id}/questionnaire/send': {},
  'GET /api/v1/partners/{id}/questionnaire': {},
  'PATCH /api/v1/partners/{id}/questionnaire': { body: () => ({ answers: {} }) },
  'POST /api/v1/partners/{id}/questionnaire/submit': {},
  'PUT /api/v1/partners/{id}/setup/{item}': { body: () => ({ done: true, value: `alias_${serial++}` }) },
  'PUT /api/v1/partners/{id}/training/plan': { body: () => ({ modules: ['avails_review'] }) },
  'POST /api/v1/partners/{id}/setup/confirm': {},
  'PUT /api/v1/partners/{id}/owners': { body: () => ({}) },
  'PUT /api/v1/partners/{id}/approved-formats': { body: () => ({ approved_formats: ['HD'] }) },
  'POST /api/v1/partners/{id}/requests': { body: () => ({ kind: 'avails', title: `Request ${uniq()}` }) },
  'GET /api/v1/partners/{id}/requests': {},
  'GET /api/v1/requests/{id}': { id: (t) => ids.request[t] },
  'POST /api/v1/requests/{id}/messages': { id: (t) => ids.request[t], body: () => ({ body: 'hello' }) },
  'POST /api/v1/requests/{id}/rerequest': { id: (t) => ids.request[t], body: () => ({ reason: 'again' }) },
  'POST /api/v1/requests/{id}/pause': { id: (t) => ids.request[t], body: () => ({ reason: 'waiting on us' }) },
  'POST /api/v1/requests/{id}/resume': { id: (t) => ids.request[t] },
  'GET /api/v1/partners/{id}/warnings': {},
  'POST /api/v1/partners/{id}/training/decision': { body: () => ({ action: 'continue' }) },
  'POST /api/v1/partners/{id}/training/resume': {},
  'POST /api/v1/partners/{id}/training/complete': { body: () => ({}) },
  'POST /api/v1/partners/{id}/alternate-solution': { body: () => ({ reason: 'we will be late' }) },
  'POST /api/v1/invitations/{token}': { body: () => ({ password: 'a long enough password' }) },
  'GET /api/v1/plan': { query: '?target=2027-06-01' },
  'POST /api/v1/deliveries': { body: (t) => ({ partner: t, kind: 'avails', request: ids.request[t], files: [] }) },
  'GET /api/v1/deliveries/{id}': { id: (t) => ids.delivery[t] },
  'GET /api/v1/partners/{id}/deliveries': {},
  // tus uploads: {id} is an upload of the target organisation (made in before()); PATCH and
  // DELETE go to an upload the caller made, when it may make one (staff write only their own)
  'OPTIONS /files/': {},
  'OPTIONS /files/{id}': { id: (t) => ids.upload[t] },
  'POST /files/': { headers: () => ({ 'Tus-Resumable': '1.0.0', 'Upload-Length': '1' }) },
  'HEAD /files/{id}': { id: (t) => ids.upload[t], headers: () => ({ 'Tus-Resumable': '1.0.0' }) },
  'PATCH /files/{id}': { pathAs: (token) => uploadMadeBy(token), body: () => '',
    headers: () => ({ 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' }) },
  'DELETE /files/{id}': { pathAs: (token) => uploadMadeBy(token), headers: () => ({ 'Tus-Resumable': '1.0.0' }) },
  'GET /api/v1/uploads': {},
  'GET /api/v1/uploads/{id}': { id: (t) => ids.upload[t] },
  // the staff dashboard
  'GET /api/v1/dashboard': {},
  // the user's own account: password, API tokens, the feed link's state
  'GET /api/v1/me/feed': {},
  'DELETE /api/v1/me/feed': { pathAs: async (token) => {
    if (token) await s.call('POST', '/api/v1/me/feed', { token });
    return '/api/v1/me/feed';
  } },
  'POST /api/v1/me/password': { body: () => ({ current_password: 'not checked', new_password: 'short' }) },
  'GET /api/v1/me/tokens': {},
  'POST /api/v1/me/tokens': { body: () => ({ label: `isolation ${uniq()}`, expires_in_days: 1 }) },
  'DELETE /api/v1/me/tokens/{id}': { pathAs: async (token) => {
    if (!token) return '/api/v1/me/tokens/1';
    const made = await s.call('POST', '/api/v1/me/tokens', { token, body: { label: `to revoke ${uniq()}` } });
    assert.equal(made.status, 201, made.text);
    return `/api/v1/me/tokens/${made.json.id}`;
  } },
  // the partner's transfer credential (DELETE: one is made first, so that pim and admin find one)
  'POST /api/v1/partners/{id}/transfer-credentials': {},
  'DELETE /api/v1/partners/{id}/transfer-credentials': { pathAs: async (token) => {
    if (token) await s.call('POST', `/api/v1/partners/${org.A}/transfer-credentials`, { token: tok.admin });
    return `/api/v1/partners/${org.A}/transfer-credentials`;
  } },
  // planner, posthouses, outbox, account pages
  'GET /plan': { path: () => '/plan?target=2027-06-01' },
  'GET /posthouses': {},
  'GET /outbox': {},
  'GET /account': {},
  'POST /account': { form: () => ({ do: 'password', current_password: 'x', new_password: 'long enough one', confirm_password: 'not the same' }) },
  // portal pages (form: the fields a page POST sends besides csrf)
  'GET /static/{name}': { path: () => '/static/app.css' },
  'GET /': {},
  'POST /': { form: () => ({ email: 'nobody@example.com', password: 'wrong password' }) },
  'POST /signout': { freshToken: true, form: () => ({}) },
  'GET /partners/new': {},
  'POST /partners/new': { form: () => ({ name: `P ${uniq()}`, contact_email: 'p@example.com', time_zone: 'Europe/London' }) },
  // questionnaire, request and invitation pages; the invitation lookup
  'GET /api/v1/invitations/{token}': {},
  'GET /partners/{id}/questionnaire': {},
  'POST /partners/{id}/questionnaire': { form: () => ({ do: 'save' }) },
  'GET /requests/{id}': { id: (t) => ids.request[t] },
  'POST /requests/{id}': { id: (t) => ids.request[t], form: () => ({ do: 'message', body: 'hello from the page' }) },
  'GET /invitations/{token}': {},
  'POST /invitations/{token}': { form: () => ({ password: 'a long enough password', confirm: 'a long enough password' }) },
  // partner page; the staff directory its forms use
  'GET /partners/{id}': {},
  'POST /partners/{id}': { form: () => ({ do: 'send_questionnaire' }) },
  'GET /api/v1/staff': { query: '?role=pom' },
  // delivery and upload pages (/upload?request= of the target; a form for a delivery without files)
  'GET /deliveries/{id}': { id: (t) => ids.delivery[t] },
  'GET /upload': { path: (t) => `/upload?request=${ids.request[t]}` },
  'POST /upload': { form: (t) => ({ do: 'deliver', partner: String(t), kind: 'avails', request: String(ids.request[t]) }) },
  // launch timelines and alternate-solution cases (issue 14): {id} of the target's (made in before())
  'GET /api/v1/partners/{id}/milestones': {},
  'POST /api/v1/milestones/{id}/met': { id: (t) => ids.milestone[t] },
  'GET /api/v1/alternate-solutions': { path: (t) => `/api/v1/alternate-solutions?partner=${t}` },
  'POST /api/v1/alternate-solutions/{id}/acknowledge': { id: (t) => ids.alternate[t], body: () => ({ note: 'seen' }) },
  'POST /api/v1/alternate-solutions/{id}/resolve': { id: (t) => ids.alternate[t], body: () => ({ outcome: 'a later date' }) },
  // the partner's delivery agent (issue 14: decisions)
  'PUT /api/v1/partners/{id}/agent': { body: () => ({ posthouse: null }) },
  // issue 15, titles: a title of each organisation (made in before())
  'GET /api/v1/titles': { path: (t) => `/api/v1/titles?partner=${t}` },
  'POST /api/v1/titles': { body: (t) => ({ partner: t, name: 'Isolated', alid: `md:alid:org:iso:${uniq()}` }) },
  'GET /api/v1/titles/{id}': { id: (t) => ids.title[t] },
  'PATCH /api/v1/titles/{id}': { id: (t) => ids.title[t], body: () => ({ name: 'Renamed' }) },
  'POST /api/v1/titles/{id}/published': { id: (t) => ids.title[t], body: () => ({ territory: 'US' }) },
  // issue 15, the catalogue pages
  'GET /titles': { path: () => '/titles?late=1' },
  'GET /titles/{id}': { id: (t) => ids.title[t] },
  'POST /titles/{id}': { id: (t) => ids.title[t], form: () => ({ do: 'published', territory: 'US' }) },
  // issue 14, dead ends: the admin's account changes and pages; an organisation's colleagues
  // (the organisation users of this test are their organisation's admins: see before())
  'PATCH /api/v1/users/{user}': { path: () => `/api/v1/users/${ids.someStaff}`, body: () => ({ role: 'pom' }) },
  'GET /api/v1/partners/{id}/users': {},
  'POST /api/v1/partners/{id}/users': { body: () => ({ email: `colleague-${uniq()}@example.com` }) },
  'DELETE /api/v1/partners/{id}/users/{user}': { pathAs: async (token) => {
    // a colleague of the caller's own organisation (org A for staff), invited by the admin
    const me = token ? (await s.call('GET', '/api/v1/me', { token })).json : null;
    const o = me && me.partner ? me.partner : org.A;
    const made = await s.call('POST', `/api/v1/partners/${o}/users`, { token: tok.admin, body: { email: `gone-${uniq()}@example.com` } });
    assert.equal(made.status, 201, made.text);
    return `/api/v1/partners/${o}/users/${made.json.id}`;
  } },
  'GET /admin/users': {},
  'POST /admin/users': { form: () => ({ do: 'role', user: String(ids.someStaff), role: 'pom' }) },
  'GET /admin/calendars': {},
  'POST /admin/calendars': { form: () => ({ do: 'update', calendar: String(ids.calendar), name: `C ${uniq()}`, time_zone: 'Europe/London', working_days: '1', first: '2026', last: '2027' }) },
  'GET /partners/{id}/colleagues': {},
  'POST /partners/{id}/colleagues': { form: () => ({ do: 'invite', email: `page-colleague-${uniq()}@example.com` }) },
  // issue 15: scorecards
  'GET /api/v1/partners/{id}/scorecard': { query: '?from=2026-01-01&to=2026-12-31' },
};

const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@example.com\r\nDTSTART;VALUE=DATE:20261231\r\nSUMMARY:New Year\'s Eve\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
const ids = {};

// The path of a route for a target organisation; routes whose {id} is not a
// partner (calendars, clocks) use the ids made in before().
function pathFor(route, target) {
  const c = cases[`${route.method} ${route.pattern}`] || {};
  if (c.path) return c.path(target);
  const id = c.id ? c.id(target) : target;
  return route.pattern.replace('{id}', String(id)).replace('{item}', 'alias')
    .replace('{token}', 'x'.repeat(43)) + (c.query || '');
}

// Takes an organisation through the questionnaire and setup into training, as admin,
// and issues one request; returns the request id.
async function toTraining(org) {
  const t = tok.admin;
  const ok = (r) => { assert.ok(r.status < 300, r.text); return r; };
  ok(await s.call('POST', `/api/v1/partners/${org}/questionnaire/send`, { token: t }));
  await fillQuestionnaire(s, org, t, { already_onboarded: 'no', delivery_method: 'self' });
  ok(await s.call('POST', `/api/v1/partners/${org}/questionnaire/submit`, { token: t }));
  ok(await s.call('PUT', `/api/v1/partners/${org}/setup/alias`, { token: t, body: { done: true, value: `org_${org}` } }));
  ok(await s.call('PUT', `/api/v1/partners/${org}/setup/transfer_account`, { token: t, body: { done: true } }));
  ok(await s.call('PUT', `/api/v1/partners/${org}/setup/portal_account`, { token: t, body: { done: true } }));
  ok(await s.call('POST', `/api/v1/partners/${org}/setup/confirm`, { token: t }));
  return ok(await s.call('POST', `/api/v1/partners/${org}/requests`, { token: t, body: { kind: 'avails', title: 'First' } })).json.id;
}

// A fresh upload made by the caller (staff make it for org A), or org A's upload when the
// caller may not make one (not signed in, or a role that may not upload).
async function uploadMadeBy(token) {
  if (token) {
    const own = [tok.partner, tok.partnerB, tok.posthouse].includes(token);
    const r = await s.call('POST', '/files/', { token, headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10',
      ...(own ? {} : { 'Upload-Metadata': `partner ${Buffer.from(String(org.A)).toString('base64')}` }) } });
    if (r.status === 201) return new URL(r.headers.get('location'), s.base).pathname;
  }
  return `/files/${ids.upload[org.A]}`;
}

async function tokenFor(role, route) {
  if (!cases[`${route.method} ${route.pattern}`].freshToken) return tok[role];
  const email = role === 'admin' ? 'admin@example.com' : `${role}@example.com`;
  const password = role === 'admin' ? s.admin.password : 'correct horse battery';
  return s.signIn(email, password);
}

// A page as a browser asks for it: cookie, a form with the session's csrf, no redirects followed.
const csrfOf = {};
async function pageCall(token, route, path, target) {
  const c = cases[`${route.method} ${route.pattern}`];
  const headers = { Accept: 'text/html' };
  let body;
  if (token) {
    headers.Cookie = `vodgate_session=${token}`;
    if (!csrfOf[token]) csrfOf[token] = (await s.call('GET', '/api/v1/me', { cookie: headers.Cookie })).json.csrf;
  }
  if (route.method === 'POST') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams({ ...(token ? { csrf: csrfOf[token] } : {}), ...(c.form ? c.form(target) : {}) }).toString();
  }
  const res = await fetch(s.base + path, { method: route.method, headers, body, redirect: 'manual' });
  return { status: res.status, text: await res.text(), location: res.headers.get('location'), json: null };
}

async function callAs(role, route, target) {
  const c = cases[`${route.method} ${route.pattern}`];
  const token = role ? await tokenFor(role, route) : undefined;
  // pathAs: a path that depends on who asks (their own token to revoke), made with their token
  const path = c.pathAs ? await c.pathAs(token) : pathFor(route, target);
  if (route.page) return pageCall(token, route, path, target);
  const body = c.body ? c.body() : undefined;
  const headers = c.headers ? c.headers() : undefined;
  return s.call(route.method, path, { token, body, headers });
}

before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z' });
  tok.admin = await s.signIn(s.admin.email, s.admin.password);
  const mk = async (name, posthouse) => {
    const r = await s.call('POST', '/api/v1/partners', { token: tok.admin,
      body: { name, contact_email: `ops@${name.toLowerCase().replace(/[^a-z]/g, '')}.example`, time_zone: 'Europe/London', channels: false, posthouse } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  org.A = await mk('Org A', false);
  org.B = await mk('Org B', false);
  org.P = await mk('Posthouse P', true);
  for (const role of ['cam', 'pim', 'pom', 'plm', 'commercial']) {
    tok[role] = (await s.userWithToken(tok.admin, `${role}@example.com`, role)).token;
  }
  tok.partner = (await s.userWithToken(tok.admin, 'partner@example.com', 'partner', org.A)).token;
  tok.partnerB = (await s.userWithToken(tok.admin, 'partner-b@example.com', 'partner', org.B)).token;
  tok.posthouse = (await s.userWithToken(tok.admin, 'posthouse@example.com', 'posthouse', org.P)).token;
  // issue 14: the organisation users here are their organisations' admins (colleague routes)
  for (const t of [tok.partner, tok.partnerB, tok.posthouse]) {
    const me = (await s.call('GET', '/api/v1/me', { token: t })).json;
    const r = await s.call('PATCH', `/api/v1/users/${me.id}`, { token: tok.admin, body: { org_admin: true } });
    assert.equal(r.status, 200, r.text);
  }
  ids.someStaff = (await s.userWithToken(tok.admin, 'some-staff@example.com', 'pim')).id;
  const cal = await s.call('POST', '/api/v1/calendars', { token: tok.admin,
    body: { name: 'London', time_zone: 'Europe/London', working_days: [1, 2, 3, 4, 5], holidays: ['2026-12-25'], years: [2026, 2027] } });
  assert.equal(cal.status, 201, cal.text);
  ids.calendar = cal.json.id;
  const clock = await s.call('POST', `/api/v1/partners/${org.A}/clocks`, { token: tok.admin,
    body: { kind: 'delivery_48h', subject: 'request:1', started_at: '2026-11-27T16:00:00Z' } });
  assert.equal(clock.status, 201, clock.text);
  ids.clock = clock.json.id;
  const cap = await s.call('POST', `/api/v1/partners/${org.A}/clocks`, { token: tok.admin,
    body: { kind: 'training_30d', subject: `partner:${org.A}`, started_at: '2026-11-27T16:00:00Z' } });
  assert.equal(cap.status, 201, cap.text);
  ids.cap = cap.json.id;
  ids.request = { [org.A]: await toTraining(org.A), [org.B]: await toTraining(org.B),
                  [org.P]: await toTraining(org.P) };
  ids.delivery = {};
  for (const [o, t] of [[org.A, tok.partner], [org.B, tok.partnerB], [org.P, tok.posthouse]]) {
    const up = await fetch(`${s.base}/files/`, { method: 'POST', headers: { Authorization: `Bearer ${t}`,
      'Tus-Resumable': '1.0.0', 'Upload-Length': '5', 'Upload-Metadata': `filename ${Buffer.from('a.xml').toString('base64')}`,
      'Content-Type': 'application/offset+octet-stream' }, body: '<a/>\n' });
    assert.equal(up.status, 201, await up.text());
    const uid = up.headers.get('location').split('/').pop();
    const d = await s.call('POST', '/api/v1/deliveries', { token: t, body: { partner: o, request: ids.request[o], kind: 'avails', files: [uid] } });
    assert.equal(d.status, 202, d.text);
    ids.delivery[o] = d.json.id;
  }
  // a milestone and an alternate-solution case of each organisation (the posthouse asks for none)
  ids.milestone = {};
  ids.alternate = {};
  for (const [o, t] of [[org.A, tok.partner], [org.B, tok.partnerB], [org.P, null]]) {
    const m = await s.call('POST', `/api/v1/partners/${o}/milestones`, { token: tok.admin, body: { name: 'QA testing', due_at: '2027-01-15T09:00:00Z' } });
    assert.equal(m.status, 201, m.text);
    ids.milestone[o] = m.json.id;
    if (!t) continue;
    const a = await s.call('POST', `/api/v1/partners/${o}/alternate-solution`, { token: t, body: { reason: 'we will be late' } });
    assert.equal(a.status, 201, a.text);
    ids.alternate[o] = a.json.id;
  }
  ids.alternate[org.P] = ids.alternate[org.A];
  ids.title = {};
  for (const o of [org.A, org.B, org.P]) {
    const t = await s.call('POST', '/api/v1/titles', { token: tok.admin, body: { partner: o, name: `Title of ${o}`, alid: `md:alid:org:iso:${o}` } });
    assert.equal(t.status, 201, t.text);
    ids.title[o] = t.json.id;
  }
  const out = cli(['routes']);
  assert.equal(out.status, 0, out.stderr);
  routes = JSON.parse(out.stdout);
  // Uploads of org A and posthouse P, to read (each caller writes its own: uploadMadeBy).
  ids.upload = {};
  for (const o of [org.A, org.P]) {
    const r = await s.call('POST', '/files/', { token: tok.admin, headers: { 'Tus-Resumable': '1.0.0',
      'Upload-Length': '10', 'Upload-Metadata': `partner ${Buffer.from(String(o)).toString('base64')}` } });
    assert.equal(r.status, 201, r.text);
    ids.upload[o] = r.headers.get('location').split('/').pop();
  }
});
after(async () => { assert.equal((await s.stop()).code, 0); });

test('every route in the table has an isolation case', () => {
  const missing = routes.map((r) => `${r.method} ${r.pattern}`).filter((k) => !cases[k]);
  assert.deepEqual(missing, [], 'add a case to tests/api/isolation.test.mjs for each new route');
  assert.ok(routes.length >= Object.keys(cases).length);
});

test('every state-changing route except sign-in is CSRF-protected', () => {
  for (const r of routes) {
    if (r.method === 'GET' || r.public) continue; // no session to forge: sign-in, invitation links
    if (r.page) continue; // pages: every POST form is checked by the dispatcher (next test)
    assert.ok(r.csrf, `${r.method} ${r.pattern} must carry the CSRF flag`);
  }
});

test('a page form without the session\'s csrf field, or from another site, is refused', async () => {
  for (const r of routes.filter((x) => x.page && x.method === 'POST' && !x.public)) {
    const c = cases[`${r.method} ${r.pattern}`];
    const token = await tokenFor('admin', r);
    const form = new URLSearchParams({ ...(c.form ? c.form(org.A) : {}), csrf: 'x'.repeat(43) }).toString();
    const res = await fetch(s.base + pathFor(r, org.A), { method: 'POST', redirect: 'manual',
      headers: { Cookie: `vodgate_session=${token}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
    assert.equal(res.status, 403, `${r.method} ${r.pattern} without the csrf field`);
    assert.match(await res.text(), /expired/);
  }
  const res = await fetch(s.base + '/', { method: 'POST', redirect: 'manual', body: 'email=a%40b.c&password=x',
    headers: { Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 403);
});

test('the commercial role reads only: no route that changes something admits it, but its own account\'s', () => {
  const writes = routes.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) &&
    r.roles.split(',').includes('commercial') && !['public', 'signed_in'].includes(r.action));
  assert.deepEqual(writes.map((r) => `${r.method} ${r.pattern} (${r.action})`), []);
});

test('without sign-in, every non-public route answers 401', async () => {
  for (const r of routes) {
    if (r.public) continue;
    const res = await callAs(null, r, org.A);
    if (r.page) { // pages send the browser to the sign-in form, coming back afterwards
      assert.equal(res.status, 303, `${r.method} ${r.pattern}: ${res.text}`);
      assert.match(res.location, /^\/(\?next=%2F.*)?$/, `${r.method} ${r.pattern}`);
      continue;
    }
    assert.equal(res.status, 401, `${r.method} ${r.pattern}: ${res.text}`);
    if (r.method !== 'HEAD') assert.equal(res.json.error.code, 'unauthenticated'); // HEAD: no body
  }
});

test('each role outside a route\'s list is refused, each role inside gets through', async () => {
  for (const r of routes) {
    const allowed = r.roles.split(',');
    for (const role of ROLES) {
      const target = role === 'posthouse' ? org.P : org.A;
      const res = await callAs(role, r, target);
      const where = `${role} ${r.method} ${r.pattern} -> ${res.status} ${res.text}`;
      if (r.public) {
        assert.ok(![401, 403].includes(res.status), where);
      } else if (allowed.includes(role)) {
        assert.ok(![401, 403, 404].includes(res.status), where);
      } else {
        assert.equal(res.status, 403, where);
        if (!r.page) assert.equal(res.json.error.code, 'forbidden', where);
      }
    }
  }
});

test('an organisation\'s users get 404 for another organisation\'s resources, as for a missing id', async () => {
  for (const r of routes.filter((x) => ['partner', 'request', 'delivery', 'milestone', 'alternate', 'title'].includes(x.scope))) {
    for (const [role, who] of [['partner', 'partner'], ['partnerB', 'partner'], ['posthouse', 'posthouse']]) {
      if (!r.roles.split(',').includes(who)) continue;
      const other = role === 'partnerB' ? org.A : org.B;
      const c = cases[`${r.method} ${r.pattern}`];
      if (r.page) {
        const foreign = await pageCall(tok[role], r, pathFor(r, other), other);
        const missing = await pageCall(tok[role], r, r.pattern.replace('{id}', '999999'), 999999);
        assert.equal(foreign.status, 404, `${role} ${r.method} ${r.pattern} on another org: ${foreign.status}`);
        assert.equal(missing.status, 404, `${role} ${r.method} ${r.pattern} on a missing id`);
        continue;
      }
      const body = c.body ? c.body(other) : undefined;
      const foreign = await s.call(r.method, pathFor(r, other), { token: tok[role], body });
      const missing = await s.call(r.method, r.pattern.replace('{id}', '999999').replace('{item}', 'alias'), { token: tok[role], body });
      assert.equal(foreign.status, 404, `${role} ${r.method} ${r.pattern} on another org`);
      assert.deepEqual(foreign.json, missing.json, 'the answer must not tell that it exists');
    }
  }
});

test('every route whose path names a thing declares its scope, which the dispatcher checks before any handler', () => {
  const unscoped = routes.filter((r) => r.pattern.includes('{id}') && !r.scope);
  assert.deepEqual(unscoped.map((r) => `${r.method} ${r.pattern}`), []);
  const known = ['', 'partner', 'request', 'delivery', 'upload', 'clock', 'calendar', 'token', 'milestone', 'alternate', 'title'];
  assert.deepEqual(routes.filter((r) => !known.includes(r.scope)).map((r) => r.scope), []);
});

// A transfer credential (SPEC 2.3) acts as its organisation for uploads and deliveries only:
// every other route refuses it (403; a page asks a person to sign in), whatever a partner user
// of the same organisation may do there.
test('a transfer credential reaches the upload and delivery routes only', async () => {
  const made = await s.call('POST', `/api/v1/partners/${org.A}/transfer-credentials`, { token: tok.admin });
  assert.equal(made.status, 201, made.text);
  const auth = `Bearer ${made.json.secret}`;
  const mine = ['public', 'upload', 'upload_write', 'upload_read', 'upload_delete', 'deliver', 'delivery_read'];
  for (const r of routes) {
    if (r.public || (r.method === 'POST' && r.pattern === '/api/v1/session')) continue;
    const c = cases[`${r.method} ${r.pattern}`];
    if (c.pathAs && !r.pattern.startsWith('/files/')) continue; // their paths are made per user
    let path = pathFor(r, org.A);
    if (c.pathAs) { // PATCH and DELETE: an upload the credential made itself
      const up = await s.call('POST', '/files/', { headers: { Authorization: auth, 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' } });
      assert.equal(up.status, 201, up.text);
      path = new URL(up.headers.get('location'), s.base).pathname;
    }
    const headers = { ...(c.headers ? c.headers() : {}), Authorization: auth };
    if (r.page) { // not a person: the page asks for a sign-in
      const res = await fetch(s.base + path, { method: r.method, headers: { ...headers, Accept: 'text/html' }, redirect: 'manual' });
      assert.equal(res.status, 303, `${r.method} ${r.pattern} -> ${res.status}`);
      assert.match(res.headers.get('location'), /^\/(\?next=|$)/);
      continue;
    }
    const res = await s.call(r.method, path, { headers, body: c.body ? c.body(org.A) : undefined });
    const where = `${r.method} ${r.pattern} (${r.action}) -> ${res.status} ${res.text.slice(0, 200)}`;
    if (mine.includes(r.action)) {
      assert.ok(![401, 403].includes(res.status), where);
    } else {
      assert.equal(res.status, 403, where);
    }
  }
  // and another organisation's things are as missing as a missing one
  for (const path of [`/api/v1/uploads/${ids.upload[org.P]}`, `/api/v1/deliveries/${ids.delivery[org.B]}`]) {
    const foreign = await s.call('GET', path, { headers: { Authorization: auth } });
    assert.equal(foreign.status, 404, `${path}: ${foreign.text}`);
  }
});

test('a partner\'s planner page is its own: another organisation named in the URL answers as a missing one', async () => {
  const r = routes.find((x) => x.method === 'GET' && x.pattern === '/plan');
  for (const [role, other] of [['partner', org.B], ['partnerB', org.A], ['posthouse', org.A]]) {
    const foreign = await pageCall(tok[role], r, `/plan?partner=${other}&target=2027-06-01`, other);
    const missing = await pageCall(tok[role], r, '/plan?partner=999999&target=2027-06-01', 999999);
    assert.equal(foreign.status, 404, `${role} /plan?partner=${other}`);
    assert.equal(missing.status, 404);
    assert.doesNotMatch(foreign.text, /Org A|Org B/);
  }
  const own = await pageCall(tok.partner, r, '/plan?target=2027-06-01', org.A);
  assert.equal(own.status, 200);
  assert.match(own.text, /Org A/);
  assert.doesNotMatch(own.text, /Org B|Posthouse P/, 'no other organisation is offered');
});

test('another organisation\'s upload answers as a missing one, on every upload route', async () => {
  const missingId = 'e'.repeat(32);
  const tus = { 'Tus-Resumable': '1.0.0' };
  for (const [method, path, headers] of [['GET', '/api/v1/uploads/{id}', {}], ['HEAD', '/files/{id}', tus],
    ['DELETE', '/files/{id}', tus]]) {
    const foreign = await s.call(method, path.replace('{id}', ids.upload[org.A]), { token: tok.partnerB, headers });
    const missing = await s.call(method, path.replace('{id}', missingId), { token: tok.partnerB, headers });
    assert.equal(foreign.status, 404, `${method} ${path}: ${foreign.text}`);
    assert.deepEqual(foreign.json, missing.json, `${method} ${path}: the answer must not tell that it exists`);
  }
  const still = await s.call('GET', `/api/v1/uploads/${ids.upload[org.A]}`, { token: tok.partner });
  assert.equal(still.status, 200, 'B\'s attempts left A\'s upload alone');
});

test('a delivery for another organisation is refused as if it did not exist', async () => {
  const foreign = await s.call('POST', '/api/v1/deliveries', { token: tok.partner, body: { partner: org.B, kind: 'avails', files: [] } });
  const missing = await s.call('POST', '/api/v1/deliveries', { token: tok.partner, body: { partner: 999999, kind: 'avails', files: [] } });
  assert.equal(foreign.status, 404);
  assert.deepEqual(foreign.json, missing.json);
});

test('a final upload (tus concatenation) listing another organisation\'s partial upload is refused as if it did not exist', async () => {
  const tusPost = async (t, headers, body) => {
    const res = await fetch(`${s.base}/files/`, { method: 'POST', body, headers: { Authorization: `Bearer ${t}`,
      'Tus-Resumable': '1.0.0', ...(body ? { 'Content-Type': 'application/offset+octet-stream' } : {}), ...headers } });
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  };
  const theirs = await tusPost(tok.partnerB, { 'Upload-Concat': 'partial', 'Upload-Length': '6' }, 'secret');
  assert.equal(theirs.status, 201, theirs.text);
  const mine = await tusPost(tok.partner, { 'Upload-Concat': 'partial', 'Upload-Length': '4' }, 'mine');
  assert.equal(mine.status, 201, mine.text);
  const theirId = theirs.location.split('/').pop();
  const missingId = 'f'.repeat(32);
  for (const list of [(id) => `/files/${id}`, (id) => `${mine.location} /files/${id}`, (id) => `${s.base}/files/${id} ${mine.location}`]) {
    const foreign = await tusPost(tok.partner, { 'Upload-Concat': `final;${list(theirId)}` });
    const missing = await tusPost(tok.partner, { 'Upload-Concat': `final;${list(missingId)}` });
    assert.equal(foreign.status, 400, foreign.text);
    assert.equal(foreign.location, null);
    assert.equal(foreign.text.replace(theirId, 'ID'), missing.text.replace(missingId, 'ID'), 'the answer must not tell that it exists');
  }
  // a posthouse that does not deliver for B cannot reach B's partial either
  const ph = await tusPost(tok.posthouse, { 'Upload-Concat': `final;/files/${theirId}` });
  assert.equal(ph.status, 400);
  // B's own final is fine, and A's attempts did not touch B's partial
  const ok = await tusPost(tok.partnerB, { 'Upload-Concat': `final;/files/${theirId}` });
  assert.equal(ok.status, 201, ok.text);
});

test('a partial upload (tus concatenation) is a piece, not a deliverable file: a delivery refuses it', async () => {
  const res = await fetch(`${s.base}/files/`, { method: 'POST', body: '<a/>\n', headers: { Authorization: `Bearer ${tok.partner}`,
    'Tus-Resumable': '1.0.0', 'Upload-Concat': 'partial', 'Upload-Length': '5', 'Content-Type': 'application/offset+octet-stream' } });
  assert.equal(res.status, 201, await res.text());
  const uid = res.headers.get('location').split('/').pop();
  const d = await s.call('POST', '/api/v1/deliveries', { token: tok.partner, body: { partner: org.A, request: ids.request[org.A], kind: 'avails', files: [uid] } });
  assert.equal(d.status, 422, d.text);
  assert.equal(d.json.error.code, 'upload_partial');
  const list = await s.call('GET', '/api/v1/uploads', { token: tok.partner });
  assert.equal(list.json.uploads.find((u) => u.id === uid).concat, 'partial');
});

test('lists show an organisation\'s users only their own organisation', async () => {
  const mine = await s.call('GET', '/api/v1/partners', { token: tok.partner });
  assert.deepEqual(mine.json.partners.map((p) => p.id), [org.A]);
  const theirs = await s.call('GET', '/api/v1/partners', { token: tok.partnerB });
  assert.deepEqual(theirs.json.partners.map((p) => p.id), [org.B]);
  const all = await s.call('GET', '/api/v1/partners', { token: tok.cam });
  assert.ok(all.json.partners.length >= 3);
});
