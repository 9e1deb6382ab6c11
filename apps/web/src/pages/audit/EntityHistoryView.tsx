import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { todayInChina } from '../../ui/format';
import { ENTITY_KINDS, type EntityKind } from '../../ui/history';
import { looksPersonal } from '../../ui/instant';
import { HistoryPanel } from '../../ui/Timeline';
import { useQueryParams } from '../../ui/url';

/**
 * An entity's history (/audit/history?kind=…&id=…&asOf=…&knownAt=…): a form
 * for the entity, then its state and its timeline as the API answers. A
 * member is looked up by its id only: what looks like a name or an identity
 * number is refused before it reaches the URL.
 */
export function EntityHistoryView() {
  const { t } = useTranslation('audit');
  const [params, setParams] = useQueryParams();
  const kind: EntityKind = ENTITY_KINDS.includes(params['kind'] as EntityKind) ? (params['kind'] as EntityKind) : 'enterprise';
  const id = params['id'] ?? '';
  const asOf = params['asOf'] ?? todayInChina();
  const knownAt = params['knownAt'] || undefined;
  const [form, setForm] = useState({ kind, id, asOf, knownAt: knownAt ?? '' });
  const [refused, setRefused] = useState(false);
  useEffect(() => setForm({ kind, id, asOf, knownAt: knownAt ?? '' }), [kind, id, asOf, knownAt]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = form.id.trim();
    if (form.kind === 'member' && looksPersonal(value)) {
      setRefused(true);
      return;
    }
    setRefused(false);
    setParams({ kind: form.kind, id: value, asOf: form.asOf, knownAt: form.knownAt });
  };

  return (
    <>
      <h2>{t('history.title')}</h2>
      <form className="row history-form" onSubmit={submit} data-testid="history-form">
        <span className="field">
          <label htmlFor="history-kind">{t('history.kind')}</label>
          <select id="history-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as EntityKind })}>
            {ENTITY_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`, { ns: 'timeline' })}
              </option>
            ))}
          </select>
        </span>
        <span className="field grow">
          <label htmlFor="history-id">{t('history.id')}</label>
          <input id="history-id" required autoComplete="off" spellCheck={false} value={form.id} aria-describedby="history-id-hint" onChange={(e) => setForm({ ...form, id: e.target.value })} />
        </span>
        <span className="field">
          <label htmlFor="history-asOf">{t('asOf', { ns: 'common' })}</label>
          <input id="history-asOf" type="date" required value={form.asOf} onChange={(e) => setForm({ ...form, asOf: e.target.value })} />
        </span>
        <span className="field">
          <label htmlFor="history-knownAt">{t('history.knownAt')}</label>
          <input id="history-knownAt" type="datetime-local" step={1} value={form.knownAt} onChange={(e) => setForm({ ...form, knownAt: e.target.value })} />
        </span>
        <button type="submit">{t('history.show')}</button>
      </form>
      <p id="history-id-hint" className="hint">
        {t('history.id.hint')}
      </p>
      {refused ? (
        <p className="error" role="alert" data-testid="history-refused">
          {t('history.personal')}
        </p>
      ) : null}
      {id ? <HistoryPanel kind={kind} id={id} asOf={asOf} knownAt={knownAt} /> : <p className="muted">{t('history.prompt')}</p>}
    </>
  );
}
