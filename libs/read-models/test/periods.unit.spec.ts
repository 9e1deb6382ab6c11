import {
  countedOn,
  evolveEnterprise,
  evolveMember,
  initialEnterpriseState,
  initialMemberState,
  type EnterpriseEvent,
  type MemberEvent,
  type RegisteredEnterprise,
} from '#domain';
import { creditCode } from '../../domain/test/spec-helpers.js';
import { enterprisePeriods, locationPeriods, membershipPeriods, OPEN_END } from '../src/index.js';

const CC = creditCode(9);
const ev = (type: EnterpriseEvent['type'], data: object) => ({ type, data: { creditCode: CC, ...data } }) as EnterpriseEvent;
const registered = ev('EnterpriseRegistered', { name: 'x', areaId: 'C1', headcount: 30, newForm: true, occurredOn: '2020-01-01' });
const enterprise = (...events: EnterpriseEvent[]) => [registered, ...events].reduce(evolveEnterprise, initialEnterpriseState) as RegisteredEnterprise;
const periods = (e: RegisteredEnterprise, dissolved: Record<string, string> = {}) =>
  enterprisePeriods(e, (id) => dissolved[id] ?? null).map((p) => [p.validFrom, p.validTo, p.areaId, p.band, p.status, p.unionId ?? p.federationId]);

