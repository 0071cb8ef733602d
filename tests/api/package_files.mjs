// An MDDF asset package written to disk (SPEC 3): a 3 s video made with Debian's ffmpeg (160x90,
// stereo 48 kHz), captions (SRT and TTML), cover art (a PNG at the cover's 1920x1080), its MEC
// metadata and the MMC manifest naming each file with its Length and SHA-256. Each part can be
// made wrong on purpose. Shared by package.test.mjs and title_world.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const hex = (alg, bytes) => createHash(alg).update(bytes).digest('hex');
export function ffmpeg(...args) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

// H.264 picture with 24-bit PCM stereo; audioSecs < secs makes the audio end early.
export function video(path, { secs = 3, audioSecs = secs } = {}) {
  ffmpeg('-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=25:duration=${secs}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${audioSecs}`,
    '-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s24le', path);
}

export function artwork(path, size) {
  ffmpeg('-f', 'lavfi', '-i', `color=c=0x2050a0:s=${size}`, '-frames:v', '1', '-pix_fmt', 'rgb24', path);
}

// Two cues; the second ends at lastEnd (line 6 is its timing line).
export const srt = (lastEnd = '00:00:02,500') =>
  `1\r\n00:00:00,500 --> 00:00:01,500\r\nHello.\r\n\r\n2\r\n00:00:01,600 --> ${lastEnd}\r\nGoodbye.\r\n`;
// One cue, on line 4.
export const ttml = (begin = '00:00:00.500', end = '00:00:01.500') =>
  '<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="es">\n<body><div>\n' +
  `<p begin="${begin}" end="${end}">Hola.</p>\n</div></body>\n</tt>\n`;

export const EIDR = '7791-8534-2C23-9030-8610-5';
export const CID = `md:cid:eidr-s:${EIDR}`;
export const id = (type, what) => `md:${type}:org:vodgate.example:feature.${what}`;

export const mec = () => `<?xml version="1.0" encoding="UTF-8"?>
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
export function manifest(files, { wrongHash = {} } = {}) {
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

// Writes a package into its own folder under tmp and returns the paths to deliver: the manifest, then its
// files (the server and the pre-flight time captions against the first video in that order);
// with deliverEs false the manifest names the TTML but it is not delivered.
export function makePackage(tmp, name, { video: v = {}, cover = '1920x1080', en = srt(), es = ttml(), deliverEs = true,
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
