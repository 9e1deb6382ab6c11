import { useMemo } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { get } from '../../api/client';
import { BANDS, type Band, type Coverage, type Figures } from '../../api/types';
import { registerMessages } from '../../i18n/index';
import { AreaDateBar, useArea } from '../../ui/AreaDateBar';
import { AreaPage } from '../../ui/AreaPage';
import { Chart } from '../../ui/Chart';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ExportButtons } from '../../ui/ExportButtons';
import { FigureCard } from '../../ui/FigureCard';
import { count, percent } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { href, useQueryParams } from '../../ui/url';
import { messages } from './messages';

registerMessages('coverage', messages);

type Step = 'month' | 'quarter' | 'year';
const STEPS: readonly Step[] = ['month', 'quarter', 'year'];
/** How far back the trend reaches, per step. */
const TREND_YEARS: Record<Step, number> = { month: 1, quarter: 3, year: 6 };

/** The default targets (Longgang's: every 100+ enterprise, 95% of 25–99; new-form as 25–99); the URL may set others. */
const DEFAULT_TARGETS = { '100+': 100, '25-99': 95, newForm: 95 } as const;
type Target = keyof typeof DEFAULT_TARGETS;

export function useCoverage(areaId: string | undefined, asOf: string) {
  return useQuery({ queryKey: ['coverage', areaId, asOf], queryFn: () => get<Coverage>('/api/coverage', { areaId, asOf }), enabled: Boolean(areaId) });
}

function targetOf(params: Record<string, string>, key: Target): number {
  const n = Number(params[`target.${key}`]);
  return Number.isFinite(n) && n > 0 && n <= 100 ? n : DEFAULT_TARGETS[key];
}

function minusYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) - years}${date.slice(4)}`.replace(/-02-29$/, '-02-28');
}

export function CoveragePage() {
  const { t } = useTranslation('coverage');
  return <AreaPage title={t('title')}>{({ areaId, asOf }) => <CoverageOf areaId={areaId} asOf={asOf} />}</AreaPage>;
}

function CoverageOf({ areaId, asOf }: { areaId: string; asOf: string }) {
  const { t } = useTranslation('coverage');
  const [params, setParams] = useQueryParams();
  const coverage = useCoverage(areaId, asOf);
  const area = useArea(areaId);
  const targets = { '100+': targetOf(params, '100+'), '25-99': targetOf(params, '25-99'), newForm: targetOf(params, 'newForm') };
  return (
    <>
      <AreaDateBar path="/coverage" areaId={areaId} asOf={asOf} />
      {coverage.error ? <ErrorNotice error={coverage.error} /> : null}
      {coverage.data ? (
        <>
          <Headline coverage={coverage.data} targets={targets} />
          <details className="targets">
            <summary>{t('targets.legend')}</summary>
            <div className="row">
              {(Object.keys(DEFAULT_TARGETS) as Target[]).map((key) => (
                <span className="field" key={key}>
                  <label htmlFor={`target-${key}`}>{t(`target.${key}`)}</label>
                  <input
                    id={`target-${key}`}
                    type="number"
                    min={1}
                    max={100}
                    step={1}
                    value={targets[key]}
                    onChange={(e) => setParams({ [`target.${key}`]: e.target.value === String(DEFAULT_TARGETS[key]) ? null : e.target.value })}
                  />
                </span>
              ))}
            </div>
          </details>
          <BandTable coverage={coverage.data} />
          <ExportButtons path="/api/coverage/export" params={{ areaId, asOf }} />
        </>
      ) : coverage.isLoading ? (
        <Loading />
      ) : null}
      <SubAreas asOf={asOf} childAreas={area.data?.children ?? []} />
      <Trend areaId={areaId} asOf={asOf} step={STEPS.includes(params['step'] as Step) ? (params['step'] as Step) : 'month'} onStep={(step) => setParams({ step: step === 'month' ? null : step })} />
    </>
  );
}

function Headline({ coverage, targets }: { coverage: Coverage; targets: Record<Target, number> }) {
  const { t } = useTranslation('coverage');
  const rateCard = (key: Target, figures: Figures) => (
    <FigureCard
      testId={`rate-${key}`}
      label={t(`rate.${key}`)}
      value={percent(figures.rate)}
      tone={figures.rate === null ? undefined : figures.rate * 100 >= targets[key] ? 'ok' : 'short'}
      detail={`${t('ofActive', { organized: count(figures.organized), active: count(figures.active) })} · ${t('target', { target: `${targets[key]}%` })}`}
    />
  );
  const small = coverage.bands['<25'];
  return (
    <section className="figures" aria-label={t('title')}>
      {rateCard('100+', coverage.bands['100+'])}
      {rateCard('25-99', coverage.bands['25-99'])}
      {rateCard('newForm', coverage.newForm)}
      <FigureCard
        testId="covered-<25"
        label={t('covered.<25')}
        value={count(small.organized)}
        detail={t('covered.detail', { active: count(small.active), independent: count(small.independent), federationCovered: count(small.federationCovered) })}
      />
      <FigureCard testId="members-total" label={t('members')} value={count(coverage.members.total)} />
      <FigureCard testId="members-newForm" label={t('newFormMembers')} value={count(coverage.members.newForm)} />
      <FigureCard testId="members-rate" label={t('membershipRate')} value={percent(coverage.members.rate)} detail={t('membershipRate.detail', { staff: count(coverage.staff) })} />
    </section>
  );
}

type BandRow = { key: Band | 'newForm'; figures: Figures };

function BandTable({ coverage }: { coverage: Coverage }) {
  const { t } = useTranslation('coverage');
  const rows: BandRow[] = [...BANDS.map((b) => ({ key: b, figures: coverage.bands[b] })), { key: 'newForm' as const, figures: coverage.newForm }];
  const columns: Column<BandRow>[] = [
    { key: 'band', header: t('band'), cell: (r) => t(`band.${r.key}`) },
    { key: 'active', header: t('active'), numeric: true, cell: (r) => count(r.figures.active) },
    { key: 'independent', header: t('independent'), numeric: true, cell: (r) => count(r.figures.independent) },
    { key: 'federationCovered', header: t('federationCovered'), numeric: true, cell: (r) => count(r.figures.federationCovered) },
    { key: 'organized', header: t('organized'), numeric: true, cell: (r) => count(r.figures.organized) },
    { key: 'rate', header: t('rate'), numeric: true, cell: (r) => percent(r.figures.rate) },
  ];
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category' as const, data: rows.map((r) => t(`band.${r.key}`)) },
      yAxis: { type: 'value' as const },
      series: [
        { name: t('independent'), type: 'bar' as const, stack: 'o', data: rows.map((r) => r.figures.independent), itemStyle: { color: '#a31515' } },
        { name: t('federationCovered'), type: 'bar' as const, stack: 'o', data: rows.map((r) => r.figures.federationCovered), itemStyle: { color: '#e08a3c' } },
        { name: t('active'), type: 'line' as const, data: rows.map((r) => r.figures.active), itemStyle: { color: '#555' } },
      ],
    }),
    [coverage, t],
  );
  return (
    <section>
      <h2>{t('bands.caption')}</h2>
      <Chart option={option} label={t('chart.bands')} height={240} />
      <DataTable testId="bands" caption={t('bands.caption')} columns={columns} rows={rows} rowKey={(r) => r.key} />
    </section>
  );
}

function SubAreas({ asOf, childAreas }: { asOf: string; childAreas: ReadonlyArray<{ areaId: string; name: string }> }) {
  const { t } = useTranslation('coverage');
  const answers = useQueries({
    queries: childAreas.map((c) => ({ queryKey: ['coverage', c.areaId, asOf], queryFn: () => get<Coverage>('/api/coverage', { areaId: c.areaId, asOf }) })),
  });
  if (childAreas.length === 0) return null;
  const failed = answers.find((a) => a.error)?.error;
  const rows = childAreas.map((c, i) => ({ ...c, coverage: answers[i]?.data }));
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'area', header: t('subArea'), cell: (r) => <Link href={href('/coverage', { area: r.areaId, asOf })}>{r.name}</Link> },
    { key: 'rate-100+', header: t('rate.100+'), numeric: true, cell: (r) => percent(r.coverage?.bands['100+'].rate) },
    { key: 'rate-25-99', header: t('rate.25-99'), numeric: true, cell: (r) => percent(r.coverage?.bands['25-99'].rate) },
    { key: 'rate-newForm', header: t('rate.newForm'), numeric: true, cell: (r) => percent(r.coverage?.newForm.rate) },
    { key: 'covered-<25', header: t('covered.<25'), numeric: true, cell: (r) => count(r.coverage?.bands['<25'].organized) },
    { key: 'members', header: t('members'), numeric: true, cell: (r) => count(r.coverage?.members.total) },
    { key: 'members-rate', header: t('membershipRate'), numeric: true, cell: (r) => percent(r.coverage?.members.rate) },
  ];
  const option = {
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 60 },
    xAxis: { type: 'category' as const, data: rows.map((r) => r.name), axisLabel: { rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value' as const, max: 100, axisLabel: { formatter: '{value}%' } },
    series: (['100+', '25-99'] as const).map((band, i) => ({
      name: t(`rate.${band}`),
      type: 'bar' as const,
      data: rows.map((r) => (r.coverage?.bands[band].rate == null ? null : Math.round(r.coverage.bands[band].rate! * 1000) / 10)),
      itemStyle: { color: i === 0 ? '#a31515' : '#e08a3c' },
    })),
  };
  return (
    <section>
      <h2>{t('children.title')}</h2>
      {failed ? <ErrorNotice error={failed} /> : null}
      <Chart option={option} label={t('chart.children')} />
      <DataTable testId="children" caption={t('children.caption')} columns={columns} rows={rows} rowKey={(r) => r.areaId} />
    </section>
  );
}

interface Series {
  points: Array<Omit<Coverage, 'areaId'>>;
}

function Trend({ areaId, asOf, step, onStep }: { areaId: string; asOf: string; step: Step; onStep: (step: Step) => void }) {
  const { t } = useTranslation('coverage');
  const from = minusYears(asOf, TREND_YEARS[step]);
  const series = useQuery({ queryKey: ['series', areaId, from, asOf, step], queryFn: () => get<Series>('/api/coverage/series', { areaId, from, to: asOf, step }) });
  const points = series.data?.points ?? [];
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category' as const, data: points.map((p) => p.asOf) },
      yAxis: { type: 'value' as const, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: t('rate.100+'), type: 'line' as const, data: points.map((p) => pct(p.bands['100+'].rate)), itemStyle: { color: '#a31515' } },
        { name: t('rate.25-99'), type: 'line' as const, data: points.map((p) => pct(p.bands['25-99'].rate)), itemStyle: { color: '#e08a3c' } },
        { name: t('rate.newForm'), type: 'line' as const, data: points.map((p) => pct(p.newForm.rate)), itemStyle: { color: '#2b6cb0' } },
        { name: t('membershipRate'), type: 'line' as const, data: points.map((p) => pct(p.members.rate)), itemStyle: { color: '#17622a' } },
      ],
    }),
    [series.data, t],
  );
  const columns: Column<(typeof points)[number]>[] = [
    { key: 'date', header: t('date'), cell: (p) => p.asOf },
    { key: 'rate-100+', header: t('rate.100+'), numeric: true, cell: (p) => percent(p.bands['100+'].rate) },
    { key: 'rate-25-99', header: t('rate.25-99'), numeric: true, cell: (p) => percent(p.bands['25-99'].rate) },
    { key: 'rate-newForm', header: t('rate.newForm'), numeric: true, cell: (p) => percent(p.newForm.rate) },
    { key: 'members', header: t('members'), numeric: true, cell: (p) => count(p.members.total) },
    { key: 'members-rate', header: t('membershipRate'), numeric: true, cell: (p) => percent(p.members.rate) },
  ];
  return (
    <section>
      <h2>{t('trend.title')}</h2>
      <div className="row">
        <span className="field">
          <label htmlFor="step">{t('step')}</label>
          <select id="step" value={step} onChange={(e) => onStep(e.target.value as Step)}>
            {STEPS.map((s) => (
              <option key={s} value={s}>
                {t(`step.${s}`)}
              </option>
            ))}
          </select>
        </span>
      </div>
      {series.error ? <ErrorNotice error={series.error} /> : null}
      {series.isLoading ? <Loading /> : null}
      {points.length > 0 ? (
        <>
          <Chart option={option} label={t('chart.trend')} />
          <DataTable testId="trend" caption={t('trend.caption')} columns={columns} rows={points} rowKey={(p) => p.asOf} />
        </>
      ) : null}
    </section>
  );
}

const pct = (rate: number | null | undefined) => (rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10);
