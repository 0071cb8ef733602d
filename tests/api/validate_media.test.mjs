// The technical asset review through the offline pre-flight (`vodgate validate
// --json`, the engine the server runs): media fixtures made here with Debian's
// ffmpeg (tiny: a few seconds, small frames), caption and artwork fixtures,
// and MovieLabs metadata. Each wrong file must fail with the finding that names
// its defect, its place (stream and timecode, line, element path) and a fix;
// each right file must pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './server.mjs';

const MDDF = '../shared/mddf';
let dir;

function ffmpeg(...args) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

// Runs `vodgate validate --json ARGS...`; returns { status, files: { [file]: {...} } }.
function validate(...args) {
  const r = spawnSync(BIN, ['validate', '--json', ...args], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  assert.match(doc.ruleset, /^\d{4}\./);
  const files = {};
  for (const f of doc.files) files[f.file.split('/').pop()] = f;
  return { status: r.status, files };
}

function codes(f) {
  return f.findings.map((x) => x.code);
}

// The finding with code (asserting it is there), checked to be evidence.
function finding(f, code) {
  const x = f.findings.find((y) => y.code === code);
  assert.ok(x, `${f.file}: no ${code} in ${JSON.stringify(codes(f))}`);
  for (const k of ['severity', 'message', 'clause', 'fix']) assert.ok(x[k], `${code} lacks ${k}`);
  return x;
}

const V = (size, rate, secs) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${secs}`];
const A = (secs) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${secs}`];
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vg-media-'));
  const at = (n) => join(dir, n);
  ffmpeg(...V('160x90', 25, 2), ...A(2), '-ac', '2', ...H264, '-c:a', 'pcm_s24le', at('right_25fps.mov'));
  ffmpeg(...V('160x90', 15, 2), ...A(2), '-ac', '2', ...H264, '-c:a', 'aac', at('wrong_15fps.mp4'));
  // every fifth frame dropped, timestamps kept: frames 40 ms and 80 ms apart
  ffmpeg(...V('160x90', 25, 2), '-vf', "select='not(eq(mod(n\\,5)\\,0))'", '-fps_mode', 'vfr', ...H264, at('vfr.mp4'));
  // seven channels in a track labelled 5.1
  ffmpeg(...V('160x90', 25, 2), ...A(2), '-filter_complex',
    '[1:a]pan=6.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0[a]', '-map', '0:v', '-map', '[a]', ...H264,
    '-c:a', 'pcm_s24le', '-metadata:s:a:0', 'handler_name=English 5.1', at('seven_as_51.mov'));
  ffmpeg(...V('160x90', 25, 4), ...A(1), '-ac', '2', ...H264, '-c:a', 'pcm_s24le', at('short_audio.mov'));
  ffmpeg(...V('720x576', 25, 1), '-vf', 'setfield=tff', '-flags', '+ildct+ilme', '-c:v', 'mpeg2video',
    '-b:v', '2M', '-field_order', 'tt', '-aspect', '4:3', at('interlaced.mov'));
  // a 4:3 picture framed in a 16:9 frame with black bars
  ffmpeg(...V('120x90', 25, 2), '-vf', 'pad=160:90:20:0:black', ...H264, at('pillarbox.mp4'));

  writeFileSync(at('right.srt'), '1\r\n00:00:00,500 --> 00:00:01,500\r\n<i>Hello</i>\r\n\r\n2\r\n00:00:01,600 --> 00:00:01,900\r\n\u266a music \u266a\r\n');
  writeFileSync(at('wrong.srt'), '1\n00:00:00,500 --> 00:00:01,000\n<i>unclosed\n\n00:00:01,000 --> 00:00:01,500\nno counter\n\n3\n00:00:01,500 --> 00:00:09,000\npast the end\n');
  writeFileSync(at('latin1.srt'), Buffer.from('1\n00:00:00,500 --> 00:00:01,000\ncaf\xe9\n', 'latin1'));
  writeFileSync(at('right.scc'), 'Scenarist_SCC V1.0\n\n00:00:00:10\t9420 9420 94ae 94ae 9452 9452 c8e9 942f 942f\n\n00:00:01:20\t942c 942c\n');
  writeFileSync(at('wrong.scc'), 'Scenarist_SCC V1.0\n\n00:00:00:45\t9420 9420\n\n00:00:00:10\t94zz\n');
  writeFileSync(at('right.ttml'), '<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en">\n<body><div>\n<p begin="00:00:00.500" end="00:00:01.500">Hello</p>\n</div></body>\n</tt>\n');
  writeFileSync(at('wrong.ttml'), '<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en">\n<body><div>\n<p begin="00:00:01.500" end="00:00:00.500">Backwards</p>\n<p begin="soon" end="1s">Words</p>\n</div></body>\n</tt>\n');

  const img = (size, fmt, name) => ffmpeg('-f', 'lavfi', '-i', `testsrc2=size=${size}`, '-frames:v', '1', '-pix_fmt', fmt, at(name));
  img('1920x1080', 'yuvj420p', 'Show_cover.jpg');
  img('1920x1080', 'yuvj420p', 'Show_boxart.jpg'); // 16:9 where box art is 3:4
  img('1000x1500', 'yuvj420p', 'Show_poster.jpg'); // 2:3 but below 2000x3000
  img('1100x660', 'rgb24', 'Show_title.png'); // title art without transparency
  img('1100x660', 'rgba', 'Show_title_alpha.png');
  img('2000x3000', 'gray', 'Show_poster_grey.png');
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('a right video passes: 25 fps, constant, progressive, 16:9, stereo 48 kHz', () => {
  const r = validate(join(dir, 'right_25fps.mov'));
  assert.equal(r.status, 0);
  const f = r.files['right_25fps.mov'];
  assert.equal(f.kind, 'media');
  assert.equal(f.status, 'passed', JSON.stringify(f.findings));
  assert.equal(f.findings.length, 0);
});

