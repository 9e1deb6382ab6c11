import { useEffect } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { get } from '../../api/client';
import { BANDS } from '../../api/types';
import { useSession } from '../../session/session';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { count } from '../../ui/format';
import { chinaTime } from '../../ui/instant';
import { Loading } from '../../ui/Loading';
import { useEventLabel } from '../../ui/Timeline';
import { href } from '../../ui/url';
import type { Counts, CoverageDelta, EnterpriseCount, Revision, RevisionsPage } from './types';

/**
 * The recorded events that changed the figure since it was reported, line by
 * line: a page at a time (GET /api/coverage/revisions), "load more" following
 * nextCursor. A page may hold no revision and still have a next one (positions
 * that changed nothing): the list says so and offers the next page.
 */
export function Revisions({ areaId, asOf, knownAt, pageSize }: { areaId: string; asOf: string; knownAt: string; pageSize: number }) {
  const { t } = useTranslation('audit');
  const eventLabel = useEventLabel();
  const { may } = useSession();
  const pages = useInfiniteQuery({
    queryKey: ['revisions', areaId, asOf, knownAt, pageSize],
    queryFn: ({ pageParam }) => get<RevisionsPage>('/api/coverage/revisions', { areaId, asOf, knownAt, pageSize, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  // A page may hold no revision and still have a next one (positions that changed nothing): go on until one does, or the end.
  const lastPage = pages.data?.pages[pages.data.pages.length - 1];
  const { hasNextPage, isFetching, fetchNextPage } = pages;
  useEffect(() => {
    if (lastPage && lastPage.revisions.length === 0 && hasNextPage && !isFetching) void fetchNextPage();
  }, [lastPage, hasNextPage, isFetching, fetchNextPage]);
  const first = pages.data?.pages[0];
  const revisions = pages.data?.pages.flatMap((p) => p.revisions) ?? [];
  const historyLink = (kind: 'enterprise' | 'member', id: string) =>
    may('histories') ? <Link href={href('/history', { kind, id, asOf })}>{id}</Link> : <span>{id}</span>;

  const columns: Column<Revision>[] = [
    {
      key: 'recorded',
      header: t('col.recorded'),
      cell: (r) => (
        <>
          <time dateTime={r.recordedAt}>{chinaTime(r.recordedAt)}</time>
          <div className="muted">{t('position', { position: r.position })}</div>
        </>
      ),
    },
    {
      key: 'event',
      header: t('col.event'),
      cell: (r) => (
        <>
          <strong>{eventLabel(r.type)}</strong>
          <div className="muted">
            {[r.occurredOn ? t('occurredOn', { date: r.occurredOn }) : null, r.actor ? t('by', { actor: r.actor }) : null, r.commandType].filter(Boolean).join(' · ')}
          </div>
        </>
      ),
    },
    {
      key: 'changes',
      header: t('col.changes'),
      cell: (r) => (
        <ul className="changes">
          {r.changes.map((c) => (
            <li key={c.kind === 'enterprise' ? `e-${c.creditCode}` : `m-${c.memberId}`}>
              {c.kind === 'enterprise' ? (
                <>
                  {t('change.enterprise')} {historyLink('enterprise', c.creditCode)}: <EnterpriseCountText c={c.before} /> → <EnterpriseCountText c={c.after} />
                </>
              ) : (
                <>
                  {t('change.member')} {historyLink('member', c.memberId)}: <MemberCountText c={c.before} /> → <MemberCountText c={c.after} />
                </>
              )}
            </li>
          ))}
        </ul>
      ),
    },
    { key: 'delta', header: t('col.delta'), cell: (r) => <DeltaText delta={r.delta} /> },
  ];

  const at = first ? chinaTime(first.knownAt) : knownAt.replace('T', ' ');
  return (
    <section aria-labelledby="revisions-title">
      <h2 id="revisions-title">{t('revisions.title')}</h2>
      <p className="hint">{t('revisions.intro', { at })}</p>
      {pages.error ? <ErrorNotice error={pages.error} /> : null}
      {pages.isLoading ? <Loading /> : null}
      {first ? (
        <>
          {revisions.length === 0 && pages.hasNextPage ? (
            <Loading />
          ) : revisions.length === 0 ? (
            <p data-testid="audit-no-revisions">{t('revisions.none')}</p>
          ) : (
            <DataTable testId="audit-revisions" caption={t('revisions.caption')} columns={columns} rows={revisions} rowKey={(r) => r.position} />
          )}
          <div className="pager">
            <span className="muted" role="status">
              {t('revisions.loaded', { count: revisions.length, from: first.knownAtPosition, to: first.currentPosition })}
              {pages.hasNextPage ? '' : ` · ${t('revisions.end')}`}
            </span>
            {pages.hasNextPage ? (
              <button type="button" data-testid="audit-more" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
                {t('revisions.more')}
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}

function EnterpriseCountText({ c }: { c: EnterpriseCount | null }) {
  const { t } = useTranslation('audit');
  if (!c) return <span className="muted">{t('change.notCounted')}</span>;
  return <span>{[t(`band.${c.band}`), t(`status.${c.status}`), t('change.staff', { count: c.headcount }), c.newForm ? t('change.newForm') : null].filter(Boolean).join(' · ')}</span>;
}

function MemberCountText({ c }: { c: { newForm: boolean } | null }) {
  const { t } = useTranslation('audit');
  if (!c) return <span className="muted">{t('change.notCounted')}</span>;
  return <span>{c.newForm ? `${t('change.counted')} · ${t('change.newForm')}` : t('change.counted')}</span>;
}

/** The counts a revision changed, each with its sign (those it left alone are not listed). */
function DeltaText({ delta }: { delta: CoverageDelta }) {
  const { t } = useTranslation('audit');
  const signed = (n: number) => (n > 0 ? `+${count(n)}` : `−${count(-n)}`);
  const parts: string[] = [];
  const counts = (label: string, c: Counts) => {
    for (const k of ['active', 'independent', 'federationCovered', 'organized'] as const) if (c[k] !== 0) parts.push(`${label} ${t(`count.${k}`)} ${signed(c[k])}`);
  };
  for (const band of BANDS) counts(t(`band.${band}`), delta.bands[band]);
  counts(t('band.newForm'), delta.newForm);
  if (delta.staff !== 0) parts.push(`${t('delta.staff')} ${signed(delta.staff)}`);
  if (delta.members.total !== 0) parts.push(`${t('delta.members')} ${signed(delta.members.total)}`);
  if (delta.members.newForm !== 0) parts.push(`${t('delta.members.newForm')} ${signed(delta.members.newForm)}`);
  if (parts.length === 0) return <span className="muted">{t('delta.none')}</span>;
  return (
    <ul className="changes">
      {parts.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}
