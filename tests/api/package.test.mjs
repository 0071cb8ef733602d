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
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision } from './journeys.mjs';
import { b64, create, patch } from './tus_helpers.mjs';
import { BIN } from './server.mjs';

const MDDF = '../shared/mddf';
const CHECKS = ['--mddf-schemas', `${MDDF}/schemas`, '--ratings', `${MDDF}/ratings/CMR_Ratings_v2.5.1.xml`];
const hex = (alg, bytes) => createHash(alg).update(bytes).digest('hex');
let w, p, tmp;

// ---- the package's files ----

function ffmpeg(...args) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

// H.264 picture with 24-bit PCM stereo; audioSecs < secs makes the audio end early.
function video(path, { secs = 3, audioSecs = secs } = {}) {
  ffmpeg('-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=25:duration=${secs}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${audioSecs}`,
    '-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s24le', path);
}

function artwork(path, size) {
  ffmpeg('-f', 'lavfi', '-i', `color=c=0x2050a0:s=${size}`, '-frames:v', '1', '-pix_fmt', 'rgb24', path);
}

// Two cues; the second ends at lastEnd (line 6 is its timing line).
const srt = (lastEnd = '00:00:02,500') =>
  `1\r\n00:00:00,500 --> 00:00:01,500\r\nHello.\r\n\r\n2\r\n00:00:01,600 --> ${lastEnd}\r\nGoodbye.\r\n`;
// One cue, on line 4.
const ttml = (begin = '00:00:00.500', end = '00:00:01.500') =>
  '<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="es">\n<body><div>\n' +
  `<p begin="${begin}" end="${end}">Hola.</p>\n</div></body>\n</tt>\n`;

const EIDR = '7791-8534-2C23-9030-8610-5';
const CID = `md:cid:eidr-s:${EIDR}`;
const id = (type, what) => `md:${type}:org:vodgate.example:feature.${what}`;

const mec = () => `<?xml version="1.0" encoding="UTF-8"?>
<mdmec:CoreMetadata xmlns:md="http://www.movielabs.com/schema/md/v2.7/md"
    xmlns:mdmec="http://www.movielabs.com/schema/mdmec/v2.7">
  <mdmec:Basic ContentID="${CID}">
    <md:LocalizedInfo language="en" default="true">
      <md:TitleDisplayUnlimited>The Long Weekend</md:TitleDisplayUnlimited>
      <md:TitleSort>Long Weekend, The</md:TitleSort>
      <md:ArtReference resolution="1920x1080" purpose="cover">${id('imageid', 'cover.en')}</md:ArtReference>
      <md:Summary190>Three friends, one car and a weekend that will not end.</md:Summary190>
      <md:Genre level="0">Comedy</md:Genre>
      <md:OriginalTitle>The Long Weekend</md:OriginalTitle>
      <md:CopyrightLine>2026 Delivering Studio</md:CopyrightLine>
    </md:LocalizedInfo>
    <md:RunLength>PT0H0M3S</md:RunLength>
    <md:ReleaseYear>2026</md:ReleaseYear>
    <md:ReleaseDate>2026-10-02</md:ReleaseDate>
    <md:WorkType>Movie</md:WorkType>
    <md:RatingSet>
      <md:Rating>
        <md:Region><md:country>US</md:country></md:Region>
        <md:System>MPAA</md:System>
        <md:Value>PG</md:Value>
      </md:Rating>
    </md:RatingSet>
  </mdmec:Basic>
</mdmec:CoreMetadata>
`;

