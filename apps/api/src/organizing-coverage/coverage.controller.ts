import { Controller, Get, Query, Res } from '@nestjs/common';
import { isIsoDate, type Principal } from '#domain';
import { Caller, Reads } from '../access/access.decorators.js';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import {
  coverageAnswerNow, coverageAsOf, coverageMembers, coverageRevisions, coverageTable, csvChunks, ENTERPRISE_HEADERS, enterpriseBatches, enterpriseFiguresAsOf, enterpriseRow,
  enterprisesAsOf, membershipBreakdown, membershipsByUnion, oneBatch, positionKnownAt, xlsxChunks, type EnterpriseKey, type Knowledge, type Row, type UnionKey,
} from '#read-models';
import {
  bandParam, cursorParam, dateParam, encodeCursor, instantParam, intParam, InvalidQuery, isCursorCount, isCursorId, isCursorPosition, pageParams, positionParam,
  statusParam, todayInChina,
} from './query-params.js';
import { ReadAccess, type Reading } from './read-access.js';
import { COVERAGE_FIGURES, CoverageQuery } from './coverage.openapi.js';
import { seriesDates, STEPS, type Step } from './series.js';

/**
 * Coverage as of a date, for any area (and everything below it), with the
 * enterprises behind each figure. Every answer says how fresh it is: the log
 * position the read models had reached, and whether that covers every
 * command this server acknowledged (and the `position` the client asked for).
 */
@Controller('coverage')
export class CoverageController {
  constructor(private readonly access: ReadAccess) {}

  private area(value: unknown, caller: Principal, reading: Reading, knowledge?: Knowledge): Promise<string> {
    return this.access.area(value, caller, reading, knowledge);
  }

  /**
   * What a query answers from: the engine's current knowledge, or with
   * `knownAt` what it knew at that instant (the log up to the last event
   * recorded by then, everything recorded later ignored) — plus where to
   * read it and how fresh that is. The position known at an instant is read
   * on the primary (a replica may not have replayed all that was recorded by
   * then), and the answer then waits for the read models to reach it.
   */
  private async knowledge(query: Record<string, unknown>) {
    const at = instantParam(query['knownAt'], 'knownAt');
    const requested = positionParam(query['position']);
    if (at === undefined) return { knowledge: undefined, knownAt: undefined, reading: await this.access.reading(requested) };
    const position = await positionKnownAt(this.access.primary, at);
    const reading = await this.access.reading(position > requested ? position : requested);
    return { knowledge: { position }, knownAt: { at, position: position.toString() }, reading };
  }

  /** `knownAt` in an answer, only when asked. */
  private static echo(knownAt: { at: string; position: string } | undefined) {
    return knownAt ? { knownAt } : {};
  }

  @CoverageQuery(
    'Dynamic founding rates by size band, and the membership rate, as of a date',
    'The coverage of an area (and everything below it) at the end of asOf, exactly as ../shared/CONTRACT.md defines it: the founding rates by size band and for new-form enterprises, ' +
      'the staff of the active enterprises, the memberships and the membership rate (入会率: held and not retained ÷ staff); with knownAt, as the engine knew it then.',
    ['areaId', 'asOf', 'knownAt', 'position'],
    {},
    {
      description: 'The figures, with freshness (and knownAt when asked)',
      schema: {
        ...COVERAGE_FIGURES,
        properties: {
          ...COVERAGE_FIGURES.properties,
          knownAt: { type: 'object', properties: { at: { type: 'string' }, position: { type: 'string' } } },
          freshness: { type: 'object', properties: { position: { type: 'string' }, caughtUp: { type: 'boolean' } } },
        },
      },
    },
  )
  @Reads('figures')
  @Get()
  async coverage(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const { knowledge, knownAt, reading } = await this.knowledge(query);
    const { db, freshness } = reading;
    const areaId = await this.area(query['areaId'], caller, reading, knowledge);
    const { bands, newForm, staff, members } =
      knowledge === undefined
        ? await coverageAnswerNow(db, areaId, asOf)
        : await Promise.all([enterpriseFiguresAsOf(db, areaId, asOf, knowledge), membershipBreakdown(db, areaId, asOf, knowledge)]).then(
            ([figures, breakdown]) => ({ ...figures, members: coverageMembers(breakdown, figures.staff) }),
          );
    return { areaId, asOf, bands, newForm, staff, members, ...CoverageController.echo(knownAt), freshness };
  }

