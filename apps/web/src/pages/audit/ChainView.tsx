import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FigureCard } from '../../ui/FigureCard';
import { chinaTime } from '../../ui/instant';
import { Loading } from '../../ui/Loading';
import type { Chain } from './types';

/** The hash chain for auditors (GET /api/chain, the `access` read): its head, the anchor to write down, and how to verify it. */
export function ChainView() {
  const { t } = useTranslation('audit');
  const chain = useQuery({ queryKey: ['chain'], queryFn: () => get<Chain>('/api/chain'), staleTime: 0 });
  return (
    <section aria-labelledby="chain-title">
      <h2 id="chain-title">{t('chain.title')}</h2>
      <p className="hint">{t('chain.intro')}</p>
      {chain.error ? <ErrorNotice error={chain.error} /> : null}
      {chain.isLoading ? <Loading /> : null}
      {chain.data ? (
        <>
          <div className="figures chain">
            <FigureCard testId="chain-head" label={t('chain.head')} value={chain.data.headPosition} />
            <FigureCard testId="chain-recordedAt" label={t('chain.recordedAt')} value={<span className="small-value">{chinaTime(chain.data.recordedAt)}</span>} />
            <FigureCard testId="chain-hash" label={t('chain.hash')} value={<code className="hash">{chain.data.headHash}</code>} />
            {chain.data.lastAnchor !== undefined ? <FigureCard testId="chain-lastAnchor" label={t('chain.lastAnchor')} value={<code className="hash">{text(chain.data.lastAnchor)}</code>} /> : null}
            {chain.data.lastVerify !== undefined ? <FigureCard testId="chain-lastVerify" label={t('chain.lastVerify')} value={<code className="hash">{text(chain.data.lastVerify)}</code>} /> : null}
          </div>
          <dl className="chain-lines">
            <dt>{t('chain.anchor')}</dt>
            <dd>
              <code data-testid="chain-anchor">{chain.data.anchor}</code> <CopyButton text={chain.data.anchor} />
            </dd>
            <dt>{t('chain.verify')}</dt>
            <dd>
              <code data-testid="chain-verify">{chain.data.verify}</code> <CopyButton text={chain.data.verify} />
            </dd>
          </dl>
          {chain.data.lastAnchor === undefined && chain.data.lastVerify === undefined ? <p className="muted">{t('chain.notReported')}</p> : null}
        </>
      ) : null}
    </section>
  );
}

const text = (value: unknown) => (value === null ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

function CopyButton({ text: value }: { text: string }) {
  const { t } = useTranslation('audit');
  const [done, setDone] = useState(false);
  if (!navigator.clipboard) return null;
  return (
    <button type="button" className="link" onClick={() => void navigator.clipboard.writeText(value).then(() => setDone(true), () => setDone(false))}>
      {done ? t('copied') : t('copy')}
    </button>
  );
}
