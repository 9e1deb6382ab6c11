import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { todayInChina } from '../../ui/format';
import { looksPersonal } from '../../ui/instant';
import { HistoryPanel } from '../../ui/Timeline';
import { useQueryParams } from '../../ui/url';

/**
 * A member's history by member id (/members/history?memberId=…): a
 * pseudonymous id may go into the URL, a name or an identity number never.
 * The person's data appears only as the API returns it to this token (a
 * campaign team: only members it signed up; otherwise the API's 403).
 */
export function MemberHistoryView() {
  const { t } = useTranslation('members');
  const [params, setParams] = useQueryParams();
  const memberId = params['memberId'] ?? '';
  const asOf = params['asOf'] ?? todayInChina();
  const [value, setValue] = useState(memberId);
  const [refused, setRefused] = useState(false);
  useEffect(() => setValue(memberId), [memberId]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = value.trim();
    if (looksPersonal(id)) {
      setRefused(true);
      return;
    }
    setRefused(false);
    setParams({ memberId: id, asOf: params['asOf'] }, '/history');
  };

  return (
    <>
      <h2>{t('history.title')}</h2>
      <form role="search" className="row" onSubmit={submit} data-testid="member-search">
        <span className="field">
          <label htmlFor="memberId">{t('history.label')}</label>
          <input id="memberId" required autoComplete="off" spellCheck={false} value={value} aria-describedby="memberId-hint" onChange={(e) => setValue(e.target.value)} />
        </span>
        <button type="submit">{t('history.search')}</button>
      </form>
      <p id="memberId-hint" className="hint">
        {t('history.hint')}
      </p>
      {refused ? (
        <p className="error" role="alert" data-testid="member-refused">
          {t('history.personal')}
        </p>
      ) : null}
      {memberId ? <HistoryPanel kind="member" id={memberId} asOf={asOf} /> : <p className="muted">{t('history.prompt')}</p>}
    </>
  );
}
