import { closeEnterprise } from './close-enterprise.js';
import { coverEnterprise } from './cover-enterprise.js';
import { defineArea } from './define-area.js';
import { dissolveUnion } from './dissolve-union.js';
import { foundEnterpriseUnion } from './found-enterprise-union.js';
import { foundFederation } from './found-federation.js';
import { holdCeremony } from './hold-ceremony.js';
import { issueMemberCard } from './issue-member-card.js';
import { joinUnion } from './join-union.js';
import { launchCampaign } from './launch-campaign.js';
import { leaveUnion } from './leave-union.js';
import { passMembershipUp } from './pass-membership-up.js';
import { recordOutreach } from './record-outreach.js';
import { registerEnterprise } from './register-enterprise.js';
import { relocateEnterprise } from './relocate-enterprise.js';
import { replaceMemberCard } from './replace-member-card.js';
import { reportHeadcount } from './report-headcount.js';
import { resumeMembership } from './resume-membership.js';
import { retainMembership } from './retain-membership.js';
import { revokeMemberCard } from './revoke-member-card.js';
import { erasePersonalData } from './erase-personal-data.js';
import { transferMembership } from './transfer-membership.js';
import { uncoverEnterprise } from './uncover-enterprise.js';

/** Every command of the public contract (../shared/CONTRACT.md), in the order the API documents them. */
export const DECLARATIONS = [
  defineArea,
  registerEnterprise,
  reportHeadcount,
  relocateEnterprise,
  closeEnterprise,
  foundEnterpriseUnion,
  foundFederation,
  dissolveUnion,
  coverEnterprise,
  uncoverEnterprise,
  joinUnion,
  transferMembership,
  leaveUnion,
  retainMembership,
  resumeMembership,
  passMembershipUp,
  issueMemberCard,
  replaceMemberCard,
  revokeMemberCard,
  erasePersonalData,
  launchCampaign,
  holdCeremony,
  recordOutreach,
] as const;
