import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../ui/ErrorNotice';
import { useSession } from './session';

export function LoginPage() {
  const { t } = useTranslation();
  const { login } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(token);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <h1>{t('login.title')}</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">{t('login.token')}</label>
        <input id="token" name="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        <p className="hint">{t('login.hint')}</p>
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
    </main>
  );
}
