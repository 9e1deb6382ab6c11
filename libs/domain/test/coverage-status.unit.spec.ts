import {
  bandOf,
  countedOn,
  coverageEnd,
  decideDissolveUnion,
  decideFoundFederation,
  evolveEnterprise,
  evolveMember,
  evolveUnion,
  initialEnterpriseState,
  initialMemberState,
  initialUnionState,
  membershipOn,
  membershipSpells,
  requireActiveFederation,
  type EnterpriseEvent,
  type MemberEvent,
  type RegisteredEnterprise,
  type UnionEvent,
  type UnionState,
} from '../src/index.js';
import { creditCode, expectRefusal, given } from './spec-helpers.js';

/**
 * How an enterprise counts on a day (the contract's coverage figures) and the
 * membership held on a day: one definition, read by the projection, the
 * history, the deciders and the test oracle. Given events → the status.
 */
const CC = creditCode(77);
const ev = <T extends EnterpriseEvent['type']>(type: T, data: object) => ({ type, data: { creditCode: CC, ...data } }) as Extract<EnterpriseEvent, { type: T }>;
const registered = ev('EnterpriseRegistered', { name: '某快递站', areaId: 'NK', headcount: 10, newForm: true, occurredOn: '2021-01-01' });
const enterprise = (...events: EnterpriseEvent[]) => given(evolveEnterprise, initialEnterpriseState, [registered, ...events]) as RegisteredEnterprise;
const union = (...events: UnionEvent[]) => given(evolveUnion, initialUnionState, events);
const founded = (unionId: string, occurredOn: string): UnionEvent => ({
  type: 'FederationFounded',
  data: { unionId, name: '南坑社区工联会', scope: 'regional', areaId: 'NK', industry: null, occurredOn },
});
const dissolved = (unionId: string, occurredOn: string): UnionEvent => ({ type: 'UnionDissolved', data: { unionId, occurredOn } });
/** The federations' dissolutions as read from their streams. */
const dissolutionsOf = (federations: Record<string, UnionState>) => (id: string) => {
  const f = federations[id];
  return f === undefined || f.kind === 'none' ? null : f.dissolvedOn;
};
const status = (e: RegisteredEnterprise, date: string, federations: Record<string, UnionState> = {}) => {
  const c = countedOn(e, date, dissolutionsOf(federations));
  return c && [c.status, c.unionId ?? c.federationId];
};

describe('the size bands', () => {
  it('100+ from 100 staff, 25-99 from 25, <25 up to 24 (zero included)', () => {
    expect([0, 24, 25, 99, 100, 5000].map(bandOf)).toEqual(['<25', '<25', '25-99', '25-99', '100+', '100+']);
  });

  it('by the latest headcount dated on or before the day; of two on one day, the one recorded last', () => {
    const e = enterprise(ev('HeadcountReported', { headcount: 150, occurredOn: '2022-01-01' }), ev('HeadcountReported', { headcount: 30, occurredOn: '2022-01-01' }));
    expect(countedOn(e, '2021-12-31', () => null)).toMatchObject({ headcount: 10, band: '<25' });
    expect(countedOn(e, '2022-01-01', () => null)).toMatchObject({ headcount: 30, band: '25-99' });
  });
});

describe('a federation dissolved while covering', () => {
  // Covered 2022-01-10; the federation F-A dissolved 2022-06-01.
  const e = enterprise(ev('EnterpriseCovered', { federationId: 'F-A', occurredOn: '2022-01-10' }));
  const fa = union(founded('F-A', '2020-01-01'), dissolved('F-A', '2022-06-01'));

  it('covers until the day before the dissolution, not from the dissolution day on', () => {
    expect(status(e, '2022-01-09', { 'F-A': fa })).toEqual(['unorganized', null]);
    expect(status(e, '2022-01-10', { 'F-A': fa })).toEqual(['federationCovered', 'F-A']);
    expect(status(e, '2022-05-31', { 'F-A': fa })).toEqual(['federationCovered', 'F-A']);
    expect(status(e, '2022-06-01', { 'F-A': fa })).toEqual(['unorganized', null]);
    expect(status(e, '2022-07-01', { 'F-A': fa })).toEqual(['unorganized', null]);
    expect(coverageEnd(e, e.coverages[0]!, dissolutionsOf({ 'F-A': fa }))).toBe('2022-06-01');
  });

  it('as known before the dissolution was recorded (the federation stream without it): still covered on every later day', () => {
    const known = union(founded('F-A', '2020-01-01'));
    for (const date of ['2022-05-31', '2022-06-01', '2022-07-01']) expect(status(e, date, { 'F-A': known })).toEqual(['federationCovered', 'F-A']);
  });

  it('a federation whose stream is not at hand counts as not dissolved: the coverage event proves it existed when it began', () => {
    expect(status(e, '2022-07-01', {})).toEqual(['federationCovered', 'F-A']);
  });

  it('a new coverage after the dissolution counts from its own date', () => {
    const again = enterprise(ev('EnterpriseCovered', { federationId: 'F-A', occurredOn: '2022-01-10' }), ev('EnterpriseCovered', { federationId: 'F-B', occurredOn: '2022-07-01' }));
    const federations = { 'F-A': fa, 'F-B': union(founded('F-B', '2022-01-01')) };
    expect(status(again, '2022-06-15', federations)).toEqual(['unorganized', null]);
    expect(status(again, '2022-07-01', federations)).toEqual(['federationCovered', 'F-B']);
  });
});

