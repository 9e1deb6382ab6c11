import { commandSchemas, MalformedCommandError, validateCommand } from '../src/index.js';

describe('the lifecycle commands as the API sees them', () => {
  it('documents the card number format and the enums in the OpenAPI schemas', () => {
    const schemas = commandSchemas();
    expect(schemas['IssueMemberCard']).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['type', 'memberId', 'cardNumber', 'occurredOn']),
      properties: { cardNumber: { type: 'string', pattern: '^[0-9A-Za-z-]{6,32}$' } },
    });
    expect(schemas['RetainMembership']!['properties']).toMatchObject({ reason: { enum: ['unemployed', 'retired'] } });
    expect(schemas['RetainMembership']!['required']).not.toContain('heldByUnionId');
    expect(schemas['PassMembershipUp']!['properties']).toMatchObject({ reason: { enum: ['enterpriseClosed', 'unionDissolved'] } });
    expect(schemas['PassMembershipUp']!['required']).not.toContain('toUnionId');
  });

  it.each([
    ['a card number of 5 characters', { type: 'IssueMemberCard', memberId: 'M1', cardNumber: 'AB-12', occurredOn: '2021-01-01' }],
    ['a card number of 33 characters', { type: 'ReplaceMemberCard', memberId: 'M1', newCardNumber: 'A'.repeat(33), occurredOn: '2021-01-01' }],
    ['a card number with other characters', { type: 'IssueMemberCard', memberId: 'M1', cardNumber: '会员卡000123', occurredOn: '2021-01-01' }],
    ['an unknown field', { type: 'RevokeMemberCard', memberId: 'M1', occurredOn: '2021-01-01', cardNumber: 'SZ-000123' }],
    ['a missing reason', { type: 'RetainMembership', memberId: 'M1', occurredOn: '2021-01-01' }],
    ['a missing fromUnionId', { type: 'PassMembershipUp', memberId: 'M1', reason: 'enterpriseClosed', occurredOn: '2021-01-01' }],
  ])('refuses %s as INVALID_FIELDS', (_, raw) => {
    expect(() => validateCommand(raw)).toThrow(MalformedCommandError);
    try {
      validateCommand(raw);
    } catch (e) {
      expect((e as MalformedCommandError).code).toBe('INVALID_FIELDS');
    }
  });

  it('accepts card numbers of 6 and 32 letters, digits and hyphens', () => {
    expect(validateCommand({ type: 'IssueMemberCard', memberId: 'M1', cardNumber: 'sz-001', occurredOn: '2021-01-01' })).toMatchObject({ cardNumber: 'sz-001' });
    expect(validateCommand({ type: 'ReplaceMemberCard', memberId: 'M1', newCardNumber: 'A'.repeat(32), occurredOn: '2021-01-01' })).toBeTruthy();
  });
});
