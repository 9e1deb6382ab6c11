import { useTranslation } from 'react-i18next';

/** To be built (issue 16). */
export function AuditPage() {
  const { t } = useTranslation();
  return (
    <main id="main">
      <h1>{t('nav.audit')}</h1>
    </main>
  );
}
