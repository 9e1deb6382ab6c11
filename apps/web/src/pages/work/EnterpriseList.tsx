import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { BANDS, type Band } from '../../api/types';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ExportButtons } from '../../ui/ExportButtons';
import { count } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { useQueryParams } from '../../ui/url';
import { StepBadge } from './StepBadge';
import type { EnterpriseItem, EnterprisePage } from './types';

const PAGE_SIZE = 50;

/**
 * The unorganized enterprises of the area as of the date, largest first, a
 * page at a time (GET /api/coverage/enterprises?status=unorganized, following
 * nextCursor). The URL holds the band filter, the cursor of the page shown
 * (`after`) and its number (`p`); the way back is remembered per cursor, so
 * Previous and the browser's Back agree.
 */
export function EnterpriseList({ areaId, asOf, allowed }: { areaId: string; asOf: string; allowed: boolean }) {
  const { t } = useTranslation('work');
  const [params, setParams] = useQueryParams();
  const band = BANDS.includes(params['band'] as Band) ? (params['band'] as Band) : undefined;
  const after = params['after'] || undefined;
  const pageNo = Math.max(1, Number(params['p']) || 1);
  const [previous, setPrevious] = useState<Record<string, string | null>>({});

  // A cursor belongs to one list: a new area, date or band starts from the first page.
  const scope = `${areaId}|${asOf}|${band ?? ''}`;
  const lastScope = useRef(scope);
  useEffect(() => {
    if (lastScope.current === scope) return;
    lastScope.current = scope;
    setPrevious({});
    if (params['after'] || params['p']) setParams({ after: null, p: null });
  }, [scope]);

  const list = useQuery({
    queryKey: ['enterprises', areaId, asOf, 'unorganized', band ?? null, after ?? null],
    queryFn: () => get<EnterprisePage>('/api/coverage/enterprises', { areaId, asOf, status: 'unorganized', band, after, pageSize: PAGE_SIZE }),
    enabled: allowed,
    placeholderData: keepPreviousData,
  });

  if (!allowed) {
    return (
      <section aria-labelledby="list-title">
        <h2 id="list-title">{t('list.title')}</h2>
        <p className="muted" data-testid="work-list-not-allowed">{t('list.noEnterprisesRead')}</p>
      </section>
    );
  }

  const next = list.data?.nextCursor ?? null;
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const goNext = () => {
    if (!next) return;
    setPrevious((m) => ({ ...m, [next]: after ?? null }));
    setParams({ after: next, p: pageNo + 1 });
  };
  const goPrevious = () => {
    const back = after ? (previous[after] ?? null) : null;
    setParams({ after: back, p: back ? pageNo - 1 : null });
  };

  // Name, size and step first: on a phone the rest scrolls sideways.
  const columns: Column<EnterpriseItem>[] = [
    { key: 'name', header: t('name'), cell: (e) => <span className="name-cell">{e.name}</span> },
    { key: 'headcount', header: t('headcount'), numeric: true, cell: (e) => count(e.headcount) },
    { key: 'step', header: t('step'), cell: (e) => <StepBadge step={e.outreachStep} /> },
    { key: 'creditCode', header: t('creditCode'), cell: (e) => <span className="code-text">{e.creditCode}</span> },
    { key: 'area', header: t('area'), cell: (e) => e.areaId },
    { key: 'band', header: t('band'), cell: (e) => t(`band.${e.band}`) },
    { key: 'newForm', header: t('newForm'), cell: (e) => (e.newForm ? t('yes') : t('no')) },
  ];

  return (
    <section aria-labelledby="list-title">
      <h2 id="list-title">{t('list.title')}</h2>
      <div className="row">
        <span className="field">
          <label htmlFor="list-band">{t('list.filter')}</label>
          <select id="list-band" value={band ?? ''} onChange={(e) => setParams({ band: e.target.value || null, after: null, p: null })}>
            <option value="">{t('list.allBands')}</option>
            {BANDS.map((b) => (
              <option key={b} value={b}>
                {t(`band.${b}`)}
              </option>
            ))}
          </select>
        </span>
        <ExportButtons path="/api/coverage/enterprises/export" params={{ areaId, asOf, status: 'unorganized', band }} />
      </div>
      {list.error ? <ErrorNotice error={list.error} /> : null}
      {list.isLoading ? <Loading /> : null}
      {list.data ? (
        <>
          <DataTable
            testId="work-list"
            caption={t('list.caption', { page: pageNo, total: count(list.data.total) })}
            columns={columns}
            rows={list.data.items}
            rowKey={(e) => e.creditCode}
          />
          <p className="muted">{t('list.stepNote')}</p>
          <nav className="pager" aria-label={t('list.title')}>
            <button type="button" onClick={goPrevious} disabled={!after}>
              {t('previous', { ns: 'common' })}
            </button>
            <span aria-live="polite">{t('list.page', { page: pageNo, pages })}</span>
            <button type="button" onClick={goNext} disabled={!next}>
              {t('next', { ns: 'common' })}
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}