describe('enterprise periods (what the coverage projection writes)', () => {
  it('given a registration: one open period, unorganized, in its area and band', () => {
    expect(periods(enterprise())).toEqual([['2020-01-01', OPEN_END, 'C1', '25-99', 'unorganized', null]]);
  });

  it('given headcount reports: the band changes from each report date; a late report cuts the past', () => {
    const e = enterprise(
      ev('HeadcountReported', { headcount: 120, occurredOn: '2021-01-01' }),
      ev('HeadcountReported', { headcount: 10, occurredOn: '2020-06-01' }), // late
    );
    expect(periods(e)).toEqual([
      ['2020-01-01', '2020-06-01', 'C1', '25-99', 'unorganized', null],
      ['2020-06-01', '2021-01-01', 'C1', '<25', 'unorganized', null],
      ['2021-01-01', OPEN_END, 'C1', '100+', 'unorganized', null],
    ]);
  });

  it('given a headcount change within a band: same band, new headcount (the work list sorts by it)', () => {
    const e = enterprise(ev('HeadcountReported', { headcount: 60, occurredOn: '2021-01-01' }));
    expect(enterprisePeriods(e, () => null).map((p) => [p.validFrom, p.band, p.headcount])).toEqual([
      ['2020-01-01', '25-99', 30],
      ['2021-01-01', '25-99', 60],
    ]);
  });

  it('given a relocation, also a late one: the area changes from its date', () => {
    const e = enterprise(ev('EnterpriseRelocated', { areaId: 'C3', occurredOn: '2021-01-01' }), ev('EnterpriseRelocated', { areaId: 'C2', occurredOn: '2020-07-01' }));
    expect(periods(e).map((p) => [p[0], p[1], p[2]])).toEqual([
      ['2020-01-01', '2020-07-01', 'C1'],
      ['2020-07-01', '2021-01-01', 'C2'],
      ['2021-01-01', OPEN_END, 'C3'],
    ]);
    expect(locationPeriods(e).map((l) => l.areaId)).toEqual(['C1', 'C2', 'C3']);
  });

  it('given a closure: no period from the closing date on (closed on a date = not active that day)', () => {
    expect(periods(enterprise(ev('EnterpriseClosed', { occurredOn: '2022-01-01' })))).toEqual([['2020-01-01', '2022-01-01', 'C1', '25-99', 'unorganized', null]]);
    // Location periods go on: a union of a closed enterprise is still somewhere.
    expect(locationPeriods(enterprise(ev('EnterpriseClosed', { occurredOn: '2022-01-01' })))[0]!.validTo).toBe(OPEN_END);
  });

  it('given an own union founded then dissolved: independent in between', () => {
    const e = enterprise(ev('OwnUnionFounded', { unionId: 'U1', occurredOn: '2020-03-01' }), ev('OwnUnionDissolved', { unionId: 'U1', occurredOn: '2021-03-01' }));
    expect(periods(e).map((p) => [p[0], p[1], p[4], p[5]])).toEqual([
      ['2020-01-01', '2020-03-01', 'unorganized', null],
      ['2020-03-01', '2021-03-01', 'independent', 'U1'],
      ['2021-03-01', OPEN_END, 'unorganized', null],
    ]);
  });

  it('given coverage then uncover: federationCovered in between', () => {
    const e = enterprise(ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2020-02-01' }), ev('EnterpriseUncovered', { federationId: 'F1', occurredOn: '2020-09-01' }));
    expect(periods(e).map((p) => [p[0], p[1], p[4], p[5]])).toEqual([
      ['2020-01-01', '2020-02-01', 'unorganized', null],
      ['2020-02-01', '2020-09-01', 'federationCovered', 'F1'],
      ['2020-09-01', OPEN_END, 'unorganized', null],
    ]);
  });

  it('given the covering federation dissolves: coverage ends on its dissolution date', () => {
    const e = enterprise(ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2020-02-01' }));
    expect(periods(e, { F1: '2020-05-01' }).map((p) => [p[0], p[1], p[4]])).toEqual([
      ['2020-01-01', '2020-02-01', 'unorganized'],
      ['2020-02-01', '2020-05-01', 'federationCovered'],
      ['2020-05-01', OPEN_END, 'unorganized'],
    ]);
  });

  it('given both an own union and coverage: independent wins, covered only outside the union', () => {
    const e = enterprise(ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2020-02-01' }), ev('OwnUnionFounded', { unionId: 'U1', occurredOn: '2020-06-01' }));
    expect(periods(e).map((p) => [p[0], p[4]])).toEqual([
      ['2020-01-01', 'unorganized'],
      ['2020-02-01', 'federationCovered'],
      ['2020-06-01', 'independent'],
    ]);
  });

  it('given events on one date: what holds at the end of that date counts', () => {
    const e = enterprise(ev('HeadcountReported', { headcount: 150, occurredOn: '2021-01-01' }), ev('HeadcountReported', { headcount: 20, occurredOn: '2021-01-01' }));
    expect(periods(e).map((p) => [p[0], p[3]])).toEqual([['2020-01-01', '25-99'], ['2021-01-01', '<25']]);
  });
});

describe('enterprise periods are the domain rule, day by day', () => {
  it('each day falls in the period that holds exactly what countedOn says of it (none when not active)', () => {
    const e = enterprise(
      ev('HeadcountReported', { headcount: 120, occurredOn: '2020-03-10' }),
      ev('EnterpriseCovered', { federationId: 'F1', occurredOn: '2020-02-01' }),
      ev('OwnUnionFounded', { unionId: 'U1', occurredOn: '2020-04-01' }),
      ev('OwnUnionDissolved', { unionId: 'U1', occurredOn: '2020-05-01' }),
      ev('EnterpriseRelocated', { areaId: 'C2', occurredOn: '2020-05-15' }),
      ev('EnterpriseCovered', { federationId: 'F2', occurredOn: '2020-07-01' }),
      ev('HeadcountReported', { headcount: 24, occurredOn: '2020-03-01' }), // late
      ev('EnterpriseClosed', { occurredOn: '2020-08-01' }),
    );
    const dissolved: Record<string, string> = { F1: '2020-06-01', F2: '2020-06-20' }; // F2's dissolution recorded late, dated before its coverage
    const dissolvedOn = (id: string) => dissolved[id] ?? null;
    const list = enterprisePeriods(e, dissolvedOn);
    for (let t = Date.parse('2019-12-30'); t <= Date.parse('2020-08-03'); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const p = list.find((x) => x.validFrom <= day && x.validTo > day);
      const { validFrom: _f, validTo: _t, ...held } = p ?? { validFrom: '', validTo: '' };
      expect([day, p ? held : null]).toEqual([day, countedOn(e, day, dissolvedOn)]);
    }
    expect(list.map((p) => [p.validFrom, p.status, p.band])).toEqual([
      ['2020-01-01', 'unorganized', '25-99'],
      ['2020-02-01', 'federationCovered', '25-99'],
      ['2020-03-01', 'federationCovered', '<25'],
      ['2020-03-10', 'federationCovered', '100+'],
      ['2020-04-01', 'independent', '100+'],
      ['2020-05-01', 'federationCovered', '100+'],
      ['2020-05-15', 'federationCovered', '100+'],
      ['2020-06-01', 'unorganized', '100+'],
    ]);
  });
});

describe('membership periods', () => {
  const joined: MemberEvent = {
    type: 'MemberJoined',
    data: { memberId: 'M1', personKey: 'k', personIdMasked: 'x', name: 'n', unionId: 'U1', occupation: null, newForm: true, channel: null, campaignId: null, ceremonyId: null, occurredOn: '2020-01-01' },
  };
  const member = (...events: MemberEvent[]) => {
    const s = [joined, ...events].reduce(evolveMember, initialMemberState);
    if (s.status !== 'member') throw new Error('expected a member');
    return membershipPeriods(s, true).map((p) => [p.validFrom, p.validTo, p.unionId]);
  };

  it('given transfers (one late) and leaving: one period per union held, ending on leaving', () => {
    expect(
      member(
        { type: 'MembershipTransferred', data: { memberId: 'M1', fromUnionId: 'U1', toUnionId: 'U3', occurredOn: '2022-01-01' } },
        { type: 'MembershipTransferred', data: { memberId: 'M1', fromUnionId: 'U1', toUnionId: 'U2', occurredOn: '2021-01-01' } },
        { type: 'MemberLeft', data: { memberId: 'M1', unionId: 'U3', reason: null, occurredOn: '2023-01-01' } },
      ),
    ).toEqual([
      ['2020-01-01', '2021-01-01', 'U1'],
      ['2021-01-01', '2022-01-01', 'U2'],
      ['2022-01-01', '2023-01-01', 'U3'],
    ]);
  });
});