describe('edge cases where two copies of the rule could part', () => {
  it('a dissolution recorded late, dated before the coverage began: the spell never covers', () => {
    const e = enterprise(ev('EnterpriseCovered', { federationId: 'F-B', occurredOn: '2022-03-01' }));
    const fb = union(founded('F-B', '2020-01-01'), dissolved('F-B', '2022-02-01'));
    expect(coverageEnd(e, e.coverages[0]!, dissolutionsOf({ 'F-B': fb }))).toBe('2022-02-01');
    for (const date of ['2022-01-31', '2022-02-01', '2022-03-01', '2023-01-01']) expect(status(e, date, { 'F-B': fb })).toEqual(['unorganized', null]);
  });

  it('an enterprise closed while covered: counted up to the day before the closure, not at all from it', () => {
    const e = enterprise(ev('EnterpriseCovered', { federationId: 'F-A', occurredOn: '2021-03-01' }), ev('EnterpriseClosed', { occurredOn: '2022-05-01' }));
    expect(status(e, '2022-04-30')).toEqual(['federationCovered', 'F-A']);
    expect(status(e, '2022-05-01')).toBeNull();
    expect(coverageEnd(e, e.coverages[0]!, () => null)).toBe('2022-05-01');
  });

  it('an own union and a coverage on the same day: independent; covered again once the union is dissolved', () => {
    const e = enterprise(
      ev('EnterpriseCovered', { federationId: 'F-A', occurredOn: '2021-05-01' }),
      ev('OwnUnionFounded', { unionId: 'U-1', occurredOn: '2021-05-01' }),
      ev('OwnUnionDissolved', { unionId: 'U-1', occurredOn: '2022-02-01' }),
    );
    expect(status(e, '2021-04-30')).toEqual(['unorganized', null]);
    expect(status(e, '2021-05-01')).toEqual(['independent', 'U-1']);
    expect(status(e, '2022-02-01')).toEqual(['federationCovered', 'F-A']);
  });

  it('not active before its registration nor from its closure', () => {
    const e = enterprise(ev('EnterpriseClosed', { occurredOn: '2022-01-01' }));
    expect(status(e, '2020-12-31')).toBeNull();
    expect(status(e, '2021-01-01')).toEqual(['unorganized', null]);
    expect(status(e, '2022-01-01')).toBeNull();
  });

  it('a covering federation exists on every day of its spell: it must exist when the coverage begins, and a union is founded once', () => {
    // What makes "not dissolved" enough for "exists": CoverEnterprise's check, and no second founding to move the date.
    const notYet = union(founded('F-C', '2022-02-01'));
    expectRefusal(() => requireActiveFederation(notYet, 'F-C', '2022-01-31'), 'UNION_NOT_ACTIVE');
    expectRefusal(
      () => decideFoundFederation({ type: 'FoundFederation', unionId: 'F-C', name: 'x', scope: 'regional', areaId: 'NK', occurredOn: '2021-01-01' }, notYet, true),
      'UNION_ALREADY_EXISTS',
    );
    // A dissolution may be dated before a coverage (it is then never in force), never before the founding.
    expectRefusal(() => decideDissolveUnion({ type: 'DissolveUnion', unionId: 'F-C', occurredOn: '2022-01-01' }, notYet), 'DATE_BEFORE_FOUNDING');
  });
});

describe('the membership held on a day', () => {
  const joined: MemberEvent = {
    type: 'MemberJoined',
    data: { memberId: 'M1', personKey: 'k', personIdMasked: 'x', name: 'n', unionId: 'U1', occupation: null, newForm: false, channel: null, campaignId: null, ceremonyId: null, occurredOn: '2021-01-01' },
  };
  const member = (...events: MemberEvent[]) => given(evolveMember, initialMemberState, [joined, ...events]);
  const m = member(
    { type: 'MembershipRetained', data: { memberId: 'M1', unionId: 'F1', heldByUnionId: 'F1', reason: 'unemployed', occurredOn: '2021-06-01' } },
    { type: 'MembershipResumed', data: { memberId: 'M1', fromUnionId: 'F1', toUnionId: 'U2', occurredOn: '2021-09-01' } },
    { type: 'MemberLeft', data: { memberId: 'M1', unionId: 'U2', reason: null, occurredOn: '2022-01-01' } },
  );

  it('from joining until the day before leaving; retained (and in the union holding it) while kept', () => {
    expect(membershipOn(m, '2020-12-31')).toBeUndefined();
    expect(membershipOn(m, '2021-01-01')).toEqual({ unionId: 'U1', since: '2021-01-01', retained: false, retainedReason: null });
    expect(membershipOn(m, '2021-06-01')).toEqual({ unionId: 'F1', since: '2021-06-01', retained: true, retainedReason: 'unemployed' });
    expect(membershipOn(m, '2021-12-31')).toEqual({ unionId: 'U2', since: '2021-09-01', retained: false, retainedReason: null });
    expect(membershipOn(m, '2022-01-01')).toBeUndefined();
  });

  it('is what the spells are cut from, day by day', () => {
    for (const spell of membershipSpells(m)) {
      const held = membershipOn(m, spell.validFrom)!;
      expect([held.unionId, held.retained, held.retainedReason]).toEqual([spell.unionId, spell.retained, spell.retainedReason]);
    }
    expect(membershipSpells(m).map((s) => [s.validFrom, s.validTo, s.unionId, s.retained])).toEqual([
      ['2021-01-01', '2021-06-01', 'U1', false],
      ['2021-06-01', '2021-09-01', 'F1', true],
      ['2021-09-01', '2022-01-01', 'U2', false],
    ]);
  });
});
