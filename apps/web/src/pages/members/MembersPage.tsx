import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import { registerMessages } from '../../i18n/index';
import { useSession } from '../../session/session';
import { SubNav } from '../../ui/SubNav';
import { href, useQueryParams } from '../../ui/url';
import { MemberHistoryView } from './MemberHistoryView';
import { messages } from './messages';
import { UnionsView } from './UnionsView';

registerMessages('members', messages);

/**
 * Members (nested under /members): memberships per union for an area and a
 * date (the `enterprises` read), and a member's history by member id
 * (/members/history, the `histories` read: the API decides what of the
 * person a token may see).
 */
export function MembersPage() {
  const { t } = useTranslation('members');
  const { may } = useSession();
  const [params] = useQueryParams();
  const scoped = href('~/members', { area: params['area'], asOf: params['asOf'] });
  const items = [
    ...(may('enterprises') ? [{ path: '/', label: t('nav.unions'), href: scoped, testId: 'members-nav-unions' }] : []),
    ...(may('histories') ? [{ path: '/history', label: t('nav.history'), testId: 'members-nav-history' }] : []),
  ];
  return (
    <main id="main">
      <h1>{t('title')}</h1>
      <SubNav label={t('nav.label')} items={items} />
      <Switch>
        <Route path="/history">
          <MemberHistoryView />
        </Route>
        <Route>{may('enterprises') ? <UnionsView /> : <MemberHistoryView />}</Route>
      </Switch>
    </main>
  );
}
