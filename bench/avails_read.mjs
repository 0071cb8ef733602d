// Reads an .xlsx with exceljs's streaming reader, touching every cell, and prints the rows read
// and the seconds it took: the reference vodgate's avails check is compared with.
import ExcelJS from 'exceljs';

const t0 = process.hrtime.bigint();
let rows = 0, cells = 0;
const reader = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2], {
  sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit',
});
for await (const ws of reader) {
  for await (const row of ws) {
    rows++;
    row.eachCell(() => { cells++; });
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ rows, cells, seconds: secs }));
