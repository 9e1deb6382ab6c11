import {
  decideDissolveUnion,
  decideFoundEnterpriseUnion,
  decideFoundFederation,
  evolveUnion,
  initialUnionState,
  requireActiveFederation,
  requireActiveUnion,
  unionActiveOn,
  type UnionEvent,
} from '../src/index.js';
import { creditCode, expectRefusal, given } from './spec-helpers.js';

const federation: UnionEvent = {
  type: 'FederationFounded',
  data: { unionId: 'F1', name: '南坑社区工联会', scope: 'regional', areaId: 'NK', industry: null, occurredOn: '2019-01-01' },
};
const ownUnion: UnionEvent = { type: 'EnterpriseUnionFounded', data: { unionId: 'U1', creditCode: creditCode(1), occurredOn: '2020-01-01' } };
const unions = (...events: UnionEvent[]) => given(evolveUnion, initialUnionState, events);

describe('FoundFederation', () => {
  const found = { type: 'FoundFederation' as const, unionId: 'F1', name: '快递行业工联会', scope: 'industry' as const, areaId: 'LG', industry: 'express delivery', occurredOn: '2019-01-01' };
  it('records a regional or industry federation in a defined area', () => {
    expect(decideFoundFederation(found, initialUnionState, true)).toEqual([
      { type: 'FederationFounded', data: { unionId: 'F1', name: '快递行业工联会', scope: 'industry', areaId: 'LG', industry: 'express delivery', occurredOn: '2019-01-01' } },
    ]);
  });
  it('refuses a union id in use and an unknown area', () => {
    expectRefusal(() => decideFoundFederation(found, unions(federation), true), 'UNION_ALREADY_EXISTS');
    expectRefusal(() => decideFoundFederation(found, initialUnionState, false), 'UNKNOWN_AREA');
  });
});

describe('FoundEnterpriseUnion (the union side)', () => {
  it('records the union, unless its id is in use', () => {
    const c = { unionId: 'U1', creditCode: creditCode(1), occurredOn: '2020-01-01' };
    expect(decideFoundEnterpriseUnion(c, initialUnionState)).toEqual([ownUnion]);
    expectRefusal(() => decideFoundEnterpriseUnion(c, unions(ownUnion)), 'UNION_ALREADY_EXISTS');
  });
});

describe('DissolveUnion', () => {
  const dissolve = (on: string) => ({ type: 'DissolveUnion' as const, unionId: 'F1', occurredOn: on });
  it('records the dissolution; the union no longer exists from that date', () => {
    const events = decideDissolveUnion(dissolve('2022-06-30'), unions(federation));
    const after = given(evolveUnion, unions(federation), events);
    expect([unionActiveOn(after, '2022-06-29'), unionActiveOn(after, '2022-06-30')]).toEqual([true, false]);
  });
  it('refuses an unknown union, a second dissolution, and a date before the founding', () => {
    expectRefusal(() => decideDissolveUnion(dissolve('2022-01-01'), initialUnionState), 'UNKNOWN_UNION');
    expectRefusal(() => decideDissolveUnion(dissolve('2023-01-01'), unions(federation, { type: 'UnionDissolved', data: { unionId: 'F1', occurredOn: '2022-01-01' } })), 'UNION_ALREADY_DISSOLVED');
    expectRefusal(() => decideDissolveUnion(dissolve('2018-01-01'), unions(federation)), 'DATE_BEFORE_FOUNDING');
  });
});

describe('references to unions', () => {
  it('a union exists from its founding until its dissolution', () => {
    expectRefusal(() => requireActiveUnion(initialUnionState, 'X', '2020-01-01'), 'UNKNOWN_UNION');
    expectRefusal(() => requireActiveUnion(unions(federation), 'F1', '2018-12-31'), 'UNION_NOT_ACTIVE');
    expect(requireActiveUnion(unions(federation), 'F1', '2019-01-01').unionId).toBe('F1');
  });
  it('only a federation covers enterprises', () => {
    expectRefusal(() => requireActiveFederation(unions(ownUnion), 'U1', '2021-01-01'), 'NOT_A_FEDERATION');
    expect(requireActiveFederation(unions(federation), 'F1', '2021-01-01').areaId).toBe('NK');
  });
});
