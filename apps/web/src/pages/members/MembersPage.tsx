import { useTranslation } from 'react-i18next';

/** To be built (issue 16). */
export function MembersPage() {
  const { t } = useTranslation();
  return (
    <main id="main">
      <h1>{t('nav.members')}</h1>
    </main>
  );
}