// The MMC manifest of files [{name, bytes}]: every ContainerReference with the file's Length and
// SHA-256 (wrongHash: {name: hash} to state another). Its layout never changes, so a finding of a
// redelivered manifest keeps its line.
function manifest(files, { wrongHash = {} } = {}) {
  const ref = (name, attrs = '') => {
    const f = files.find((x) => x.name === name);
    return `      <manifest:ContainerReference${attrs}>
        <manifest:ContainerLocation>${name}</manifest:ContainerLocation>
        <manifest:Length>${f.bytes.length}</manifest:Length>
        <manifest:Hash method="SHA-256">${wrongHash[name] || hex('sha256', f.bytes)}</manifest:Hash>
      </manifest:ContainerReference>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest:MediaManifest xmlns:manifest="http://www.movielabs.com/schema/manifest/v1.8/manifest"
    xmlns:md="http://www.movielabs.com/schema/md/v2.7/md" ManifestID="${id('manifestid', 'package')}" updateNum="1">
  <manifest:Compatibility>
    <manifest:SpecVersion>1.8</manifest:SpecVersion>
    <manifest:Profile>MMC-1</manifest:Profile>
  </manifest:Compatibility>
  <manifest:Inventory>
    <manifest:Audio AudioTrackID="${id('audtrackid', 'audio.en')}">
      <md:Type>primary</md:Type>
      <md:Language>en</md:Language>
${ref('feature.mov')}
    </manifest:Audio>
    <manifest:Video VideoTrackID="${id('vidtrackid', 'video')}">
      <md:Type>primary</md:Type>
      <md:Picture/>
${ref('feature.mov')}
    </manifest:Video>
    <manifest:Subtitle SubtitleTrackID="${id('subtrackid', 'caption.en')}">
      <md:Type>SDH</md:Type>
      <md:Language>en</md:Language>
${ref('Feature_en.srt')}
    </manifest:Subtitle>
    <manifest:Subtitle SubtitleTrackID="${id('subtrackid', 'subtitle.es')}">
      <md:Type>normal</md:Type>
      <md:Language>es</md:Language>
${ref('Feature_es.ttml')}
    </manifest:Subtitle>
    <manifest:Image ImageID="${id('imageid', 'cover.en')}">
      <md:Width>1920</md:Width>
      <md:Height>1080</md:Height>
      <md:Encoding>png</md:Encoding>
      <md:Language>en</md:Language>
${ref('Feature_cover.png')}
    </manifest:Image>
    <manifest:Metadata ContentID="${CID}">
${ref('Feature_mec.xml', ' type="common"')}
    </manifest:Metadata>
  </manifest:Inventory>
  <manifest:Presentations>
    <manifest:Presentation PresentationID="${id('presentationid', 'presentation')}">
      <manifest:TrackMetadata>
        <manifest:TrackSelectionNumber>0</manifest:TrackSelectionNumber>
        <manifest:VideoTrackReference>
          <manifest:VideoTrackID>${id('vidtrackid', 'video')}</manifest:VideoTrackID>
        </manifest:VideoTrackReference>
        <manifest:AudioTrackReference>
          <manifest:AudioTrackID>${id('audtrackid', 'audio.en')}</manifest:AudioTrackID>
        </manifest:AudioTrackReference>
        <manifest:SubtitleTrackReference>
          <manifest:SubtitleTrackID>${id('subtrackid', 'caption.en')}</manifest:SubtitleTrackID>
        </manifest:SubtitleTrackReference>
        <manifest:SubtitleTrackReference>
          <manifest:SubtitleTrackID>${id('subtrackid', 'subtitle.es')}</manifest:SubtitleTrackID>
        </manifest:SubtitleTrackReference>
      </manifest:TrackMetadata>
    </manifest:Presentation>
  </manifest:Presentations>
  <manifest:PictureGroups>
    <manifest:PictureGroup PictureGroupID="${id('picturegroupid', 'art')}">
      <manifest:Picture>
        <manifest:PictureID>${id('pictureid', 'cover.en')}</manifest:PictureID>
        <manifest:ImageID>${id('imageid', 'cover.en')}</manifest:ImageID>
        <manifest:LanguageInImage>en</manifest:LanguageInImage>
      </manifest:Picture>
    </manifest:PictureGroup>
  </manifest:PictureGroups>
  <manifest:Experiences>
    <manifest:Experience ExperienceID="${id('experienceid', 'experience')}" version="1.0">
      <manifest:ContentID>${CID}</manifest:ContentID>
      <manifest:Audiovisual ContentID="${CID}">
        <manifest:Type>Main</manifest:Type>
        <manifest:SubType>Feature</manifest:SubType>
        <manifest:PresentationID>${id('presentationid', 'presentation')}</manifest:PresentationID>
      </manifest:Audiovisual>
      <manifest:PictureGroupID>${id('picturegroupid', 'art')}</manifest:PictureGroupID>
    </manifest:Experience>
  </manifest:Experiences>
  <manifest:ALIDExperienceMaps>
    <manifest:ALIDExperienceMap>
      <manifest:ALID>md:alid:eidr-s:${EIDR}</manifest:ALID>
      <manifest:ExperienceID>${id('experienceid', 'experience')}</manifest:ExperienceID>
    </manifest:ALIDExperienceMap>
  </manifest:ALIDExperienceMaps>
</manifest:MediaManifest>
`;
}

// Writes a package into its own folder and returns the paths to deliver: the manifest, then its
// files (the server and the pre-flight time captions against the first video in that order);
// with deliverEs false the manifest names the TTML but it is not delivered.
function makePackage(name, { video: v = {}, cover = '1920x1080', en = srt(), es = ttml(), deliverEs = true,
  wrongHash = {} } = {}) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const at = (n) => join(dir, n);
  video(at('feature.mov'), v);
  artwork(at('Feature_cover.png'), cover);
  writeFileSync(at('Feature_en.srt'), en);
  writeFileSync(at('Feature_es.ttml'), es);
  writeFileSync(at('Feature_mec.xml'), mec());
  const names = ['feature.mov', 'Feature_en.srt', 'Feature_es.ttml', 'Feature_cover.png', 'Feature_mec.xml'];
  const files = names.map((n) => ({ name: n, bytes: readFileSync(at(n)) }));
  writeFileSync(at('Feature_manifest.xml'), manifest(files, { wrongHash }));
  return ['Feature_manifest.xml', ...names].filter((n) => deliverEs || n !== 'Feature_es.ttml').map(at);
}

// ---- the server side ----

async function upload(path) {
  const bytes = readFileSync(path);
  const name = path.split('/').pop();
  const { path: url } = await create(w.s, p.token, bytes.length, { metadata: `filename ${b64(name)}` });
  const r = await patch(w.s, p.token, url, 0, bytes);
  assert.equal(r.status, 204, r.text);
  return url.split('/').pop();
}

async function settled(id) {
  for (let i = 0; i < 600; i++) {
    const r = await w.s.call('GET', `/api/v1/deliveries/${id}`, { token: p.token });
    assert.equal(r.status, 200, r.text);
    if (r.json.status !== 'validating') return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('validation did not finish');
}

// Uploads the files, delivers them against the request and waits for the result.
async function deliver(request, paths) {
  const ups = [];
  for (const path of paths) ups.push(await upload(path));
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: p.token,
    body: { partner: p.id, request: request.id, kind: 'asset_package', files: ups } });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.json.receipt.files.map((f) => [f.name, f.size, f.sha256]),
    paths.map((x) => { const b = readFileSync(x); return [x.split('/').pop(), b.length, hex('sha256', b)]; }),
    'the receipt lists every file with its size and sha256');
  return { receipt: r.json, result: await settled(r.json.id) };
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
  p = await invite(w, 'Package Studio');
  await sendAndJoin(w, p);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'no' });
  await provision(w, p, 'packages');
  await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: ['avails_review'] } });
  await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
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
