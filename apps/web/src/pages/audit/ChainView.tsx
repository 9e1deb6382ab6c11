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
            <LastAnchor chain={chain.data} />
            <LastVerify chain={chain.data} />
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
          <p className="muted">{t('chain.record')}</p>
        </>
      ) : null}
    </section>
  );
}

/** The last signed anchor the API wrote (ANCHOR_DIR), its signature checked by the API. */
function LastAnchor({ chain }: { chain: Chain }) {
  const { t } = useTranslation('audit');
  const anchor = chain.lastAnchor;
  if (!chain.anchorsConfigured) return <FigureCard testId="chain-lastAnchor" label={t('chain.lastAnchor')} value="—" detail={t('chain.anchorsOff')} />;
  if (!anchor) return <FigureCard testId="chain-lastAnchor" label={t('chain.lastAnchor')} value="—" detail={t('chain.noAnchorYet')} />;
  return (
    <FigureCard
      testId="chain-lastAnchor"
      label={t('chain.lastAnchor')}
      value={anchor.position ?? '—'}
      tone={anchor.signatureValid ? 'ok' : 'short'}
      detail={
        <>
          {chinaTime(anchor.signedAt)} · {anchor.signatureValid ? t('chain.signatureValid') : `${t('chain.signatureInvalid')}: ${anchor.problem ?? ''}`}
          {chain.eventsSinceLastAnchor !== null ? ` · ${t('chain.eventsSince', { count: chain.eventsSinceLastAnchor })}` : ''}
        </>
      }
    />
  );
}

/** What the last `cli verify` run reported: a record, not a proof. */
function LastVerify({ chain }: { chain: Chain }) {
  const { t } = useTranslation('audit');
  const run = chain.lastVerify;
  if (!run) return <FigureCard testId="chain-lastVerify" label={t('chain.lastVerify')} value="—" detail={t('chain.neverVerified')} />;
  return (
    <FigureCard
      testId="chain-lastVerify"
      label={t('chain.lastVerify')}
      value={run.ok ? t('chain.verifiedOk') : t('chain.verifyFailed')}
      tone={run.ok ? 'ok' : 'short'}
      detail={
        <>
          {chinaTime(run.verifiedAt)} · {run.verifiedBy} · {t('chain.eventsChecked', { count: run.eventsChecked })}
          {run.failure ? ` · ${run.failure}` : ''}
          {chain.eventsSinceLastVerify !== null ? ` · ${t('chain.eventsSince', { count: chain.eventsSinceLastVerify })}` : ''}
        </>
      }
    />
  );
}

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
