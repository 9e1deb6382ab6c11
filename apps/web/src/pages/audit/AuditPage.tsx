import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import { registerMessages } from '../../i18n/index.js';
import { useSession } from '../../session/session.js';
import { SubNav } from '../../ui/SubNav.js';
import { useQueryParams } from '../../ui/url.js';
import { ChainView } from './ChainView.js';
import { CompareView } from './CompareView.js';
import { EntityHistoryView } from './EntityHistoryView.js';
import { messages } from './messages.js';
import './audit.css';

registerMessages('audit', messages);

/**
 * Audit (nested under /audit; the `revisions` read): a figure as reported
 * beside the figure now and the revisions between them (/audit), an entity's
 * history (/audit/history), and the hash chain (/audit/chain, the `access` read).
 */
export function AuditPage() {
  const { t } = useTranslation('audit');
  const { may } = useSession();
  const [params] = useQueryParams();
  const scope = new URLSearchParams(Object.entries(params).filter(([k]) => k === 'area' || k === 'asOf')).toString();
  const items = [
    { path: '/', label: t('nav.compare'), href: scope ? `~/audit?${scope}` : '~/audit', testId: 'audit-nav-compare' },
    { path: '/history', label: t('nav.history'), testId: 'audit-nav-history' },
    ...(may('access') ? [{ path: '/chain', label: t('nav.chain'), testId: 'audit-nav-chain' }] : []),
  ];
  return (
    <main id="main">
      <h1>{t('title')}</h1>
      <SubNav label={t('nav.label')} items={items} />
      <Switch>
        <Route path="/history">
          <EntityHistoryView />
        </Route>
        <Route path="/chain">
          <ChainView />
        </Route>
        <Route>
          <CompareView />
        </Route>
      </Switch>
    </main>
  );
}
