import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart } from '../../ui/Chart';
import { DataTable, type Column } from '../../ui/DataTable';
import { count } from '../../ui/format';
import type { CampaignProgress, JoinCount } from './types';

const KNOWN_CHANNELS = ['ceremony', 'street', 'online', 'app'];

/** The joins and leavings columns every breakdown shares. */
function useCounts<T extends JoinCount>(): Column<T>[] {
  const { t } = useTranslation('campaigns');
  return [
    { key: 'joined', header: t('joined'), numeric: true, cell: (r) => count(r.joined) },
    { key: 'left', header: t('left'), numeric: true, cell: (r) => count(r.left) },
  ];
}

/** The drive's joins by subdistrict, occupation group, unmapped occupation, channel and ceremony, as the API breaks them down. */
export function Breakdowns({ p }: { p: CampaignProgress }) {
  const { t, i18n } = useTranslation('campaigns');
  const en = i18n.language === 'en';
  const subName = (r: { name: string | null }) => r.name ?? t('sub.none');

  type Sub = CampaignProgress['bySubdistrict'][number];
  type Occ = CampaignProgress['byOccupation'][number];
  type Unmapped = CampaignProgress['unmappedOccupations'][number];
  type Channel = CampaignProgress['byChannel'][number];
  type Ceremony = CampaignProgress['byCeremony'][number];

  const subColumns: Column<Sub>[] = [{ key: 'subdistrict', header: t('subdistrict'), cell: subName }, ...useCounts<Sub>()];
  const occColumns: Column<Occ>[] = [
    { key: 'group', header: t('occ.group'), cell: (o) => (en ? o.en : o.zh) },
    { key: 'targeted', header: t('occ.targeted'), cell: (o) => (o.targeted ? t('yes') : t('no')) },
    ...useCounts<Occ>(),
  ];
  const unmappedColumns: Column<Unmapped>[] = [{ key: 'asWritten', header: t('occ.asWritten'), cell: (o) => o.asWritten || '—' }, ...useCounts<Unmapped>()];
  const channelColumns: Column<Channel>[] = [
    {
      key: 'channel',
      header: t('channel'),
      cell: (c) => (c.channel === null ? t('channel.none') : KNOWN_CHANNELS.includes(c.channel) ? t(`channel.${c.channel}`) : c.channel),
    },
    ...useCounts<Channel>(),
  ];
  const ceremonyColumns: Column<Ceremony>[] = [
    { key: 'ceremony', header: t('ceremony'), cell: (c) => c.ceremonyId ?? t('ceremony.none') },
    { key: 'heldOn', header: t('heldOn'), cell: (c) => c.heldOn ?? '—' },
    { key: 'heldIn', header: t('heldIn'), cell: (c) => c.areaId ?? '—' },
    ...useCounts<Ceremony>(),
  ];

  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 60 },
      xAxis: { type: 'category' as const, data: p.bySubdistrict.map(subName), axisLabel: { rotate: p.bySubdistrict.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value' as const, minInterval: 1 },
      series: [
        { name: t('joined'), type: 'bar' as const, barMaxWidth: 48, data: p.bySubdistrict.map((s) => s.joined), itemStyle: { color: '#a31515' } },
        { name: t('left'), type: 'bar' as const, barMaxWidth: 48, data: p.bySubdistrict.map((s) => s.left), itemStyle: { color: '#8a8a8f' } },
      ],
    }),
    [p, t],
  );

  return (
    <>
      <section aria-labelledby="sub-title">
        <h2 id="sub-title">{t('sub.title')}</h2>
        {p.bySubdistrict.length > 0 ? <Chart option={option} label={t('sub.chart')} height={260} /> : null}
        <DataTable testId="campaign-subdistricts" caption={t('sub.caption')} columns={subColumns} rows={p.bySubdistrict} rowKey={(s) => s.areaId ?? '-'} />
      </section>
      <div className="grid2">
        <section aria-labelledby="occ-title">
          <h2 id="occ-title">{t('occ.title')}</h2>
          <DataTable testId="campaign-occupations" caption={t('occ.caption')} columns={occColumns} rows={p.byOccupation} rowKey={(o) => o.group} />
          <DataTable testId="campaign-unmapped" caption={t('occ.unmappedCaption')} columns={unmappedColumns} rows={p.unmappedOccupations} rowKey={(o) => o.asWritten} />
        </section>
        <section aria-labelledby="channel-title">
          <h2 id="channel-title">{t('channel.title')}</h2>
          <DataTable testId="campaign-channels" caption={t('channel.caption')} columns={channelColumns} rows={p.byChannel} rowKey={(c) => c.channel ?? '-'} />
        </section>
      </div>
      <section aria-labelledby="ceremony-title">
        <h2 id="ceremony-title">{t('ceremony.title')}</h2>
        <DataTable testId="campaign-ceremonies" caption={t('ceremony.caption')} columns={ceremonyColumns} rows={p.byCeremony} rowKey={(c) => c.ceremonyId ?? '-'} />
      </section>
    </>
  );
}

const FIRST_LEAVERS = 50;

/** The members of the drive who have left by the date: their member ids only (never a name), the first fifty until asked for all. */
export function Leavers({ p }: { p: CampaignProgress }) {
  const { t } = useTranslation('campaigns');
  const [all, setAll] = useState(false);
  type Leaver = CampaignProgress['leftMembers'][number];
  const columns: Column<Leaver>[] = [
    { key: 'memberId', header: t('memberId'), cell: (m) => m.memberId },
    { key: 'joinedOn', header: t('joinedOn'), cell: (m) => m.joinedOn },
    { key: 'leftOn', header: t('leftOn'), cell: (m) => m.leftOn },
    { key: 'occupation', header: t('occupation'), cell: (m) => m.occupation ?? '—' },
  ];
  const rows = all ? p.leftMembers : p.leftMembers.slice(0, FIRST_LEAVERS);
  return (
    <section aria-labelledby="leavers-title">
      <h2 id="leavers-title">{t('leavers.title')}</h2>
      <DataTable testId="campaign-leavers" caption={t('leavers.caption')} columns={columns} rows={rows} rowKey={(m) => m.memberId} />
      {rows.length < p.leftMembers.length ? (
        <button type="button" onClick={() => setAll(true)}>
          {t('leavers.showAll', { count: p.leftMembers.length })}
        </button>
      ) : null}
    </section>
  );
}
