// Writes an EMA Avails 1.7.2 spreadsheet (Movies template layout: category row, column names,
// //REQ hints, then ROWS avails) with exceljs's streaming writer and shared strings, as Excel
// would. Every row is valid and no two windows of one scope overlap, so vodgate's whole rule
// set runs and reports nothing. Usage: node bench/avails_gen.mjs OUT.xlsx [ROWS]
import ExcelJS from 'exceljs';

const out = process.argv[2];
const rows = Number(process.argv[3] || 100000);
const cols = [
  ['Avail', 'DisplayName'], ['AvailTrans', 'AssetLanguage'], ['AvailTrans', 'Territory'],
  ['AvailAsset', 'WorkType'], ['Disposition', 'EntryType'], ['AvailMetadata', 'TitleInternalAlias'],
  ['AvailMetadata', 'TitleDisplayUnlimited'], ['AvailMetadata', 'LocalizationType'],
  ['AvailMetadata', 'CompanyDisplayCredit'], ['AvailTrans', 'LicenseType'],
  ['AvailTrans', 'LicenseRightsDescription'], ['AvailTrans', 'FormatProfile'], ['AvailTrans', 'HDR'],
  ['AvailTrans', 'WCG'], ['AvailTrans', 'HFR'], ['AvailTrans', 'NGAudio'], ['AvailTrans', 'Start'],
  ['AvailTrans', 'End'], ['AvailTrans', 'PriceType'], ['AvailTrans', 'PriceValue'],
  ['AvailTrans', 'PriceCurrency'], ['AvailTrans', 'SRP'], ['AvailTrans', 'Description'],
  ['AvailTrans', 'OtherTerms'], ['AvailTrans', 'OtherInstructions'], ['AvailAsset', 'TitleID'],
  ['AvailAsset', 'EditID'], ['AvailAsset', 'AltID'], ['AvailAsset', 'ContentID'], ['Avail', 'AvailID'],
  ['Avail', 'UV_ID'], ['Avail', 'DMA_ID'], ['Avail', 'ReportingID'], ['AvailAsset', 'Metadata'],
  ['Avail', 'ALID'], ['AvailTrans', 'SuppressionLiftDate'], ['AvailTrans', 'SpecialPreOrderFulfillDate'],
  ['AvailTrans', 'AnnounceDate'], ['AvailMetadata', 'ReleaseYear'],
  ['AvailMetadata', 'ReleaseHistoryOriginal'], ['AvailMetadata', 'ReleaseHistoryPhysicalHV'],
  ['Avail', 'ExceptionFlag'], ['AvailMetadata', 'RatingSystem'], ['AvailMetadata', 'RatingValue'],
  ['AvailMetadata', 'RatingReason'], ['AvailTrans', 'RentalDuration'], ['AvailTrans', 'WatchDuration'],
  ['AvailMetadata', 'CaptionIncluded'], ['AvailMetadata', 'CaptionExemption'], ['AvailMetadata', 'Any'],
  ['AvailTrans', 'ContractID'], ['Avail', 'ServiceProvider'], ['AvailMetadata', 'TotalRunTime'],
  ['AvailTrans', 'HoldbackLanguage'], ['AvailTrans', 'AllowedLanguages'], ['Avail', 'BundledALIDs'],
  ['AvailMetadata', 'RetailerID1'], ['AvailMetadata', 'RetailerID2'], ['AvailMetadata', 'RetailerID3'],
  ['Avail', 'RetailerSpare1'], ['Avail', 'RetailerSpare2'], ['Avail', 'RetailerSpare3'],
];
const required = new Set(['DisplayName', 'Territory', 'WorkType', 'EntryType', 'TitleInternalAlias',
  'LicenseType', 'FormatProfile', 'Start', 'End', 'PriceType', 'PriceValue', 'ContentID', 'ALID']);
const territories = ['US', 'CA', 'GB', 'FR', 'DE', 'ES', 'IT', 'JP', 'AU', 'BR', 'MX', 'NL'];
const currency = { US: 'USD', CA: 'CAD', GB: 'GBP', FR: 'EUR', DE: 'EUR', ES: 'EUR', IT: 'EUR',
  JP: 'JPY', AU: 'AUD', BR: 'BRL', MX: 'MXN', NL: 'EUR' };
const hex = (n, w) => n.toString(16).toUpperCase().padStart(w, '0');
const eidr = (n) => `10.5240/${hex(n >> 16 & 0xffff, 4)}-${hex(n & 0xffff, 4)}-1A2B-3C4D-5E6F-${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 36]}`;

const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useSharedStrings: true, useStyles: false });
const ws = wb.addWorksheet('Movies');
ws.addRow(cols.map((c) => c[0])).commit();
ws.addRow(cols.map((c) => c[1])).commit();
ws.addRow(cols.map((c) => (required.has(c[1]) ? '//REQ' : '//Opt'))).commit();
for (let i = 0; i < rows; i++) {
  // four offers per title and territory: HD and SD, EST and VOD; a title per 4 rows
  const title = i >> 2, hd = (i & 1) === 0, est = (i & 2) === 0;
  const terr = territories[title % territories.length];
  const alid = `md:alid:org:bench.example:t${title}`;
  const start = new Date(Date.UTC(2026, (title % 12), 1 + (title % 28)));
  const v = {
    DisplayName: 'Bench Pictures', AssetLanguage: 'en', Territory: terr, WorkType: 'Movie',
    EntryType: 'Full Extract', TitleInternalAlias: `Title ${title}, The`,
    TitleDisplayUnlimited: `The Title ${title}`, LocalizationType: 'sub',
    CompanyDisplayCredit: 'Bench Pictures Distribution', LicenseType: est ? 'EST' : 'VOD',
    LicenseRightsDescription: est ? 'New Release' : 'Library', FormatProfile: hd ? 'HD' : 'SD',
    Start: start, End: est ? 'Open' : new Date(start.getTime() + 180 * 86400000),
    PriceType: est ? 'WSP' : 'Tier', PriceValue: est ? (hd ? 9.99 : 7.99) : (hd ? 3 : 2),
    PriceCurrency: currency[terr], SRP: est ? (hd ? 14.99 : 12.99) : null,
    Description: 'Theatrical release with strong box office', TitleID: eidr(title),
    EditID: eidr(title + 7), AltID: `BENCH_${title}`, ContentID: eidr(title + 3),
    AvailID: `av-${i}`, ReportingID: `rep-${title}`, ALID: alid, ReleaseYear: 2000 + (title % 26),
    ReleaseHistoryOriginal: new Date(Date.UTC(2000 + (title % 26), 4, 1)), ExceptionFlag: 'No',
    RatingSystem: 'MPAA', RatingValue: 'PG-13', RentalDuration: est ? null : 720,
    WatchDuration: est ? null : 48, CaptionIncluded: 'Yes', ContractID: `C-${title % 1000}`,
    TotalRunTime: '01:56:20', AllowedLanguages: 'en, es-419', RetailerID1: `R${i}`,
  };
  ws.addRow(cols.map((c) => (v[c[1]] ?? null))).commit();
}
ws.commit();
await wb.commit();
