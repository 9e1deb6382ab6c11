import * as d from '#domain';

/** The kinds of entity whose history can be asked for, and where each one's history is kept. */
export const ENTITY_KINDS = ['enterprise', 'member', 'union', 'campaign'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const isEntityKind = (value: unknown): value is EntityKind => (ENTITY_KINDS as readonly unknown[]).includes(value);

/** The stream that holds an entity's history (the names libs/domain gives them). */
export function streamOf(kind: EntityKind, id: string): string {
  switch (kind) {
    case 'enterprise':
      return d.enterpriseStream(id);
    case 'member':
      return d.memberStream(id);
    case 'union':
      return d.unionStream(id);
    case 'campaign':
      return d.campaignStream(id);
  }
}

/** The error code for an entity that has no history at all. */
export const UNKNOWN_ENTITY_CODES: Record<EntityKind, string> = {
  enterprise: 'UNKNOWN_ENTERPRISE',
  member: 'UNKNOWN_MEMBER',
  union: 'UNKNOWN_UNION',
  campaign: 'UNKNOWN_CAMPAIGN',
};

/** No event was ever recorded for the entity. */
export class UnknownEntityError extends Error {
  override readonly name = 'UnknownEntityError';
  readonly code: string;
  constructor(
    readonly kind: EntityKind,
    readonly id: string,
  ) {
    super(`no ${kind} "${id}" is recorded`);
    this.code = UNKNOWN_ENTITY_CODES[kind];
  }
}
