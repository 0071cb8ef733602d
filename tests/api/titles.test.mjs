// The title's life on a real server and a test clock (issue 15; SPEC 3, "Titles: the steady
// state"): a passed avails delivery makes titles and their windows; a redelivery updates them
// without a duplicate; a Full Delete ends windows; an asset package completes the assets, the
// title becomes ready and the service's 14-day publish clock starts (also among the partner's
// clocks); published ends it, on time or late; the same title delivered by the partner's
// posthouse stays one title; a partner sees only its own titles. The package's files are made
// as in package.test.mjs (a 3 s video with ffmpeg, captions, cover art, MEC, the manifest).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { world, at, invite, sendAndJoin, answerAndSubmit, provision, posthouse, clocks } from './journeys.mjs';
import { b64, create, patch } from './tus_helpers.mjs';

const hex = (alg, bytes) => createHash(alg).update(bytes).digest('hex');
let w, p, other, ph, tmp;

// ---- the package's files (as package.test.mjs) ----

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


// ---- the avails ----

// One Avail per title {alid, cid, name, entry?, tx: [{territory, lt, fp, start, end?}]}.
function avails(titles) {
  const tx = (t, i) => `    <avails:Transaction TransactionID="${t.territory}${i}">
      <avails:LicenseType>${t.lt || 'EST'}</avails:LicenseType>
      <avails:Territory>
        <md:country>${t.territory}</md:country>
      </avails:Territory>
      <avails:Start>${t.start}T00:00:00</avails:Start>
      ${t.end ? `<avails:End>${t.end}T23:59:59</avails:End>` : '<avails:EndCondition>Open</avails:EndCondition>'}
      <avails:AssetLanguage>en</avails:AssetLanguage>
      <avails:FormatProfile>${t.fp || 'HD'}</avails:FormatProfile>
      <avails:Term termName="SRP">
        <avails:Money currency="USD">9.99</avails:Money>
      </avails:Term>
    </avails:Transaction>`;
  const avail = (a) => `  <avails:Avail>
    <avails:ALID>${a.alid}</avails:ALID>
    <avails:Disposition>
      <avails:EntryType>${a.entry || 'Full Extract'}</avails:EntryType>
    </avails:Disposition>
    <avails:Licensor>
      <md:DisplayName>Title Studio</md:DisplayName>
    </avails:Licensor>
    <avails:AvailType>single</avails:AvailType>
    <avails:Asset contentID="${a.cid}">
      <avails:WorkType>Movie</avails:WorkType>
      <avails:Metadata>
        <avails:TitleDisplayUnlimited>${a.name}</avails:TitleDisplayUnlimited>
        <avails:TitleInternalAlias>${a.name}</avails:TitleInternalAlias>
        <avails:ReleaseDate>2026</avails:ReleaseDate>
        <avails:RunLength>PT0H0M3S</avails:RunLength>
      </avails:Metadata>
    </avails:Asset>
${a.tx.map(tx).join('\n')}
  </avails:Avail>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<avails:AvailList xmlns:avails="http://www.movielabs.com/schema/avails/v2.4/avails"
  xmlns:md="http://www.movielabs.com/schema/md/v2.7/md">
${titles.map(avail).join('\n')}
</avails:AvailList>
`;
}

// ---- the server side ----

async function upload(who, forP, name, bytes) {
  const meta = who === forP ? `filename ${b64(name)}` : `filename ${b64(name)},partner ${b64(String(forP.id))}`;
  const { path: url } = await create(w.s, who.token, bytes.length, { metadata: meta });
  const r = await patch(w.s, who.token, url, 0, bytes);
  assert.equal(r.status, 204, r.text);
  return url.split('/').pop();
}

async function settled(who, id) {
  for (let i = 0; i < 600; i++) {
    const r = await w.s.call('GET', `/api/v1/deliveries/${id}`, { token: who.token });
    assert.equal(r.status, 200, r.text);
    if (r.json.status !== 'validating') return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('validation did not finish');
}

// Delivers files [{name, bytes}] for partner `forP` as `who` and waits for the result.
async function deliver(who, forP, kind, files) {
  const ups = [];
  for (const f of files) ups.push(await upload(who, forP, f.name, f.bytes));
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: who.token, body: { partner: forP.id, kind, files: ups } });
  assert.equal(r.status, 202, r.text);
  const res = await settled(who, r.json.id);
  return res;
}

const deliverAvails = async (who, forP, name, titles) => {
  const res = await deliver(who, forP, 'avails', [{ name, bytes: Buffer.from(avails(titles)) }]);
  assert.equal(res.status, 'passed', JSON.stringify(res.findings, null, 1));
  return res;
};

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
  p = await invite(w, 'Title Studio');
  await sendAndJoin(w, p);
  await answerAndSubmit(w, p, { delivery_method: 'self', already_onboarded: 'yes' });
  await provision(w, p, 'titlestudio');
  await w.s.call('PUT', `/api/v1/partners/${p.id}/training/plan`, { token: w.tok.pim, body: { modules: [] } });
  const c = await w.s.call('POST', `/api/v1/partners/${p.id}/setup/confirm`, { token: w.tok.pim });
  assert.equal(c.json.stage, 'steady_state', c.text);
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
