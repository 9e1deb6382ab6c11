import { useTranslation } from 'react-i18next';

/** To be built (issue 16). */
export function CampaignsPage() {
  const { t } = useTranslation();
  return (
    <main id="main">
      <h1>{t('nav.campaigns')}</h1>
    </main>
  );
}
