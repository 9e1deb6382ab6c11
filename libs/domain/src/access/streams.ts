/**
 * The streams the engine writes itself: the domain's (areas, enterprises,
 * unions, members, persons, cards, drives, ceremonies) and its own records
 * of access and of personal-data operations. Facts go into them only
 * through the commands, which enforce the rules; the KurrentDB endpoint
 * refuses to append to them for anyone but an engine sharing the log
 * (docs/kurrentdb.md). A stream the engine starts writing must be named here.
 */
export const DOMAIN_STREAM_PREFIXES = [
  'area-',
  'enterprise-',
  'union-',
  'member-',
  'person-',
  'card-',
  'campaign-',
  'ceremony-',
  'access-',
  'personal-data-',
] as const;

export const isDomainStream = (streamId: string): boolean => DOMAIN_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));
