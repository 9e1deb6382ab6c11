import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** An error as the API words it: its code and its message (never rephrased, so a cadre can quote it to support). */
export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <strong>{t('error.title')}</strong>
      <p>
        <span className="code" title={t('error.code')}>{code}</span> {message}
      </p>
    </div>
  );
}
