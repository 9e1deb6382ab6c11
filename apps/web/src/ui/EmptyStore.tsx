import { useTranslation } from 'react-i18next';

/** What an empty store shows: that it is empty, and how to fill it. */
export function EmptyStore() {
  const { t } = useTranslation();
  return (
    <section className="empty-store" data-testid="empty-store">
      <h2>{t('empty.title')}</h2>
      <p>{t('empty.body')}</p>
    </section>
  );
}
