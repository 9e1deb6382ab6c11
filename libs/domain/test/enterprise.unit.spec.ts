import {
  areaOn,
  decideClose,
  decideCover,
  decideFoundOwnUnion,
  decideRecordOutreach,
  decideRegister,
  decideRelocate,
  decideReportHeadcount,
  decideUncover,
  evolveEnterprise,
  headcountOn,
  initialEnterpriseState,
  type CoverageContext,
  type EnterpriseEvent,
  type RegisteredEnterprise,
} from '../src/index.js';
import { creditCode, expectRefusal, given } from './spec-helpers.js';

const CC = creditCode(1);
const history = (...events: EnterpriseEvent[]) => given(evolveEnterprise, initialEnterpriseState, events);
const registered = (on = '2020-01-01', areaId = 'NK', headcount = 30): EnterpriseEvent => ({
  type: 'EnterpriseRegistered',
  data: { creditCode: CC, name: '深圳某快递有限公司', areaId, headcount, newForm: true, occurredOn: on },
});
const ev = <T extends EnterpriseEvent['type']>(type: T, data: object) =>
  ({ type, data: { creditCode: CC, ...data } }) as Extract<EnterpriseEvent, { type: T }>;

// Areas: district LG > subdistrict BJ > communities NK, XX; subdistrict HG > community HC.
const PARENT: Record<string, string> = { BJ: 'LG', HG: 'LG', NK: 'BJ', XX: 'BJ', HC: 'HG' };
const isWithin = (areaId: string, ancestor: string): boolean =>
  areaId === ancestor || (PARENT[areaId] !== undefined && isWithin(PARENT[areaId]!, ancestor));
const federationIn = (areaId: string, dissolved: Record<string, string> = {}): CoverageContext => ({
  federation: { areaId, foundedOn: '2019-01-01', dissolvedOn: null },
  dissolvedOn: (id) => dissolved[id] ?? null,
  isWithin,
});

describe('RegisterEnterprise', () => {
  const command = { type: 'RegisterEnterprise' as const, creditCode: CC, name: 'x', areaId: 'NK', headcount: 30, occurredOn: '2020-01-01' };
  it('given nothing, records the registration (new-form defaults to false)', () => {
    expect(decideRegister(command, history(), true)).toEqual([
      { type: 'EnterpriseRegistered', data: { creditCode: CC, name: 'x', areaId: 'NK', headcount: 30, newForm: false, occurredOn: '2020-01-01' } },
    ]);
  });
  it('refuses a second registration and an unknown area', () => {
    expectRefusal(() => decideRegister(command, history(registered()), true), 'ENTERPRISE_ALREADY_REGISTERED');
    expectRefusal(() => decideRegister(command, history(), false), 'UNKNOWN_AREA');
  });
});

describe('ReportHeadcount', () => {
  it('records a headcount, and a late report changes the past only from its date', () => {
    const state = history(registered('2020-01-01', 'NK', 30), ev('HeadcountReported', { headcount: 150, occurredOn: '2022-06-30' }));
    const events = decideReportHeadcount({ type: 'ReportHeadcount', creditCode: CC, headcount: 80, occurredOn: '2021-03-31' }, state);
    const after = given(evolveEnterprise, state, events) as RegisteredEnterprise;
    expect(headcountOn(after, '2021-01-01')).toBe(30);
    expect(headcountOn(after, '2021-03-31')).toBe(80);
    expect(headcountOn(after, '2022-06-30')).toBe(150);
  });
  it('on one date, the report recorded last counts', () => {
    const state = history(registered(), ev('HeadcountReported', { headcount: 10, occurredOn: '2021-01-01' }), ev('HeadcountReported', { headcount: 12, occurredOn: '2021-01-01' }));
    expect(headcountOn(state as RegisteredEnterprise, '2021-01-01')).toBe(12);
  });
  it('refuses an unknown enterprise, a date before registration, and a date after closure', () => {
    const c = (on: string) => ({ type: 'ReportHeadcount' as const, creditCode: CC, headcount: 5, occurredOn: on });
    expectRefusal(() => decideReportHeadcount(c('2021-01-01'), history()), 'UNKNOWN_ENTERPRISE');
    expectRefusal(() => decideReportHeadcount(c('2019-12-31'), history(registered())), 'DATE_BEFORE_REGISTRATION');
    const closed = history(registered(), ev('EnterpriseClosed', { occurredOn: '2022-01-01' }));
    expectRefusal(() => decideReportHeadcount(c('2022-01-02'), closed), 'ENTERPRISE_CLOSED');
    expect(decideReportHeadcount(c('2022-01-01'), closed)).toHaveLength(1);
  });
});

