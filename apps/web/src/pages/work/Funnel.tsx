import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { Chart } from '../../ui/Chart';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FigureCard } from '../../ui/FigureCard';
import { count } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { STEP_COLORS } from './StepBadge';
import { STEPS, type Funnel } from './types';

/** The "three in place" funnel (GET /api/outreach/funnel): how many unorganized enterprises of 25+ staff stand at each step. */
export function FunnelSection({ areaId, asOf }: { areaId: string; asOf: string }) {
  const { t } = useTranslation('work');
  const funnel = useQuery({ queryKey: ['funnel', areaId, asOf], queryFn: () => get<Funnel>('/api/outreach/funnel', { areaId, asOf }) });
  const rows = funnel.data?.bySubdistrict ?? [];
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 56, bottom: 60 },
      xAxis: { type: 'category' as const, data: rows.map((r) => r.name ?? t('noSubdistrict')), axisLabel: { rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value' as const, minInterval: 1 },
      series: STEPS.map((step) => ({ name: t(`step.${step}`), type: 'bar' as const, barMaxWidth: 48, stack: 'steps', data: rows.map((r) => r[step]), itemStyle: { color: STEP_COLORS[step] } })),
    }),
    [funnel.data, t],
  );
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'subdistrict', header: t('subdistrict'), cell: (r) => r.name ?? t('noSubdistrict') },
    ...STEPS.map((step) => ({ key: step, header: t(`step.${step}`), numeric: true, cell: (r: (typeof rows)[number]) => count(r[step]) })),
    { key: 'total', header: t('gap.unorganized'), numeric: true, cell: (r) => count(r.total) },
  ];
  return (
    <section aria-labelledby="funnel-title">
      <h2 id="funnel-title">{t('funnel.title')}</h2>
      {funnel.error ? <ErrorNotice error={funnel.error} /> : null}
      {funnel.isLoading ? <Loading /> : null}
      {funnel.data ? (
        <>
          <p>{t('funnel.intro', { total: count(funnel.data.total) })}</p>
          <div className="figures compact" data-testid="funnel">
            {funnel.data.stages.map((s) => (
              <FigureCard
                key={s.step}
                testId={`funnel-${s.step}`}
                label={t(`step.${s.step}`)}
                value={count(s.count)}
                detail={s.daysAtStep ? t('funnel.days', { median: s.daysAtStep.median, max: s.daysAtStep.max }) : undefined}
              />
            ))}
          </div>
          {rows.length > 0 ? (
            <details className="work-details">
              <summary>{t('funnel.caption')}</summary>
              <Chart option={option} label={t('funnel.chart')} height={260} />
              <DataTable testId="funnel-subdistricts" caption={t('funnel.caption')} columns={columns} rows={rows} rowKey={(r) => r.areaId ?? '-'} />
            </details>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
