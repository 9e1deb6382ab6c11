import type { RecordedEvent } from '#event-store';
import { buildHistory, describeEvent, UnknownEntityError, type EnterpriseAsOf, type MemberAsOf, type UnionAsOf, type CampaignAsOf } from '../src/index.js';

const CODE = '91440300MA5DC6QX9X';
let position = 0n;
const revisions = new Map<string, number>();

/** A recorded event as the store gives it: recorded at `recordedAt`, business date from its data. */
function recorded(streamId: string, type: string, data: Record<string, unknown>, recordedAt: string, metadata: Record<string, unknown> = {}): RecordedEvent {
  const revision = revisions.get(streamId) ?? 0;
  revisions.set(streamId, revision + 1);
  position += 3n;
  return {
    eventId: `e-${position}`,
    type,
    data,
    streamId,
    streamRevision: revision,
    globalPosition: position,
    occurredOn: (data['occurredOn'] as string | undefined) ?? null,
    recordedAt: new Date(recordedAt),
    metadata: { commandId: `cmd-${position}`, commandType: 'X', causationId: `cmd-${position}`, correlationId: 'corr-1', ...metadata },
    schemaVersion: 1,
  };
}

const enterprise = (type: string, data: Record<string, unknown>, at: string, meta?: Record<string, unknown>) =>
  recorded(`enterprise-${CODE}`, type, { creditCode: CODE, ...data }, at, meta);

// Recorded in 2022–2023; the headcount dated 2022-06-01 is a late report, recorded after the relocation dated 2022-09-01.
const ENTERPRISE = [
  enterprise('EnterpriseRegistered', { name: '某科技', areaId: 'BJ', headcount: 120, newForm: false, occurredOn: '2022-03-01' }, '2022-03-02T02:00:00Z', { actor: 'cadre-1', commandType: 'RegisterEnterprise' }),
  enterprise('EnterpriseRelocated', { areaId: 'NK', occurredOn: '2022-09-01' }, '2022-09-02T02:00:00Z'),
  enterprise('EnterpriseCovered', { federationId: 'F-NK', occurredOn: '2022-10-01' }, '2022-10-02T02:00:00Z'),
  enterprise('HeadcountReported', { headcount: 20, occurredOn: '2022-06-01' }, '2023-01-10T02:00:00Z', { actor: 'auditor' }),
  enterprise('OwnUnionFounded', { unionId: 'U-1', occurredOn: '2023-03-01' }, '2023-03-02T02:00:00Z'),
  enterprise('EnterpriseClosed', { occurredOn: '2023-12-31' }, '2024-01-02T02:00:00Z'),
];
const FEDERATION = [
  recorded('union-F-NK', 'FederationFounded', { unionId: 'F-NK', name: '南坑社区工联会', scope: 'regional', areaId: 'NK', industry: null, occurredOn: '2020-01-01' }, '2020-01-02T00:00:00Z'),
];
const enterpriseOn = (asOf: string, knownAt?: string) =>
  buildHistory('enterprise', CODE, ENTERPRISE, { federations: new Map([['F-NK', FEDERATION]]) }, { asOf, knownAt: knownAt ? new Date(knownAt) : undefined });