describe('RelocateEnterprise', () => {
  it('moves the enterprise from its date on; a late relocation moves it in the past', () => {
    const state = history(registered('2020-01-01', 'NK'), ev('EnterpriseRelocated', { areaId: 'HC', occurredOn: '2023-01-01' }));
    const events = decideRelocate({ type: 'RelocateEnterprise', creditCode: CC, areaId: 'XX', occurredOn: '2021-06-01' }, state, true);
    const after = given(evolveEnterprise, state, events) as RegisteredEnterprise;
    expect([areaOn(after, '2021-05-31'), areaOn(after, '2021-06-01'), areaOn(after, '2023-01-01')]).toEqual(['NK', 'XX', 'HC']);
  });
  it('refuses an unknown area and the area it is already in on that date', () => {
    const state = history(registered());
    expectRefusal(() => decideRelocate({ type: 'RelocateEnterprise', creditCode: CC, areaId: 'ZZ', occurredOn: '2021-01-01' }, state, false), 'UNKNOWN_AREA');
    expectRefusal(() => decideRelocate({ type: 'RelocateEnterprise', creditCode: CC, areaId: 'NK', occurredOn: '2021-01-01' }, state, true), 'ENTERPRISE_ALREADY_IN_AREA');
  });
});

describe('CloseEnterprise', () => {
  const close = (on: string) => ({ type: 'CloseEnterprise' as const, creditCode: CC, occurredOn: on });
  it('records the closure', () => {
    expect(decideClose(close('2023-01-01'), history(registered()))).toEqual([{ type: 'EnterpriseClosed', data: { creditCode: CC, occurredOn: '2023-01-01' } }]);
  });
  it('accepts a late closure dated after every recorded fact', () => {
    const state = history(registered(), ev('HeadcountReported', { headcount: 9, occurredOn: '2022-01-01' }));
    expect(decideClose(close('2022-03-01'), state)).toHaveLength(1);
  });
  it('refuses a closure that contradicts facts recorded for later dates, a second closure, and one before registration', () => {
    const state = history(registered(), ev('HeadcountReported', { headcount: 9, occurredOn: '2022-01-01' }));
    expectRefusal(() => decideClose(close('2021-06-30'), state), 'ENTERPRISE_HAS_LATER_FACTS', /up to 2022-01-01/);
    expectRefusal(() => decideClose(close('2023-01-01'), history(registered(), ev('EnterpriseClosed', { occurredOn: '2022-01-01' }))), 'ENTERPRISE_ALREADY_CLOSED');
    expectRefusal(() => decideClose(close('2019-01-01'), history(registered())), 'DATE_BEFORE_REGISTRATION');
  });
});

describe('FoundEnterpriseUnion (the enterprise side)', () => {
  const found = (unionId: string, on: string) => ({ type: 'FoundEnterpriseUnion' as const, unionId, creditCode: CC, occurredOn: on });
  it('records the own union, for an enterprise of any size', () => {
    expect(decideFoundOwnUnion(found('U1', '2021-01-01'), history(registered('2020-01-01', 'NK', 3)))).toEqual([
      { type: 'OwnUnionFounded', data: { creditCode: CC, unionId: 'U1', occurredOn: '2021-01-01' } },
    ]);
  });
  it('refuses a second own union while the first exists, and a late founding before an existing one', () => {
    const state = history(registered(), ev('OwnUnionFounded', { unionId: 'U1', occurredOn: '2021-01-01' }));
    expectRefusal(() => decideFoundOwnUnion(found('U2', '2022-01-01'), state), 'ENTERPRISE_ALREADY_HAS_UNION');
    expectRefusal(() => decideFoundOwnUnion(found('U2', '2020-06-01'), state), 'ENTERPRISE_ALREADY_HAS_UNION');
  });
  it('accepts a new union after the earlier one was dissolved', () => {
    const state = history(
      registered(),
      ev('OwnUnionFounded', { unionId: 'U1', occurredOn: '2021-01-01' }),
      ev('OwnUnionDissolved', { unionId: 'U1', occurredOn: '2021-12-31' }),
    );
    expect(decideFoundOwnUnion(found('U2', '2022-01-01'), state)).toHaveLength(1);
    expectRefusal(() => decideFoundOwnUnion(found('U2', '2021-06-01'), state), 'ENTERPRISE_ALREADY_HAS_UNION');
  });
  it('refuses a founding before registration or after closure', () => {
    expectRefusal(() => decideFoundOwnUnion(found('U1', '2019-01-01'), history(registered())), 'DATE_BEFORE_REGISTRATION');
    expectRefusal(() => decideFoundOwnUnion(found('U1', '2023-01-01'), history(registered(), ev('EnterpriseClosed', { occurredOn: '2022-01-01' }))), 'ENTERPRISE_CLOSED');
  });
});