  @CoverageQuery(
    'Memberships per union located in the area, largest first',
    'The memberships held at the end of asOf in each union located in the area (an enterprise union where its enterprise is on that date, a federation in its area), a page at a time: follow nextCursor (after=…) to the end. ' +
      'Also the area\'s totals, breakdowns and membership rate (rate: held and not retained ÷ the staff of the active enterprises, as GET /api/coverage answers it).',
    ['areaId', 'asOf', 'page', 'pageSize', 'after', 'knownAt', 'position'],
  )
  @Reads('enterprises')
  @Get('members')
  async members(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const { page, pageSize, offset } = pageParams(query);
    const after = cursorParam<UnionKey>(query['after'], 'unions', ([total, unionId]) => (isCursorCount(total) && isCursorId(unionId) ? { total, unionId } : undefined));
    const { knowledge, knownAt, reading } = await this.knowledge(query);
    const { db, freshness } = reading;
    const areaId = await this.area(query['areaId'], caller, reading, knowledge);
    const { members } = await coverageAsOf(db, areaId, asOf, knowledge);
    const breakdown = await membershipBreakdown(db, areaId, asOf, knowledge);
    const { unions, items, next } = await membershipsByUnion(db, areaId, asOf, { knowledge, limit: pageSize, offset, after });
    const nextCursor = next && encodeCursor('unions', next.total, next.unionId);
    return { areaId, asOf, ...members, ...breakdown, unions, page, pageSize, items, nextCursor, ...CoverageController.echo(knownAt), freshness };
  }

  /**
   * The recorded events that changed a figure since `knownAt` (late reports,
   * corrections, new facts), each with the enterprises and members whose
   * count it changed and by how much: they add up to the difference between
   * the figure known then and the figure known now.
   */
  @CoverageQuery(
    'What changed a figure since it was known at an instant',
    'The events recorded after knownAt that changed the coverage of the area as of asOf, each with the enterprises (band, status, new-form flag, headcount) and members whose count it changed and the change of every count, the staff included; `before` (as known at knownAt) + the deltas of every page = `after` (as known when the first page was asked). ' +
      'Rates are not additive: they are in before and after only. A membership retained or resumed changes members.rate without a revision (its numerator is not a count of the answer). ' +
      'A page looks at up to pageSize positions of the log where a count may change (default 1000, at most 5000): follow nextCursor (after=…) until it is null.',
    ['areaId', 'asOf', 'knownAt', 'pageSize', 'after', 'position'],
    {
      knownAt: { required: true, description: 'the instant the reported figure was taken (ISO 8601; without a zone: China time; a bare date: the end of that day in China)' },
      pageSize: { description: 'log positions where a count may change, per page (1–5000, default 1000)', schema: { type: 'integer', minimum: 1, maximum: 5000 } },
    },
  )
  @Reads('revisions')
  @Get('revisions')
  async revisions(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const at = instantParam(query['knownAt'], 'knownAt');
    if (at === undefined) throw new InvalidQuery('knownAt is required: the instant whose figure the revisions start from');
    const pageSize = intParam(query['pageSize'], 'pageSize', 1000, 1, 5000);
    // A cursor holds the query it continues and the position the first page was answered at: every page explains the same
    // difference. Without asOf, the cursor's date goes on (today in China may have turned since the first page).
    const cursor = cursorParam(query['after'], 'revisions', ([area, date, from, after, until]) =>
      isCursorId(area) && isIsoDate(date) && isCursorPosition(from) && isCursorPosition(after) && isCursorPosition(until) && BigInt(after) <= BigInt(until)
        ? { area, asOf: date, since: from, after: BigInt(after), until: BigInt(until) }
        : undefined,
    );
    const asOf = dateParam(query['asOf'], 'asOf', cursor?.asOf ?? todayInChina());
    const since = await positionKnownAt(this.access.primary, at);
    if (cursor && (cursor.asOf !== asOf || cursor.since !== since.toString())) throw new InvalidQuery('after must be the nextCursor of the page before, unchanged');
    const requested = positionParam(query['position']);
    const reading = await this.access.reading(cursor && cursor.until > requested ? cursor.until : requested);
    const { db, freshness } = reading;
    const areaId = await this.area(query['areaId'], caller, reading);
    if (cursor && cursor.area !== areaId) throw new InvalidQuery('after must be the nextCursor of the page before, unchanged');
    const until = cursor?.until ?? BigInt(freshness.position);
    const { next, ...revisions } = await coverageRevisions(db, areaId, asOf, since < until ? since : until, until, { after: cursor?.after, limit: pageSize });
    const nextCursor = next === null ? null : encodeCursor('revisions', areaId, asOf, since.toString(), next.toString(), until.toString());
    return { knownAt: at, ...revisions, pageSize, nextCursor, freshness };
  }

