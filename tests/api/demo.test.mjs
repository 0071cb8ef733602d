// `vodgate demo` on a fresh installation, then the server on the same data:
// the printed sign-ins work, and the JSON API shows a living system — partners
// in every stage, clocks breached, running and paused, warnings and a decision
// waiting, deliveries that passed and failed — to staff and, for its own
// organisation only, to a partner. A second `vodgate demo` refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { startServer, cli } from './server.mjs';

let s, data, seeded;
const accounts = new Map(); // email -> {role, organisation, password}

before(async () => {
  // A relative data directory, as `make run` gives (./var): validation once linked the
  // uploads with relative paths that dangled, and every delivery failed as unreadable.
  mkdirSync('build', { recursive: true });
  data = mkdtempSync('build/vodgate-demo-');
  seeded = cli(['demo', '--data', data]);
  assert.equal(seeded.status, 0, seeded.stderr + seeded.stdout);
  for (const line of seeded.stdout.split('\n')) {
    const m = line.match(/^\s+(\S+@demo\.vodgate\.local)\s+(\w+)\s+(.+?)\s+(\S+)\s*$/);
    if (m) accounts.set(m[1], { role: m[2], organisation: m[3], password: m[4] });
  }
  s = await startServer({ data });
});
after(async () => { if (s) assert.equal((await s.stop()).code, 0); });

const get = async (path, token) => {
  const r = await s.call('GET', path, { token });
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
};
const signIn = (email) => s.signIn(email, accounts.get(email).password);

