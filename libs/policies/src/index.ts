import type { Projection } from '#projections';
import { membershipSuccessionPolicy, type PolicyDeps } from './membership-succession/membership-succession.policy.js';

export * from './membership-succession/membership-succession.policy.js';

/**
 * Policies (process managers): fed from the log by the projection runner like
 * read models, but what they write are commands — recorded in the runner's
 * transaction, with the checkpoint. Never rebuilt or replayed: `rebuild` and
 * `verify --projections` go over read models only (ALL_PROJECTIONS).
 */
export const ALL_POLICIES: ReadonlyArray<(deps: PolicyDeps) => Projection> = [membershipSuccessionPolicy];

/** Every policy, ready for a ProjectionRunner. */
export const createPolicies = (deps: PolicyDeps): Projection[] => ALL_POLICIES.map((policy) => policy(deps));
