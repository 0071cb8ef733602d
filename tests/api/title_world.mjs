// A title's world on a real server (issue 15; SPEC 3): the MDDF files that make titles and
// complete them — avails (one Avail per title) and an asset package (package_files.mjs) — and
// the deliveries that carry them. Shared by titles.test.mjs and scorecard.test.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { b64 } from './tus_helpers.mjs';
import { upload, settled } from './journeys.mjs';

// the asset package that completes a title
export { EIDR, CID, makePackage } from './package_files.mjs';

// ---- the avails ----

// One Avail per title {alid, cid, name, entry?, tx: [{territory, lt, fp, start, end?}]}.
export function avails(titles) {
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

// Delivers files [{name, bytes}] for partner `forP` as `who` on w's server and waits for the result.
export async function deliver(w, who, forP, kind, files) {
  const ups = [];
  const meta = who === forP ? '' : `,partner ${b64(String(forP.id))}`;
  for (const f of files) ups.push(await upload(w, who.token, f.name, f.bytes, meta));
  const r = await w.s.call('POST', '/api/v1/deliveries', { token: who.token, body: { partner: forP.id, kind, files: ups } });
  assert.equal(r.status, 202, r.text);
  return settled(w, r.json.id, who.token);
}

export const deliverAvails = async (w, who, forP, name, titles) => {
  const res = await deliver(w, who, forP, 'avails', [{ name, bytes: Buffer.from(avails(titles)) }]);
  assert.equal(res.status, 'passed', JSON.stringify(res.findings, null, 1));
  return res;
};

// The files of makePackage(tmp, name, ...) as deliver() takes them.
export const packageFiles = (paths) => paths.map((x) => ({ name: x.split('/').pop(), bytes: readFileSync(x) }));
