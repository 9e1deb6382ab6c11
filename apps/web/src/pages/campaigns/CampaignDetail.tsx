import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { get } from '../../api/client';
import { useSession } from '../../session/session';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FigureCard } from '../../ui/FigureCard';
import { count, percent, todayInChina } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { href, useQueryParams } from '../../ui/url';
import { Breakdowns, Leavers } from './Breakdowns';
import { BurnUp } from './BurnUp';
import { CampaignHistory } from './CampaignHistory';
import { useAreaNames } from './CampaignList';
import type { CampaignProgress } from './types';

/** /campaigns/:campaignId?asOf=…: a drive's progress as of a date, as GET /api/campaigns/:id/progress answers it. */
export function CampaignDetail({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation('campaigns');
  const [params, setParams] = useQueryParams();
  const asOf = params['asOf'] ?? todayInChina();
  const progress = useQuery({
    queryKey: ['campaign-progress', campaignId, asOf],
    queryFn: () => get<CampaignProgress>(`/api/campaigns/${encodeURIComponent(campaignId)}/progress`, { asOf }),
  });
  const p = progress.data;
  const back = href('~/campaigns', { area: params['area'], asOf: params['asOf'] });

  return (
    <main id="main" className="campaigns-page">
      <p>
        <Link href={back}>← {t('detail.back')}</Link>
      </p>
      <h1>{p ? p.name : t('title')}</h1>
      <DateForm asOf={asOf} endsOn={p?.endsOn} onDate={(date) => setParams({ asOf: date })} />
      {progress.error ? <ErrorNotice error={progress.error} /> : null}
      {progress.isLoading ? <Loading /> : null}
      {p ? <Progress p={p} /> : null}
    </main>
  );
}

function DateForm({ asOf, endsOn, onDate }: { asOf: string; endsOn: string | undefined; onDate: (date: string) => void }) {
  const { t } = useTranslation('campaigns');
  const [date, setDate] = useState(asOf);
  useEffect(() => setDate(asOf), [asOf]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onDate(date);
  };
  return (
    <form className="row" onSubmit={submit}>
      <span className="field">
        <label htmlFor="campaign-asOf">{t('detail.asOf')}</label>
        <input id="campaign-asOf" type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
      </span>
      <button type="submit">{t('show', { ns: 'common' })}</button>
      {endsOn && endsOn !== asOf ? (
        <button type="button" className="link" onClick={() => onDate(endsOn)}>
          {t('detail.toEnd', { date: endsOn })}
        </button>
      ) : null}
    </form>
  );
}

function Progress({ p }: { p: CampaignProgress }) {
  const { t, i18n } = useTranslation('campaigns');
  const { may } = useSession();
  const areaNames = useAreaNames(p.areaId);
  const en = i18n.language === 'en';
  return (
    <>
      <p className="meta" data-testid="campaign-meta">
        {t('detail.period', { area: areaNames.get(p.areaId) ?? p.areaId, from: p.startsOn, to: p.endsOn })} · {p.campaignId}
      </p>
      <section className="figures compact" aria-label={t('title')}>
        <FigureCard testId="campaign-joined" label={t('figure.joined')} value={count(p.joined)} detail={t('figure.joined.detail', { left: count(p.left) })} />
        <FigureCard testId="campaign-target" label={t('figure.target')} value={count(p.target)} />
        <FigureCard
          testId="campaign-progress"
          label={t('figure.progress')}
          value={percent(p.progress)}
          tone={p.progress === null ? undefined : p.progress >= 1 ? 'ok' : 'short'}
          detail={t('figure.progress.detail')}
        />
        <FigureCard testId="campaign-remaining" label={t('figure.remaining')} value={count(p.remaining)} />
        <FigureCard testId="campaign-still-members" label={t('figure.stillMembers')} value={count(p.stillMembers)} />
        <FigureCard testId="campaign-left" label={t('figure.left')} value={count(p.left)} />
      </section>
      {p.targetOccupations.length > 0 ? (
        <Labeled label={t('detail.targetOccupations')}>
          <ul className="chips" data-testid="campaign-target-occupations">
            {p.targetOccupations.map((o) => {
              const group = p.byOccupation.find((g) => g.group === o.group);
              const name = group ? (en ? group.en : group.zh) : null;
              return (
                <li key={o.asWritten}>
                  {name ?? o.asWritten}
                  {name && name !== o.asWritten ? ` ${t('detail.asWritten', { asWritten: o.asWritten })}` : ''}
                  {o.group === null ? ` (${t('detail.unmappedGroup')})` : ''}
                </li>
              );
            })}
          </ul>
        </Labeled>
      ) : null}
      <BurnUp p={p} />
      <Breakdowns p={p} />
      <Leavers p={p} />
      {may('histories') ? <CampaignHistory campaignId={p.campaignId} asOf={p.asOf} linkToAudit={may('revisions')} /> : null}
    </>
  );
}

function Labeled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <span className="muted">{label}</span>
      {children}
    </div>
  );
}
