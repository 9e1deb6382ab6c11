import { strFromU8, unzipSync } from 'fflate';
import { coverageTable, csvChunks, xlsxChunks, type Coverage, type Row } from '../src/index.js';

/** Rows in batches, as an export reads them from the database. */
async function* batches(...list: Row[][]): AsyncGenerator<Row[]> {
  for (const rows of list) yield rows;
}

async function collect(chunks: AsyncIterable<string | Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** The cells of the sheet, row by row, as a spreadsheet reads them: [reference, type, text]. */
function cellsOf(xlsx: Buffer): Array<Array<[string, string, string]>> {
  const sheet = strFromU8(unzipSync(new Uint8Array(xlsx))['xl/worksheets/sheet1.xml']!);
  const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...sheet.matchAll(/<row r="\d+">([\s\S]*?)<\/row>/g)].map(([, row]) =>
    [...row!.matchAll(/<c r="([A-Z]+\d+)"(?: s="\d+")?(?: t="(\w+)")?>(?:<v>([^<]*)<\/v>|<is><t xml:space="preserve">([^<]*)<\/t><\/is>)<\/c>/g)].map(
      ([, ref, type, value, text]) => [ref!, type ?? 'n', unescape(value ?? text ?? '')],
    ),
  );
}

describe('spreadsheets written as streams', () => {
  const headers = ['名称 Name', '人数 Headcount'];
  const rows: Row[][] = [
    [['=1+1', 12], ['@SUM(A1)', 0]],
    [],
    [['<b>&"x"</b>', -3.5], ['+cmd|calc', null], ['line\nbreak\ttab', 7]],
  ];

  it('writes every batch into one CSV, formulas neutralised, with a byte-order mark', async () => {
    const csv = (await collect(csvChunks(headers, batches(...rows)))).toString('utf8');
    expect(csv).toBe(
      '\uFEFF名称 Name,人数 Headcount\r\n' +
        `"'=1+1",12\r\n"'@SUM(A1)",0\r\n"<b>&""x""</b>",-3.5\r\n"'+cmd|calc",\r\n"line\nbreak\ttab",7\r\n`,
    );
  });

  it('writes every batch into one XLSX sheet: texts as inline strings (never formulas), numbers as numbers, bold frozen headers', async () => {
    const xlsx = await collect(xlsxChunks(headers, batches(...rows), 'enterprises'));
    const files = unzipSync(new Uint8Array(xlsx));
    expect(Object.keys(files).sort()).toEqual(
      ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'].sort(),
    );
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml']!);
    expect(sheet).not.toMatch(/<f[ >]/);
    expect(sheet).toContain('state="frozen"');
    expect(strFromU8(files['xl/workbook.xml']!)).toContain('<sheet name="enterprises"');
    expect(cellsOf(xlsx)).toEqual([
      [['A1', 'inlineStr', '名称 Name'], ['B1', 'inlineStr', '人数 Headcount']],
      [['A2', 'inlineStr', '=1+1'], ['B2', 'n', '12']],
      [['A3', 'inlineStr', '@SUM(A1)'], ['B3', 'n', '0']],
      [['A4', 'inlineStr', '<b>&"x"</b>'], ['B4', 'n', '-3.5']],
      [['A5', 'inlineStr', '+cmd|calc']],
      [['A6', 'inlineStr', 'line\nbreak\ttab'], ['B6', 'n', '7']],
    ]);
    expect(sheet).toMatch(/<c r="A1" s="1" t="inlineStr">/);
  });

  it('writes a character XML cannot hold as a replacement character, so the file still opens', async () => {
    const xlsx = await collect(xlsxChunks(['x'], batches([['a\u0001b\uD800c']]), 's'));
    expect(cellsOf(xlsx)[1]).toEqual([['A2', 'inlineStr', 'a\uFFFDb\uFFFDc']]);
  });

  it('numbers the rows of large batches on, written a slice at a time', async () => {
    const many = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => [`E${from + i}`, from + i]);
    const cells = cellsOf(await collect(xlsxChunks(headers, batches(many(0, 2_500), many(2_500, 1_001)), 's')));
    expect(cells).toHaveLength(1 + 3_501);
    cells.slice(1).forEach((row, i) => expect(row).toEqual([[`A${i + 2}`, 'inlineStr', `E${i}`], [`B${i + 2}`, 'n', String(i)]]));
  });

  it('names columns past Z as a spreadsheet does', async () => {
    const wide = Array.from({ length: 30 }, (_, i) => i);
    const cells = cellsOf(await collect(xlsxChunks(wide.map(String), batches([wide]), 's')))[1]!;
    expect(cells.map(([ref]) => ref).slice(24, 30)).toEqual(['Y2', 'Z2', 'AA2', 'AB2', 'AC2', 'AD2']);
  });

  it('writes the coverage table: the bands, then the members, the staff and the membership rate (empty without staff)', () => {
    const figures = (active: number, organized: number) => ({ active, independent: organized, federationCovered: 0, organized, rate: active ? organized / active : null });
    const coverage = (staff: number, rate: number | null): Coverage => ({
      areaId: 'LG', asOf: '2021-06-30',
      bands: { '100+': figures(3, 1), '25-99': figures(0, 0), '<25': figures(2, 2) },
      newForm: figures(1, 1), staff, members: { total: 5, newForm: 2, rate },
    });
    const table = coverageTable(coverage(1_234, 4 / 1_234));
    expect(table.rows.map((r) => r.slice(2))).toEqual([
      ['百人以上 100+', 3, 1, 0, 1, 0.3333],
      ['25至99人 25-99', 0, 0, 0, 0, null],
      ['25人以下 <25', 2, 2, 0, 2, 1],
      ['新业态企业 New-form', 1, 1, 0, 1, 1],
      ['会员 Members', 5, null, null, null, null],
      ['新就业形态会员 New-form members', 2, null, null, null, null],
      ['职工人数 Staff', 1_234, null, null, null, null],
      ['入会率 Membership rate', 0.0032, null, null, null, null],
    ]);
    expect(coverageTable(coverage(0, null)).rows.at(-1)).toEqual(['LG', '2021-06-30', '入会率 Membership rate', null, null, null, null, null]);
  });
});
