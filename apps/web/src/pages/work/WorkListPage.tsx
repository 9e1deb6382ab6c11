import { useTranslation } from 'react-i18next';

/** To be built (issue 16). */
export function WorkListPage() {
  const { t } = useTranslation();
  return (
    <main id="main">
      <h1>{t('nav.work')}</h1>
    </main>
  );
}
