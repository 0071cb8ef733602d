// Titles from the EMA Avails spreadsheet, and the catalogue as CSV (issue 15): a passed .xlsx
// avails delivery makes titles and windows as an XML one does (one title per ALID, one window
// per territory, license type and format profile), a redelivery of the same workbook updates
// them without a duplicate; `vodgate export titles` prints one row per title and territory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { world, at, newPartner } from './journeys.mjs';
import { deliver } from './title_world.mjs';
import { cli } from './server.mjs';

const XLSX = '../shared/mddf/samples/avails/Avails_noErrors_v2.3_v1.8.xlsx';
const BRAVADOS = 'md:pseudoalid:wprid.fox.com:001143';
let w, p;

before(async () => {
  w = await world('2026-11-23T09:00:00Z');
  p = await newPartner(w, 'Sheet Studio', 'sheetstudio', { answers: { delivery_method: 'self', already_onboarded: 'yes' }, modules: [] });
  await at(w, '2026-11-24T10:00:00Z');
});

after(async () => {
  if (w) assert.equal((await w.s.stop()).code, 0);
});

const titles = async () => {
  const r = await w.s.call('GET', `/api/v1/titles?partner=${p.id}&limit=200`, { token: p.token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const view = async (id) => {
  const r = await w.s.call('GET', `/api/v1/titles/${id}`, { token: p.token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const sheet = async (name) => {
  const res = await deliver(w, p, p, 'avails', [{ name, bytes: readFileSync(XLSX) }]);
  assert.equal(res.status, 'passed', JSON.stringify(res.findings, null, 1));
  return res;
};

let bravadosId;

test('a passed EMA Avails spreadsheet makes titles and windows; a redelivery does not duplicate them', async () => {
  const d1 = await sheet('avails_1.xlsx');
  let list = await titles();
  // twelve ALIDs: seven features, a collection, three episodes and their season
  assert.equal(list.total, 12, JSON.stringify(list.titles.map((t) => t.alid)));
  const b = list.titles.find((t) => t.alid === BRAVADOS);
  assert.ok(b, JSON.stringify(list.titles.map((t) => t.alid)));
  bravadosId = b.id;
  let t = await view(b.id);
  assert.equal(t.name, 'THE BRAVADOS');
  assert.equal(t.content_id, 'md:cid:eidr-s:8FF3-1C20-84F5-F247-8BCD-E');
  assert.equal(t.work_type, 'Movie');
  assert.deepEqual(t.windows.map((x) => [x.territory, x.license_type, x.format_profile, x.start, x.end]).sort(),
    [['US', 'EST', 'HD', '1917-09-24', null], ['US', 'EST', 'SD', '1917-09-24', null]]);
  assert.deepEqual(t.deliveries.map((d) => d.id), [d1.id]);
  assert.equal(t.territories.length, 1);
  assert.equal(t.territories[0].state, 'waiting_for_assets');
  assert.match(t.territories[0].reasons, /no video/);
  // an episode is named by its EpisodeContentID; a window with an End date keeps it
  const ep = list.titles.find((x) => x.alid === 'md:alid:disney.com:jake-s01e01');
  assert.equal(ep.content_id, 'md:cid:disney.com:jake-s01e01');
  assert.equal(ep.work_type, 'Episode');
  const sith = await view(list.titles.find((x) => x.name === 'Star Wars: Revenge Of The Sith').id);
  assert.ok(sith.windows.every((x) => x.start === '2017-05-05' && x.end === '2017-12-11'), JSON.stringify(sith.windows));

  // the same workbook again: the same titles and windows, one more delivery in their history
  await sheet('avails_2.xlsx');
  list = await titles();
  assert.equal(list.total, 12, 'no duplicate');
  t = await view(bravadosId);
  assert.equal(t.windows.length, 2);
  assert.equal(t.deliveries.length, 2);
});

test('vodgate export titles: one CSV row per title and territory', () => {
  const help = cli(['export', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /export partners\|clocks\|events\|titles/);
  const r = cli(['export', 'titles', '--partner', String(p.id), '--data', w.s.data]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'partner,title,name,alid,content_id,territory,state,reasons,publish_by,published_at,late');
  assert.equal(lines.length, 1 + 12, r.stdout);
  const row = lines.find((l) => l.includes(BRAVADOS));
  assert.ok(row.startsWith(`${p.id},${bravadosId},THE BRAVADOS,${BRAVADOS},md:cid:eidr-s:8FF3-1C20-84F5-F247-8BCD-E,US,waiting_for_assets,`), row);
  assert.match(row, /no video/);
  assert.ok(row.endsWith(',,,no'), row);
  // every partner's titles without --partner; an unknown partner is refused
  assert.equal(cli(['export', 'titles', '--data', w.s.data]).stdout.split('\r\n').filter(Boolean).length, 13);
  const none = cli(['export', 'titles', '--partner', '999999', '--data', w.s.data]);
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /vodgate: /);
});
