import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { HistoryPanel } from '../../ui/Timeline';
import { href } from '../../ui/url';

/**
 * The drive's own record (GET /api/campaigns/:id/history), for roles that may
 * read histories: fetched only when opened; a link to the audit page's
 * history view too, for roles that may open it.
 */
export function CampaignHistory({ campaignId, asOf, linkToAudit }: { campaignId: string; asOf: string; linkToAudit: boolean }) {
  const { t } = useTranslation('campaigns');
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('history.title')}</h2>
      {linkToAudit ? (
        <p>
          <Link href={href('~/audit/history', { kind: 'campaign', id: campaignId, asOf })}>{t('history.link')}</Link>
        </p>
      ) : null}
      <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>{t('history.title')}</summary>
        {open ? <HistoryPanel kind="campaign" id={campaignId} asOf={asOf} /> : null}
      </details>
    </section>
  );
}
