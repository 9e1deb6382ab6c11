import { Route, Switch } from 'wouter';
import { registerMessages } from '../../i18n/index';
import { CampaignDetail } from './CampaignDetail';
import { CampaignList } from './CampaignList';
import { messages } from './messages';
import './campaigns.css';

registerMessages('campaigns', messages);

/**
 * Joining drives (issue 16, part 3), under /campaigns: the drives of an area
 * and the ceremony rule per subdistrict (`?view=ceremonies`), and one drive's
 * progress at /campaigns/:campaignId?asOf=….
 */
export function CampaignsPage() {
  return (
    <Switch>
      <Route path="/">
        <CampaignList />
      </Route>
      <Route path="/:campaignId">{(params) => <CampaignDetail campaignId={decoded(params.campaignId)} />}</Route>
    </Switch>
  );
}

/** The path's segment as the id it names (wouter has decoded the path with decodeURI already). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
