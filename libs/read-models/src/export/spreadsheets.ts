import { strToU8, Zip, ZipDeflate } from 'fflate';
import type { Coverage, EnterpriseListItem, Figures } from '../organizing-coverage/coverage.queries.js';

/**
 * Reports go upward as spreadsheets: the coverage table and the enterprise
 * list as CSV (UTF-8 with a byte-order mark, so Excel shows the Chinese) or
 * XLSX, with bilingual column headers. A file is written as a stream of
 * chunks from batches of rows, so a district's whole enterprise list never
 * sits in memory (docs/benchmarks.md measures it).
 */
export type Cell = string | number | boolean | null;
export type Row = readonly Cell[];

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly Row[];
}

const FIGURE_HEADERS = ['在册企业数 Active', '单独建会 Independent', '工联会覆盖 Federation-covered', '已建会 Organized', '建会率 Rate'];
/** A rate as the table shows it: four decimals. */
const rateCell = (rate: number | null) => (rate === null ? null : Math.round(rate * 10000) / 10000);
const figureCells = (f: Figures) => [f.active, f.independent, f.federationCovered, f.organized, rateCell(f.rate)];

/**
 * The coverage table: a row per band and for new-form enterprises; then
 * rows of one figure each, in the first figure column — the memberships,
 * the staff of the active enterprises and the membership rate (入会率:
 * memberships held and not retained ÷ staff, empty when there is no staff).
 */
export function coverageTable(c: Coverage): Table {
  return {
    headers: ['区域 Area', '截至 As of', '企业规模 Size band', ...FIGURE_HEADERS],
    rows: [
      [c.areaId, c.asOf, '百人以上 100+', ...figureCells(c.bands['100+'])],
      [c.areaId, c.asOf, '25至99人 25-99', ...figureCells(c.bands['25-99'])],
      [c.areaId, c.asOf, '25人以下 <25', ...figureCells(c.bands['<25'])],
      [c.areaId, c.asOf, '新业态企业 New-form', ...figureCells(c.newForm)],
      [c.areaId, c.asOf, '会员 Members', c.members.total, null, null, null, null],
      [c.areaId, c.asOf, '新就业形态会员 New-form members', c.members.newForm, null, null, null, null],
      [c.areaId, c.asOf, '职工人数 Staff', c.staff, null, null, null, null],
      [c.areaId, c.asOf, '入会率 Membership rate', rateCell(c.members.rate), null, null, null, null],
    ],
  };
}

const STATUS_LABELS: Record<string, string> = {
  independent: '单独建会 independent',
  federationCovered: '工联会覆盖 federationCovered',
  unorganized: '未建会 unorganized',
};

export const ENTERPRISE_HEADERS = [
  '统一社会信用代码 Credit code', '企业名称 Name', '所在区域 Area', '职工人数 Headcount', '企业规模 Size band',
  '新业态 New form', '建会状态 Status', '工会 Union', '工联会 Federation', '登记日期 Registered on',
  '三到位进度 Outreach step', '到达日期 Step reached on',
];

const STEP_LABELS: Record<string, string> = {
  none: '未走访 not visited',
  visited: '走访到位 visited',
  policyExplained: '宣传到位 policy explained',
  measuresDrawnUp: '措施到位 measures drawn up',
};

export function enterpriseRow(e: EnterpriseListItem): Row {
  return [
    e.creditCode, e.name, e.areaId, e.headcount, e.band, e.newForm ? '是 yes' : '否 no', STATUS_LABELS[e.status] ?? e.status,
    e.unionId ?? null, e.federationId ?? null, e.registeredOn, STEP_LABELS[e.outreachStep] ?? e.outreachStep, e.outreachSince,
  ];
}

/**
 * A text that a spreadsheet would read as a formula (OWASP's CSV injection
 * rule: it begins with =, +, -, @, a tab or a carriage return): an
 * enterprise named `=HYPERLINK(…)` must not run when a cadre opens the report.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell: a text that could start a formula gets an apostrophe in front (shown as text), and is quoted. */
function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text !== value || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_LINE = '\r\n';
const csvLine = (row: Row) => row.map(csvCell).join(',') + CSV_LINE;

/** A CSV file, chunk by chunk: a byte-order mark and the headers, then a chunk per batch of rows. */
export async function* csvChunks(headers: readonly string[], batches: AsyncIterable<readonly Row[]>): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(headers)}`;
  for await (const rows of batches) yield rows.map(csvLine).join('');
}

/** Characters XML 1.0 cannot hold (the input rules refuse them already; a file must open even so). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const xmlText = (text: string) => text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A1-style column letters. */
function column(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * An XLSX cell: a text is an inline string (`t="inlineStr"`), never a
 * formula, whatever it begins with; a number is a number; a boolean is
 * written as the text true/false; null is no cell.
 */
function xlsxCell(value: Cell, ref: string, style = ''): string {
  if (value === null) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"${style}><v>${value}</v></c>`;
  const text = typeof value === 'string' ? value : String(value);
  return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${xmlText(text)}</t></is></c>`;
}

function xlsxRow(row: Row, index: number, style = ''): string {
  return `<row r="${index}">${row.map((v, i) => xlsxCell(v, `${column(i)}${index}`, style)).join('')}</row>`;
}

/** Rows written to the zip at a time. */
const XML_SLICE = 1_000;

/** The rows one sheet can hold, the header included (Excel's limit). */
export const XLSX_MAX_ROWS = 1_048_576;

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** The fixed parts of a one-sheet workbook: content types, relationships, the workbook, a style with a bold font for the headers. */
function xlsxParts(sheet: string): Record<string, string> {
  return {
    '[Content_Types].xml': `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    '_rels/.rels': `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${XML}<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="${xmlText(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    'xl/styles.xml':
      `${XML}<styleSheet xmlns="${NS}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
  };
}

/**
 * An XLSX file, chunk by chunk (zip compression by fflate): the workbook's
 * fixed parts, then the sheet — the headers in bold and frozen on top, then
 * a chunk per batch of rows. Refuses to write past a sheet's last row.
 */
export async function* xlsxChunks(headers: readonly string[], batches: AsyncIterable<readonly Row[]>, sheet: string): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else out.push(chunk);
  });
  const flush = function* () {
    if (failure) throw failure;
    yield* out.splice(0);
  };
  for (const [name, text] of Object.entries(xlsxParts(sheet))) {
    const part = new ZipDeflate(name, { level: 6 });
    zip.add(part);
    part.push(strToU8(text), true);
  }
  const body = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
  zip.add(body);
  body.push(strToU8(
    `${XML}<worksheet xmlns="${NS}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>${xlsxRow(headers, 1, ' s="1"')}`,
  ));
  yield* flush();
  let index = 1;
  for await (const rows of batches) {
    if (index + rows.length > XLSX_MAX_ROWS) throw new Error(`a sheet holds at most ${XLSX_MAX_ROWS} rows`);
    // A thousand rows of XML at a time: a batch's whole sheet text, encoded and compressed at once, would take several times its size.
    for (let i = 0; i < rows.length; i += XML_SLICE) {
      body.push(strToU8(rows.slice(i, i + XML_SLICE).map((row) => xlsxRow(row, ++index)).join('')));
      yield* flush();
    }
  }
  body.push(strToU8('</sheetData></worksheet>'), true);
  zip.end();
  yield* flush();
}

/** Rows already in memory, as the one batch a chunk writer takes. */
export async function* oneBatch(rows: readonly Row[]): AsyncGenerator<readonly Row[]> {
  yield rows;
}
