import { useTranslation } from 'react-i18next';
import type { Step } from './types';

/** Colours of the outreach steps (charts), from not visited (grey) to measures drawn up (green). */
export const STEP_COLORS: Record<Step, string> = { none: '#8a8a8f', visited: '#e08a3c', policyExplained: '#2b6cb0', measuresDrawnUp: '#17622a' };

/** An enterprise's outreach step as a word (its colour only repeats it). */
export function StepBadge({ step }: { step: Step | undefined }) {
  const { t } = useTranslation('work');
  if (!step) return <span className="muted">{t('step.unknown')}</span>;
  return <span className={`step step-${step}`}>{t(`step.${step}`)}</span>;
}