  @CoverageQuery(
    'The enterprises behind a figure, largest first',
    'Active enterprises of the area as of the date, with their band, status and union, a page at a time: follow nextCursor (after=…) to the end.',
    ['areaId', 'asOf', 'band', 'status', 'page', 'pageSize', 'after', 'knownAt', 'position'],
  )
  @Reads('enterprises')
  @Get('enterprises')
  async enterprises(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const band = bandParam(query['band']);
    const status = statusParam(query['status']);
    const { page, pageSize, offset } = pageParams(query);
    const after = cursorParam<EnterpriseKey>(query['after'], 'enterprises', ([headcount, creditCode]) =>
      isCursorCount(headcount) && isCursorId(creditCode) ? { headcount, creditCode } : undefined,
    );
    const { knowledge, knownAt, reading } = await this.knowledge(query);
    const { db, freshness } = reading;
    const areaId = await this.area(query['areaId'], caller, reading, knowledge);
    const { total, items, next } = await enterprisesAsOf(db, areaId, asOf, { band, status, knowledge, limit: pageSize, offset, after });
    const nextCursor = next && encodeCursor('enterprises', next.headcount, next.creditCode);
    return { areaId, asOf, band: band ?? null, status: status ?? null, page, pageSize, total, items, nextCursor, ...CoverageController.echo(knownAt), freshness };
  }

  /** The figures at the end of each month, quarter or year between two dates, for trend charts. */
  @CoverageQuery(
    'The figures at the end of each month, quarter or year',
    'One coverage answer per step between from and to, then `to` itself: the founding rates, staff, members and membership rate (without the members\' breakdowns).',
    ['areaId', 'from', 'to', 'step', 'knownAt', 'position'],
    {},
    {
      description: 'The points of the series, in date order',
      schema: {
        type: 'object',
        properties: {
          areaId: { type: 'string' },
          from: { type: 'string', format: 'date' },
          to: { type: 'string', format: 'date' },
          step: { type: 'string', enum: ['month', 'quarter', 'year'] },
          points: { type: 'array', items: COVERAGE_FIGURES },
        },
      },
    },
  )
  @Reads('figures')
  @Get('series')
  async series(@Query() query: Record<string, unknown>, @Caller() caller: Principal) {
    const to = dateParam(query['to'], 'to', todayInChina());
    const from = dateParam(query['from'], 'from');
    const step = (query['step'] ?? 'month') as Step;
    if (!STEPS.includes(step)) throw new InvalidQuery(`step must be one of ${STEPS.join(', ')}`);
    const dates = seriesDates(from, to, step);
    const { knowledge, knownAt, reading } = await this.knowledge(query);
    const { db, freshness } = reading;
    const areaId = await this.area(query['areaId'], caller, reading, knowledge);
    const points = [];
    for (const date of dates) {
      const { areaId: _a, ...figures } = await coverageAsOf(db, areaId, date, knowledge);
      points.push(figures);
    }
    return { areaId, from, to, step, points, ...CoverageController.echo(knownAt), freshness };
  }

