// Clocks and calendars through the API on a real server with a test clock:
// the examples of SPEC section 5, pauses, extensions, calendar edits that
// recompute running clocks, coverage errors, and breaches fired by moving
// the test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';

let s, admin, cal, partner;
const start = (kind, started_at, subject = `test:${Math.random()}`) =>
  s.call('POST', `/api/v1/partners/${partner}/clocks`, { token: admin, body: { kind, subject, started_at } });
const clocks = async (p = partner) => (await s.call('GET', `/api/v1/partners/${p}/clocks`, { token: admin })).json.clocks;
const setNow = (now) => s.call('PUT', '/api/v1/clock', { token: admin, body: { now } });

before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-01-01T00:00:00Z' });
  admin = await s.signIn(s.admin.email, s.admin.password);
  const c = await s.call('POST', '/api/v1/calendars', { token: admin, body: {
    name: 'London office', time_zone: 'Europe/London', working_days: [1, 2, 3, 4, 5],
    holidays: [{ date: '2026-12-25', name: 'Christmas Day' }, { date: '2026-12-28', name: 'Boxing Day (substitute)' }],
    years: [2026, 2027] } });
  assert.equal(c.status, 201, c.text);
  cal = c.json;
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Studio London', contact_email: 'ops@studio.example', time_zone: 'Europe/London', calendar: cal.id } });
  assert.equal(p.status, 201, p.text);
  partner = p.json.id;
});
after(async () => { assert.equal((await s.stop()).code, 0); });

test('a calendar keeps its zone, week, holidays and years', () => {
  assert.deepEqual(cal.working_days, [1, 2, 3, 4, 5]);
  assert.deepEqual(cal.years, [2026, 2027]);
  assert.deepEqual(cal.holidays.map((h) => h.date), ['2026-12-25', '2026-12-28']);
  assert.equal(cal.version, 1);
});

test('the examples of SPEC section 5 through the API', async () => {
  const cases = [
    ['response_3wd', '2026-11-27T17:00:00Z', '2026-12-03T00:00:00Z'],
    ['delivery_48h', '2026-03-28T10:00:00Z', '2026-03-30T10:00:00Z'],
    ['delivery_48h', '2026-10-24T11:00:00Z', '2026-10-26T11:00:00Z'],
    ['training_30d', '2026-11-02T14:00:00Z', '2026-12-03T00:00:00Z'],
    ['response_3wd', '2026-11-02T10:00:00Z', '2026-11-06T00:00:00Z'],
  ];
  for (const [kind, from, due] of cases) {
    const r = await start(kind, from);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.due_at, due, `${kind} from ${from}`);
    assert.equal(r.json.state, 'running');
    assert.equal(r.json.tzdata.length >= 5, true);
  }
  const bst = await start('delivery_48h', '2026-03-28T10:00:00Z');
  assert.equal(bst.json.due_local, '2026-03-30T11:00:00+01:00', 'Monday 11:00 BST');
});

test('a breach fires when the test clock reaches the due instant, not a second before', async () => {
  const r = await start('response_3wd', '2026-11-27T17:00:00Z', 'request:breach');
  await setNow('2026-12-02T23:59:59Z');
  let c = (await clocks()).find((x) => x.id === r.json.id);
  assert.equal(c.state, 'running', 'a reply at Wed 23:59:59 would be on time');
  assert.equal((await setNow('2026-12-03T00:00:00Z')).status, 200);
  c = (await clocks()).find((x) => x.id === r.json.id);
  assert.equal(c.state, 'breached');
  assert.equal(c.closed_at, '2026-12-03T00:00:00Z', 'breached at its own due instant');
  const ev = (await s.call('GET', `/api/v1/partners/${partner}/events`, { token: admin })).json.events;
  const breaches = ev.filter((e) => e.action === 'clock.breached' && e.after.clock === r.json.id);
  assert.equal(breaches.length, 1);
  assert.equal(breaches[0].at, '2026-12-03T00:00:00Z');
  await setNow('2026-12-03T00:00:01Z');
  const again = (await s.call('GET', `/api/v1/partners/${partner}/events`, { token: admin })).json.events;
  assert.equal(again.filter((e) => e.action === 'clock.breached' && e.after.clock === r.json.id).length, 1, 'once');
});

