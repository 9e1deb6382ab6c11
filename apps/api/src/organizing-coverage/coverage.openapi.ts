import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';

/** The OpenAPI description of the coverage queries (served at /api/docs with the rest). */

const error = { $ref: '#/components/schemas/Error' };

const rate = (description: string) => ({ type: 'number', nullable: true, description });
const figures = {
  type: 'object',
  required: ['active', 'independent', 'federationCovered', 'organized', 'rate'],
  properties: {
    active: { type: 'integer', description: 'enterprises registered on or before asOf and not closed on or before it' },
    independent: { type: 'integer', description: 'with their own union on asOf' },
    federationCovered: { type: 'integer', description: 'not independent, covered on asOf by a federation that exists then' },
    organized: { type: 'integer', description: 'independent + federationCovered' },
    rate: rate('the founding rate (建会率): organized ÷ active; null when active is 0'),
  },
};
const counts = { type: 'object', properties: { total: { type: 'integer' }, newForm: { type: 'integer' } } };

/** The figures of an area on a date, as ../shared/CONTRACT.md fixes them (a coverage answer, or a point of a series). */
export const COVERAGE_FIGURES = {
  type: 'object',
  required: ['asOf', 'bands', 'newForm', 'staff', 'members'],
  properties: {
    areaId: { type: 'string' },
    asOf: { type: 'string', format: 'date' },
    bands: { type: 'object', required: ['100+', '25-99', '<25'], properties: { '100+': figures, '25-99': figures, '<25': figures }, description: 'by the latest headcount dated on or before asOf: ≥ 100, 25–99, ≤ 24' },
    newForm: { ...figures, description: 'the same figures over new-form enterprises (新业态企业) of every size' },
    staff: { type: 'integer', description: 'the sum of the latest headcounts (as for the bands) of the active enterprises: the membership rate\'s denominator' },
    members: {
      type: 'object',
      required: ['total', 'newForm', 'rate'],
      properties: {
        total: { type: 'integer', description: 'memberships held on asOf in unions of enterprises located in the area, or in federations whose area is in it' },
        newForm: { type: 'integer', description: 'those of them marked new-form' },
        rate: rate('the membership rate (入会率): memberships held on asOf and not retained (保留会籍) ÷ staff; null when staff is 0. Federation members count too, so it may exceed 1'),
        byUnionKind: { type: 'object', description: 'GET /api/coverage only: by kind of union', properties: { enterprise: counts, federation: counts } },
        retained: { type: 'object', description: 'GET /api/coverage only: memberships kept while unemployed or retired (保留会籍), by reason' },
        byArea: { type: 'array', description: "GET /api/coverage only: by the area's direct sub-areas (the area's own id for unions located at it)", items: { type: 'object' } },
      },
    },
  },
};

const PARAMS = {
  areaId: { required: true, description: 'the area: a district, subdistrict, community, park or building; figures include everything below it' },
  asOf: { description: 'the date of the figures, YYYY-MM-DD, at the end of that day (default: today in China)', schema: { type: 'string', format: 'date' } },
  knownAt: {
    description:
      'answer as the engine knew it at this instant, ignoring everything recorded later (late reports included). ISO 8601; ' +
      'without a zone: China time; a bare date: the end of that day in China. Default: what is known now',
    schema: { type: 'string', format: 'date-time' },
  },
  position: { description: 'wait (up to 2 s) until the read models have applied the log up to this position (from a command answer)' },
  band: { description: 'only enterprises of this size band', schema: { type: 'string', enum: ['100+', '25-99', '<25'] } },
  status: { description: 'only enterprises with this organizing status', schema: { type: 'string', enum: ['independent', 'federationCovered', 'unorganized'] } },
  page: { description: 'page number, from 1, while the page starts within the first 10,000 items (further: 400 PAGE_TOO_DEEP; continue with after)', schema: { type: 'integer', minimum: 1 } },
  after: { description: "continue the list where the page before ended: that page's nextCursor, unchanged (null on the last page)" },
  pageSize: { description: 'items per page (1–1000, default 50)', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
  from: { required: true, description: 'first date of the series, YYYY-MM-DD', schema: { type: 'string', format: 'date' } },
  to: { description: 'last date of the series (default: today in China)', schema: { type: 'string', format: 'date' } },
  step: { description: 'one point at the end of every month, quarter or year', schema: { type: 'string', enum: ['month', 'quarter', 'year'] } },
  format: { description: 'csv (UTF-8 with BOM, opens in Excel) or xlsx', schema: { type: 'string', enum: ['csv', 'xlsx'] } },
} as const;

type Param = keyof typeof PARAMS;

/** A coverage endpoint: what it answers and which query parameters it takes. */
export function CoverageQuery(
  summary: string,
  description: string,
  params: readonly Param[],
  overrides: Partial<Record<Param, { required?: boolean; description?: string; schema?: object }>> = {},
  ok?: { description: string; schema?: object },
) {
  return applyDecorators(
    ApiOperation({ summary, description }),
    ...(ok ? [ApiOkResponse({ description: ok.description, ...(ok.schema ? { schema: ok.schema as never } : {}) })] : []),
    ...params.map((name) => {
      const p: { required?: boolean; description: string; schema?: object } = { ...PARAMS[name], ...overrides[name] };
      return ApiQuery({ name, required: p.required ?? false, description: p.description, schema: (p.schema ?? { type: 'string' }) as never });
    }),
    ApiBadRequestResponse({ description: 'INVALID_QUERY: a parameter is missing or malformed; PAGE_TOO_DEEP: a page beyond the first 10,000 items', schema: error }),
    ApiNotFoundResponse({ description: 'UNKNOWN_AREA: the area is not defined (or was not yet, at knownAt)', schema: error }),
  );
}
