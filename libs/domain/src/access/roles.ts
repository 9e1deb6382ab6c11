/**
 * Who may do what: the roles of docs/access.md, as federations work
 * (district → subdistrict → community; joining-drive teams; auditors; leaders
 * who only read figures), and `engine`: another engine that keeps its log in
 * this one's, through the KurrentDB endpoint (docs/kurrentdb.md). A
 * credential carries one role and, except for `admin` and `engine`, one
 * area: everything at or below it is in scope.
 */
export const ROLES = ['admin', 'federation', 'campaign', 'auditor', 'viewer', 'engine'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Who is acting: a token's holder, the CLI's operator, or a policy of the engine. */
export interface Principal {
  readonly role: Role;
  /** The root of the principal's scope; null for `admin` (everything). */
  readonly areaId: string | null;
  /** Who, in words, as the records show it (a token's holder, `operator:…`, `policy:…`). */
  readonly holder: string;
  /** The token the principal authenticated with, when it did. */
  readonly tokenId: string | null;
}

/** The commands a joining-drive team records: its joins, ceremonies, outreach visits and drives. */
const CAMPAIGN_COMMANDS: ReadonlySet<string> = new Set(['JoinUnion', 'HoldCeremony', 'RecordOutreach', 'LaunchCampaign']);

/** Commands only an admin records: erasing a person's data (docs/privacy.md). */
const ADMIN_COMMANDS: ReadonlySet<string> = new Set(['ErasePersonalData']);

/** Whether the role may record commands of this type at all (its area is checked apart). */
export function mayRecord(role: Role, commandType: string): boolean {
  switch (role) {
    case 'admin':
      return true;
    case 'federation':
      return !ADMIN_COMMANDS.has(commandType);
    case 'campaign':
      return CAMPAIGN_COMMANDS.has(commandType);
    case 'auditor':
    case 'viewer':
    case 'engine':
      return false;
  }
}

/**
 * What a read shows, from least to most revealing:
 * - `figures`: aggregate figures (coverage, series, the coverage table, ceremony compliance, campaign progress, the outreach funnel);
 * - `work`: the organizing work lists of a drive (the gap plan, naming enterprises);
 * - `enterprises`: enterprise lists and exports, memberships per union;
 * - `revisions`: what changed a reported figure, enterprise by enterprise and member by member;
 * - `histories`: entity histories (member histories hold names);
 * - `access`: the tokens and the log of reads of personal data.
 */
export const READS = ['figures', 'work', 'enterprises', 'revisions', 'histories', 'access'] as const;
export type Read = (typeof READS)[number];

const READABLE: Record<Role, ReadonlySet<Read>> = {
  admin: new Set(READS),
  federation: new Set<Read>(['figures', 'work', 'enterprises', 'revisions', 'histories']),
  // A drive's team reads figures and its work lists; of histories, only campaigns' and those of members it signed up itself.
  campaign: new Set<Read>(['figures', 'work', 'histories']),
  auditor: new Set(READS),
  viewer: new Set<Read>(['figures']),
  // An engine reads and writes the log itself (the KurrentDB endpoint), not this API's answers.
  engine: new Set<Read>(),
};

export function mayRead(role: Role, read: Read): boolean {
  return READABLE[role].has(read);
}

/**
 * Whether an area is in the principal's scope, given the area's lineage (the
 * area and every area above it): admin sees everything; every other role the
 * subtree of its own area (an engine has none: it reads no area's figures).
 */
export function inScope(principal: Pick<Principal, 'role' | 'areaId'>, lineage: readonly string[]): boolean {
  return principal.role === 'admin' || (principal.areaId !== null && lineage.includes(principal.areaId));
}

/** The machine's operator running the CLI (who can open the store anyway): everything, under their name. */
export const operatorPrincipal = (name: string): Principal => ({ role: 'admin', areaId: null, holder: `operator:${name}`, tokenId: null });

/** A policy of the engine recording the commands a recorded fact calls for (docs/membership.md). */
export const policyPrincipal = (name: string): Principal => ({ role: 'admin', areaId: null, holder: `policy:${name}`, tokenId: null });
