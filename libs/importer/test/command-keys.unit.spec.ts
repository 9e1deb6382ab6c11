import { keysOf, KeyLocks } from '../src/index.js';

describe('which commands may run side by side during an import', () => {
  const locks = new KeyLocks();
  const found = keysOf({ type: 'FoundEnterpriseUnion', unionId: 'U1', creditCode: 'E1' });
  const joinU1 = keysOf({ type: 'JoinUnion', memberId: 'M1', personId: 'P1', unionId: 'U1' });
  const joinU1b = keysOf({ type: 'JoinUnion', memberId: 'M2', personId: 'P2', unionId: 'U1' });
  const leave = keysOf({ type: 'LeaveUnion', memberId: 'M9' });
  const headcountE2 = keysOf({ type: 'ReportHeadcount', creditCode: 'E2' });

  afterEach(() => {
    for (const k of [found, joinU1, joinU1b, leave, headcountE2]) {
      try {
        locks.release(k);
      } catch {
        /* not held */
      }
    }
  });

  it('a join waits for the founding of its union still in flight', () => {
    locks.hold(found);
    expect(locks.canRun(joinU1)).toBe(false);
    expect(locks.canRun(headcountE2)).toBe(true);
    locks.release(found);
    expect(locks.canRun(joinU1)).toBe(true);
  });

  it('joins to one union run side by side; a founding waits for them', () => {
    locks.hold(joinU1);
    expect(locks.canRun(joinU1b)).toBe(true);
    locks.hold(joinU1b);
    expect(locks.canRun(found)).toBe(false);
    locks.release(joinU1);
    locks.release(joinU1b);
    expect(locks.canRun(found)).toBe(true);
  });

  it('a leave (which frees a person the command does not name) waits for joins, and joins for it', () => {
    locks.hold(joinU1);
    expect(locks.canRun(leave)).toBe(false);
    locks.release(joinU1);
    locks.hold(leave);
    expect(locks.canRun(joinU1)).toBe(false);
    locks.release(leave);
  });

  it('commands on one enterprise keep their order', () => {
    const a = keysOf({ type: 'RegisterEnterprise', creditCode: 'E2', areaId: 'A' });
    locks.hold(a);
    expect(locks.canRun(headcountE2)).toBe(false);
    locks.release(a);
  });

  it("a union's dissolution keeps its place among commands on any enterprise (it may be an enterprise's own union)", () => {
    const dissolve = keysOf({ type: 'DissolveUnion', unionId: 'U1' });
    const foundAnother = keysOf({ type: 'FoundEnterpriseUnion', unionId: 'U2', creditCode: 'E1' });
    locks.hold(dissolve);
    expect(locks.canRun(foundAnother)).toBe(false);
    expect(locks.canRun(headcountE2)).toBe(false);
    locks.release(dissolve);
    locks.hold(headcountE2);
    expect(locks.canRun(foundAnother)).toBe(true); // enterprises still run side by side
    expect(locks.canRun(dissolve)).toBe(false);
    locks.release(headcountE2);
  });
  it("a member's lifecycle commands keep their order with the member's other commands and wait for the unions they name", () => {
    const join = keysOf({ type: 'JoinUnion', memberId: 'M1', personId: 'P1', unionId: 'U1' });
    const retain = keysOf({ type: 'RetainMembership', memberId: 'M1', reason: 'retired', heldByUnionId: 'F1' });
    const resume = keysOf({ type: 'ResumeMembership', memberId: 'M1', unionId: 'U2' });
    const passUp = keysOf({ type: 'PassMembershipUp', memberId: 'M2', fromUnionId: 'U1', toUnionId: 'F1', reason: 'enterpriseClosed' });
    const foundF1 = keysOf({ type: 'FoundFederation', unionId: 'F1', areaId: 'A' });
    locks.hold(join);
    expect(locks.canRun(retain)).toBe(false);
    expect(locks.canRun(resume)).toBe(false);
    expect(locks.canRun(passUp)).toBe(true);
    locks.release(join);
    locks.hold(foundF1);
    expect(locks.canRun(retain)).toBe(false);
    expect(locks.canRun(passUp)).toBe(false);
    expect(locks.canRun(resume)).toBe(true);
    locks.release(foundF1);
  });

  it('card commands on one card number keep their order, whatever the case of the number', () => {
    const issueM1 = keysOf({ type: 'IssueMemberCard', memberId: 'M1', cardNumber: 'sz-000123' });
    const issueM2 = keysOf({ type: 'IssueMemberCard', memberId: 'M2', cardNumber: 'SZ-000123' });
    const replaceM3 = keysOf({ type: 'ReplaceMemberCard', memberId: 'M3', newCardNumber: 'SZ-000123' });
    const other = keysOf({ type: 'IssueMemberCard', memberId: 'M4', cardNumber: 'SZ-000999' });
    const revokeM1 = keysOf({ type: 'RevokeMemberCard', memberId: 'M1' });
    locks.hold(issueM1);
    expect(locks.canRun(issueM2)).toBe(false);
    expect(locks.canRun(replaceM3)).toBe(false);
    expect(locks.canRun(revokeM1)).toBe(false);
    expect(locks.canRun(other)).toBe(true);
    locks.release(issueM1);
  });
});