test('a wrong frame rate is named with the accepted ones', () => {
  const r = validate(join(dir, 'wrong_15fps.mp4'));
  assert.equal(r.status, 1);
  const x = finding(r.files['wrong_15fps.mp4'], 'video.frame_rate.unsupported');
  assert.equal(x.severity, 'error');
  assert.match(x.observed, /^15\.000 fps/);
  assert.match(x.expected, /23\.976.*25.*29\.97/);
  assert.equal(x.location.stream, 0);
});

test('a variable frame rate is measured from the timestamps, with where it starts', () => {
  const f = validate(join(dir, 'vfr.mp4')).files['vfr.mp4'];
  const x = finding(f, 'video.frame_rate.variable');
  assert.equal(x.severity, 'error');
  assert.match(x.observed, /40\.0 ms to 80\.0 ms/);
  assert.match(x.location.timecode, /^00:00:0\d\.\d{3}$/);
});

test('seven channels labelled 5.1 fail twice: the label and the layout', () => {
  const f = validate(join(dir, 'seven_as_51.mov')).files['seven_as_51.mov'];
  const x = finding(f, 'audio.layout.mismatch');
  assert.equal(x.severity, 'error');
  assert.match(x.observed, /^7 channels/);
  assert.match(x.expected, /6 channels for 5\.1/);
  assert.equal(x.location.stream, 1);
  finding(f, 'audio.layout.unsupported');
});

test('audio more than 2.0 s shorter than the video', () => {
  const f = validate(join(dir, 'short_audio.mov')).files['short_audio.mov'];
  const x = finding(f, 'media.duration.mismatch');
  assert.equal(x.severity, 'error');
  assert.match(x.observed, /audio 00:00:01\.0\d\d, video 00:00:04\.000/);
  assert.match(x.location.timecode, /^00:00:01\.0/);
});

test('interlaced video: its field order is stated; a progressive-only profile refuses it', () => {
  let f = validate(join(dir, 'interlaced.mov')).files['interlaced.mov'];
  let x = finding(f, 'video.scan.interlaced');
  assert.equal(x.severity, 'warning');
  assert.match(x.observed, /top field first/);
  assert.equal(f.status, 'passed');
  const profile = join(dir, 'progressive_only.json');
  writeFileSync(profile, JSON.stringify({ media: { scan_types: ['progressive'] } }));
  f = validate('--profile', profile, join(dir, 'interlaced.mov')).files['interlaced.mov'];
  x = finding(f, 'video.scan.unsupported');
  assert.equal(x.severity, 'error');
});

test('a 4:3 picture in a 16:9 frame is found between its black bars', () => {
  const f = validate(join(dir, 'pillarbox.mp4')).files['pillarbox.mp4'];
  const x = finding(f, 'video.pillarbox');
  assert.equal(x.severity, 'error');
  assert.match(x.observed, /\(4:3\) picture 120 pixels wide between black bars of 20 and 20 pixels/);
  assert.match(x.fix, /crop/);
});

