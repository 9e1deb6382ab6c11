import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { registerMessages } from '../../i18n/index';
import { useSession } from '../../session/session';
import { AreaDateBar, useArea, useAreaAndDate } from '../../ui/AreaDateBar';
import { EmptyStore } from '../../ui/EmptyStore';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Loading } from '../../ui/Loading';
import { useQueryParams } from '../../ui/url';
import { EnterpriseList } from './EnterpriseList';
import { FunnelSection } from './Funnel';
import { GapPlan } from './GapPlan';
import { messages } from './messages';
import './work.css';

registerMessages('work', messages);

/**
 * The work list (issue 16, part 2): for an area and a date, the "three in
 * place" funnel, the unorganized enterprises largest first (roles that may
 * read enterprises), and the plan to a target rate. Its state lives in the
 * URL: area, asOf, band and after (the list), gapBand and target (the plan).
 */
export function WorkListPage() {
  const { areaId, asOf, empty, rootsError } = useAreaAndDate();
  const [params] = useQueryParams();
  const { may } = useSession();
  const area = useArea(areaId);

  if (rootsError) return <Shell><ErrorNotice error={rootsError} /></Shell>;
  if (empty) return <Shell><EmptyStore /></Shell>;
  if (!areaId) return <Shell><Loading /></Shell>;

  const keep = { band: params['band'], gapBand: params['gapBand'], target: params['target'] };
  return (
    <Shell name={area.data?.area?.name}>
      <AreaDateBar path="~/work" areaId={areaId} asOf={asOf} extra={keep} />
      {may('figures') ? <FunnelSection areaId={areaId} asOf={asOf} /> : null}
      <EnterpriseList areaId={areaId} asOf={asOf} allowed={may('enterprises')} />
      <GapPlan areaId={areaId} asOf={asOf} />
    </Shell>
  );
}

function Shell({ name, children }: { name?: string | undefined; children: ReactNode }) {
  const { t } = useTranslation('work');
  return (
    <main id="main" className="work-page">
      <h1>
        {t('title')}
        {name ? ` · ${name}` : ''}
      </h1>
      {children}
    </main>
  );
}
