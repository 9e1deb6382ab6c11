import { useTranslation } from 'react-i18next';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import type { Read } from './api/types';
import { setLanguage } from './i18n/index';
import { AuditPage } from './pages/audit/AuditPage';
import { CampaignsPage } from './pages/campaigns/CampaignsPage';
import { CoveragePage } from './pages/organizing-coverage/CoveragePage';
import { MembersPage } from './pages/members/MembersPage';
import { WorkListPage } from './pages/work/WorkListPage';
import { LoginPage } from './session/LoginPage';
import { useSession } from './session/session';

/** The pages, and the read each needs (docs/access.md): a role sees only the pages it may read. */
const PAGES: ReadonlyArray<{ path: string; label: string; read: Read }> = [
  { path: '/coverage', label: 'nav.coverage', read: 'figures' },
  { path: '/work', label: 'nav.work', read: 'work' },
  { path: '/campaigns', label: 'nav.campaigns', read: 'figures' },
  { path: '/audit', label: 'nav.audit', read: 'revisions' },
  { path: '/members', label: 'nav.members', read: 'histories' },
];

export function App() {
  const { t, i18n } = useTranslation();
  const { me, logout, may } = useSession();
  const [location] = useLocation();
  const other = i18n.language === 'en' ? 'zh-CN' : 'en';

  return (
    <>
      <a className="skip" href="#main">
        {t('nav.label')}
      </a>
      <header className="top">
        <span className="brand">{t('appName')}</span>
        {me ? (
          <nav aria-label={t('nav.label')} className="pages">
            {PAGES.filter((p) => may(p.read)).map((p) => (
              <Link key={p.path} href={p.path} aria-current={location.startsWith(p.path) ? 'page' : undefined}>
                {t(p.label)}
              </Link>
            ))}
          </nav>
        ) : null}
        <span className="session">
          <button type="button" className="link" lang={other} title={t('language.label')} onClick={() => setLanguage(other)}>
            {t('language')}
          </button>
          {me ? (
            <>
              <span className="who" data-testid="who">
                {t('signedInAs', { holder: me.holder, role: t(`role.${me.role}`) })}
              </span>
              <button type="button" onClick={logout}>
                {t('logout')}
              </button>
            </>
          ) : null}
        </span>
      </header>
      {me ? (
        <Switch>
          <Route path="/coverage">
            <CoveragePage />
          </Route>
          <Route path="/work" nest>
            {may('work') ? <WorkListPage /> : <Redirect to="~/coverage" />}
          </Route>
          <Route path="/campaigns" nest>
            <CampaignsPage />
          </Route>
          <Route path="/audit" nest>
            {may('revisions') ? <AuditPage /> : <Redirect to="~/coverage" />}
          </Route>
          <Route path="/members" nest>
            {may('enterprises') || may('histories') ? <MembersPage /> : <Redirect to="~/coverage" />}
          </Route>
          <Route path="/">
            <Redirect to="/coverage" />
          </Route>
          <Route>
            <main id="main">
              <h1>{t('notFound.title')}</h1>
              <Link href="/coverage">{t('notFound.back')}</Link>
            </main>
          </Route>
        </Switch>
      ) : (
        <LoginPage />
      )}
    </>
  );
}
