import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { BANDS } from '../../api/types';
import { Chart } from '../../ui/Chart';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FigureCard } from '../../ui/FigureCard';
import { count, percent } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { useQueryParams } from '../../ui/url';
import { StepBadge } from './StepBadge';
import type { Candidate, Gap, SubdistrictGap } from './types';

const DEFAULT_BAND = '25-99';
const DEFAULT_TARGET = '0.95';

/** A rate (0.95) as the percent a cadre types (95), and back. */
const toPercent = (rate: string) => (Number.isFinite(Number(rate)) ? String(Math.round(Number(rate) * 10_000) / 100) : rate);
const toRate = (pct: string) => (pct.trim() === '' || !Number.isFinite(Number(pct)) ? pct.trim() : String(Number(pct) / 100));

/**
 * The plan to a target rate (GET /api/coverage/gap): per subdistrict how many
 * more enterprises of a band to organize, and which ones, largest first. The
 * band (`gapBand`) and the target rate (`target`, as the API takes it: 0.95)
 * live in the URL; a target the API refuses is shown as its error.
 */
export function GapPlan({ areaId, asOf }: { areaId: string; asOf: string }) {
  const { t } = useTranslation('work');
  const [params, setParams] = useQueryParams();
  const band = params['gapBand'] ?? DEFAULT_BAND;
  const target = params['target'] ?? DEFAULT_TARGET;
  const [draftBand, setDraftBand] = useState(band);
  const [draftTarget, setDraftTarget] = useState(toPercent(target));
  useEffect(() => setDraftBand(band), [band]);
  useEffect(() => setDraftTarget(toPercent(target)), [target]);

  const gap = useQuery({
    queryKey: ['gap', areaId, asOf, band, target],
    queryFn: () => get<Gap>('/api/coverage/gap', { areaId, asOf, band, target }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const rate = toRate(draftTarget);
    setParams({ gapBand: draftBand === DEFAULT_BAND ? null : draftBand, target: rate === DEFAULT_TARGET ? null : rate });
  };

  return (
    <section aria-labelledby="gap-title">
      <h2 id="gap-title">{t('gap.title')}</h2>
      <form className="row" onSubmit={submit}>
        <span className="field">
          <label htmlFor="gap-band">{t('gap.band')}</label>
          <select id="gap-band" value={draftBand} onChange={(e) => setDraftBand(e.target.value)}>
            {BANDS.map((b) => (
              <option key={b} value={b}>
                {t(`band.${b}`)}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor="gap-target">{t('gap.target')}</label>
          <input id="gap-target" type="number" inputMode="decimal" step="any" value={draftTarget} onChange={(e) => setDraftTarget(e.target.value)} />
        </span>
        <button type="submit">{t('gap.apply')}</button>
      </form>
      {gap.error ? <ErrorNotice error={gap.error} /> : null}
      {gap.isLoading ? <Loading /> : null}
      {gap.data ? <GapAnswer gap={gap.data} /> : null}
    </section>
  );
}

type PlanRow = Candidate & { rank: number };

function GapAnswer({ gap }: { gap: Gap }) {
  const { t } = useTranslation('work');
  const labels = { target: percent(gap.target), band: t(`band.${gap.band}`) };
  const subName = (s: { name: string | null }) => s.name ?? t('noSubdistrict');
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 60 },
      xAxis: { type: 'category' as const, data: gap.subdistricts.map(subName), axisLabel: { rotate: gap.subdistricts.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value' as const, minInterval: 1 },
      series: [
        { name: t('gap.needed'), type: 'bar' as const, barMaxWidth: 48, data: gap.subdistricts.map((s) => s.needed), itemStyle: { color: '#a31515' } },
        { name: t('gap.unorganized'), type: 'bar' as const, barMaxWidth: 48, data: gap.subdistricts.map((s) => s.unorganized), itemStyle: { color: '#c9c9cf' } },
      ],
    }),
    [gap, t],
  );
  const summary: Column<SubdistrictGap>[] = [
    { key: 'subdistrict', header: t('subdistrict'), cell: subName },
    { key: 'active', header: t('gap.active'), numeric: true, cell: (s) => count(s.active) },
    { key: 'organized', header: t('gap.organized'), numeric: true, cell: (s) => count(s.organized) },
    { key: 'rate', header: t('gap.rate'), numeric: true, cell: (s) => percent(s.rate) },
    { key: 'needed', header: t('gap.needed'), numeric: true, cell: (s) => <strong>{count(s.needed)}</strong> },
    { key: 'unorganized', header: t('gap.unorganized'), numeric: true, cell: (s) => count(s.unorganized) },
  ];
  const plan: PlanRow[] = gap.subdistricts.flatMap((s) => s.candidates.map((c, i) => ({ ...c, rank: i + 1 })));
  const planColumns: Column<PlanRow>[] = [
    { key: 'subdistrict', header: t('subdistrict'), cell: (c) => c.subdistrictName ?? t('noSubdistrict') },
    { key: 'rank', header: t('gap.rank'), numeric: true, cell: (c) => c.rank },
    { key: 'name', header: t('name'), cell: (c) => <span className="name-cell">{c.name}</span> },
    { key: 'headcount', header: t('headcount'), numeric: true, cell: (c) => count(c.headcount) },
    { key: 'step', header: t('step'), cell: (c) => <StepBadge step={c.step} /> },
    { key: 'since', header: t('since'), cell: (c) => c.stepSince ?? '—' },
    { key: 'daysAtStep', header: t('daysAtStep'), numeric: true, cell: (c) => count(c.daysAtStep) },
    { key: 'creditCode', header: t('creditCode'), cell: (c) => <span className="code-text">{c.creditCode}</span> },
    { key: 'area', header: t('area'), cell: (c) => c.areaId },
    { key: 'newForm', header: t('newForm'), cell: (c) => (c.newForm ? t('yes') : t('no')) },
  ];
  return (
    <>
      <div className="figures compact">
        <FigureCard testId="gap-active" label={t('gap.active')} value={count(gap.active)} detail={labels.band} />
        <FigureCard testId="gap-organized" label={t('gap.organized')} value={count(gap.organized)} />
        <FigureCard testId="gap-rate" label={t('gap.rate')} value={percent(gap.rate)} tone={gap.needed === 0 ? 'ok' : 'short'} />
        <FigureCard testId="gap-needed" label={t('gap.needed')} value={count(gap.needed)} detail={t('gap.neededDetail', { target: labels.target })} />
      </div>
      {gap.subdistricts.length > 0 ? <Chart option={option} label={t('gap.chart')} height={260} /> : null}
      <DataTable testId="gap-summary" caption={t('gap.summaryCaption', labels)} columns={summary} rows={gap.subdistricts} rowKey={(s) => s.areaId ?? '-'} />
      <DataTable testId="gap-plan" caption={t('gap.planCaption', labels)} columns={planColumns} rows={plan} rowKey={(c) => c.creditCode} />
    </>
  );
}