test('vodgate demo prints one sign-in per demo user: every staff role, partners and posthouses', () => {
  assert.match(seeded.stdout, /seeded .* 12 organisations \(invited 1, questionnaire 1, setup 1, /);
  assert.doesNotMatch(seeded.stderr, /where the story wants/, 'every delivery came out as the story says');
  const roles = new Set([...accounts.values()].map((a) => a.role));
  for (const role of ['admin', 'cam', 'pim', 'pom', 'plm', 'commercial', 'partner', 'posthouse']) {
    assert.ok(roles.has(role), `a ${role} sign-in is printed:\n${seeded.stdout}`);
  }
  const passwords = new Set([...accounts.values()].map((a) => a.password));
  assert.equal(passwords.size, 1, 'one demo password for every demo user');
  const [password] = passwords;
  assert.ok(password.length >= 10);
  assert.match(seeded.stdout, new RegExp(`password of every demo account: ${password}`));
  assert.equal(accounts.get('juniper@demo.vodgate.local').organisation, 'Juniper Studios');
  const help = cli(['demo', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: vodgate demo/);
});

test('the pim sees partners in every stage, breached and paused clocks, warnings, a decision waiting', async () => {
  const pim = await signIn('pim@demo.vodgate.local');
  const { partners } = await get('/api/v1/partners', pim);
  const stages = new Set(partners.map((p) => p.stage));
  assert.ok(stages.size >= 5, `partners in at least 5 stages: ${[...stages]}`);
  for (const stage of ['invited', 'questionnaire', 'setup', 'training', 'stopped', 'escalated', 'steady_state']) {
    assert.ok(stages.has(stage), `a partner in ${stage}`);
  }
  const states = new Map();
  for (const p of partners) {
    for (const c of (await get(`/api/v1/partners/${p.id}/clocks`, pim)).clocks) {
      states.set(c.state, [...(states.get(c.state) || []), `${p.name} ${c.kind}`]);
    }
  }
  assert.ok(states.get('breached')?.length >= 1, 'at least one breached clock');
  assert.ok(states.get('running')?.length >= 1, 'clocks running');
  assert.ok(states.get('paused')?.length >= 1, 'a request whose clocks are paused');
  const ember = partners.find((p) => p.name === 'Ember Films');
  assert.equal(ember.warnings, 1, 'Ember missed its request: one warning');
  const warned = await get(`/api/v1/partners/${ember.id}/warnings`, pim);
  assert.equal(warned.warnings.length, 1);
  assert.ok(partners.some((p) => p.decision_pending && p.stage === 'training'), 'a pim decision waits');
  const events = (await get(`/api/v1/partners/${ember.id}/events`, pim)).events.map((e) => e.action);
  for (const action of ['partner.create', 'questionnaire.submit', 'request.issue', 'training.warning', 'partner.alternate_solution']) {
    assert.ok(events.includes(action), `the audit log of Ember has ${action}: ${events}`);
  }
  const { posthouses } = await get('/api/v1/posthouses', pim);
  assert.deepEqual(posthouses.map((p) => p.name).sort(), ['Keystone Post', 'Lumen Post']);
});

test('deliveries passed and failed, with findings a partner can act on', async () => {
  const pim = await signIn('pim@demo.vodgate.local');
  const { partners } = await get('/api/v1/partners', pim);
  const all = [];
  for (const p of partners) all.push(...(await get(`/api/v1/partners/${p.id}/deliveries`, pim)).deliveries);
  const statuses = all.map((d) => d.status);
  assert.ok(statuses.includes('passed'), `a passing delivery: ${statuses}`);
  assert.ok(statuses.includes('failed'), `a failing delivery: ${statuses}`);
  assert.ok(!statuses.includes('validating'), 'validation ran before serve started');
  for (const d of all.filter((x) => x.status === 'failed')) {
    const codes = (await get(`/api/v1/deliveries/${d.id}`, pim)).findings.map((f) => f.code);
    assert.ok(!codes.includes('package.file.unreadable'), `delivery ${d.id} was read: ${codes}`);
  }
  const failed = await get(`/api/v1/deliveries/${all.find((d) => d.status === 'failed').id}`, pim);
  assert.ok(failed.errors > 0);
  assert.ok(failed.findings.every((f) => f.code && f.message && f.fix && f.location));
  assert.equal(failed.files.length, 1);
  assert.match(failed.files[0].sha256, /^[0-9a-f]{64}$/);
});

test('a partner user sees its own organisation, with its results; a posthouse its partners', async () => {
  const juniper = await signIn('juniper@demo.vodgate.local');
  const { partners } = await get('/api/v1/partners', juniper);
  assert.deepEqual(partners.map((p) => p.name), ['Juniper Studios']);
  assert.equal(partners[0].stage, 'steady_state');
  const { deliveries } = await get(`/api/v1/partners/${partners[0].id}/deliveries`, juniper);
  const statuses = new Set(deliveries.map((d) => d.status));
  assert.ok(statuses.has('passed') && statuses.has('failed'), `Juniper's results: ${[...statuses]}`);
  const redelivered = deliveries.find((d) => d.previous && d.status === 'passed');
  assert.ok(redelivered, 'a redelivery that fixed a failed one');
  const fixed = await get(`/api/v1/deliveries/${redelivered.id}`, juniper);
  assert.ok(fixed.changes.fixed.length > 0, 'the redelivery shows what it fixed');
  const keystone = await signIn('keystone@demo.vodgate.local');
  const seen = (await get('/api/v1/partners', keystone)).partners.map((p) => p.name).sort();
  assert.deepEqual(seen, ['Cobalt Pictures', 'Keystone Post'], 'a posthouse sees the partners it delivers for');
});

test('the catalogue: a steady-state partner has titles in every state, with reasons and publish clocks', async () => {
  const pom = await signIn('pom@demo.vodgate.local');
  const { titles } = await get('/api/v1/titles?limit=200', pom);
  const views = [];
  for (const t of titles) views.push(await get(`/api/v1/titles/${t.id}`, pom));
  const terrs = views.flatMap((t) => t.territories.map((x) => ({ ...x, title: t.name, partner: t.partner_name })));
  const waiting = terrs.filter((x) => x.state === 'waiting_for_assets');
  assert.ok(waiting.length >= 1 && waiting.every((x) => x.reasons), `waiting, with reasons: ${JSON.stringify(waiting)}`);
  assert.ok(waiting.some((x) => /no French audio/.test(x.reasons)), 'a title waits for French audio');
  const ready = terrs.filter((x) => x.state === 'ready');
  assert.ok(ready.length >= 1, 'a title is ready');
  assert.ok(ready.every((x) => x.publish_by && !x.late), `ready with its publish clock running: ${JSON.stringify(ready)}`);
  const published = terrs.filter((x) => x.state === 'published');
  assert.ok(published.some((x) => !x.late), 'a title published on time');
  assert.ok(published.some((x) => x.late), 'a title published late');
  assert.ok(terrs.every((x) => x.partner === 'Juniper Studios' || x.state === 'waiting_for_assets'));
  // the partner sees its own catalogue
  const juniper = await signIn('juniper@demo.vodgate.local');
  assert.ok((await get('/api/v1/titles', juniper)).total >= 7);
});

test('a second vodgate demo refuses: the demo data is already there', () => {
  const again = cli(['demo', '--data', data]);
  assert.equal(again.status, 1, again.stdout + again.stderr);
  assert.match(again.stderr, /demo data is already there/);
});
