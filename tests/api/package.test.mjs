// A full asset package delivered on a real server: an MMC media manifest and
// its MEC metadata naming a video (made here with Debian's ffmpeg: 3 s,
// 160x90, stereo 48 kHz), captions (SRT and TTML) and cover art (a PNG at the
// cover's 1920x1080), each with its Length and SHA-256 in the manifest,
// uploaded with tus and delivered against a request. The whole package passes
// (against the MovieLabs XSDs and ratings too); a broken one fails with one finding per defect, each at
// its place; a redelivery that fixes some says what was fixed, what still
// fails and what is new; and `vodgate validate --package` on the very same
// files gives the very same findings as the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { world, at, upload, settled, newPartner } from './journeys.mjs';
import { BIN } from './server.mjs';
import { hex, srt, ttml, makePackage as makePackageIn } from './package_files.mjs';

const MDDF = '../shared/mddf';
const CHECKS = ['--mddf-schemas', `${MDDF}/schemas`, '--ratings', `${MDDF}/ratings/CMR_Ratings_v2.5.1.xml`];
let w, p, tmp;

// A package in its own folder under this run's tmp (package_files.mjs).
const makePackage = (name, opts) => makePackageIn(tmp, name, opts);

// ---- the server side ----

// Uploads the files, delivers them against the request and waits for the result.
async function deliver(request, paths) {
  const ups = [];
  for (const path of paths) ups.push(await upload(w, p.token, path.split('/').pop(), readFileSync(path)));
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token,
    body: { partner: p.id, request: request.id, kind: 'asset_package', files: ups } });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.json.receipt.files.map((f) => [f.name, f.size, f.sha256]),
    paths.map((x) => { const b = readFileSync(x); return [x.split('/').pop(), b.length, hex('sha256', b)]; }),
    'the receipt lists every file with its size and sha256');
  return { receipt: r.json, result: await settled(w, r.json.id, p.token) };
}

// The pre-flight on the same files: its findings, all files together.
function preflight(paths) {
  const r = spawnSync(BIN, ['validate', '--json', '--package', ...CHECKS, ...paths], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} ${r.signal} ${r.error}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  for (const f of doc.files) assert.notEqual(f.status, 'error', `${f.file}: ${f.error}`);
  return { status: r.status, ruleset: doc.ruleset, findings: doc.files.flatMap((f) => f.findings) };
}

// A finding's identity for comparing two runs: its rule and its place.
const place = (f) => JSON.stringify([f.code, f.file, f.location]);
const places = (list) => list.map(place).sort();
// The whole finding, less what only a redelivery's result adds.
const whole = (list) => list.map(({ change, ...rest }) => JSON.stringify(rest, Object.keys(rest).sort())).sort();

function assertSameAsServer(server, paths) {
  const pre = preflight(paths);
  assert.equal(pre.ruleset, server.ruleset);
  assert.equal(pre.status, server.status === 'passed' ? 0 : 1);
  assert.deepEqual(places(pre.findings), places(server.findings), 'the same codes at the same places');
  assert.deepEqual(whole(pre.findings), whole(server.findings), 'the same findings, word for word');
}

function find(list, code, file) {
  const f = list.find((x) => x.code === code && x.file === file);
  assert.ok(f, `no ${code} on ${file} in ${JSON.stringify(list.map((x) => [x.code, x.file]))}`);
  assert.equal(f.severity, 'error');
  for (const k of ['message', 'expected', 'clause', 'fix']) assert.ok(f[k], `${code} lacks ${k}`);
  return f;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vg-package-'));
  w = await world('2026-11-23T09:00:00Z', { args: CHECKS });
  p = await newPartner(w, 'Package Studio', 'packages', { answers: { delivery_method: 'self', already_onboarded: 'no' } });
  await at(w, '2026-11-24T10:00:00Z');
});

