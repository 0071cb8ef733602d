// Scorecards (issue 15 item 5): a steady-state partner's deliveries on a test
// clock — an on-time pass, a late delivery, a failed result fixed 30 hours
// later, a failure nobody answered — give exact numbers, every rate beside
// its base; a period cuts them; a partner reads its own card and gets 404 for
// another's; a posthouse reads its own (nothing delivered yet: no rate at
// all); `vodgate export scorecards` prints the same numbers as CSV. Then the title metrics: a
// title made ready by avails and an asset package (title_world.mjs, as titles.test.mjs) and
// published in one territory on time and in another late gives titles live and the service's
// own publish-on-time rate, each cut by the period, in the API, the page's words and the CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './server.mjs';
import { scoredWorld } from './scorecard_world.mjs';
import { at, newPartner } from './journeys.mjs';
import { EIDR, CID, makePackage, packageFiles, deliver, deliverAvails } from './title_world.mjs';

let w, p, other, ph;

const card = async (id, query = '', token = p.token) => w.s.call('GET', `/api/v1/partners/${id}/scorecard${query}`, { token });

before(async () => { ({ w, p, other, ph } = await scoredWorld()); });
after(async () => { assert.equal((await w.s.stop()).code, 0); });

test('the last 90 days: exact numbers, each rate beside its base', async () => {
  const r = await card(p.id);
  assert.equal(r.status, 200, r.text);
  const s = r.json;
  assert.deepEqual(s.partner, { id: p.id, name: 'Score Studio', posthouse: false });
  assert.deepEqual([s.from, s.to, s.time_zone], ['2026-09-05', '2026-12-03', 'Europe/London']);
  assert.equal(s.deliveries, 5);
  assert.deepEqual([s.on_time_rate, s.on_time, s.on_time_of, s.late], [0.8, 4, 5, 1]);
  assert.deepEqual([s.first_pass_rate, s.first_pass, s.first_pass_of], [0.5, 2, 4]);
  assert.deepEqual([s.median_fix_hours, s.fixes], [30, 1]);
  assert.equal(s.open_defects, 1);
  assert.deepEqual([s.titles_live, s.publish_on_time_rate, s.published_on_time, s.published_of], [0, null, 0, 0],
    'titles waiting for assets: none live, nothing published, no rate');
  assert.equal(s.open_defect_deliveries.length, 1);
  const open = await w.s.call('GET', `/api/v1/deliveries/${s.open_defect_deliveries[0]}`, { token: p.token });
  assert.equal(open.json.status, 'failed', 'the open defect names the failed delivery');
  // staff read the same card
  assert.deepEqual((await card(p.id, '', w.tok.pom)).json, s);
});

test('a period cuts the deliveries; open defects are those still open at its end', async () => {
  const day1 = (await card(p.id, '?from=2026-12-01&to=2026-12-01')).json;
  assert.deepEqual([day1.from, day1.to, day1.deliveries], ['2026-12-01', '2026-12-01', 3]);
  assert.deepEqual([day1.on_time_rate, day1.on_time, day1.on_time_of], [1, 3, 3]);
  assert.deepEqual([day1.first_pass, day1.first_pass_of], [1, 3]);
  assert.deepEqual([day1.median_fix_hours, day1.fixes], [null, 0], 'no fix yet: no median');
  assert.equal(day1.open_defects, 2, 'request C was still failed at the end of 1 Dec');
  const later = (await card(p.id, '?from=2026-12-02&to=2026-12-03')).json;
  assert.deepEqual([later.deliveries, later.on_time, later.on_time_of, later.late], [2, 1, 2, 1]);
  assert.deepEqual([later.first_pass_rate, later.first_pass, later.first_pass_of], [1, 1, 1]);
  assert.deepEqual([later.median_fix_hours, later.fixes, later.open_defects], [30, 1, 1]);
  const none = (await card(p.id, '?from=2026-10-01&to=2026-10-31')).json;
  assert.deepEqual([none.deliveries, none.on_time_rate, none.first_pass_rate, none.median_fix_hours, none.open_defects],
    [0, null, null, null, 0], 'nothing to measure: no rate, never a 0 %');
  for (const [q, field] of [['?from=2026-12-31', 'from'], ['?to=yesterday', 'to'], ['?from=2026-02-30', 'from']]) {
    const bad = await card(p.id, q);
    assert.equal(bad.status, 422, `${q}: ${bad.text}`);
    assert.deepEqual(bad.json.error.fields, [field], q);
  }
});

test('a partner reads its own card only; a posthouse its own', async () => {
  assert.equal((await card(p.id, '', other.token)).status, 404);
  assert.equal((await card(other.id, '', p.token)).status, 404);
  assert.equal((await card(ph.id, '', p.token)).status, 404);
  const own = await card(other.id, '', other.token);
  assert.equal(own.status, 200, own.text);
  const post = await card(ph.id, '', ph.token);
  assert.equal(post.status, 200, post.text);
  assert.equal(post.json.partner.posthouse, true);
  assert.match(post.json.scope, /made by this posthouse/);
  assert.deepEqual([post.json.deliveries, post.json.on_time_rate, post.json.open_defects], [0, null, 0]);
});

