/**
 * What a command writes and reads, as keys, so that the importer can run
 * commands in parallel without reordering any two that depend on each other:
 * two commands conflict when one writes a key the other reads or writes.
 * A command that conflicts with one still running waits for it (and the
 * lines after it wait too: the file's order is kept where it matters).
 */
export interface CommandKeys {
  readonly writes: readonly string[];
  readonly reads: readonly string[];
}

/** Leaving frees a person whose id the command does not carry: it conflicts with every join. */
const ALL_PERSONS = 'person:*';
/**
 * Dissolving an enterprise's own union writes to an enterprise the command
 * does not name (dissolve U1, then found U2 for the same enterprise must stay
 * in that order): it conflicts with every command on an enterprise.
 */
const ALL_ENTERPRISES = 'enterprise:*';

export function keysOf(command: Record<string, unknown>): CommandKeys {
  const s = (field: string) => (typeof command[field] === 'string' ? (command[field] as string) : undefined);
  const k = (prefix: string, field: string) => (s(field) === undefined ? [] : [`${prefix}:${s(field)}`]);
  // Card numbers are unique regardless of case (see cardStream in libs/domain).
  const card = (field: string) => (s(field) === undefined ? [] : [`card:${s(field)!.toUpperCase()}`]);
  switch (command['type']) {
    case 'DefineArea':
      return { writes: k('area', 'areaId'), reads: k('area', 'parentId') };
    case 'RegisterEnterprise':
    case 'RelocateEnterprise':
      return { writes: k('enterprise', 'creditCode'), reads: [...k('area', 'areaId'), ALL_ENTERPRISES] };
    case 'ReportHeadcount':
    case 'CloseEnterprise':
    case 'RecordOutreach':
      return { writes: k('enterprise', 'creditCode'), reads: [ALL_ENTERPRISES] };
    case 'FoundEnterpriseUnion':
      return { writes: [...k('union', 'unionId'), ...k('enterprise', 'creditCode')], reads: [ALL_ENTERPRISES] };
    case 'FoundFederation':
      return { writes: k('union', 'unionId'), reads: k('area', 'areaId') };
    case 'DissolveUnion':
      return { writes: [...k('union', 'unionId'), ALL_ENTERPRISES], reads: [] };
    case 'CoverEnterprise':
    case 'UncoverEnterprise':
      return { writes: k('enterprise', 'creditCode'), reads: [...k('union', 'federationId'), ALL_ENTERPRISES] };
    case 'JoinUnion':
      return {
        writes: [...k('member', 'memberId'), ...k('person', 'personId')],
        reads: [...k('union', 'unionId'), ...k('campaign', 'campaignId'), ...k('ceremony', 'ceremonyId'), ...k('area', 'areaId'), ALL_PERSONS],
      };
    case 'TransferMembership':
      return { writes: k('member', 'memberId'), reads: k('union', 'toUnionId') };
    case 'LeaveUnion':
      return { writes: [...k('member', 'memberId'), ALL_PERSONS], reads: [] };
    case 'RetainMembership':
      return { writes: k('member', 'memberId'), reads: k('union', 'heldByUnionId') };
    case 'ResumeMembership':
      return { writes: k('member', 'memberId'), reads: k('union', 'unionId') };
    case 'PassMembershipUp':
      return { writes: k('member', 'memberId'), reads: [...k('union', 'fromUnionId'), ...k('union', 'toUnionId')] };
    case 'IssueMemberCard':
      return { writes: [...k('member', 'memberId'), ...card('cardNumber')], reads: [] };
    case 'ReplaceMemberCard':
      return { writes: [...k('member', 'memberId'), ...card('newCardNumber')], reads: [] };
    case 'RevokeMemberCard':
      // The number revoked is the member's own card: only this member's commands touch its stream.
      return { writes: k('member', 'memberId'), reads: [] };
    case 'LaunchCampaign':
      return { writes: k('campaign', 'campaignId'), reads: k('area', 'areaId') };
    case 'HoldCeremony':
      return { writes: k('ceremony', 'ceremonyId'), reads: [...k('area', 'areaId'), ...k('campaign', 'campaignId')] };
    default:
      // Unknown or malformed: it will be refused; make it wait for nothing.
      return { writes: [], reads: [] };
  }
}

/** Keys held by commands in flight: a count of writers and readers per key. */
export class KeyLocks {
  private readonly writers = new Map<string, number>();
  private readonly readers = new Map<string, number>();

  canRun(keys: CommandKeys): boolean {
    return keys.writes.every((k) => !this.writers.has(k) && !this.readers.has(k)) && keys.reads.every((k) => !this.writers.has(k));
  }
  hold(keys: CommandKeys): void {
    for (const k of keys.writes) this.writers.set(k, (this.writers.get(k) ?? 0) + 1);
    for (const k of keys.reads) this.readers.set(k, (this.readers.get(k) ?? 0) + 1);
  }
  release(keys: CommandKeys): void {
    for (const [map, list] of [[this.writers, keys.writes], [this.readers, keys.reads]] as const) {
      for (const k of list) {
        const n = (map.get(k) ?? 0) - 1;
        if (n > 0) map.set(k, n);
        else map.delete(k);
      }
    }
  }
}
