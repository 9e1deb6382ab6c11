import { getMetadataStorage } from 'class-validator';
import { PersonKeys } from '#personal-data';
import { COMMAND_TYPES, commandSchemas, declarationOf, MalformedCommandError, validateCommand } from '../src/index.js';
import { MESSAGES } from '../src/nest/index.js';

/** One valid command of each type: what a newcomer's declaration must accept. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  DefineArea: { areaId: 'LG-01', kind: 'subdistrict', name: '平湖街道', parentId: 'LG' },
  RegisterEnterprise: { creditCode: '914403001922038216', name: '某科技有限公司', areaId: 'LG-01', headcount: 120, occurredOn: '2022-03-01' },
  ReportHeadcount: { creditCode: '914403001922038216', headcount: 90, occurredOn: '2022-04-01' },
  RelocateEnterprise: { creditCode: '914403001922038216', areaId: 'LG-02', occurredOn: '2022-05-01' },
  CloseEnterprise: { creditCode: '914403001922038216', occurredOn: '2022-06-01' },
  FoundEnterpriseUnion: { unionId: 'U1', creditCode: '914403001922038216', occurredOn: '2022-03-02' },
  FoundFederation: { unionId: 'F1', name: '平湖街道总工会', scope: 'regional', areaId: 'LG-01', occurredOn: '2020-01-01' },
  DissolveUnion: { unionId: 'U1', occurredOn: '2022-05-01' },
  CoverEnterprise: { federationId: 'F1', creditCode: '914403001922038216', occurredOn: '2022-03-05' },
  UncoverEnterprise: { federationId: 'F1', creditCode: '914403001922038216', occurredOn: '2022-03-06' },
  JoinUnion: { memberId: 'M1', personId: '11010519491231002X', name: '张三', unionId: 'U1', occurredOn: '2022-03-10', campaignId: 'K1', areaId: 'LG-01' },
  TransferMembership: { memberId: 'M1', toUnionId: 'F1', occurredOn: '2022-04-10' },
  LeaveUnion: { memberId: 'M1', occurredOn: '2022-05-10' },
  RetainMembership: { memberId: 'M1', reason: 'retired', occurredOn: '2022-05-10', heldByUnionId: 'F1' },
  ResumeMembership: { memberId: 'M1', unionId: 'U1', occurredOn: '2022-06-10' },
  PassMembershipUp: { memberId: 'M1', fromUnionId: 'U1', toUnionId: 'F1', reason: 'enterpriseClosed', occurredOn: '2022-06-01' },
  IssueMemberCard: { memberId: 'M1', cardNumber: 'SZ-000123', occurredOn: '2022-03-11' },
  ReplaceMemberCard: { memberId: 'M1', newCardNumber: 'SZ-000124', occurredOn: '2022-03-12' },
  RevokeMemberCard: { memberId: 'M1', occurredOn: '2022-03-13' },
  ErasePersonalData: { memberId: 'M1', legalBasis: 'consentWithdrawn', reference: 'REQ-2022-17', occurredOn: '2022-03-14' },
  LaunchCampaign: { campaignId: 'K1', name: '新就业形态劳动者入会', areaId: 'LG', targetJoins: 100, startsOn: '2022-01-01', endsOn: '2022-12-31' },
  HoldCeremony: { ceremonyId: 'C1', areaId: 'LG-01', occurredOn: '2022-03-10', campaignId: 'K1' },
  RecordOutreach: { creditCode: '914403001922038216', step: 'visited', occurredOn: '2022-03-04' },
};

const deps = { personKeys: new PersonKeys('declarations-test-key-0123'), areas: undefined as never, vault: undefined as never };

describe('the command declarations', () => {
  it('declare each command type once, each with an example here', () => {
    expect(new Set(COMMAND_TYPES).size).toBe(COMMAND_TYPES.length);
    expect([...COMMAND_TYPES].sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  describe.each(COMMAND_TYPES.map((type) => [type]))('%s', (type) => {
    const declaration = declarationOf(type)!;
    const command = validateCommand({ type, ...EXAMPLES[type] });

    it('accepts its example, and refuses a field it does not declare', () => {
      expect(command).toMatchObject({ type, ...EXAMPLES[type] });
      expect(() => validateCommand({ type, ...EXAMPLES[type], notAField: 1 })).toThrow(MalformedCommandError);
    });

    it('names only fields of its payload as personal, and no personal value reaches an error message', () => {
      const fields = new Set(getMetadataStorage().getTargetValidationMetadatas(declaration.dto, '', true, false).map((m) => m.propertyName));
      for (const field of declaration.personal) {
        expect(fields).toContain(field);
        const value = String(EXAMPLES[type]![field]);
        const tooLong = { type, ...EXAMPLES[type], [field]: `${value}${'x'.repeat(600)}` };
        try {
          validateCommand(tooLong);
        } catch (error) {
          expect((error as Error).message).not.toContain(value);
        }
      }
    });

    it('never echoes a personal value put in another field too (a spreadsheet\'s columns shifted): it is named by its field', () => {
      for (const field of declaration.personal.filter((f) => EXAMPLES[type]![f] !== undefined)) {
        const value = String(EXAMPLES[type]![field]);
        for (const other of Object.keys(EXAMPLES[type]!).filter((f) => f !== field)) {
          for (const misplaced of [value, [value], { at: value }, `${value}"`]) {
            const refusal = (() => {
              try {
                validateCommand({ type, ...EXAMPLES[type], [other]: misplaced });
                return undefined;
              } catch (error) {
                return (error as Error).message;
              }
            })();
            if (refusal === undefined) continue;
            expect(refusal).not.toContain(value);
            if (other === 'occurredOn') expect(refusal).toContain(`<${field}>`);
          }
        }
      }
    });

    it('reads at least the streams it writes, and keys the importer orders it by', () => {
      const streams = declaration.streams(command, deps);
      expect(streams.length).toBeGreaterThan(0);
      expect(new Set(streams).size).toBe(streams.length);
      expect(declaration.keys({ type, ...EXAMPLES[type] }).writes.length).toBeGreaterThan(0);
    });

    it('says what it acts on', () => {
      expect(declaration.subjects(command).length).toBeGreaterThan(0);
    });

    it('has its OpenAPI schema and its own message class on the CommandBus', () => {
      expect(commandSchemas()[type]).toMatchObject({ type: 'object', additionalProperties: false });
      expect(MESSAGES.get(type)!.name).toBe(`${type}Command`);
    });
  });

  it('never echoes a personal value as the type of a command it does not know', () => {
    expect(() => validateCommand({ type: '440307199001010096', personId: '440307199001010096' })).toThrow('unknown command type "<personId>"; expected one of');
    expect(() => validateCommand({ type: ['张三丰'], name: '张三丰' })).toThrow('unknown command type ["<name>"]');
    expect(() => validateCommand({ type: 'JoinUnoin' })).toThrow('unknown command type "JoinUnoin"');
  });

  it('checks fields against each other once each is well formed', () => {
    expect(() => validateCommand({ type: 'LaunchCampaign', ...EXAMPLES['LaunchCampaign'], endsOn: '2021-12-31' })).toThrow(
      'endsOn (2021-12-31) must not be before startsOn (2022-01-01)',
    );
  });
});
