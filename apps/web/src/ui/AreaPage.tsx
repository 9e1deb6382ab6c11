import type { ReactNode } from 'react';
import { useArea, useAreaAndDate } from './AreaDateBar';
import { EmptyStore } from './EmptyStore';
import { ErrorNotice } from './ErrorNotice';
import { Loading } from './Loading';

/**
 * A page about an area on a date (coverage, work list, drives): its title
 * with the area's name, and its body once the area is known — the URL's, or
 * the widest the token may see. On an empty store it says so (and how to
 * fill it); if the areas cannot be read, it shows the API's error.
 */
export function AreaPage({ title, className, children }: { title: string; className?: string; children: (scope: { areaId: string; asOf: string }) => ReactNode }) {
  const { areaId, asOf, empty, rootsError } = useAreaAndDate();
  const name = useArea(areaId).data?.area?.name;
  return (
    <main id="main" className={className}>
      <h1>
        {title}
        {name ? ` · ${name}` : ''}
      </h1>
      {rootsError ? <ErrorNotice error={rootsError} /> : empty ? <EmptyStore /> : areaId ? children({ areaId, asOf }) : <Loading />}
    </main>
  );
}
