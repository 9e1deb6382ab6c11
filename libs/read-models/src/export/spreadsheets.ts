import writeXlsxFile from 'write-excel-file/node';
import type { Coverage, Figures } from '../organizing-coverage/coverage.queries.js';

/**
 * Reports go upward as spreadsheets: the coverage table and the enterprise
 * list as CSV (UTF-8 with a byte-order mark, so Excel shows the Chinese) or
 * XLSX, with bilingual column headers.
 */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
}

const FIGURE_HEADERS = ['在册企业数 Active', '单独建会 Independent', '工联会覆盖 Federation-covered', '已建会 Organized', '建会率 Rate'];
const figureCells = (f: Figures) => [f.active, f.independent, f.federationCovered, f.organized, f.rate === null ? null : Math.round(f.rate * 10000) / 10000];

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
    ],
  };
}

const STATUS_LABELS: Record<string, string> = {
  independent: '单独建会 independent',
  federationCovered: '工联会覆盖 federationCovered',
  unorganized: '未建会 unorganized',
};

export function enterpriseTable(items: ReadonlyArray<Record<string, unknown>>): Table {
  return {
    headers: [
      '统一社会信用代码 Credit code', '企业名称 Name', '所在区域 Area', '职工人数 Headcount', '企业规模 Size band',
      '新业态 New form', '建会状态 Status', '工会 Union', '工联会 Federation', '登记日期 Registered on',
    ],
    rows: items.map((e) => [
      e['creditCode'] as string, e['name'] as string, e['areaId'] as string, e['headcount'] as number, e['band'] as string,
      e['newForm'] ? '是 yes' : '否 no', STATUS_LABELS[e['status'] as string] ?? (e['status'] as string),
      (e['unionId'] as string | null) ?? null, (e['federationId'] as string | null) ?? null, e['registeredOn'] as string,
    ]),
  };
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

export function toCsv(table: Table): string {
  const lines = [table.headers, ...table.rows].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** XLSX: texts are written as text cells (a shared string, never a formula, whatever they begin with), numbers as numbers. */
export async function toXlsx(table: Table, sheet: string): Promise<Buffer> {
  const header = table.headers.map((h) => ({ type: String, value: h, fontWeight: 'bold' as const }));
  const cell = (v: string | number | boolean | null) =>
    v === null ? null : typeof v === 'number' ? { type: Number, value: v } : { type: String, value: typeof v === 'boolean' ? (v ? 'true' : 'false') : v };
  const rows = table.rows.map((row) => row.map(cell));
  return writeXlsxFile([header, ...rows] as never, { sheet, stickyRowsCount: 1 } as never).toBuffer();
}
