import { useTranslation } from 'react-i18next';
import { registerMessages } from '../i18n/index';
import { ErrorNotice } from './ErrorNotice';
import { useHistory, type EntityHistory, type EntityKind, type HistoryEntry } from './history';
import { chinaTime } from './instant';
import { Loading } from './Loading';
import { timelineMessages } from './timeline-messages';
import './timeline.css';

registerMessages('timeline', timelineMessages);

/** An event type in words (zh/en); a type the dashboard does not know yet is shown as the engine names it. */
export function useEventLabel(): (type: string) => string {
  const { t } = useTranslation('timeline');
  return (type) => t(`event.${type}`, { defaultValue: type });
}

/**
 * An entity's events as a timeline, oldest first (recording order, as the
 * API lists them): the business date, the event in words, when and by whom
 * it was recorded, and the API's own summary — nothing the API did not send.
 */
export function Timeline({ entries, label, testId }: { entries: readonly HistoryEntry[]; label: string; testId?: string }) {
  const { t } = useTranslation('timeline');
  const eventLabel = useEventLabel();
  if (entries.length === 0) return <p className="muted">{t('timeline.empty')}</p>;
  return (
    <ol className="timeline" aria-label={label} data-testid={testId}>
      {entries.map((e) => (
        <li key={e.position} data-position={e.position} data-type={e.type} className={e.countsAsOf ? undefined : 'not-counted'}>
          <div className="tl-date">{e.occurredOn ? <time dateTime={e.occurredOn}>{e.occurredOn}</time> : <span className="muted">{t('timeline.undated')}</span>}</div>
          <div className="tl-body">
            <p className="tl-title">
              <strong>{eventLabel(e.type)}</strong>
              {e.late ? (
                <span className="badge late" title={t('timeline.late.title')}>
                  {t('timeline.late')}
                </span>
              ) : null}
              {e.countsAsOf ? null : <span className="badge">{t('timeline.notCounted')}</span>}
            </p>
            <p className="tl-summary">{e.summary}</p>
            <dl className="tl-meta">
              <div>
                <dt>{t('timeline.recordedAt')}</dt>
                <dd>
                  <time dateTime={e.recordedAt}>{chinaTime(e.recordedAt)}</time>
                </dd>
              </div>
              {e.actor ? (
                <div>
                  <dt>{t('timeline.recordedBy')}</dt>
                  <dd>
                    {e.actor}
                    {e.onBehalfOf ? ` (${t('timeline.onBehalfOf')} ${e.onBehalfOf})` : ''}
                  </dd>
                </div>
              ) : null}
              {e.commandType ? (
                <div>
                  <dt>{t('timeline.command')}</dt>
                  <dd>{e.commandType}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t('timeline.position')}</dt>
                <dd>{e.streamId ? `${e.position} · ${e.streamId}` : e.position}</dd>
              </div>
            </dl>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** A field of the state as the API gave it: text as is, lists and records as compact JSON. */
function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The entity as of the date (the API's summary, and every field it sent), then its events. */
export function HistoryView({ history }: { history: EntityHistory }) {
  const { t } = useTranslation('timeline');
  const fields = Object.entries(history.state).filter(([k]) => k !== 'kind' && k !== 'summary');
  return (
    <div className="history" data-testid="history" data-kind={history.kind} data-id={history.id}>
      <section className="history-state" data-testid="history-state" aria-labelledby="history-state-title">
        <h2 id="history-state-title">
          {t(`kind.${history.kind}`)} {history.id} · {t('state.title', { asOf: history.asOf })}
          {history.knownAt ? ` · ${t('state.knownAt', { knownAt: chinaTime(history.knownAt) })}` : ''}
        </h2>
        <p className="state-summary">{history.state.summary}</p>
        {fields.length > 0 ? (
          <details>
            <summary>{t('state.fields')}</summary>
            <dl className="state-fields">
              {fields.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{fieldText(v)}</dd>
                </div>
              ))}
            </dl>
          </details>
        ) : null}
      </section>
      <section aria-labelledby="history-events-title">
        <h2 id="history-events-title">{t('timeline.caption')}</h2>
        <Timeline entries={history.events} label={t('timeline.caption')} testId="timeline" />
      </section>
      {history.related ? (
        <section aria-labelledby="history-related-title">
          <h2 id="history-related-title">{t('timeline.related')}</h2>
          <Timeline entries={history.related} label={t('timeline.related')} testId="timeline-related" />
        </section>
      ) : null}
    </div>
  );
}

/** Fetches an entity's history and shows it (the API's refusal — 403, 404 — as it words it). */
export function HistoryPanel({ kind, id, asOf, knownAt }: { kind: EntityKind; id: string; asOf: string; knownAt?: string | undefined }) {
  const history = useHistory(kind, id, asOf, knownAt);
  if (history.error) return <ErrorNotice error={history.error} />;
  if (!history.data) return <Loading />;
  return <HistoryView history={history.data} />;
}
