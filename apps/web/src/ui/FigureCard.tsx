import type { ReactNode } from 'react';

/** One headline figure: its name, its value, and what it is measured against. */
export function FigureCard({ label, value, detail, testId, tone }: { label: ReactNode; value: ReactNode; detail?: ReactNode; testId?: string; tone?: 'ok' | 'short' }) {
  return (
    <div className={`figure${tone ? ` ${tone}` : ''}`} data-testid={testId}>
      <div className="figure-label">{label}</div>
      <div className="figure-value">{value}</div>
      {detail ? <div className="figure-detail">{detail}</div> : null}
    </div>
  );
}
