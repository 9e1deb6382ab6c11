import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { FigureCard } from '../../ui/FigureCard';
import { count, todayInChina } from '../../ui/format';
import { Loading } from '../../ui/Loading';
import { useQueryParams } from '../../ui/url';
import type { CeremonyCompliance } from './types';

type Row = CeremonyCompliance['subdistricts'][number];

/**
 * The ceremony rule (GET /api/ceremonies/compliance): for a year (`year`,
 * default this year in China) and a minimum (`minimum`, default 1), the
 * ceremonies each subdistrict held, and those that held too few, marked.
 */
export function CeremonyComplianceView({ areaId }: { areaId: string }) {
  const { t } = useTranslation('campaigns');
  const [params, setParams] = useQueryParams();
  const thisYear = todayInChina().slice(0, 4);
  const year = params['year'] ?? thisYear;
  const minimum = params['minimum'] ?? '1';
  const [draft, setDraft] = useState({ year, minimum });
  useEffect(() => setDraft({ year, minimum }), [year, minimum]);

  const answer = useQuery({
    queryKey: ['ceremony-compliance', areaId, year, minimum],
    queryFn: () => get<CeremonyCompliance>('/api/ceremonies/compliance', { areaId, year, minimum }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams({ year: draft.year === thisYear ? null : draft.year, minimum: draft.minimum === '1' ? null : draft.minimum });
  };

  const columns: Column<Row>[] = [
    { key: 'subdistrict', header: t('subdistrict'), cell: (s) => s.name },
    { key: 'held', header: t('comp.held'), numeric: true, cell: (s) => count(s.ceremonies.length) },
    {
      key: 'state',
      header: t('comp.state'),
      cell: (s) => <span className={s.compliant ? 'state-ok' : 'state-short'}>{s.compliant ? t('comp.ok') : t('comp.short')}</span>,
    },
    {
      key: 'ceremonies',
      header: t('comp.ceremonies'),
      cell: (s) =>
        s.ceremonies.length === 0 ? (
          '—'
        ) : (
          <ul className="ceremony-list">
            {s.ceremonies.map((c) => (
              <li key={c.ceremonyId}>
                {c.heldOn} · {c.areaId} · {t('comp.joins', { count: c.joins })}
                {c.campaignId ? ` · ${c.campaignId}` : ''}
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <section aria-labelledby="compliance-title">
      <h2 id="compliance-title">{t('comp.title')}</h2>
      <form className="row" onSubmit={submit}>
        <span className="field">
          <label htmlFor="comp-year">{t('comp.year')}</label>
          <input id="comp-year" type="number" inputMode="numeric" value={draft.year} onChange={(e) => setDraft({ ...draft, year: e.target.value })} />
        </span>
        <span className="field">
          <label htmlFor="comp-minimum">{t('comp.minimum')}</label>
          <input id="comp-minimum" type="number" inputMode="numeric" value={draft.minimum} onChange={(e) => setDraft({ ...draft, minimum: e.target.value })} />
        </span>
        <button type="submit">{t('comp.apply')}</button>
      </form>
      {answer.error ? <ErrorNotice error={answer.error} /> : null}
      {answer.isLoading ? <Loading /> : null}
      {answer.data ? <Compliance data={answer.data} columns={columns} /> : null}
    </section>
  );
}

function Compliance({ data, columns }: { data: CeremonyCompliance; columns: Column<Row>[] }) {
  const { t } = useTranslation('campaigns');
  const total = data.subdistricts.length;
  return (
    <>
      <div className="figures compact">
        <FigureCard
          testId="compliance-compliant"
          label={t('comp.compliant')}
          value={`${count(data.compliant)} / ${count(total)}`}
          tone={data.missing.length === 0 ? 'ok' : 'short'}
          detail={t('comp.compliant.detail', { total: count(total), minimum: data.minimum })}
        />
        <FigureCard testId="compliance-missing" label={t('comp.missing')} value={count(data.missing.length)} tone={data.missing.length === 0 ? 'ok' : 'short'} />
      </div>
      <p data-testid="compliance-missing-list">
        {data.missing.length === 0 ? t('comp.allDone') : t('comp.missingList', { names: data.missing.map((m) => m.name).join('、') })}
      </p>
      {/* A subdistrict short of the rule is on a tinted row (campaigns.css); the word in its state column says so too. */}
      <DataTable testId="ceremony-compliance" caption={t('comp.caption', { year: data.year })} columns={columns} rows={data.subdistricts} rowKey={(s) => s.areaId} />
    </>
  );
}
