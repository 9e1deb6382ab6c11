import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { download } from '../api/client';
import { ErrorNotice } from './ErrorNotice';

type Params = Record<string, string | number | null | undefined>;

/** Export a list as the API writes it (XLSX or CSV): fetched with the session's token, saved by the browser. */
export function ExportButtons({ path, params }: { path: string; params: Params }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (format: 'xlsx' | 'csv') => {
    setBusy(true);
    setError(null);
    try {
      await download(path, { ...params, format });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="exports">
      <button type="button" disabled={busy} onClick={() => void run('xlsx')}>
        {t('exportXlsx')}
      </button>
      <button type="button" disabled={busy} onClick={() => void run('csv')}>
        {t('exportCsv')}
      </button>
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}
