import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import { registerMessages } from '../../i18n/index';
import { useSession } from '../../session/session';
import { SubNav } from '../../ui/SubNav';
import { href, useQueryParams } from '../../ui/url';
import { ChainView } from './ChainView';
import { CompareView } from './CompareView';
import { EntityHistoryView } from './EntityHistoryView';
import { messages } from './messages';
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
  const scoped = href('~/audit', { area: params['area'], asOf: params['asOf'] });
  const items = [
    { path: '/', label: t('nav.compare'), href: scoped, testId: 'audit-nav-compare' },
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
