import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../../api/client';
import type { Coverage } from '../../api/types';
import { AreaDateBar, useAreaAndDate } from '../../ui/AreaDateBar';
import { DataTable, type Column } from '../../ui/DataTable';
import { EmptyStore } from '../../ui/EmptyStore';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { count, percent } from '../../ui/format';
import { chinaTime } from '../../ui/instant';
import { Loading } from '../../ui/Loading';
import { useQueryParams } from '../../ui/url';
import { Revisions } from './Revisions';
import type { CoverageKnown } from './types';

/** The instant a figure was reported, from the URL (default: the end of asOf, China time — what was known that day). */
export function useKnownAt(asOf: string): string {
  const [params] = useQueryParams();
  return params['knownAt'] || `${asOf}T23:59:59`;
}

/** A figure as reported (known at an instant) beside the figure now, then the revisions between them. */
export function CompareView() {
  const { t } = useTranslation('audit');
  const { areaId, asOf, empty, rootsError } = useAreaAndDate();
  const [params] = useQueryParams();
  const knownAt = useKnownAt(asOf);
  const then = useQuery({
    queryKey: ['coverage', areaId, asOf, 'knownAt', knownAt],
    queryFn: () => get<CoverageKnown>('/api/coverage', { areaId, asOf, knownAt }),
    enabled: Boolean(areaId),
  });
  const now = useQuery({ queryKey: ['coverage', areaId, asOf], queryFn: () => get<Coverage>('/api/coverage', { areaId, asOf }), enabled: Boolean(areaId) });

  if (rootsError) return <ErrorNotice error={rootsError} />;
  if (empty) return <EmptyStore />;
  if (!areaId) return <Loading />;
  return (
    <>
      <AreaDateBar path="~/audit" areaId={areaId} asOf={asOf} extra={{ knownAt: params['knownAt'] }} />
      <KnownAtForm knownAt={knownAt} />
      <section aria-labelledby="compare-title">
        <h2 id="compare-title">{t('compare.title')}</h2>
        {then.error ? <ErrorNotice error={then.error} /> : null}
        {then.error instanceof ApiError && then.error.code === 'UNKNOWN_AREA' ? <p className="hint">{t('then.unknownArea')}</p> : null}
        {now.error ? <ErrorNotice error={now.error} /> : null}
        {then.data && now.data ? <CompareTables then={then.data} now={now.data} /> : then.isLoading || now.isLoading ? <Loading /> : null}
      </section>
      <Revisions areaId={areaId} asOf={asOf} knownAt={knownAt} pageSize={Number(params['pageSize']) || 200} />
    </>
  );
}

function KnownAtForm({ knownAt }: { knownAt: string }) {
  const { t } = useTranslation('audit');
  const [params, setParams] = useQueryParams();
  const [value, setValue] = useState(knownAt);
  useEffect(() => setValue(knownAt), [knownAt]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams({ ...params, knownAt: value }, '~/audit');
  };
  return (
    <form className="row known-at" onSubmit={submit}>
      <span className="field">
        <label htmlFor="knownAt">{t('knownAt')}</label>
        <input id="knownAt" type="datetime-local" step={1} required value={value} aria-describedby="knownAt-hint" onChange={(e) => setValue(e.target.value)} />
      </span>
      <button type="submit">{t('compare')}</button>
      <p id="knownAt-hint" className="hint">
        {t('knownAt.hint')}
      </p>
    </form>
  );
}

type Kind = 'rate' | 'count' | 'ratio';
interface Row {
  key: string;
  kind: Kind;
  /** A rate, a count, or [organized, active]. */
  value: (c: Coverage) => number | null | undefined | readonly [number, number];
}

const ratio = (f: { organized: number; active: number }) => [f.organized, f.active] as const;