test('a pause shifts a 48-hour clock by the time it lasted; caps cannot be paused, only extended', async () => {
  const t0 = '2026-12-10T09:00:00Z';
  await setNow(t0);
  const d = await start('delivery_48h', t0);
  assert.equal(d.json.due_at, '2026-12-12T09:00:00Z');
  await setNow('2026-12-10T10:00:00Z');
  const paused = await s.call('POST', `/api/v1/clocks/${d.json.id}/pause`, { token: admin, body: { reason: 'waiting on us: the spec is not ready' } });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(paused.json.state, 'paused');
  assert.equal(paused.json.due_at, null);
  const twice = await s.call('POST', `/api/v1/clocks/${d.json.id}/pause`, { token: admin, body: { reason: 'again' } });
  assert.equal(twice.status, 409);
  await setNow('2026-12-10T13:00:00Z');
  const resumed = await s.call('POST', `/api/v1/clocks/${d.json.id}/resume`, { token: admin });
  assert.equal(resumed.status, 200);
  assert.equal(resumed.json.state, 'running');
  assert.equal(resumed.json.due_at, '2026-12-12T12:00:00Z', 'three hours later');
  const noReason = await s.call('POST', `/api/v1/clocks/${d.json.id}/pause`, { token: admin, body: { reason: '' } });
  assert.equal(noReason.status, 422);

  const cap = await start('training_30d', '2026-12-10T09:00:00Z');
  const p = await s.call('POST', `/api/v1/clocks/${cap.json.id}/pause`, { token: admin, body: { reason: 'no' } });
  assert.equal(p.status, 422);
  assert.equal(p.json.error.code, 'clock_kind');
  const ext = await s.call('POST', `/api/v1/clocks/${cap.json.id}/extend`, { token: admin, body: { days: 5, reason: 'partner on strike' } });
  assert.equal(ext.status, 200, ext.text);
  assert.equal(ext.json.extension_days, 5);
  assert.equal(Date.parse(ext.json.due_at) - Date.parse(cap.json.due_at), 5 * 86400000);
  const noExt = await s.call('POST', `/api/v1/clocks/${d.json.id}/extend`, { token: admin, body: { days: 1, reason: 'x' } });
  assert.equal(noExt.status, 422);
});

test('editing a calendar recomputes its running clocks and logs each move', async () => {
  await setNow('2026-12-14T08:00:00Z');
  const r = await start('response_3wd', '2026-12-14T10:00:00Z'); // Mon → end of Thu
  assert.equal(r.json.due_at, '2026-12-18T00:00:00Z');
  const edit = await s.call('PUT', `/api/v1/calendars/${cal.id}`, { token: admin, body: {
    holidays: [...cal.holidays, { date: '2026-12-16', name: 'Office closed' }] } });
  assert.equal(edit.status, 200, edit.text);
  assert.equal(edit.json.version, 2);
  assert.ok(edit.json.clocks_moved >= 1);
  const c = (await clocks()).find((x) => x.id === r.json.id);
  assert.equal(c.due_at, '2026-12-19T00:00:00Z', 'one working day later');
  const ev = (await s.call('GET', `/api/v1/partners/${partner}/events`, { token: admin })).json.events;
  const moved = ev.filter((e) => e.action === 'clock.recomputed' && e.subject === `clock:${r.json.id}`);
  assert.equal(moved.length, 1);
  assert.equal(moved[0].before.due_at, '2026-12-18T00:00:00Z');
  assert.equal(moved[0].after.due_at, '2026-12-19T00:00:00Z');
});

