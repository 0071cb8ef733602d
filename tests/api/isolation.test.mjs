// The isolation test: walks the server's own route table (`vodgate routes`)
// and checks, for every route, that
//   - without sign-in a non-public route answers 401;
//   - every role outside the route's list is refused with 403;
//   - every role inside it gets through;
//   - a partner (or posthouse) user asking for another organisation's
//     resource gets 404, exactly as for an id that does not exist.
// A route added to src/http/routes.c without a case below fails this test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from './server.mjs';

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
};

const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@example.com\r\nDTSTART;VALUE=DATE:20261231\r\nSUMMARY:New Year\'s Eve\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
const ids = {};

// The path of a route for a target organisation; routes whose {id} is not a
// partner (calendars, clocks) use the ids made in before().
function pathFor(route, target) {
  const c = cases[`${route.method} ${route.pattern}`];
  const id = c && c.id ? c.id(target) : target;
  return route.pattern.replace('{id}', String(id));
}

async function tokenFor(role, route) {
  if (!cases[`${route.method} ${route.pattern}`].freshToken) return tok[role];
  const email = role === 'admin' ? 'admin@example.com' : `${role}@example.com`;
  const password = role === 'admin' ? s.admin.password : 'correct horse battery';
  return s.signIn(email, password);
}

async function callAs(role, route, target) {
  const c = cases[`${route.method} ${route.pattern}`];
  const token = role ? await tokenFor(role, route) : undefined;
  const body = c.body ? c.body() : undefined;
  return s.call(route.method, pathFor(route, target), { token, body });
}

before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T16:00:00Z' });
  tok.admin = await s.signIn(s.admin.email, s.admin.password);
  const mk = async (name, posthouse) => {
    const r = await s.call('POST', '/api/v1/partners', { token: tok.admin,
      body: { name, contact_email: 'ops@example.com', time_zone: 'Europe/London', channels: false, posthouse } });
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
  const out = cli(['routes']);
  assert.equal(out.status, 0, out.stderr);
  routes = JSON.parse(out.stdout);
});
after(async () => { assert.equal((await s.stop()).code, 0); });

test('every route in the table has an isolation case', () => {
  const missing = routes.map((r) => `${r.method} ${r.pattern}`).filter((k) => !cases[k]);
  assert.deepEqual(missing, [], 'add a case to tests/api/isolation.test.mjs for each new route');
  assert.ok(routes.length >= Object.keys(cases).length);
});

test('every state-changing route except sign-in is CSRF-protected', () => {
  for (const r of routes) {
    if (r.method === 'GET' || (r.method === 'POST' && r.pattern === '/api/v1/session')) continue;
    assert.ok(r.csrf, `${r.method} ${r.pattern} must carry the CSRF flag`);
  }
});

test('without sign-in, every non-public route answers 401', async () => {
  for (const r of routes) {
    if (r.public) continue;
    const res = await callAs(null, r, org.A);
    assert.equal(res.status, 401, `${r.method} ${r.pattern}: ${res.text}`);
    assert.equal(res.json.error.code, 'unauthenticated');
  }
});

test('each role outside a route\'s list is refused, each role inside gets through', async () => {
  for (const r of routes) {
    const allowed = r.roles.split(',');
    for (const role of ROLES) {
      const target = role === 'posthouse' ? org.P : org.A;
      const res = await callAs(role, r, target);
      const where = `${role} ${r.method} ${r.pattern} -> ${res.status} ${res.text}`;
      if (r.public || allowed.includes(role)) {
        assert.ok(![401, 403, 404].includes(res.status), where);
      } else {
        assert.equal(res.status, 403, where);
        assert.equal(res.json.error.code, 'forbidden', where);
      }
    }
  }
});

test('an organisation\'s users get 404 for another organisation\'s resources, as for a missing id', async () => {
  for (const r of routes.filter((x) => x.scope === 'partner')) {
    for (const [role, who] of [['partner', 'partner'], ['partnerB', 'partner'], ['posthouse', 'posthouse']]) {
      if (!r.roles.split(',').includes(who)) continue;
      const other = role === 'partnerB' ? org.A : org.B;
      const foreign = await s.call(r.method, pathFor(r, other), { token: tok[role] });
      const missing = await s.call(r.method, pathFor(r, 999999), { token: tok[role] });
      assert.equal(foreign.status, 404, `${role} ${r.method} ${r.pattern} on another org`);
      assert.deepEqual(foreign.json, missing.json, 'the answer must not tell that it exists');
    }
  }
});

test('lists show an organisation\'s users only their own organisation', async () => {
  const mine = await s.call('GET', '/api/v1/partners', { token: tok.partner });
  assert.deepEqual(mine.json.partners.map((p) => p.id), [org.A]);
  const theirs = await s.call('GET', '/api/v1/partners', { token: tok.partnerB });
  assert.deepEqual(theirs.json.partners.map((p) => p.id), [org.B]);
  const all = await s.call('GET', '/api/v1/partners', { token: tok.cam });
  assert.ok(all.json.partners.length >= 3);
});