test('`vodgate export scorecards` prints one row per partner with the same numbers', async () => {
  const help = cli(['export', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /export scorecards \[--from DATE\] \[--to DATE\]/);
  const r = cli(['export', 'scorecards', '--from', '2026-11-01', '--to', '2026-12-03', '--data', w.s.data]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\r\n');
  assert.equal(lines[0], 'partner,name,posthouse,from,to,time_zone,deliveries,on_time_rate,on_time,on_time_of,'
    + 'first_pass_rate,first_pass,first_pass_of,median_fix_hours,fixes,open_defects,'
    + 'titles_live,publish_on_time_rate,published_on_time,published_of');
  assert.equal(lines.length, 4, 'a header and one row per partner');
  assert.equal(lines.find((l) => l.startsWith(`${p.id},`)),
    `${p.id},Score Studio,no,2026-11-01,2026-12-03,Europe/London,5,0.8000,4,5,0.5000,2,4,30.0,1,1,0,,0,0`);
  assert.equal(lines.find((l) => l.startsWith(`${ph.id},`)),
    `${ph.id},Score Post,yes,2026-11-01,2026-12-03,Europe/London,0,,0,0,,0,0,,0,0,0,,0,0`);
  const bad = cli(['export', 'scorecards', '--from', 'soon', '--data', w.s.data]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /'from' is a date, YYYY-MM-DD/);
});

test('titles live and the service\'s publish-on-time rate, cut by the period, in the API, the page and the CSV', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vg-scorecard-'));
  try {
    // a steady-state partner (as titles.test.mjs) delivers a title for three territories
    const q = await newPartner(w, 'Live Studio', 'livestudio', { answers: { delivery_method: 'self', already_onboarded: 'yes' }, modules: [] });
    await deliverAvails(w, q, q, 'avails.xml', [{ alid: `md:alid:eidr-s:${EIDR}`, cid: CID, name: 'The Long Weekend',
      tx: ['GB', 'US', 'DE'].map((territory) => ({ territory, start: '2026-12-01' })) }]);
    const res = await deliver(w, q, q, 'asset_package', packageFiles(makePackage(tmp, 'good')));
    assert.equal(res.status, 'passed', JSON.stringify(res.findings, null, 1));
    const id = (await w.s.call('GET', `/api/v1/titles?partner=${q.id}`, { token: w.tok.pom })).json.titles[0].id;
    const publish = async (territory) => {
      const r = await w.s.call('POST', `/api/v1/titles/${id}/published`, { token: w.tok.pom, body: { territory } });
      assert.equal(r.status, 200, r.text);
      return r.json.territories.find((x) => x.territory === territory);
    };
    const gb = await publish('GB'); // 3 Dec, the day it became ready: on time
    assert.deepEqual([gb.published_at, gb.late], ['2026-12-03T10:00:00Z', false]);
    await at(w, '2026-12-20T10:00:00Z');
    const us = await publish('US'); // after its 14 days ran out: late; DE stays ready, unpublished
    assert.equal(us.late, true, JSON.stringify(us));
    assert.ok(us.publish_by < us.published_at);

    const qc = async (query) => (await card(q.id, query, q.token)).json;
    const dec = await qc('?from=2026-12-01&to=2026-12-31');
    assert.deepEqual([dec.titles_live, dec.publish_on_time_rate, dec.published_on_time, dec.published_of], [1, 0.5, 1, 2],
      'one title live (in two territories); one of two published on time');
    const early = await qc('?from=2026-12-01&to=2026-12-10');
    assert.deepEqual([early.titles_live, early.publish_on_time_rate, early.published_on_time, early.published_of], [1, 1, 1, 1]);
    const late = await qc('?from=2026-12-11&to=2026-12-31');
    assert.deepEqual([late.titles_live, late.publish_on_time_rate, late.published_on_time, late.published_of], [1, 0, 0, 1],
      'live since before the period; its only publication late');
    const before = await qc('?from=2026-11-01&to=2026-11-30');
    assert.deepEqual([before.titles_live, before.publish_on_time_rate, before.published_of], [0, null, 0],
      'nothing published yet: none live, no rate');
    // staff read the same; the other partners and the posthouse that delivered none of it count none
    assert.deepEqual((await card(q.id, '?from=2026-12-01&to=2026-12-31', w.tok.pom)).json, dec);
    for (const [org, token] of [[p, p.token], [ph, ph.token]]) {
      const o = (await card(org.id, '?from=2026-12-01&to=2026-12-31', token)).json;
      assert.deepEqual([o.titles_live, o.publish_on_time_rate, o.published_of], [0, null, 0], org.name);
    }

    // the partner page says it in words
    const page = await w.s.call('GET', `/partners/${q.id}?from=2026-12-01&to=2026-12-31`, { token: w.tok.pom, headers: { Accept: 'text/html' } });
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /1 title live \(published in at least one territory\)/);
    assert.match(page.text, /The service published 1 of 2 on time \(50 %\)/);

    // the CSV carries the same numbers
    const r = cli(['export', 'scorecards', '--from', '2026-12-01', '--to', '2026-12-31', '--data', w.s.data]);
    assert.equal(r.status, 0, r.stderr);
    const row = r.stdout.trimEnd().split('\r\n').find((l) => l.startsWith(`${q.id},`));
    assert.ok(row.endsWith(',1,0.5000,1,2'), row);
    assert.ok(r.stdout.trimEnd().split('\r\n').find((l) => l.startsWith(`${p.id},`)).endsWith(',0,,0,0'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