describe('an enterprise history', () => {
  it('lists every event in order with its metadata, marking the late report and those dated after asOf', () => {
    const h = enterpriseOn('2022-12-31');
    expect(h.streamId).toBe(`enterprise-${CODE}`);
    expect(h.events.map((e) => e.type)).toEqual(ENTERPRISE.map((e) => e.type));
    expect(h.events[0]).toEqual({
      position: ENTERPRISE[0]!.globalPosition.toString(),
      revision: 0,
      type: 'EnterpriseRegistered',
      occurredOn: '2022-03-01',
      recordedAt: '2022-03-02T02:00:00.000Z',
      actor: 'cadre-1',
      commandId: `cmd-${ENTERPRISE[0]!.globalPosition}`,
      commandType: 'RegisterEnterprise',
      correlationId: 'corr-1',
      causationId: `cmd-${ENTERPRISE[0]!.globalPosition}`,
      late: false,
      countsAsOf: true,
      summary: 'registered "某科技" in BJ, 120 staff',
      data: ENTERPRISE[0]!.data,
    });
    expect(h.events.map((e) => e.late)).toEqual([false, false, false, true, false, false]);
    expect(h.events.map((e) => e.countsAsOf)).toEqual([true, true, true, true, false, false]);
    expect(h.events[1]!.actor).toBeNull();
  });

  it('gives the state on several dates, the late headcount counting from its date', () => {
    const before = enterpriseOn('2022-02-28').state as EnterpriseAsOf;
    expect(before).toMatchObject({ registered: false, active: false, organizing: null });

    expect(enterpriseOn('2022-05-31').state).toMatchObject({ registered: true, active: true, areaId: 'BJ', headcount: 120, band: '100+', organizing: 'unorganized' });
    expect(enterpriseOn('2022-06-01').state).toMatchObject({ headcount: 20, band: '<25', areaId: 'BJ' });
    expect(enterpriseOn('2022-10-01').state).toMatchObject({
      areaId: 'NK',
      organizing: 'federationCovered',
      federationCoverage: { federationId: 'F-NK', since: '2022-10-01' },
      ownUnion: null,
    });
    expect(enterpriseOn('2023-06-30').state).toMatchObject({ organizing: 'independent', ownUnion: { unionId: 'U-1', foundedOn: '2023-03-01' } });
    const closed = enterpriseOn('2024-01-01').state as EnterpriseAsOf;
    expect(closed).toMatchObject({ closed: true, closedOn: '2023-12-31', active: false, organizing: null, ownUnion: null });
    expect(closed.summary).toContain('closed since 2023-12-31');
  });

  it('with knownAt, ignores what was recorded afterwards: the list and the state', () => {
    const h = enterpriseOn('2022-06-30', '2022-12-31T00:00:00Z');
    expect(h.knownAt).toBe('2022-12-31T00:00:00.000Z');
    expect(h.events.map((e) => e.type)).toEqual(['EnterpriseRegistered', 'EnterpriseRelocated', 'EnterpriseCovered']);
    expect(h.state).toMatchObject({ headcount: 120, band: '100+' });
    // An event recorded exactly at knownAt counts.
    expect(enterpriseOn('2022-06-30', '2023-01-10T02:00:00Z').state).toMatchObject({ headcount: 20 });
  });

  it('says when nothing was known yet at knownAt', () => {
    const h = enterpriseOn('2022-06-30', '2021-01-01T00:00:00Z');
    expect(h.events).toEqual([]);
    expect(h.state.summary).toContain('nothing of it was recorded by 2021-01-01');
  });

  it('ends the coverage when the federation is dissolved', () => {
    const dissolved = [...FEDERATION, recorded('union-F-NK', 'UnionDissolved', { unionId: 'F-NK', occurredOn: '2022-12-01' }, '2022-12-02T00:00:00Z')];
    const h = buildHistory('enterprise', CODE, ENTERPRISE, { federations: new Map([['F-NK', dissolved]]) }, { asOf: '2022-11-30' });
    expect(h.state).toMatchObject({ organizing: 'federationCovered' });
    const after = buildHistory('enterprise', CODE, ENTERPRISE, { federations: new Map([['F-NK', dissolved]]) }, { asOf: '2022-12-01' });
    expect(after.state).toMatchObject({ organizing: 'unorganized', federationCoverage: null });
    // As known before the dissolution was recorded: still covered.
    const before = buildHistory('enterprise', CODE, ENTERPRISE, { federations: new Map([['F-NK', dissolved]]) }, { asOf: '2022-12-01', knownAt: new Date('2022-12-01T00:00:00Z') });
    expect(before.state).toMatchObject({ organizing: 'federationCovered', federationCoverage: { federationId: 'F-NK', since: '2022-10-01' } });
  });

  it("counts the coverage as the figures do when the federation's stream is not at hand: a federation not known to be dissolved covers", () => {
    // The history's own copy of the rule asked for the federation's founding to be known, and so counted this
    // enterprise unorganized where the coverage read model counts it covered. The coverage event itself proves
    // the federation existed when it began (CoverEnterprise refuses otherwise), and only a dissolution can end it.
    const h = buildHistory('enterprise', CODE, ENTERPRISE, {}, { asOf: '2022-12-31' });
    expect(h.state).toMatchObject({ active: true, band: '<25', organizing: 'federationCovered', federationCoverage: { federationId: 'F-NK', since: '2022-10-01' } });
  });
});