test('coverage and empty weeks are errors, never guesses', async () => {
  const late = await start('response_3wd', '2027-12-30T10:00:00Z');
  assert.equal(late.status, 422);
  assert.equal(late.json.error.code, 'calendar_coverage');
  // an edit that would leave a running clock uncovered is refused whole
  await setNow('2026-12-29T08:00:00Z');
  const r = await start('response_3wd', '2026-12-30T10:00:00Z'); // needs January 2027
  assert.equal(r.status, 201, r.text);
  const before = (await s.call('GET', `/api/v1/calendars/${cal.id}`, { token: admin })).json;
  const shrink = await s.call('PUT', `/api/v1/calendars/${cal.id}`, { token: admin, body: { years: [2026, 2026] } });
  assert.equal(shrink.status, 422);
  assert.equal(shrink.json.error.code, 'calendar_coverage');
  const after = (await s.call('GET', `/api/v1/calendars/${cal.id}`, { token: admin })).json;
  assert.deepEqual(after, before, 'nothing changed');
  // a calendar with no working day
  const idle = await s.call('POST', '/api/v1/calendars', { token: admin, body: {
    name: 'Never', time_zone: 'Europe/London', working_days: [], holidays: [], years: [2026, 2027] } });
  assert.equal(idle.status, 201);
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Idle', contact_email: 'i@idle.example', time_zone: 'Europe/London', calendar: idle.json.id } });
  const none = await s.call('POST', `/api/v1/partners/${p.json.id}/clocks`, { token: admin,
    body: { kind: 'response_3wd', subject: 'x:1', started_at: '2026-12-29T10:00:00Z' } });
  assert.equal(none.status, 422);
  assert.equal(none.json.error.code, 'no_working_time');
  const bad = await s.call('POST', '/api/v1/calendars', { token: admin, body: {
    name: 'Bad', time_zone: 'Europe/London', working_days: [0, 8], years: [2026, 2027] } });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.error.fields, ['working_days']);
});