const ROWS: Row[] = [
  { key: 'rate.100+', kind: 'rate', value: (c) => c.bands['100+'].rate },
  { key: 'count.100+', kind: 'ratio', value: (c) => ratio(c.bands['100+']) },
  { key: 'rate.25-99', kind: 'rate', value: (c) => c.bands['25-99'].rate },
  { key: 'count.25-99', kind: 'ratio', value: (c) => ratio(c.bands['25-99']) },
  { key: 'rate.newForm', kind: 'rate', value: (c) => c.newForm.rate },
  { key: 'count.newForm', kind: 'ratio', value: (c) => ratio(c.newForm) },
  { key: 'covered.<25', kind: 'count', value: (c) => c.bands['<25'].organized },
  { key: 'active.<25', kind: 'count', value: (c) => c.bands['<25'].active },
  { key: 'members', kind: 'count', value: (c) => c.members.total },
  { key: 'members.newForm', kind: 'count', value: (c) => c.members.newForm },
  { key: 'staff', kind: 'count', value: (c) => c.staff },
  { key: 'members.rate', kind: 'rate', value: (c) => c.members.rate },
];

const signed = (n: number) => (n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : '0');

function shown(kind: Kind, v: ReturnType<Row['value']>): string {
  if (Array.isArray(v)) return `${count(v[0])} / ${count(v[1])}`;
  return kind === 'rate' ? percent(v as number | null | undefined) : count(v as number | null | undefined);
}

/** The change from then to now, in the figure's own terms (percentage points for a rate); null where there is none to compute. */
function change(kind: Kind, a: ReturnType<Row['value']>, b: ReturnType<Row['value']>, pp: (value: string) => string): string | null {
  if (Array.isArray(a) && Array.isArray(b)) return a[0] === b[0] && a[1] === b[1] ? null : `${signed(b[0] - a[0])} / ${signed(b[1] - a[1])}`;
  if (typeof a !== 'number' || typeof b !== 'number') return a === b ? null : '—';
  if (a === b) return null;
  if (kind === 'rate') {
    // Percentage points, to 0.1 — or to 0.01 when a change is smaller than that (a rate that moved is never shown as ±0).
    const points = (b - a) * 100;
    const digits = Math.abs(points) < 0.05 ? 2 : 1;
    const d = Number(points.toFixed(digits));
    return pp(d > 0 ? `+${d.toFixed(digits)}` : d < 0 ? `−${(-d).toFixed(digits)}` : `±${d.toFixed(digits)}`);
  }
  return signed(b - a);
}

function knownAtOf(c: CoverageKnown): { at: string; position: string } | undefined {
  return typeof c.knownAt === 'object' && c.knownAt ? c.knownAt : undefined;
}

/**
 * Two tables side by side (one above the other on a phone): each figure as
 * known then, and now with the change. Every value is the API's, unchanged.
 */
function CompareTables({ then, now }: { then: CoverageKnown; now: Coverage }) {
  const { t } = useTranslation('audit');
  const rows = ROWS.filter((r) => r.value(then) !== undefined || r.value(now) !== undefined);
  const known = knownAtOf(then);
  const thenCaption = known ? t('then.caption', { at: chinaTime(known.at), position: known.position }) : t('then.captionPlain', { at: '' });
  const nowCaption = now.freshness ? t('now.caption', { position: now.freshness.position }) : t('now.captionPlain');
  const pp = (value: string) => t('pp', { value });
  const thenColumns: Column<Row>[] = [
    { key: 'figure', header: t('figure'), cell: (r) => t(`row.${r.key}`) },
    { key: 'then', header: t('value'), numeric: true, cell: (r) => shown(r.kind, r.value(then)) },
  ];
  const nowColumns: Column<Row>[] = [
    { key: 'figure', header: t('figure'), cell: (r) => t(`row.${r.key}`) },
    { key: 'now', header: t('value'), numeric: true, cell: (r) => shown(r.kind, r.value(now)) },
    {
      key: 'difference',
      header: t('difference'),
      numeric: true,
      cell: (r) => {
        const d = change(r.kind, r.value(then), r.value(now), pp);
        return d === null ? <span className="muted">0</span> : <strong className="changed">{d}</strong>;
      },
    },
  ];
  return (
    <div className="then-now">
      <DataTable testId="audit-then" caption={thenCaption} columns={thenColumns} rows={rows} rowKey={(r) => r.key} />
      <DataTable testId="audit-now" caption={nowCaption} columns={nowColumns} rows={rows} rowKey={(r) => r.key} />
    </div>
  );
}
