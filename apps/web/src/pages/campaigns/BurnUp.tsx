import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart } from '../../ui/Chart';
import { DataTable, type Column } from '../../ui/DataTable';
import { count } from '../../ui/format';
import type { CampaignProgress } from './types';

const DAY = 86_400_000;
/** At most ten years of weeks on the chart. */
const MAX_WEEKS = 530;

/** Monday of the week of a date (UTC arithmetic on a calendar date). */
function monday(date: string): number {
  const d = Date.parse(`${date}T00:00:00Z`);
  return d - ((new Date(d).getUTCDay() + 6) % 7) * DAY;
}
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface WeekPoint {
  startsOn: string;
  week: string | null;
  joined: number;
  left: number;
  cumulative: number;
}

/**
 * Every week from the drive's start to the date (or its end, or its last
 * join), with the API's joins of that week (byWeek; none when the API lists
 * no such week) and their running sum.
 */
export function weekPoints(p: CampaignProgress): WeekPoint[] {
  const byStart = new Map(p.byWeek.map((w) => [w.startsOn, w]));
  const first = Math.min(monday(p.startsOn), ...p.byWeek.map((w) => Date.parse(`${w.startsOn}T00:00:00Z`)));
  const until = p.asOf < p.endsOn ? p.asOf : p.endsOn;
  const last = Math.max(monday(until < p.startsOn ? p.startsOn : until), ...p.byWeek.map((w) => Date.parse(`${w.startsOn}T00:00:00Z`)));
  const points: WeekPoint[] = [];
  let cumulative = 0;
  for (let at = first; at <= last && points.length < MAX_WEEKS; at += 7 * DAY) {
    const w = byStart.get(iso(at));
    cumulative += w?.joined ?? 0;
    points.push({ startsOn: iso(at), week: w?.week ?? null, joined: w?.joined ?? 0, left: w?.left ?? 0, cumulative });
  }
  return points;
}

/** The burn-up: joins summed week by week against the target line, and the weeks as a table. */
export function BurnUp({ p }: { p: CampaignProgress }) {
  const { t } = useTranslation('campaigns');
  const points = useMemo(() => weekPoints(p), [p]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 36, bottom: 28 },
      xAxis: { type: 'category' as const, data: points.map((w) => w.startsOn), boundaryGap: false },
      yAxis: { type: 'value' as const, minInterval: 1, max: (v: { max: number }) => Math.max(v.max, p.target) },
      series: [
        {
          name: t('burnup.cumulative'),
          type: 'line' as const,
          step: 'end' as const,
          data: points.map((w) => w.cumulative),
          itemStyle: { color: '#a31515' },
          areaStyle: { opacity: 0.12 },
          showSymbol: points.length < 40,
        },
        {
          name: t('burnup.target'),
          type: 'line' as const,
          data: points.map(() => p.target),
          itemStyle: { color: '#555' },
          lineStyle: { type: 'dashed' as const },
          showSymbol: false,
        },
      ],
    }),
    [points, p.target, t],
  );
  const rows = points.filter((w) => w.joined > 0 || w.left > 0);
  const columns: Column<WeekPoint>[] = [
    { key: 'week', header: t('week'), cell: (w) => w.week ?? '—' },
    { key: 'startsOn', header: t('weekStarts'), cell: (w) => w.startsOn },
    { key: 'joined', header: t('weekJoined'), numeric: true, cell: (w) => count(w.joined) },
    { key: 'left', header: t('weekLeft'), numeric: true, cell: (w) => count(w.left) },
    { key: 'cumulative', header: t('cumulative'), numeric: true, cell: (w) => count(w.cumulative) },
  ];
  return (
    <section aria-labelledby="burnup-title">
      <h2 id="burnup-title">{t('burnup.title')}</h2>
      <Chart option={option} label={t('burnup.chart')} height={300} />
      <details>
        <summary>{t('burnup.caption')}</summary>
        <DataTable testId="campaign-weeks" caption={t('burnup.caption')} columns={columns} rows={rows} rowKey={(w) => w.startsOn} />
      </details>
    </section>
  );
}
