import type { RecordedEvent } from '#event-store';

/** A fact in a few words, for the terminal and the `summary` field. */
export function describeEvent(e: Pick<RecordedEvent, 'type' | 'data'>): string {
  const x = (e.data ?? {}) as Record<string, unknown>;
  const card = (value: unknown) => (value === undefined ? '' : value === null ? '(erased) ' : `${String(value)} `);
  const opt = (label: string, value: unknown) => (value === undefined || value === null || value === '' ? '' : `, ${label}${String(value)}`);
  switch (e.type) {
    case 'EnterpriseRegistered':
      return `registered "${x['name']}" in ${x['areaId']}, ${x['headcount']} staff${x['newForm'] ? ', new-form' : ''}`;
    case 'HeadcountReported':
      return `headcount ${x['headcount']}`;
    case 'EnterpriseRelocated':
      return `relocated to ${x['areaId']}`;
    case 'EnterpriseClosed':
      return 'closed';
    case 'OwnUnionFounded':
      return `own union ${x['unionId']} founded`;
    case 'OwnUnionDissolved':
      return `own union ${x['unionId']} dissolved`;
    case 'EnterpriseCovered':
      return `covered by federation ${x['federationId']}`;
    case 'EnterpriseUncovered':
      return `no longer covered by federation ${x['federationId']}`;
    case 'OutreachRecorded':
      return `outreach: ${x['step']}`;
    case 'MemberJoined':
      return (
        (x['name'] === null ? '(personal data erased)' : `${x['name']} (${x['personIdMasked']})`) +
        ` joined ${x['unionId']}` +
        opt('', x['occupation']) +
        (x['newForm'] ? ', new-form' : '') +
        opt('via ', x['channel']) +
        opt('campaign ', x['campaignId']) +
        opt('ceremony ', x['ceremonyId'])
      );
    case 'PersonalDataErased':
      return `personal data erased (PIPL Art. 47: ${x['legalBasis']}${opt('reference ', x['reference'])})`;
    case 'MembershipTransferred':
      return `transferred from ${x['fromUnionId']} to ${x['toUnionId']}`;
    case 'MemberLeft':
      return `left ${x['unionId']}${opt('reason: ', x['reason'])}`;
    case 'MembershipRetained':
      return `membership kept while ${x['reason']}${opt('held by ', x['heldByUnionId'])}`;
    case 'MembershipResumed':
      return `membership resumed: from ${x['fromUnionId']} to ${x['toUnionId']}`;
    case 'MembershipPassedUp':
      return `passed up from ${x['fromUnionId']} to federation ${x['toUnionId']} (${x['reason']})`;
    case 'MembershipAwaitingTransfer':
      return `awaiting transfer from ${x['unionId']} (${x['reason']}; no federation covers the area)`;
    // Card numbers opened with the holder's key (null once erased); the old number only on cards recorded before keys.
    case 'MemberCardIssued':
      return `member card ${card(x['cardNumber'])}issued`;
    case 'MemberCardReplaced':
      return `member card ${card(x['oldCardNumber'])}replaced by ${card(x['newCardNumber']).trim()}${opt('reason: ', x['reason'])}`;
    case 'MemberCardRevoked':
      return `member card ${card(x['cardNumber'])}revoked${opt('reason: ', x['reason'])}`;
    case 'EnterpriseUnionFounded':
      return `founded as the own union of enterprise ${x['creditCode']}`;
    case 'FederationFounded':
      return `federation "${x['name']}" founded (${x['scope']}, area ${x['areaId']}${opt('industry ', x['industry'])})`;
    case 'UnionDissolved':
      return 'dissolved';
    case 'CampaignLaunched': {
      const occupations = Array.isArray(x['targetOccupations']) && x['targetOccupations'].length ? `, for ${x['targetOccupations'].join('/')}` : '';
      return `launched "${x['name']}" in ${x['areaId']}: ${x['targetJoins']} joins from ${x['startsOn']} to ${x['endsOn']}${occupations}`;
    }
    case 'CeremonyHeld':
      return `ceremony ${x['ceremonyId']} held in ${x['areaId']}${opt('for campaign ', x['campaignId'])}`;
    default: {
      const json = JSON.stringify(e.data);
      return json.length > 120 ? `${json.slice(0, 117)}...` : json;
    }
  }
}
