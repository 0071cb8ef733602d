// Issue 14, item 9 (dead ends), over the API and the portal's HTML: an
// organisation's admin invites and removes its own colleagues (never
// another's, never staff); the admin changes and disables accounts; a
// partner plans for itself on /plan; the upload page pre-selects the request
// owed most and says it is late.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, at, messages, invite, sendAndJoin, answerAndSubmit, provision } from './journeys.mjs';

let w, a, b;

async function toTraining(p, alias) {
  await sendAndJoin(w, p);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, p, alias);
  const c = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(c.status, 200, c.text);
  return p;
}

const page = async (path, token) => {
  const res = await fetch(w.s.base + path, { headers: { Accept: 'text/html', Cookie: `vodgate_session=${token}` }, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  a = await toTraining(await invite(w, 'Aster Films'), 'aster');
  b = await toTraining(await invite(w, 'Birch Media'), 'birch');
});
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('the first portal account is its organisation\'s admin: it invites a colleague, who joins by the one-time link', async () => {
  const list = await w.s.call('GET', `/api/v1/partners/${a.id}/users`, { token: a.token });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.may_manage, true);
  assert.deepEqual(list.json.users.map((u) => [u.email, u.org_admin]), [[a.contact, true]]);
  const inv = await w.s.call('POST', `/api/v1/partners/${a.id}/users`, { token: a.token, body: { email: 'Colleague@Aster.example' } });
  assert.equal(inv.status, 201, inv.text);
  assert.equal(inv.json.role, 'partner');
  assert.equal(inv.json.pending, true);
  const mail = (await messages(w, 'colleague@aster.example')).find((m) => /invited you/.test(m.subject));
  assert.ok(mail, 'the colleague got the invitation');
  assert.match(mail.body, /Aster Films/);
  assert.doesNotMatch(mail.body, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no raw RFC 3339 time in the mail');
  const token = mail.body.match(/\/invitations\/([A-Za-z0-9_-]{43})/)[1];
  assert.equal((await w.s.call('POST', `/api/v1/invitations/${token}`, { body: { password: 'colleague password' } })).status, 200);
  a.colleague = await w.s.signIn('colleague@aster.example', 'colleague password');
  const mine = await w.s.call('GET', '/api/v1/me', { token: a.colleague });
  assert.equal(mine.json.partner, a.id);
  // a colleague without the flag reads the list but may not invite
  const seen = await w.s.call('GET', `/api/v1/partners/${a.id}/users`, { token: a.colleague });
  assert.equal(seen.json.may_manage, false);
  const refused = await w.s.call('POST', `/api/v1/partners/${a.id}/users`, { token: a.colleague, body: { email: 'third@aster.example' } });
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.json.error.code, 'not_org_admin');
});

test('an organisation\'s admin never reaches another organisation, nor a staff account', async () => {
  const other = await w.s.call('POST', `/api/v1/partners/${b.id}/users`, { token: a.token, body: { email: 'x@birch.example' } });
  const missing = await w.s.call('POST', '/api/v1/partners/999999/users', { token: a.token, body: { email: 'x@birch.example' } });
  assert.equal(other.status, 404);
  assert.deepEqual(other.json, missing.json);
  const bUser = (await w.s.call('GET', `/api/v1/partners/${b.id}/users`, { token: b.token })).json.users[0];
  const del = await w.s.call('DELETE', `/api/v1/partners/${a.id}/users/${bUser.id}`, { token: a.token });
  assert.equal(del.status, 404, 'another organisation\'s user is not in this one');
  const staff = await w.s.call('POST', `/api/v1/partners/${a.id}/users`, { token: a.token, body: { email: w.email.pim } });
  assert.equal(staff.status, 409, staff.text);
  assert.equal(staff.json.error.code, 'email_taken');
  assert.equal((await w.s.call('GET', '/api/v1/me', { token: w.tok.pim })).json.role, 'pim', 'the staff account is untouched');
});