test('a Friday–Saturday weekend in Dubai', async () => {
  const c = await s.call('POST', '/api/v1/calendars', { token: admin, body: {
    name: 'Dubai (old week)', time_zone: 'Asia/Dubai', working_days: [7, 1, 2, 3, 4], holidays: [], years: [2026, 2027] } });
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Gulf', contact_email: 'g@gulf.example', time_zone: 'Asia/Dubai', calendar: c.json.id } });
  // Thursday 2026-12-31 10:00 local: Sun, Mon, Tue count → due end of Tue = Wed 00:00 +04 = Tue 20:00Z
  const r = await s.call('POST', `/api/v1/partners/${p.json.id}/clocks`, { token: admin,
    body: { kind: 'response_3wd', subject: 'x:2', started_at: '2026-12-31T06:00:00Z' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.due_at, '2027-01-05T20:00:00Z');
});

test('a plm sets launch milestones, which breach like any clock', async () => {
  const plm = (await s.userWithToken(admin, 'plm@example.com', 'plm')).token;
  await setNow('2027-01-04T00:00:00Z');
  const m = await s.call('POST', `/api/v1/partners/${partner}/milestones`, { token: plm,
    body: { name: 'Pre-publishing QA testing', due_at: '2027-01-15T09:00:00Z' } });
  assert.equal(m.status, 201, m.text);
  assert.equal(m.json.kind, 'milestone');
  assert.equal(m.json.label, 'Pre-publishing QA testing');
  assert.equal(m.json.due_at, '2027-01-15T09:00:00Z');
  await setNow('2027-01-15T09:00:00Z');
  assert.equal((await clocks()).find((x) => x.id === m.json.id).state, 'breached');
});

test('changing a partner\'s calendar moves its running clocks onto it', async () => {
  await setNow('2027-02-01T00:00:00Z');
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Mover', contact_email: 'm@mover.example', time_zone: 'Europe/London' } });
  const r = await s.call('POST', `/api/v1/partners/${p.json.id}/clocks`, { token: admin,
    body: { kind: 'response_3wd', subject: 'x:3', started_at: '2027-02-01T10:00:00Z' } }); // Mon
  assert.equal(r.json.due_at, '2027-02-05T00:00:00Z', 'default: Monday to Friday, no holidays');
  assert.equal(r.json.calendar, null);
  const c = await s.call('POST', '/api/v1/calendars', { token: admin, body: {
    name: 'Closed Tuesday', time_zone: 'Europe/London', working_days: [1, 2, 3, 4, 5], holidays: ['2027-02-02'], years: [2027, 2027] } });
  const set = await s.call('PUT', `/api/v1/partners/${p.json.id}/calendar`, { token: admin, body: { calendar: c.json.id } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.clocks_moved, 1);
  const moved = (await clocks(p.json.id)).find((x) => x.id === r.json.id);
  assert.equal(moved.due_at, '2027-02-06T00:00:00Z');
  assert.equal(moved.calendar, c.json.id);
});

test('the test hook that starts clocks exists only under --test-clock', async () => {
  const t = await startServer();
  try {
    const tok = await t.signIn(t.admin.email, t.admin.password);
    const p = await t.call('POST', '/api/v1/partners', { token: tok, body: { name: 'X', contact_email: 'x@x.example', time_zone: 'UTC' } });
    const r = await t.call('POST', `/api/v1/partners/${p.json.id}/clocks`, { token: tok,
      body: { kind: 'delivery_48h', subject: 'x:1', started_at: '2026-11-27T16:00:00Z' } });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'test_clock_only');
  } finally { assert.equal((await t.stop()).code, 0); }
});

test('holidays imported from an .ics file; a malformed file changes nothing and names its line', async () => {
  const c = await s.call('POST', '/api/v1/calendars', { token: admin, body: {
    name: 'Imported', time_zone: 'Europe/Paris', working_days: [1, 2, 3, 4, 5], holidays: [], years: [2026, 2028] } });
  const ics = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//example//holidays//EN',
    'BEGIN:VEVENT', 'UID:1@example', 'DTSTART;VALUE=DATE:20260714', 'DTEND;VALUE=DATE:20260715',
    'SUMMARY:F\u00eate nationale', 'RRULE:FREQ=YEARLY', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:2@example', 'DTSTART;VALUE=DATE:20261224', 'DTEND;VALUE=DATE:20261227',
    'SUMMARY:Christmas br', ' eak', 'END:VEVENT',
    'END:VCALENDAR', ''].join('\r\n');
  const r = await s.call('POST', `/api/v1/calendars/${c.json.id}/ics`, { token: admin, body: ics, headers: { 'Content-Type': 'text/calendar' } });
  assert.equal(r.status, 200, r.text);
  const dates = r.json.holidays.map((h) => h.date);
  assert.deepEqual(dates, ['2026-07-14', '2026-12-24', '2026-12-25', '2026-12-26', '2027-07-14', '2028-07-14']);
  assert.equal(r.json.holidays[0].name, 'F\u00eate nationale');
  assert.equal(r.json.holidays[1].name, 'Christmas break', 'folded lines are unfolded');
  assert.equal(r.json.version, 2);
  const bad = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:2026-13-01', 'END:VEVENT', 'END:VCALENDAR'].join('\n');
  const e = await s.call('POST', `/api/v1/calendars/${c.json.id}/ics`, { token: admin, body: bad });
  assert.equal(e.status, 422);
  assert.equal(e.json.error.line, 3);
  assert.match(e.json.error.message, /line 3/);
  const after = (await s.call('GET', `/api/v1/calendars/${c.json.id}`, { token: admin })).json;
  assert.equal(after.version, 2, 'nothing changed');
});

test('a calendar feed lists the open due dates of the user, by a secret link', async () => {
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Feedy, Inc.', contact_email: 'f@feedy.example', time_zone: 'America/New_York' } });
  const user = await s.userWithToken(admin, 'ops@feedy.example', 'partner', p.json.id);
  const now = (await s.call('GET', '/api/v1/clock', { token: admin })).json.now;
  const c = await s.call('POST', `/api/v1/partners/${p.json.id}/clocks`, { token: admin,
    body: { kind: 'delivery_48h', subject: 'request:77', started_at: now } });
  assert.equal(c.status, 201, c.text);
  const link = await s.call('POST', '/api/v1/me/feed', { token: user.token });
  assert.equal(link.status, 201);
  const feed = await fetch(s.base + link.json.path);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  const text = await feed.text();
  assert.match(text, /^BEGIN:VCALENDAR\r\n/);
  assert.ok(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'folded at 75 octets');
  const events = text.split('BEGIN:VEVENT').length - 1;
  assert.equal(events, 1, 'only its own organisation\'s clock');
  assert.match(text, new RegExp(`UID:clock-${c.json.id}@vodgate`));
  const due = c.json.due_at.replace(/[-:]/g, '');
  assert.match(text, new RegExp(`DTSTART:${due}`));
  assert.match(text, /SUMMARY:Due: delivery within 48 hours of the request — Feedy\\, Inc\./);
  const wrong = await fetch(`${s.base}/api/v1/me/calendar.ics?token=${'x'.repeat(43)}`);
  assert.equal(wrong.status, 401);
  const relink = await s.call('POST', '/api/v1/me/feed', { token: user.token });
  assert.equal((await fetch(s.base + link.json.path)).status, 401, 'a new link revokes the old');
  assert.equal((await fetch(s.base + relink.json.path)).status, 200);
});