describe('a member, a union, a campaign', () => {
  const member = [
    recorded('member-M1', 'MemberJoined', { memberId: 'M1', personKey: 'k', personIdMasked: '440307********0428', name: '王五', unionId: 'U-1', occupation: '快递员', newForm: true, channel: null, campaignId: 'C1', ceremonyId: 'K1', occurredOn: '2020-08-08' }, '2020-08-08T08:00:00Z'),
    recorded('member-M1', 'MembershipTransferred', { memberId: 'M1', fromUnionId: 'U-1', toUnionId: 'F-NK', occurredOn: '2021-01-01' }, '2021-01-02T00:00:00Z'),
    recorded('member-M1', 'MemberLeft', { memberId: 'M1', unionId: 'F-NK', reason: 'moved', occurredOn: '2021-06-01' }, '2021-06-02T00:00:00Z'),
  ];

  it('member: status, union and since when', () => {
    const on = (asOf: string) => buildHistory('member', 'M1', member, {}, { asOf }).state as MemberAsOf;
    expect(on('2020-08-07')).toMatchObject({ status: 'notJoined', unionId: null });
    expect(on('2020-12-31')).toMatchObject({ status: 'member', unionId: 'U-1', unionSince: '2020-08-08', name: '王五', joinedOn: '2020-08-08' });
    expect(on('2021-01-01')).toMatchObject({ status: 'member', unionId: 'F-NK', unionSince: '2021-01-01', transfers: [{ on: '2021-01-01', fromUnionId: 'U-1', toUnionId: 'F-NK' }] });
    expect(on('2021-06-01')).toMatchObject({ status: 'left', unionId: 'F-NK', leftOn: '2021-06-01', leftReason: 'moved' });
  });

  it('union: kind, founded, dissolved', () => {
    const union = [...FEDERATION, recorded('union-F-NK', 'UnionDissolved', { unionId: 'F-NK', occurredOn: '2022-12-01' }, '2022-12-02T00:00:00Z')];
    const on = (asOf: string) => buildHistory('union', 'F-NK', union, {}, { asOf }).state as UnionAsOf;
    expect(on('2019-12-31')).toMatchObject({ status: 'notFounded' });
    expect(on('2022-11-30')).toMatchObject({ status: 'active', unionKind: 'federation', foundedOn: '2020-01-01', dissolvedOn: null, areaId: 'NK', scope: 'regional' });
    expect(on('2022-12-01')).toMatchObject({ status: 'dissolved', dissolvedOn: '2022-12-01' });
  });

  it('campaign: the definition (undated: it counts on every date) and the ceremonies and joins up to the date', () => {
    const launched = recorded('campaign-C1', 'CampaignLaunched', { campaignId: 'C1', name: '快递员入会月', areaId: 'BJ', targetJoins: 4, startsOn: '2020-08-01', endsOn: '2020-08-31', targetOccupations: ['快递员'] }, '2020-07-01T00:00:00Z');
    const related = [recorded('ceremony-K1', 'CeremonyHeld', { ceremonyId: 'K1', areaId: 'BJ', campaignId: 'C1', occurredOn: '2020-08-08' }, '2020-08-08T01:00:00Z'), member[0]!];
    const on = (asOf: string) => buildHistory('campaign', 'C1', [launched], { related }, { asOf });
    const before = on('2020-07-15');
    expect(before.events[0]).toMatchObject({ occurredOn: null, countsAsOf: true });
    expect(before.state).toMatchObject({ status: 'planned', definition: { name: '快递员入会月', targetJoins: 4 }, ceremonies: [], joins: { total: 0 } });
    const during = on('2020-08-08');
    expect(during.related!.map((e) => [e.streamId, e.type])).toEqual([['ceremony-K1', 'CeremonyHeld'], ['member-M1', 'MemberJoined']]);
    expect(during.state as CampaignAsOf).toMatchObject({
      status: 'running',
      ceremonies: [{ ceremonyId: 'K1', areaId: 'BJ', occurredOn: '2020-08-08', joins: 1 }],
      joins: { total: 1, newForm: 1, atCeremonies: 1, progress: 0.25 },
    });
    expect(on('2020-09-01').state).toMatchObject({ status: 'ended' });
  });

  it('an empty stream is an unknown entity', () => {
    expect(() => buildHistory('union', 'nope', [], {}, { asOf: '2020-01-01' })).toThrow(UnknownEntityError);
    try {
      buildHistory('campaign', 'nope', [], {}, { asOf: '2020-01-01' });
    } catch (error) {
      expect((error as UnknownEntityError).code).toBe('UNKNOWN_CAMPAIGN');
    }
  });
});

describe('describeEvent', () => {
  it('says each fact in a few words', () => {
    expect(describeEvent({ type: 'MemberLeft', data: { unionId: 'U-1', reason: null } })).toBe('left U-1');
    expect(describeEvent({ type: 'MembershipTransferred', data: { fromUnionId: 'A', toUnionId: 'B' } })).toBe('transferred from A to B');
    expect(describeEvent({ type: 'SomethingNew', data: { a: 1 } })).toBe('{"a":1}');
    expect(describeEvent({ type: 'MembershipPassedUp', data: { fromUnionId: 'U-1', toUnionId: 'F-1', reason: 'enterpriseClosed' } })).toBe('passed up from U-1 to federation F-1 (enterpriseClosed)');
    expect(describeEvent({ type: 'MembershipRetained', data: { reason: 'retired', heldByUnionId: null } })).toBe('membership kept while retired');
    expect(describeEvent({ type: 'MemberCardReplaced', data: { oldCardNumber: 'A-1', newCardNumber: 'A-2', reason: '遗失' } })).toBe('member card A-1 replaced by A-2, reason: 遗失');
  });
});