test('a bad delivery profile is a usage error that says where', () => {
  const bad = join(dir, 'bad_profile.json');
  writeFileSync(bad, '{"media": {"frame_rates": "25"}}');
  const r = spawnSync(BIN, ['validate', '--profile', bad, join(dir, 'right_25fps.mov')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /media\.frame_rates must be a list/);
});

test('captions: right files pass; wrong ones fail on their lines', () => {
  const r = validate(join(dir, 'right_25fps.mov'), join(dir, 'right.srt'), join(dir, 'right.scc'), join(dir, 'right.ttml'),
    join(dir, 'wrong.srt'), join(dir, 'latin1.srt'), join(dir, 'wrong.scc'), join(dir, 'wrong.ttml'));
  for (const n of ['right.srt', 'right.scc', 'right.ttml']) {
    assert.equal(r.files[n].kind, 'captions');
    assert.equal(r.files[n].status, 'passed', `${n}: ${JSON.stringify(r.files[n].findings)}`);
  }
  const srt = r.files['wrong.srt'];
  assert.equal(finding(srt, 'srt.tags.unbalanced').location.line, 3);
  assert.equal(finding(srt, 'srt.counter.missing').location.line, 5);
  // the video given with it lasts 2 s: a cue ending at 9 s is past its end
  const late = finding(srt, 'caption.cue.after_end');
  assert.equal(late.location.line, 9);
  assert.match(late.expected, /00:00:02\.000/);
  assert.equal(finding(r.files['latin1.srt'], 'caption.encoding.invalid').location.line, 3);
  const scc = r.files['wrong.scc'];
  assert.equal(finding(scc, 'scc.timecode.invalid').location.line, 3);
  assert.equal(finding(scc, 'scc.data.invalid').location.line, 5);
  const ttml = r.files['wrong.ttml'];
  assert.equal(finding(ttml, 'caption.cue.order').location.line, 4);
  assert.equal(finding(ttml, 'ttml.time.invalid').location.line, 5);
});

test('artwork: format, size and aspect per purpose', () => {
  const r = validate(...['Show_cover.jpg', 'Show_boxart.jpg', 'Show_poster.jpg', 'Show_title.png',
    'Show_title_alpha.png', 'Show_poster_grey.png'].map((n) => join(dir, n)));
  assert.equal(r.files['Show_cover.jpg'].status, 'passed', JSON.stringify(r.files['Show_cover.jpg'].findings));
  assert.equal(r.files['Show_title_alpha.png'].status, 'passed');
  const box = finding(r.files['Show_boxart.jpg'], 'artwork.aspect.mismatch');
  assert.match(box.observed, /1920x1080/);
  assert.match(box.expected, /^3:4/);
  assert.match(finding(r.files['Show_poster.jpg'], 'artwork.dimensions.too_small').expected, /2000x3000/);
  finding(r.files['Show_title.png'], 'artwork.alpha.missing');
  finding(r.files['Show_poster_grey.png'], 'artwork.color.not_rgb');
});

test('MovieLabs metadata through the pre-flight: lines, paths, ratings', () => {
  const r = validate('--ratings', `${MDDF}/ratings/CMR_Ratings_v2.5.1.xml`,
    `${MDDF}/samples/manifest/MMM_v1.6_errors.xml`, `${MDDF}/samples/manifest/MMM_v1.6_base.xml`,
    `${MDDF}/samples/mec/MEC_v2.12/MEC_v2.12_errors.xml`);
  assert.equal(r.status, 1);
  assert.equal(r.files['MMM_v1.6_base.xml'].status, 'passed');
  const m = r.files['MMM_v1.6_errors.xml'];
  assert.equal(m.kind, 'manifest');
  const x = finding(m, 'md.id.unresolved');
  assert.equal(x.location.line, 161);
  assert.match(x.location.path, /\/MediaManifest\/Presentations\/Presentation\/TrackMetadata\/VideoTrackReference\/VideoTrackID/);
  assert.equal(finding(m, 'md.country.invalid').observed, 'JJ');
  assert.equal(finding(r.files['MEC_v2.12_errors.xml'], 'md.rating.value_unknown').location.line, 31);
});
