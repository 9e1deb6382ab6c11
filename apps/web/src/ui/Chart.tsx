import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChartOption } from './echarts';

const EChart = lazy(() => import('./echarts'));

/**
 * A chart (Apache ECharts, loaded with the first page that draws one). The
 * canvas is an image to assistive technology: each chart sits beside a
 * table of the same figures, and says so.
 */
export function Chart({ option, label, height = 280 }: { option: ChartOption; label: string; height?: number }) {
  const { t } = useTranslation();
  return (
    <figure className="chart" role="img" aria-label={`${label}. ${t('chart.alt')}`}>
      <Suspense fallback={<div style={{ height }} />}>
        <EChart option={option} height={height} />
      </Suspense>
    </figure>
  );
}
