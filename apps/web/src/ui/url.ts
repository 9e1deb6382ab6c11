import { useCallback } from 'react';
import { useLocation, useRouter, useSearch } from 'wouter';

/**
 * A view's state lives in its URL (so it can be shared and bookmarked):
 * read the query string, and change some of it (empty values removed).
 */
export function useQueryParams(): [Record<string, string>, (patch: Record<string, string | number | null | undefined>, path?: string) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const { base } = useRouter();
  const params = Object.fromEntries(new URLSearchParams(search));
  const set = useCallback(
    (patch: Record<string, string | number | null | undefined>, path?: string) => {
      const next = new URLSearchParams(path === undefined ? search : '');
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      const q = next.toString();
      // At the root of a nested route (/work), its own address: /work?…, not /work/?….
      const to = path ?? location;
      navigate(`${to === '/' && base ? `~${base}` : to}${q ? `?${q}` : ''}`);
    },
    [search, location, navigate, base],
  );
  return [params, set];
}

/** A link's href to a view with its query. */
export function href(path: string, params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
