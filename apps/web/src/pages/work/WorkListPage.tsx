import { useTranslation } from 'react-i18next';
import { registerMessages } from '../../i18n/index';
import { useSession } from '../../session/session';
import { AreaDateBar } from '../../ui/AreaDateBar';
import { AreaPage } from '../../ui/AreaPage';
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
  const { t } = useTranslation('work');
  const [params] = useQueryParams();
  const { may } = useSession();
  const keep = { band: params['band'], gapBand: params['gapBand'], target: params['target'] };
  return (
    <AreaPage title={t('title')} className="work-page">
      {({ areaId, asOf }) => (
        <>
          <AreaDateBar path="~/work" areaId={areaId} asOf={asOf} extra={keep} />
          {may('figures') ? <FunnelSection areaId={areaId} asOf={asOf} /> : null}
          <EnterpriseList areaId={areaId} asOf={asOf} allowed={may('enterprises')} />
          <GapPlan areaId={areaId} asOf={asOf} />
        </>
      )}
    </AreaPage>
  );
}