test('removing a colleague ends their access; the admin cannot remove itself', async () => {
  const users = (await w.s.call('GET', `/api/v1/partners/${a.id}/users`, { token: a.token })).json.users;
  const col = users.find((u) => u.email === 'colleague@aster.example');
  const me = users.find((u) => u.you);
  assert.equal((await w.s.call('DELETE', `/api/v1/partners/${a.id}/users/${me.id}`, { token: a.token })).status, 409);
  const del = await w.s.call('DELETE', `/api/v1/partners/${a.id}/users/${col.id}`, { token: a.token });
  assert.equal(del.status, 200, del.text);
  assert.equal((await w.s.call('GET', '/api/v1/me', { token: a.colleague })).status, 401, 'the session ended');
  const again = await w.s.call('POST', '/api/v1/session', { body: { email: 'colleague@aster.example', password: 'colleague password' } });
  assert.equal(again.status, 401);
  const left = (await w.s.call('GET', `/api/v1/partners/${a.id}/users`, { token: a.token })).json.users.map((u) => u.email);
  assert.deepEqual(left, [a.contact]);
});

test('the admin changes a staff role, makes an organisation admin, disables an account; the users list shows the last sign-in', async () => {
  const u = await w.s.userWithToken(w.tok.admin, 'temp@service.example', 'pim');
  let r = await w.s.call('PATCH', `/api/v1/users/${u.id}`, { token: w.tok.admin, body: { role: 'pom' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.role, 'pom');
  r = await w.s.call('PATCH', `/api/v1/users/${u.id}`, { token: w.tok.admin, body: { role: 'partner' } });
  assert.equal(r.status, 422, 'a staff user does not become an organisation\'s');
  const list = (await w.s.call('GET', '/api/v1/users', { token: w.tok.admin })).json.users;
  assert.ok(list.find((x) => x.id === u.id).last_sign_in_at, 'its sign-in was recorded');
  r = await w.s.call('PATCH', `/api/v1/users/${u.id}`, { token: w.tok.admin, body: { disabled: true } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.disabled, true);
  assert.equal((await w.s.call('GET', '/api/v1/me', { token: u.token })).status, 401);
  const bUser = (await w.s.call('GET', `/api/v1/partners/${b.id}/users`, { token: w.tok.admin })).json.users[0];
  r = await w.s.call('PATCH', `/api/v1/users/${bUser.id}`, { token: w.tok.admin, body: { org_admin: false } });
  assert.equal(r.json.org_admin, false);
  const me = (await w.s.call('GET', '/api/v1/me', { token: w.tok.admin })).json;
  assert.equal((await w.s.call('PATCH', `/api/v1/users/${me.id}`, { token: w.tok.admin, body: { disabled: true } })).status, 409);
  assert.equal((await w.s.call('PATCH', `/api/v1/users/${u.id}`, { token: w.tok.pim, body: { disabled: false } })).status, 403);
});

test('a partner plans for itself on /plan: its own partner the one choice, another\'s a 404', async () => {
  const own = await page('/plan?target=2027-06-01', a.token);
  assert.equal(own.status, 200, own.text);
  assert.match(own.text, /Aster Films/);
  assert.doesNotMatch(own.text, /Birch Media|A prospect/);
  const foreign = await page(`/plan?partner=${b.id}&target=2027-06-01`, a.token);
  const missing = await page('/plan?partner=999999&target=2027-06-01', a.token);
  assert.equal(foreign.status, 404);
  assert.equal(missing.status, 404);
  assert.doesNotMatch(foreign.text, /Birch/);
});

test('the upload page pre-selects the overdue request, oldest first, and says it is late', async () => {
  const issue = async (title) => {
    const r = await w.s.call('POST', `/api/v1/partners/${b.id}/requests`, { token: w.tok.pim, body: { kind: 'avails', title } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const first = await issue('Avails: the first catalogue');
  await at(w, '2026-11-26T12:00:00Z'); // 48 hours later and more: the first is overdue
  const second = await issue('Avails: the December update');
  const html = (await page('/upload', b.token)).text;
  const selected = html.match(/<option value="(\d+)"[^>]*selected[^>]*>([^<]*)</);
  assert.ok(selected, 'a request is selected');
  assert.equal(Number(selected[1]), first, `the overdue one is selected, not ${second}`);
  assert.match(selected[2], /late \(was due by 09:00 on Wed 25 Nov, Europe\/London\)/);
  assert.match(html, /id="late-requests"/);
});
