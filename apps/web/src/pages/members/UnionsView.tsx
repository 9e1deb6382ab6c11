import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { get } from '../../api/client';
import { useSession } from '../../session/session';
import { AreaDateBar, useAreaAndDate } from '../../ui/AreaDateBar';
import { DataTable, type Column } from '../../ui/DataTable';
import { EmptyStore } from '../../ui/EmptyStore';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FigureCard } from '../../ui/FigureCard';
import { count, percent } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { href } from '../../ui/url';
import type { MembersPage, UnionMembership } from './types';
import './members.css';

const PAGE_SIZE = 50;

/**
 * Memberships per union located in an area on a date (GET /api/coverage/members):
 * the totals and breakdowns the answer carries, then the unions, largest
 * first, a page at a time ("load more" follows nextCursor). The API has no
 * export of this list.
 */
export function UnionsView() {
  const { t } = useTranslation('members');
  const { areaId, asOf, empty, rootsError } = useAreaAndDate();
  const pages = useInfiniteQuery({
    queryKey: ['members', areaId, asOf],
    queryFn: ({ pageParam }) => get<MembersPage>('/api/coverage/members', { areaId, asOf, pageSize: PAGE_SIZE, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: Boolean(areaId),
  });

  if (rootsError) return <ErrorNotice error={rootsError} />;
  if (empty) return <EmptyStore />;
  if (!areaId) return <Loading />;
  const first = pages.data?.pages[0];
  const unions = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <AreaDateBar path="~/members" areaId={areaId} asOf={asOf} />
      {pages.error ? <ErrorNotice error={pages.error} /> : null}
      {pages.isLoading ? <Loading /> : null}
      {first ? (
        <>
          <Totals answer={first} />
          {first.retained && Object.keys(first.retained.byReason).length > 0 ? <Retained byReason={first.retained.byReason} /> : null}
          {first.byArea && first.byArea.length > 0 ? <ByArea rows={first.byArea} asOf={asOf} /> : null}
          <section aria-labelledby="unions-title">
            <h2 id="unions-title">{t('unions.title')}</h2>
            <UnionTable rows={unions} asOf={asOf} />
            <div className="pager">
              <span className="muted" role="status">
                {t('unions.loaded', { shown: count(unions.length), total: count(first.unions) })}
              </span>
              {pages.hasNextPage ? (
                <button type="button" data-testid="members-more" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
                  {t('unions.more')}
                </button>
              ) : null}
            </div>
            <p className="hint">{t('unions.noExport')}</p>
          </section>
        </>
      ) : null}
    </>
  );
}

function Totals({ answer }: { answer: MembersPage }) {
  const { t } = useTranslation('members');
  return (
    <section className="figures member-totals" aria-label={t('totals.label')}>
      <FigureCard testId="members-total" label={t('total')} value={count(answer.total)} />
      <FigureCard testId="members-newForm" label={t('newForm')} value={count(answer.newForm)} />
      {answer.rate !== undefined ? <FigureCard testId="members-rate" label={t('rate')} value={percent(answer.rate)} detail={t('rate.detail')} /> : null}
      {answer.byUnionKind
        ? (['enterprise', 'federation'] as const).map((k) => (
            <FigureCard
              key={k}
              testId={`members-kind-${k}`}
              label={t(`kind.${k}`)}
              value={count(answer.byUnionKind![k].total)}
              detail={t('byKind.detail', { newForm: count(answer.byUnionKind![k].newForm) })}
            />
          ))
        : null}
      {answer.retained ? (
        <FigureCard testId="members-retained" label={t('retained')} value={count(answer.retained.total)} detail={t('retained.detail', { newForm: count(answer.retained.newForm) })} />
      ) : null}
      <FigureCard testId="members-unions" label={t('unions')} value={count(answer.unions)} />
    </section>
  );
}

function Retained({ byReason }: { byReason: Record<string, number> }) {
  const { t } = useTranslation('members');
  const rows = Object.entries(byReason).map(([reason, n]) => ({ reason, n }));
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'reason', header: t('reason'), cell: (r) => t(`reason.${r.reason}`, { defaultValue: r.reason }) },
    { key: 'total', header: t('memberships'), numeric: true, cell: (r) => count(r.n) },
  ];
  return <DataTable testId="members-retained-reasons" caption={t('retained.byReason')} columns={columns} rows={rows} rowKey={(r) => r.reason} />;
}

function ByArea({ rows, asOf }: { rows: NonNullable<MembersPage['byArea']>; asOf: string }) {
  const { t } = useTranslation('members');
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'area', header: t('area'), cell: (r) => <Link href={href('~/members', { area: r.areaId, asOf })}>{r.name}</Link> },
    { key: 'kind', header: t('areaKind'), cell: (r) => t(`kind.${r.kind}`, { ns: 'common', defaultValue: r.kind }) },
    { key: 'total', header: t('total'), numeric: true, cell: (r) => count(r.total) },
    { key: 'newForm', header: t('newForm'), numeric: true, cell: (r) => count(r.newForm) },
  ];
  return (
    <section aria-labelledby="by-area-title">
      <h2 id="by-area-title">{t('byArea.title')}</h2>
      <DataTable testId="members-by-area" caption={t('byArea.caption')} columns={columns} rows={rows} rowKey={(r) => r.areaId} />
    </section>
  );
}

function UnionTable({ rows, asOf }: { rows: UnionMembership[]; asOf: string }) {
  const { t } = useTranslation('members');
  const { may } = useSession();
  // Histories live on the audit page (the `revisions` read) — link there only when this token may open it.
  const histories = may('histories') && may('revisions');
  const historyLink = (kind: 'union' | 'enterprise', id: string) => (histories ? <Link href={href('~/audit/history', { kind, id, asOf })}>{id}</Link> : id);
  const columns: Column<UnionMembership>[] = [
    { key: 'unionId', header: t('unionId'), cell: (r) => historyLink('union', r.unionId) },
    { key: 'name', header: t('name'), cell: (r) => r.name ?? '—' },
    { key: 'kind', header: t('kind'), cell: (r) => t(`kind.${r.kind}`) },
    { key: 'enterprise', header: t('enterprise'), cell: (r) => (r.creditCode ? historyLink('enterprise', r.creditCode) : '—') },
    { key: 'area', header: t('area'), cell: (r) => r.areaId },
    { key: 'total', header: t('memberships'), numeric: true, cell: (r) => count(r.total) },
    { key: 'newForm', header: t('newForm'), numeric: true, cell: (r) => count(r.newForm) },
  ];
  return <DataTable testId="members-unions" caption={t('unions.caption')} columns={columns} rows={rows} rowKey={(r) => r.unionId} />;
}