  /** The coverage table as a spreadsheet (format=csv|xlsx). */
  @CoverageQuery(
    'The coverage table as a spreadsheet',
    'Chinese and English headers: a row per size band and for new-form enterprises, then the members, new-form members, staff (职工人数) and membership rate (入会率) rows.',
    ['areaId', 'asOf', 'format', 'knownAt', 'position'],
  )
  @Reads('figures')
  @Get('export')
  async exportCoverage(@Query() query: Record<string, unknown>, @Caller() caller: Principal, @Res() reply: FastifyReply) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const format = formatParam(query['format']);
    const { knowledge, reading } = await this.knowledge(query);
    const { db } = reading;
    const areaId = await this.area(query['areaId'], caller, reading, knowledge);
    const table = coverageTable(await coverageAsOf(db, areaId, asOf, knowledge));
    await send(reply, table.headers, oneBatch(table.rows), format, `coverage-${areaId}-${asOf}`);
  }

  /**
   * The enterprise list (all pages) as a spreadsheet (format=csv|xlsx),
   * streamed in batches: one batch in memory at a time. Every batch answers
   * from the same knowledge (the log position the read models had reached
   * when the export began, or knownAt), so the file is one consistent list
   * even while new facts arrive.
   */
  @CoverageQuery('The enterprise list as a spreadsheet', 'All pages in one file, streamed.', ['areaId', 'asOf', 'band', 'status', 'format', 'knownAt', 'position'])
  @Reads('enterprises')
  @Get('enterprises/export')
  async exportEnterprises(@Query() query: Record<string, unknown>, @Caller() caller: Principal, @Res() reply: FastifyReply) {
    const asOf = dateParam(query['asOf'], 'asOf', todayInChina());
    const band = bandParam(query['band']);
    const status = statusParam(query['status']);
    const format = formatParam(query['format']);
    const { knowledge, reading } = await this.knowledge(query);
    const { db, freshness } = reading;
    const areaId = await this.area(query['areaId'], caller, reading, knowledge);
    const pinned = knowledge ?? { position: BigInt(freshness.position) };
    const rows = mapBatches(enterpriseBatches(db, areaId, asOf, { band, status, knowledge: pinned }), enterpriseRow);
    const suffix = [band, status].filter(Boolean).join('-');
    await send(reply, ENTERPRISE_HEADERS, rows, format, `enterprises-${areaId}-${asOf}${suffix ? `-${suffix}` : ''}`);
  }
}

function formatParam(value: unknown): 'csv' | 'xlsx' {
  const format = value === undefined || value === '' ? 'csv' : String(value);
  if (format !== 'csv' && format !== 'xlsx') throw new InvalidQuery('format must be csv or xlsx');
  return format;
}

async function* mapBatches<T>(batches: AsyncIterable<T[]>, row: (item: T) => Row): AsyncGenerator<Row[]> {
  for await (const batch of batches) yield batch.map(row);
}

/**
 * A spreadsheet as the response, streamed: the status and headers go out
 * once the first chunk is ready (so a failing first query is still an error
 * answer), then a chunk per batch, with backpressure (a slow client holds one
 * batch, not the file). A failure later can only cut the file short.
 */
async function send(reply: FastifyReply, headers: readonly string[], rows: AsyncIterable<readonly Row[]>, format: 'csv' | 'xlsx', name: string): Promise<void> {
  const file = `${name.replace(/[^\w.+-]/g, '_')}.${format}`;
  const chunks: AsyncIterator<string | Uint8Array> = (format === 'csv' ? csvChunks(headers, rows) : xlsxChunks(headers, rows, name.slice(0, 31)))[Symbol.asyncIterator]();
  const first = await chunks.next();
  const rest = async function* () {
    if (!first.done) yield first.value;
    for (let c = await chunks.next(); !c.done; c = await chunks.next()) yield c.value;
  };
  void reply.header('content-disposition', `attachment; filename="${file}"`);
  void reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  await reply.send(Readable.from(rest(), { objectMode: false }));
}
