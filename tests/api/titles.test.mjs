// The title's life on a real server and a test clock (issue 15; SPEC 3, "Titles: the steady
// state"): a passed avails delivery makes titles and their windows; a redelivery updates them
// without a duplicate; a Full Delete ends windows; an asset package completes the assets, the
// title becomes ready and the service's 14-day publish clock starts (also among the partner's
// clocks); published ends it, on time or late; the same title delivered by the partner's
// posthouse stays one title; a partner sees only its own titles. The package's files are made
// as in package.test.mjs (a 3 s video with ffmpeg, captions, cover art, MEC, the manifest).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { world, at, invite, sendAndJoin, posthouse, clocks, newPartner, messages } from './journeys.mjs';
import { EIDR, CID, makePackage as makePkg, deliver as deliverW, deliverAvails as deliverAvailsW } from './title_world.mjs';

let w, p, other, ph, tmp;
const makePackage = (name, opts) => makePkg(tmp, name, opts);
const deliver = (...args) => deliverW(w, ...args);
const deliverAvails = (...args) => deliverAvailsW(w, ...args);

async function titlesOf(token, query = '') {
  const r = await w.s.call('GET', `/api/v1/titles${query}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function title(id, token = w.tok.admin) {
  const r = await w.s.call('GET', `/api/v1/titles/${id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const ALID = `md:alid:eidr-s:${EIDR}`;
const FEATURE = { alid: ALID, cid: CID, name: 'The Long Weekend',
  tx: [{ territory: 'GB', start: '2026-12-01' }, { territory: 'FR', start: '2026-12-01' }] };
const OTHER = { alid: 'md:alid:org:vodgate.example:other', cid: 'md:cid:org:vodgate.example:other', name: 'Far Away',
  tx: [{ territory: 'GB', start: '2027-06-01', end: '2027-12-31' }] };

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vg-titles-'));
  w = await world('2026-11-23T09:00:00Z');
  ph = await posthouse(w, 'Title Post', 'titlepost');
  p = await newPartner(w, 'Title Studio', 'titlestudio', { answers: { delivery_method: 'self', already_onboarded: 'yes' }, modules: [] });
  other = await invite(w, 'Other Studio');
  await sendAndJoin(w, other);
  await at(w, '2026-11-24T10:00:00Z');
});

after(async () => {
  if (w) assert.equal((await w.s.stop()).code, 0);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let featureId, otherId;

test('a passed avails delivery makes titles and windows; a redelivery updates them without a duplicate', async () => {
  const d1 = await deliverAvails(p, p, 'avails_1.xml', [FEATURE, OTHER]);
  let list = await titlesOf(p.token);
  assert.equal(list.total, 2);
  const f = list.titles.find((t) => t.alid === ALID);
  assert.ok(f, JSON.stringify(list));
  featureId = f.id;
  otherId = list.titles.find((t) => t.name === 'Far Away').id;
  let t = await title(featureId, p.token);
  assert.equal(t.name, 'The Long Weekend');
  assert.equal(t.content_id, CID);
  assert.deepEqual(t.windows.map((x) => [x.territory, x.license_type, x.format_profile, x.start, x.end, x.state]),
    [['FR', 'EST', 'HD', '2026-12-01', null, 'active'], ['GB', 'EST', 'HD', '2026-12-01', null, 'active']]);
  assert.deepEqual(t.deliveries.map((d) => [d.id, d.kind, d.status]), [[d1.id, 'avails', 'passed']]);
  assert.ok(t.territories.every((x) => x.state === 'waiting_for_assets'));
  const gb = t.territories.find((x) => x.territory === 'GB');
  assert.match(gb.reasons, /no video/);
  assert.match(gb.reasons, /no English audio/);
  assert.match(t.territories.find((x) => x.territory === 'FR').reasons, /no French audio/);
  // the next deadline sorts the catalogue: the feature's window opens first
  assert.deepEqual(list.titles.map((x) => x.id), [featureId, otherId]);

  // the same file again, with a new name and the GB window moved: one title, one window each
  const renamed = { ...FEATURE, name: 'The Long Weekend (2026)', tx: [{ territory: 'GB', start: '2026-11-30' }, FEATURE.tx[1]] };
  await deliverAvails(p, p, 'avails_2.xml', [renamed, OTHER]);
  list = await titlesOf(p.token);
  assert.equal(list.total, 2, 'no duplicate');
  t = await title(featureId);
  assert.equal(t.name, 'The Long Weekend (2026)');
  assert.equal(t.windows.length, 2);
  assert.equal(t.windows.find((x) => x.territory === 'GB').start, '2026-11-30');
  assert.equal(t.deliveries.length, 2);
});

test('the same title delivered by the partner\'s posthouse stays one title; a partner sees only its own', async () => {
  const a = await w.s.call('PUT', `/api/v1/partners/${p.id}/agent`, { token: w.tok.pim, body: { posthouse: ph.id } });
  assert.equal(a.status, 200, a.text);
  // the posthouse spells the ALID in another case, with spaces round it: the same title
  const spelled = { ...FEATURE, alid: `  ${ALID.toUpperCase()} `, name: 'The Long Weekend (2026)' };
  await deliverAvails(ph, p, 'avails_ph.xml', [spelled]);
  // the result reaches the posthouse user who delivered too, and names the posthouse to the partner
  const told = (await messages(w)).filter((m) => m.template === 'delivery_passed' && /Title Post made this delivery for Title Studio/.test(m.body));
  for (const to of [ph.contact, p.contact]) assert.equal(told.filter((m) => m.to === to).length, 1, `${to}: ${JSON.stringify(told.map((m) => m.to))}`);
  const list = await titlesOf(w.tok.admin, `?partner=${p.id}`);
  assert.equal(list.total, 2, JSON.stringify(list.titles.map((t) => t.alid)));
  assert.equal((await title(featureId)).deliveries.length, 3);
  // the posthouse sees the titles of the partner it delivers for
  assert.equal((await titlesOf(ph.token)).total, 2);
  assert.equal((await title(featureId, ph.token)).id, featureId);
  // another partner sees none of them: 404 as for a missing id
  assert.equal((await titlesOf(other.token)).total, 0);
  const foreign = await w.s.call('GET', `/api/v1/titles/${featureId}`, { token: other.token });
  const missing = await w.s.call('GET', '/api/v1/titles/999999', { token: other.token });
  assert.equal(foreign.status, 404);
  assert.deepEqual(foreign.json, missing.json);
  assert.equal((await w.s.call('GET', `/api/v1/titles?partner=${p.id}`, { token: other.token })).status, 404);
  assert.equal((await w.s.call('POST', `/api/v1/titles/${featureId}/published`, { token: p.token, body: { territory: 'GB' } })).status, 403);
});

test('a passed asset package completes the assets: ready, and the 14-day publish clock starts', async () => {
  const paths = makePackage('good');
  const files = paths.map((x) => ({ name: x.split('/').pop(), bytes: readFileSync(x) }));
  const res = await deliver(p, p, 'asset_package', files);
  assert.equal(res.status, 'passed', JSON.stringify(res.findings, null, 1));
  const t = await title(featureId, p.token);
  assert.deepEqual(t.assets.map((x) => [x.kind, x.language, x.status]).sort(), [
    ['artwork', 'en', 'passed'], ['audio', 'en', 'passed'], ['captions', 'en', 'passed'],
    ['captions', 'es', 'passed'], ['metadata', null, 'passed'], ['video', null, 'passed']]);
  const gb = t.territories.find((x) => x.territory === 'GB');
  assert.equal(gb.state, 'ready', JSON.stringify(gb));
  assert.equal(gb.ready_at, '2026-11-24T10:00:00Z');
  assert.ok(gb.publish_by > gb.ready_at);
  assert.equal(gb.late, false);
  // France needs French audio, in words
  const fr = t.territories.find((x) => x.territory === 'FR');
  assert.equal(fr.state, 'waiting_for_assets');
  assert.equal(fr.reasons, 'no French audio');
  const line = t.timeline.find((x) => x.territory === 'GB');
  assert.deepEqual([line.window_start, line.ready, line.publish_by, line.published],
    ['2026-12-01', gb.ready_at, gb.publish_by, null], 'the posthouse\'s redelivery put the window back on 1 Dec');
  assert.equal(t.state, 'waiting_for_assets', 'the title waits while a territory does');
  // the next deadline: France's window opens before Britain's publish-by date
  assert.equal(t.next_due, '2026-12-01T00:00:00Z');
  // the clock is among the partner's own
  const cs = await clocks(w, p);
  const clock = cs.find((c) => c.kind === 'publish_14d' && c.subject === `title:${featureId}:GB`);
  assert.ok(clock, JSON.stringify(cs));
  assert.equal(clock.state, 'running');
  assert.equal(clock.due_at, gb.publish_by);
  // the catalogue filters by state and territory
  assert.deepEqual((await titlesOf(w.tok.pom, `?partner=${p.id}&state=ready`)).titles.map((x) => x.id), [featureId]);
  assert.deepEqual((await titlesOf(w.tok.pom, `?partner=${p.id}&territory=FR`)).titles.map((x) => x.id), [featureId]);
  assert.deepEqual((await titlesOf(w.tok.pom, '?q=far%20away')).titles.map((x) => x.id), [otherId]);
});

test('published ends the clock; a late publish shows late', async () => {
  const pub = await w.s.call('POST', `/api/v1/titles/${featureId}/published`, { token: w.tok.pom, body: { territory: 'GB' } });
  assert.equal(pub.status, 200, pub.text);
  const gb = pub.json.territories.find((x) => x.territory === 'GB');
  assert.equal(gb.state, 'published');
  assert.equal(gb.published_at, '2026-11-24T10:00:00Z');
  assert.equal(gb.late, false);
  const clock = (await clocks(w, p)).find((c) => c.subject === `title:${featureId}:GB`);
  assert.equal(clock.state, 'met');
  const again = await w.s.call('POST', `/api/v1/titles/${featureId}/published`, { token: w.tok.pom, body: { territory: 'GB' } });
  assert.equal(again.status, 409);
  const notReady = await w.s.call('POST', `/api/v1/titles/${featureId}/published`, { token: w.tok.pom, body: { territory: 'FR' } });
  assert.equal(notReady.status, 409);
  assert.match(notReady.json.error.message, /no French audio/);
  const ev = (await w.s.call('GET', `/api/v1/partners/${p.id}/events`, { token: w.tok.admin })).json.events;
  assert.ok(ev.some((e) => e.action === 'title.published'), 'an audit event');

  // a staff-made title, ready, published after its publish-by date: late
  const made = await w.s.call('POST', '/api/v1/titles', { token: w.tok.pim, body: { partner: p.id, name: 'Late Show', content_id: 'md:cid:org:vodgate.example:late' } });
  assert.equal(made.status, 201, made.text);
  const dup = await w.s.call('POST', '/api/v1/titles', { token: w.tok.pim, body: { partner: p.id, name: 'Again', content_id: ' MD:CID:ORG:VODGATE.EXAMPLE:LATE' } });
  assert.equal(dup.status, 409, 'the same ContentID, spelled otherwise, is the same title');
  await deliverAvails(p, p, 'avails_late.xml', [{ alid: '', cid: 'md:cid:org:vodgate.example:late', name: 'Late Show', tx: [{ territory: 'GB', start: '2026-11-20' }] }].map((a) => ({ ...a, alid: 'md:alid:org:vodgate.example:late' })));
  let t = await title(made.json.id);
  assert.equal(t.windows.length, 1, 'the avails found the staff-made title by its ContentID');
  // its assets: a manifest naming its ContentID (the feature's package, re-pointed)
  const paths = makePackage('late');
  const files = paths.map((x) => ({ name: x.split('/').pop(), bytes: readFileSync(x) }));
  const m = files[0];
  m.bytes = Buffer.from(m.bytes.toString().replaceAll(ALID, 'md:alid:org:vodgate.example:late').replaceAll(`<manifest:ContentID>${CID}`, '<manifest:ContentID>md:cid:org:vodgate.example:late'));
  const res = await deliver(p, p, 'asset_package', files);
  assert.equal(res.status, 'passed', JSON.stringify(res.findings, null, 1));
  t = await title(made.json.id);
  const ready = t.territories.find((x) => x.territory === 'GB');
  assert.equal(ready.state, 'ready', JSON.stringify(t.territories));
  await at(w, '2026-12-20T10:00:00Z');
  t = await title(made.json.id);
  assert.equal(t.territories[0].late, true, 'past its publish-by date and not published');
  assert.deepEqual((await titlesOf(w.tok.pom, `?partner=${p.id}&late=1`)).titles.map((x) => x.id), [made.json.id]);
  const breached = (await clocks(w, p)).find((c) => c.subject === `title:${made.json.id}:GB`);
  assert.equal(breached.state, 'breached');
  const late = await w.s.call('POST', `/api/v1/titles/${made.json.id}/published`, { token: w.tok.admin, body: { territory: 'GB' } });
  assert.equal(late.status, 200, late.text);
  assert.equal(late.json.territories[0].late, true);
  assert.equal(late.json.territories[0].state, 'published');
});

test('a Full Delete ends the windows it names', async () => {
  await deliverAvails(p, p, 'avails_delete.xml', [{ ...OTHER, entry: 'Full Delete' }]);
  const t = await title(otherId);
  assert.deepEqual(t.windows.map((x) => x.state), ['ended']);
  assert.match(t.territories[0].reasons, /no open window in GB/);
  assert.equal((await titlesOf(p.token)).total, 3, 'a Full Delete never makes or removes a title');
});

test('staff correct a title; the partner may not', async () => {
  const r = await w.s.call('PATCH', `/api/v1/titles/${otherId}`, { token: w.tok.pom, body: { name: 'Far Away (Director\'s Cut)', eidr: '10.5240/0000-0000-0000-0000-0000-X' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Far Away (Director\'s Cut)');
  const clash = await w.s.call('PATCH', `/api/v1/titles/${otherId}`, { token: w.tok.pom, body: { alid: ALID } });
  assert.equal(clash.status, 409);
  assert.equal((await w.s.call('PATCH', `/api/v1/titles/${otherId}`, { token: p.token, body: { name: 'x' } })).status, 403);
});