describe('CoverEnterprise', () => {
  const cover = (federationId: string, on: string) => ({ type: 'CoverEnterprise' as const, federationId, creditCode: CC, occurredOn: on });
  it('records coverage by a federation whose area contains the enterprise on that date', () => {
    expect(decideCover(cover('F1', '2021-01-01'), history(registered()), federationIn('BJ'))).toEqual([
      { type: 'EnterpriseCovered', data: { creditCode: CC, federationId: 'F1', occurredOn: '2021-01-01' } },
    ]);
    expect(decideCover(cover('F1', '2021-01-01'), history(registered()), federationIn('NK'))).toHaveLength(1);
  });
  it('refuses a federation whose area does not contain the enterprise on that date (after a late relocation too)', () => {
    expectRefusal(() => decideCover(cover('F1', '2021-01-01'), history(registered()), federationIn('HG')), 'ENTERPRISE_OUTSIDE_FEDERATION_AREA');
    const moved = history(registered(), ev('EnterpriseRelocated', { areaId: 'HC', occurredOn: '2020-06-01' }));
    expectRefusal(() => decideCover(cover('F1', '2021-01-01'), moved, federationIn('BJ')), 'ENTERPRISE_OUTSIDE_FEDERATION_AREA');
    expect(decideCover(cover('F1', '2020-03-01'), moved, federationIn('BJ'))).toHaveLength(1);
  });
  it('refuses a second federation while one covers, or a late coverage before an open-ended one', () => {
    const state = history(registered(), ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2021-01-01' }));
    expectRefusal(() => decideCover(cover('F2', '2022-01-01'), state, federationIn('BJ')), 'ENTERPRISE_ALREADY_COVERED', /"F1"/);
    expectRefusal(() => decideCover(cover('F2', '2020-06-01'), state, federationIn('BJ')), 'ENTERPRISE_ALREADY_COVERED');
  });
  it('accepts another federation once the coverage ended: uncovered, or the federation dissolved', () => {
    const uncovered = history(
      registered(),
      ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2021-01-01' }),
      ev('EnterpriseUncovered', { federationId: 'F1', occurredOn: '2021-12-31' }),
    );
    expect(decideCover(cover('F2', '2022-01-01'), uncovered, federationIn('BJ'))).toHaveLength(1);
    expectRefusal(() => decideCover(cover('F2', '2021-06-01'), uncovered, federationIn('BJ')), 'ENTERPRISE_ALREADY_COVERED');
    const covered = history(registered(), ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2021-01-01' }));
    expect(decideCover(cover('F2', '2022-01-01'), covered, federationIn('BJ', { F1: '2021-09-30' }))).toHaveLength(1);
  });
  it('refuses a date before registration or after closure', () => {
    expectRefusal(() => decideCover(cover('F1', '2019-01-01'), history(registered()), federationIn('BJ')), 'DATE_BEFORE_REGISTRATION');
    expectRefusal(() => decideCover(cover('F1', '2022-01-02'), history(registered(), ev('EnterpriseClosed', { occurredOn: '2022-01-01' })), federationIn('BJ')), 'ENTERPRISE_CLOSED');
  });
});

describe('UncoverEnterprise', () => {
  const uncover = (federationId: string, on: string) => ({ type: 'UncoverEnterprise' as const, federationId, creditCode: CC, occurredOn: on });
  const covered = history(registered(), ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2021-01-01' }));
  it('ends the coverage on its date', () => {
    expect(decideUncover(uncover('F1', '2022-01-01'), covered, { dissolvedOn: () => null })).toEqual([
      { type: 'EnterpriseUncovered', data: { creditCode: CC, federationId: 'F1', occurredOn: '2022-01-01' } },
    ]);
  });
  it('refuses when that federation does not cover the enterprise on that date', () => {
    expectRefusal(() => decideUncover(uncover('F2', '2022-01-01'), covered, { dissolvedOn: () => null }), 'NOT_COVERED');
    expectRefusal(() => decideUncover(uncover('F1', '2020-06-01'), covered, { dissolvedOn: () => null }), 'NOT_COVERED');
    expectRefusal(() => decideUncover(uncover('F1', '2022-01-01'), covered, { dissolvedOn: () => '2021-06-30' }), 'NOT_COVERED');
  });
});

describe('RecordOutreach', () => {
  it('records a step of the three-in-place checklist for an open enterprise', () => {
    expect(decideRecordOutreach({ type: 'RecordOutreach', creditCode: CC, step: 'visited', occurredOn: '2021-01-01' }, history(registered()))).toEqual([
      { type: 'OutreachRecorded', data: { creditCode: CC, step: 'visited', occurredOn: '2021-01-01' } },
    ]);
    expectRefusal(() => decideRecordOutreach({ type: 'RecordOutreach', creditCode: CC, step: 'visited', occurredOn: '2021-01-01' }, history()), 'UNKNOWN_ENTERPRISE');
  });
});