after(async () => {
  if (w) assert.equal((await w.s.stop()).code, 0);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const newRequest = async (title) => {
  const r = await w.s.call('POST', `/api/v1/partners/${p.id}/requests`, { token: w.tok.pim, body: { kind: 'asset_package', title } });
  assert.equal(r.status, 201, r.text);
  return r.json;
};

test('a full asset package passes: manifest, MEC, video, captions and artwork, sizes and checksums', async () => {
  const req = await newRequest('The Long Weekend');
  const paths = makePackage('good');
  const { result } = await deliver(req, paths);
  assert.equal(result.status, 'passed', JSON.stringify(result.findings, null, 1));
  assert.equal(result.errors, 0);
  assert.deepEqual(result.findings, [], 'not even a warning: every file named, present and right');
  assertSameAsServer(result, paths);
  const r = (await w.s.call('GET', `/api/v1/requests/${req.id}`, { token: p.token })).json;
  assert.equal(r.status, 'passed');
  // the publishing clock is the title's, per territory, once it is ready (tests/api/titles.test.mjs);
  // this package names no title an avails file made, so no clock starts on the request
  assert.ok(!r.clocks.some((c) => c.kind === 'publish_14d'), 'no publishing clock on the request');
});

test('a broken package fails on each defect at its place; a redelivery says what changed', async () => {
  const req = await newRequest('The Long Weekend, again');
  // a wrong SHA-256 for the SRT, the TTML named but not delivered, 16:10 cover art (not the
  // manifest's 1920x1080 either), captions past the video's end, audio 2.5 s shorter than the video
  const broken = makePackage('broken', { video: { secs: 3, audioSecs: 0.5 }, cover: '1920x1200',
    en: srt('00:00:09,000'), deliverEs: false, wrongHash: { 'Feature_en.srt': 'ab'.repeat(32) } });
  const { receipt, result: bad } = await deliver(req, broken);
  assert.equal(bad.status, 'failed');
  const errors = bad.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(errors.map((f) => `${f.file} ${f.code}`).sort(), [
    'Feature_cover.png artwork.aspect.mismatch',
    'Feature_en.srt caption.cue.after_end',
    'Feature_manifest.xml package.file.checksum_mismatch',
    'Feature_manifest.xml package.file.missing',
    'Feature_manifest.xml package.image.size_mismatch',
    'feature.mov media.duration.mismatch',
  ]);
  assert.equal(bad.errors, 6);
  // the manifest's findings: at the Hash and the ContainerLocation, by line and element path
  let f = find(bad.findings, 'package.file.checksum_mismatch', 'Feature_manifest.xml');
  assert.deepEqual([f.location.line, f.location.path], [33, '/MediaManifest/Inventory/Subtitle[1]/ContainerReference/Hash']);
  assert.equal(f.observed, hex('sha256', readFileSync(join(tmp, 'broken', 'Feature_en.srt'))));
  assert.match(f.expected, /^SHA-256 (ab){32}/);
  f = find(bad.findings, 'package.file.missing', 'Feature_manifest.xml');
  assert.deepEqual([f.location.line, f.location.path], [40, '/MediaManifest/Inventory/Subtitle[2]/ContainerReference/ContainerLocation']);
  assert.equal(f.observed, 'Feature_es.ttml');
  // the media's: the stream and the timecode where the audio ends
  f = find(bad.findings, 'media.duration.mismatch', 'feature.mov');
  assert.deepEqual([f.location.stream, f.location.timecode], [1, '00:00:00.500']);
  assert.match(f.observed, /audio 00:00:00\.500, video 00:00:03\.000/);
  // the captions': the line of the cue, against the delivered video's length
  f = find(bad.findings, 'caption.cue.after_end', 'Feature_en.srt');
  assert.equal(f.location.line, 6);
  assert.match(f.expected, /00:00:03\.000/);
  // the artwork's: the sizes it has and those it would need
  f = find(bad.findings, 'artwork.aspect.mismatch', 'Feature_cover.png');
  assert.match(f.observed, /^1920x1200/);
  assert.match(f.expected, /^16:9.*1920x1080/);
  // and the manifest's Image states 1920x1080: the delivered picture is not the one it describes
  f = find(bad.findings, 'package.image.size_mismatch', 'Feature_manifest.xml');
  assert.deepEqual([f.location.line, f.location.path], [46, '/MediaManifest/Inventory/Image/Width']);
  assert.equal(f.observed, '1920x1200 pixels');
  assert.match(f.expected, /^1920x1080 pixels/);
  assertSameAsServer(bad, broken);

  // The redelivery fixes the hash, delivers the TTML, conforms the audio and re-crops the cover;
  // the SRT is the same file (still past the end), and the TTML it now delivers has a cue that
  // ends before it starts (new).
  const fixed = makePackage('fixed', { en: srt('00:00:09,000'), es: ttml('00:00:01.500', '00:00:00.500') });
  const { receipt: receipt2, result: again } = await deliver(req, fixed);
  assert.equal(receipt2.previous, receipt.id, 'a redelivery of the same request');
  assert.equal(again.previous, bad.id);
  assert.equal(again.status, 'failed');
  const c = again.changes;
  assert.equal(c.compared_with, bad.id);
  assert.deepEqual(c.fixed.map((x) => `${x.file} ${x.code}`).sort(), [
    'Feature_cover.png artwork.aspect.mismatch',
    'Feature_manifest.xml package.file.checksum_mismatch',
    'Feature_manifest.xml package.file.missing',
    'Feature_manifest.xml package.image.size_mismatch',
    'feature.mov media.duration.mismatch',
  ]);
  assert.deepEqual(c.still_failing.map((x) => [x.file, x.code, x.location.line]), [['Feature_en.srt', 'caption.cue.after_end', 6]]);
  assert.deepEqual(c.new.map((x) => [x.file, x.code, x.location.line]), [['Feature_es.ttml', 'caption.cue.order', 4]]);
  for (const x of again.findings) assert.ok(['new', 'still_failing'].includes(x.change), `${x.code} says whether it is new`);
  assertSameAsServer(again, fixed);
  const r = (await w.s.call('GET', `/api/v1/requests/${req.id}`, { token: p.token })).json;
  assert.equal(r.status, 'failed');
  assert.ok(!r.clocks.some((x) => x.kind === 'publish_14d'), 'no publishing clock while the package fails');
});
