// GET /api/v1/staff: the service's own people, for the partner page's forms
// (owners, the pom a partner is handed to). Staff only; never an
// organisation's users; ?role= narrows to one staff role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';

let s, admin;
before(async () => {
  s = await startServer({ testClock: true, testClockStart: '2026-11-27T09:00:00Z' });
  admin = await s.signIn(s.admin.email, s.admin.password);
});
after(async () => { assert.equal((await s.stop()).code, 0); });

test('staff see every staff user by role, never a partner\'s users', async () => {
  const pim = await s.userWithToken(admin, 'pim@staff.example', 'pim');
  await s.userWithToken(admin, 'pom-b@staff.example', 'pom');
  await s.userWithToken(admin, 'pom-a@staff.example', 'pom');
  const p = await s.call('POST', '/api/v1/partners', { token: admin, body: {
    name: 'Org A', contact_email: 'ops@orga.example', time_zone: 'Europe/London', channels: false, posthouse: false } });
  assert.equal(p.status, 201, p.text);
  const partner = await s.userWithToken(admin, 'someone@orga.example', 'partner', p.json.id);

  const all = await s.call('GET', '/api/v1/staff', { token: pim.token });
  assert.equal(all.status, 200, all.text);
  const emails = all.json.staff.map((u) => u.email);
  assert.ok(emails.includes('admin@example.com'));
  assert.ok(emails.includes('pim@staff.example'));
  assert.ok(!emails.includes('someone@orga.example'), 'an organisation\'s user is not staff');
  const roles = all.json.staff.map((u) => u.role);
  assert.deepEqual(roles, [...roles].sort(), 'by role');
  for (const u of all.json.staff) assert.deepEqual(Object.keys(u).sort(), ['email', 'id', 'name', 'role']);

  const poms = await s.call('GET', '/api/v1/staff?role=pom', { token: pim.token });
  assert.equal(poms.status, 200, poms.text);
  assert.deepEqual(poms.json.staff.map((u) => u.email), ['pom-a@staff.example', 'pom-b@staff.example']);

  const bad = await s.call('GET', '/api/v1/staff?role=partner', { token: pim.token });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.error.fields, ['role']);

  const refused = await s.call('GET', '/api/v1/staff', { token: partner.token });
  assert.equal(refused.status, 403);
  assert.equal((await s.call('GET', '/api/v1/staff')).status, 401);
});
