import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { get } from '../api/client';
import type { Areas } from '../api/types';
import { todayInChina } from './format';
import { href, useQueryParams } from './url';

/** The areas the caller may start from (its own; for an admin, the top-level areas). */
export function useRootAreas() {
  return useQuery({ queryKey: ['areas', null], queryFn: () => get<Areas>('/api/areas') });
}

/** An area with its path (breadcrumbs) and sub-areas. */
export function useArea(areaId: string | undefined) {
  return useQuery({ queryKey: ['areas', areaId], queryFn: () => get<Areas>('/api/areas', { areaId }), enabled: Boolean(areaId) });
}

/**
 * The area and date a view shows, from its URL: `area` (default: the widest
 * area the token may see) and `asOf` (default: today in China).
 * `areaId` is undefined while the default is looked up, or when the store
 * holds no area at all (`empty`).
 */
export function useAreaAndDate(): { areaId: string | undefined; asOf: string; empty: boolean; rootsError: unknown } {
  const [params] = useQueryParams();
  const roots = useRootAreas();
  const fallback = roots.data?.children[0]?.areaId;
  return {
    areaId: params['area'] ?? fallback,
    asOf: params['asOf'] ?? todayInChina(),
    empty: !params['area'] && roots.isSuccess && roots.data.children.length === 0,
    rootsError: roots.error,
  };
}

/** Breadcrumbs to the area, a choice of its sub-areas, and the date: every change is a new URL. */
export function AreaDateBar({ path, areaId, asOf, extra }: { path: string; areaId: string; asOf: string; extra?: Record<string, string | undefined> }) {
  const { t } = useTranslation();
  const [, setParams] = useQueryParams();
  const area = useArea(areaId);
  const [date, setDate] = useState(asOf);
  useEffect(() => setDate(asOf), [asOf]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams({ asOf: date });
  };

  return (
    <div className="scope-bar">
      <nav aria-label={t('area')} className="breadcrumbs">
        <ol>
          {(area.data?.path ?? []).map((a) => (
            <li key={a.areaId}>
              {a.areaId === areaId ? (
                <span aria-current="page">{a.name}</span>
              ) : (
                <Link href={href(path, { ...extra, area: a.areaId, asOf })}>{a.name}</Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <form className="scope-form" onSubmit={submit}>
        {area.data && area.data.children.length > 0 ? (
          <span className="field">
            <label htmlFor="subarea">{t('area')}</label>
            <select id="subarea" value="" onChange={(e) => e.target.value && setParams({ area: e.target.value })}>
              <option value="">{area.data.area?.name ?? ''} ▾</option>
              {area.data.children.map((c) => (
                <option key={c.areaId} value={c.areaId}>
                  {c.name}
                </option>
              ))}
            </select>
          </span>
        ) : null}
        <span className="field">
          <label htmlFor="asOf">{t('asOf')}</label>
          <input id="asOf" type="date" value={date} required onChange={(e) => setDate(e.target.value)} />
        </span>
        <button type="submit">{t('show')}</button>
      </form>
    </div>
  );
}
