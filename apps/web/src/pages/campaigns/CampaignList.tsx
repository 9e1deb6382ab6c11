import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { get } from '../../api/client';
import { AreaDateBar, useArea } from '../../ui/AreaDateBar';
import { AreaPage } from '../../ui/AreaPage';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { count, percent } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { href, useQueryParams } from '../../ui/url';
import { CeremonyComplianceView } from './CeremonyCompliance';
import { Tabs } from './Tabs';
import type { CampaignList as List, CampaignListItem, CampaignProgress } from './types';

type View = 'list' | 'ceremonies';

/** /campaigns: the drives launched in an area (and below), or (`?view=ceremonies`) the ceremony rule per subdistrict for a year. */
export function CampaignList() {
  const { t } = useTranslation('campaigns');
  const [params] = useQueryParams();
  const view: View = params['view'] === 'ceremonies' ? 'ceremonies' : 'list';
  const scope = { area: params['area'], asOf: params['asOf'] };
  return (
    <AreaPage title={t('title')} className="campaigns-page">
      {({ areaId, asOf }) => (
        <>
      <AreaDateBar path="~/campaigns" areaId={areaId} asOf={asOf} extra={{ view: params['view'], year: params['year'], minimum: params['minimum'] }} />
      <Tabs
        label={t('tabs.label')}
        current={view}
        items={[
          { view: 'list', label: t('tabs.list'), href: href('~/campaigns', scope) },
          { view: 'ceremonies', label: t('tabs.ceremonies'), href: href('~/campaigns', { ...scope, view: 'ceremonies' }) },
        ]}
      />
      {view === 'ceremonies' ? <CeremonyComplianceView areaId={areaId} /> : <Drives areaId={areaId} asOf={asOf} />}
        </>
      )}
    </AreaPage>
  );
}

/** Where a drive stands on a date: not started, running or ended. */
export function statusOn(c: { startsOn: string; endsOn: string }, asOf: string): 'upcoming' | 'running' | 'ended' {
  return asOf < c.startsOn ? 'upcoming' : asOf > c.endsOn ? 'ended' : 'running';
}

function Drives({ areaId, asOf }: { areaId: string; asOf: string }) {
  const { t } = useTranslation('campaigns');
  const [params] = useQueryParams();
  const list = useQuery({ queryKey: ['campaigns', areaId], queryFn: () => get<List>('/api/campaigns', { areaId }) });
  const campaigns = list.data?.campaigns ?? [];
  // Each drive's joins as of the date (its progress answer): the figure a team looks for first.
  const progress = useQueries({
    queries: campaigns.map((c) => ({
      queryKey: ['campaign-progress', c.campaignId, asOf],
      queryFn: () => get<CampaignProgress>(`/api/campaigns/${encodeURIComponent(c.campaignId)}/progress`, { asOf }),
    })),
  });
  const byId = new Map(progress.flatMap((p) => (p.data ? [[p.data.campaignId, p.data] as const] : [])));
  const failed = progress.find((p) => p.error)?.error;
  const areaNames = useAreaNames(areaId);
  const keep = { area: params['area'], asOf: params['asOf'] };

  // The figures a team looks for first come first: on a phone the rest scrolls sideways.
  const columns: Column<CampaignListItem>[] = [
    {
      key: 'name',
      header: t('name'),
      cell: (c) => (
        <Link className="name-cell" href={href(`/${encodeURIComponent(c.campaignId)}`, keep)}>
          {c.name}
        </Link>
      ),
    },
    { key: 'progress', header: t('progress'), numeric: true, cell: (c) => percent(byId.get(c.campaignId)?.progress) },
    { key: 'joined', header: t('joined'), numeric: true, cell: (c) => count(byId.get(c.campaignId)?.joined) },
    { key: 'target', header: t('target'), numeric: true, cell: (c) => count(c.targetJoins) },
    { key: 'status', header: t('status'), cell: (c) => t(`status.${statusOn(c, asOf)}`) },
    { key: 'period', header: t('period'), cell: (c) => `${c.startsOn} – ${c.endsOn}` },
    { key: 'area', header: t('area'), cell: (c) => areaNames.get(c.areaId) ?? c.areaId },
    { key: 'campaignId', header: t('campaignId'), cell: (c) => c.campaignId },
  ];
  return (
    <section aria-label={t('tabs.list')}>
      {list.error ? <ErrorNotice error={list.error} /> : null}
      {failed ? <ErrorNotice error={failed} /> : null}
      {list.isLoading ? <Loading /> : null}
      {list.data ? (
        campaigns.length === 0 ? (
          <p data-testid="campaigns-none">{t('list.none')}</p>
        ) : (
          <DataTable testId="campaigns" caption={t('list.caption')} columns={columns} rows={campaigns} rowKey={(c) => c.campaignId} />
        )
      ) : null}
    </section>
  );
}

/** Names of the area, its path and its sub-areas (the areas a list most often names); others are shown by id. */
export function useAreaNames(areaId: string | undefined): Map<string, string> {
  const area = useArea(areaId);
  const names = new Map<string, string>();
  for (const a of [...(area.data?.path ?? []), ...(area.data?.children ?? [])]) names.set(a.areaId, a.name);
  return names;
}
