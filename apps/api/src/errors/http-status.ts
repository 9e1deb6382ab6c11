import type { FailureKind } from '#commands';

/** The HTTP status of each kind of refused command: the API's part of the contract. */
const STATUS: Record<FailureKind, number> = { malformed: 400, forbidden: 403, refused: 422, conflict: 409, unavailable: 503, internal: 500 };

export const httpStatusOf = (kind: FailureKind): number => STATUS[kind];
